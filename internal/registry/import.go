package registry

import (
	"cmp"
	"context"
	"errors"
	"io"
	"net/mail"
	"sort"
	"strings"
	"time"

	"github.com/baken-cert/baken/internal/asset"
	"github.com/baken-cert/baken/internal/problem"
	"github.com/baken-cert/baken/internal/store"
)

// ImportOptions say how to import a file.
type ImportOptions struct {
	Format Format
	// Source names the file, for the assets' provenance ("import:<Source>").
	Source string
	// Replace makes each listed organisation's assets exactly those in the file. An
	// organisation with a rejected row keeps all its assets, so that a typo never removes
	// one; so does every organisation when a row could not be read at all.
	Replace bool
	// Verification is the state of new assets; "" is unverified.
	Verification asset.Verification
	// DefaultLanguage is the language of contacts whose row names none; "" is "nl".
	DefaultLanguage string
	// Check, when set, decides the verification state of each new asset, or rejects
	// its row (see Service.Claim).
	Check func(asset.Asset) (asset.Verification, error)
	// MaxRows, when set, refuses a file of more rows: nothing of it is imported.
	MaxRows int
	// Org, when set, is the organisation every row belongs to (an upload in the
	// portal): the organisation column may be left out, and a row naming another
	// organisation, or a parent, is rejected.
	Org *store.OrgInput
}

// ImportReport says what an import did.
type ImportReport struct {
	Rows     int        `json:"rows"`
	Rejected []RowError `json:"rejected"`
	// Warnings are rows imported all the same, with something left out (a parent that
	// is not known); they count as imported.
	Warnings       []RowError `json:"warnings,omitempty"`
	IgnoredColumns []string   `json:"ignored_columns,omitempty"`
	// NotReplaced lists the organisations whose assets --replace left alone because
	// one of their rows was rejected.
	NotReplaced []string `json:"not_replaced,omitempty"`
	store.ImportResult
}

// stageBatch is how many assets go to the store at a time.
const stageBatch = 10000

// Import reads an import file and writes its organisations, contacts and assets. Bad rows
// are reported in the report with their line and reason; the good rows are imported. The
// error is for a file that cannot be read or written at all, in which case nothing changes;
// it is a *problem.Problem when it is the file's fault (no header, a line too long).
func (s *Service) Import(ctx context.Context, r io.Reader, opts ImportOptions) (ImportReport, error) {
	r, err := refuseBinary(r)
	if err != nil {
		return ImportReport{}, err
	}
	rows, err := newRowReader(r, opts.Format, opts.Org == nil)
	if err != nil {
		return ImportReport{}, err
	}
	im, err := s.store.BeginRegistryImport(ctx)
	if err != nil {
		return ImportReport{}, err
	}
	defer im.Rollback()
	b := newImportBuilder(opts)
	rep := ImportReport{IgnoredColumns: rows.Ignored()}
	// Reading and checking rows (CPU) and staging them (the database) overlap: a
	// goroutine stages each full batch while the next is read.
	stage := newStager(ctx, im)
	batch := make([]store.AssetInput, 0, stageBatch)
	for {
		row, err := rows.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		var rowErr RowError
		if errors.As(err, &rowErr) {
			rep.Rows++
			rep.Rejected = append(rep.Rejected, rowErr)
			b.unreadable = true
			continue
		}
		if err != nil {
			stage.wait()
			return ImportReport{}, problem.New("reading the file: %v", err)
		}
		rep.Rows++
		if opts.MaxRows > 0 && rep.Rows > opts.MaxRows {
			stage.wait()
			return ImportReport{}, problem.New("the file has more than %d rows, the most one upload may have: split it, or ask the CERT to import it", opts.MaxRows)
		}
		a, ok, err := b.add(row)
		if err != nil {
			rep.Rejected = append(rep.Rejected, rejectRow(row.Line, err))
			continue
		}
		if ok {
			batch = append(batch, a)
		}
		if len(batch) == stageBatch {
			stage.send(batch)
			batch = make([]store.AssetInput, 0, stageBatch)
		}
	}
	stage.send(batch)
	if err := stage.wait(); err != nil {
		return ImportReport{}, err
	}
	rep.Warnings = s.checkParents(ctx, b)
	commit := b.commit(rep.Rejected)
	rep.NotReplaced = b.notReplaced
	commit.Now = time.Now()
	res, err := im.Commit(ctx, commit)
	if err != nil {
		return ImportReport{}, err
	}
	rep.ImportResult = res
	sort.Slice(rep.Rejected, func(i, j int) bool { return rep.Rejected[i].Line < rep.Rejected[j].Line })
	return rep, nil
}

// importBuilder validates rows and gathers the organisations and contacts they name.
type importBuilder struct {
	opts        ImportOptions
	orgs        map[string]*orgSeen
	order       []string
	lines       map[string][]int // every row naming an organisation, good or bad
	unreadable  bool             // a row could not be read, so its organisation is unknown
	contacts    map[[2]string]store.ContactInput
	notReplaced []string
}

type orgSeen struct {
	in        store.OrgInput
	firstLine int
}

func newImportBuilder(opts ImportOptions) *importBuilder {
	if opts.Verification == "" {
		opts.Verification = asset.Unverified
	}
	if opts.DefaultLanguage == "" {
		opts.DefaultLanguage = "nl"
	}
	return &importBuilder{opts: opts, orgs: make(map[string]*orgSeen), lines: make(map[string][]int), contacts: make(map[[2]string]store.ContactInput)}
}

// add validates one row; it returns the row's asset when it has one.
func (b *importBuilder) add(row Row) (store.AssetInput, bool, error) {
	if o := b.opts.Org; o != nil {
		if (row.OrgRef != "" && row.OrgRef != o.Ref) || (row.OrgRef == "" && row.Organisation != "" && row.Organisation != o.Name) {
			return store.AssetInput{}, false, problem.New("this row names another organisation; you can only upload the assets of %s", o.Name)
		}
		if row.Parent != "" {
			return store.AssetInput{}, false, problem.New("only an analyst can set the parent of an organisation")
		}
		row.OrgRef, row.Organisation, row.Sector = o.Ref, o.Name, ""
	}
	if row.Organisation == "" {
		return store.AssetInput{}, false, problem.New("the organisation is empty")
	}
	ref := cmp.Or(row.OrgRef, row.Organisation)
	b.lines[ref] = append(b.lines[ref], row.Line)
	if row.Parent == ref {
		return store.AssetInput{}, false, problem.New("organisation %q cannot be its own parent", ref)
	}
	var contact store.ContactInput
	if row.ContactEmail != "" || row.Language != "" {
		c, err := b.contact(ref, row)
		if err != nil {
			return store.AssetInput{}, false, err
		}
		contact = c
	}
	var a asset.Asset
	if row.Asset != "" || row.ContactEmail == "" {
		var err error
		if a, err = asset.Parse(row.Asset); err != nil {
			return store.AssetInput{}, false, err
		}
	}
	v := b.opts.Verification
	if b.opts.Check != nil && a.Value != "" {
		var err error
		if v, err = b.opts.Check(a); err != nil {
			return store.AssetInput{}, false, err
		}
	}
	if err := b.org(ref, row); err != nil {
		return store.AssetInput{}, false, err
	}
	if contact.Email != "" {
		b.contacts[[2]string{ref, contact.Email}] = contact
	}
	if a.Value == "" {
		return store.AssetInput{}, false, nil
	}
	return store.AssetInput{OrgRef: ref, Kind: a.Kind, Value: a.Value, Verification: v,
		Provenance: "import:" + b.opts.Source}, true, nil
}

// org records the organisation a row names, and refuses a row that contradicts an
// earlier row about the same organisation.
func (b *importBuilder) org(ref string, row Row) error {
	o, ok := b.orgs[ref]
	if !ok {
		b.orgs[ref] = &orgSeen{in: store.OrgInput{Ref: ref, Name: row.Organisation, Sector: row.Sector, ParentRef: row.Parent},
			firstLine: row.Line}
		b.order = append(b.order, ref)
		return nil
	}
	switch {
	case o.in.Name != row.Organisation:
		return problem.New("organisation %q is called %q on line %d", ref, o.in.Name, o.firstLine)
	case row.Sector != "" && o.in.Sector != "" && row.Sector != o.in.Sector:
		return problem.New("organisation %q has sector %q on line %d", ref, o.in.Sector, o.firstLine)
	case row.Parent != "" && o.in.ParentRef != "" && row.Parent != o.in.ParentRef:
		return problem.New("organisation %q has parent %q on line %d", ref, o.in.ParentRef, o.firstLine)
	}
	o.in.Sector = cmp.Or(o.in.Sector, row.Sector)
	o.in.ParentRef = cmp.Or(o.in.ParentRef, row.Parent)
	return nil
}

func (b *importBuilder) contact(ref string, row Row) (store.ContactInput, error) {
	if row.ContactEmail == "" {
		return store.ContactInput{}, problem.New("a language needs a contact_email")
	}
	email, err := NormaliseEmail(row.ContactEmail)
	if err != nil {
		return store.ContactInput{}, err
	}
	lang := strings.ToLower(cmp.Or(row.Language, b.opts.DefaultLanguage))
	if lang != "nl" && lang != "en" {
		return store.ContactInput{}, problem.New("language %q: want nl or en", row.Language)
	}
	return store.ContactInput{OrgRef: ref, Email: email, Role: "security", Language: lang}, nil
}

// NormaliseEmail checks an e-mail address and lower-cases its domain. Its error is a
// *problem.Problem.
func NormaliseEmail(s string) (string, error) {
	addr, err := mail.ParseAddress(s)
	if err != nil || addr.Name != "" || !strings.Contains(addr.Address, "@") {
		return "", problem.New("contact_email %q is not an e-mail address", s)
	}
	local, domain, _ := strings.Cut(addr.Address, "@")
	d, err := asset.NormaliseDomain(domain)
	if err != nil {
		return "", problem.New("contact_email %q: %v", s, err)
	}
	return local + "@" + d, nil
}

// checkParents drops the parent link of organisations whose parent is neither in the
// file nor registered, and warns of it; the organisation itself is imported without it.
func (s *Service) checkParents(ctx context.Context, b *importBuilder) []RowError {
	var out []RowError
	for _, ref := range b.order {
		o := b.orgs[ref]
		p := o.in.ParentRef
		if p == "" || b.orgs[p] != nil {
			continue
		}
		if _, err := s.store.Organisation(ctx, p); err == nil {
			continue
		}
		out = append(out, rejectRow(o.firstLine, problem.New("parent %q is not a known organisation: %q was imported without a parent", p, ref)))
		o.in.ParentRef = ""
	}
	return out
}

func (b *importBuilder) commit(rejected []RowError) store.ImportCommit {
	bad := make(map[int]bool, len(rejected))
	for _, r := range rejected {
		bad[r.Line] = true
	}
	var c store.ImportCommit
	for _, ref := range b.order {
		o := b.orgs[ref]
		c.Organisations = append(c.Organisations, o.in)
		if !b.opts.Replace {
			continue
		}
		if b.unreadable || hasBad(b.lines[ref], bad) {
			b.notReplaced = append(b.notReplaced, ref)
			continue
		}
		c.ReplaceOrgRefs = append(c.ReplaceOrgRefs, ref)
	}
	for _, ct := range b.contacts {
		c.Contacts = append(c.Contacts, ct)
	}
	sort.Slice(c.Contacts, func(i, j int) bool {
		return c.Contacts[i].OrgRef+c.Contacts[i].Email < c.Contacts[j].OrgRef+c.Contacts[j].Email
	})
	return c
}

func hasBad(lines []int, bad map[int]bool) bool {
	for _, l := range lines {
		if bad[l] {
			return true
		}
	}
	return false
}

// stager stages batches of assets in the background, one at a time, in order.
type stager struct {
	batches chan []store.AssetInput
	done    chan error
}

func newStager(ctx context.Context, im store.RegistryImport) *stager {
	st := &stager{batches: make(chan []store.AssetInput, 2), done: make(chan error, 1)}
	go func() {
		var err error
		for batch := range st.batches {
			if err == nil {
				err = im.StageAssets(ctx, batch)
			}
		}
		st.done <- err
	}()
	return st
}

func (st *stager) send(batch []store.AssetInput) { st.batches <- batch }

// wait stops the stager after the batches sent so far and returns the first error.
func (st *stager) wait() error {
	close(st.batches)
	return <-st.done
}
