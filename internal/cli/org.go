package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"text/tabwriter"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"github.com/baken-cert/baken/internal/asset"
	"github.com/baken-cert/baken/internal/registry"
	"github.com/baken-cert/baken/internal/store"
)

func orgImport(ctx context.Context, env Env, args []string) error {
	fs, cfg, err := flags(env, "org import")
	if err != nil {
		return err
	}
	replace := fs.Bool("replace", false, "make each listed organisation's assets exactly those in the file")
	format := fs.String("format", "", "csv or jsonl (default: from the file name; csv for standard input)")
	verification := fs.String("verification", "unverified", "verification state of new assets (unverified, registry-backed, analyst-approved)")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	if err := parse(fs, cfg, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageError{"name one file to import, or - for standard input"}
	}
	v, err := asset.ParseVerification(*verification)
	if err != nil {
		return usageError{err.Error()}
	}
	name := fs.Arg(0)
	in, size, err := openInput(env, name)
	if err != nil {
		return err
	}
	defer in.Close()
	opts := registry.ImportOptions{Source: filepath.Base(name), Replace: *replace, Verification: v, Format: registry.Format(*format)}
	if opts.Format == "" {
		opts.Format = registry.FormatFor(name)
	}
	a, err := open(ctx, env, cfg)
	if err != nil {
		return err
	}
	defer a.Close()

	start := time.Now()
	var r io.Reader = in
	bar := progress(env, size, "importing "+opts.Source)
	if bar != nil {
		pr := progressbar.NewReader(in, bar)
		r = &pr
	}
	rep, err := a.Registry.Import(ctx, r, opts)
	if bar != nil {
		bar.Finish()
		bar.Clear()
	}
	if err != nil {
		return fmt.Errorf("%s: %w (nothing was imported)", name, err)
	}
	audit(ctx, env, a, "registry.import", fmt.Sprintf("%s: %d assets added, %d removed, %d rejected rows", opts.Source, rep.AssetsAdded, rep.AssetsRemoved, len(rep.Rejected)))
	if *asJSON {
		if rep.Rejected == nil {
			rep.Rejected = []registry.RowError{}
		}
		writeJSON(env.Stdout, rep)
	} else {
		printImport(env, opts.Source, rep, time.Since(start))
	}
	if len(rep.Rejected) > 0 {
		return exitError(1)
	}
	return nil
}

// openInput opens a file, or standard input for "-", and says how large it is (-1 when
// unknown).
func openInput(env Env, name string) (io.ReadCloser, int64, error) {
	if name == "-" {
		return io.NopCloser(env.Stdin), -1, nil
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, 0, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, 0, err
	}
	return f, st.Size(), nil
}

// progress returns a progress bar on standard error when it is a terminal, else nil.
func progress(env Env, size int64, what string) *progressbar.ProgressBar {
	f, ok := env.Stderr.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return nil
	}
	return progressbar.DefaultBytes(size, what)
}

func printImport(env Env, source string, rep registry.ImportReport, took time.Duration) {
	w := env.Stdout
	fmt.Fprintf(w, "Imported %s in %s: %d rows, %d rejected", source, took.Round(time.Millisecond), rep.Rows, len(rep.Rejected))
	if len(rep.Warnings) > 0 {
		fmt.Fprintf(w, ", %d imported with a warning", len(rep.Warnings))
	}
	fmt.Fprintln(w, ".")
	fmt.Fprintf(w, "  organisations  %d added, %d updated\n", rep.OrganisationsAdded, rep.OrganisationsUpdated)
	fmt.Fprintf(w, "  contacts       %d added\n", rep.ContactsAdded)
	fmt.Fprintf(w, "  assets         %d added, %d unchanged, %d removed\n", rep.AssetsAdded, rep.AssetsUnchanged, rep.AssetsRemoved)
	if len(rep.IgnoredColumns) > 0 {
		fmt.Fprintf(w, "  ignored columns: %v\n", rep.IgnoredColumns)
	}
	if len(rep.NotReplaced) > 0 {
		fmt.Fprintf(w, "  not replaced (they have rejected rows, so nothing was removed): %v\n", rep.NotReplaced)
	}
	for _, r := range rep.Rejected {
		fmt.Fprintf(env.Stderr, "%s: line %d: %s\n", source, r.Line, r.Reason)
	}
	for _, r := range rep.Warnings {
		fmt.Fprintf(env.Stderr, "%s: line %d: warning: %s\n", source, r.Line, r.Reason)
	}
}

func orgList(ctx context.Context, env Env, args []string) error {
	fs, cfg, err := flags(env, "org list")
	if err != nil {
		return err
	}
	parent := fs.String("parent", "", "only the organisations this intermediary manages")
	asJSON := fs.Bool("json", false, "print JSON")
	if err := parse(fs, cfg, args); err != nil {
		return err
	}
	a, err := open(ctx, env, cfg)
	if err != nil {
		return err
	}
	defer a.Close()
	orgs, err := a.Store.Organisations(ctx, store.OrgFilter{ParentRef: *parent})
	if err != nil {
		return err
	}
	if *asJSON {
		out := make([]orgJSON, len(orgs))
		for i, o := range orgs {
			out[i] = toOrgJSON(o)
		}
		writeJSON(env.Stdout, out)
		return nil
	}
	tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "REF\tNAME\tSECTOR\tPARENT")
	for _, o := range orgs {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", o.Ref, o.Name, o.Sector, o.ParentRef)
	}
	return tw.Flush()
}

type orgJSON struct {
	Ref       string    `json:"org_ref"`
	Name      string    `json:"name"`
	Sector    string    `json:"sector"`
	Parent    string    `json:"parent,omitempty"`
	CreatedAt time.Time `json:"created_at"`
}

func toOrgJSON(o store.Organisation) orgJSON {
	return orgJSON{Ref: o.Ref, Name: o.Name, Sector: o.Sector, Parent: o.ParentRef, CreatedAt: o.CreatedAt}
}

type contactJSON struct {
	Email        string     `json:"email"`
	Role         string     `json:"role"`
	Language     string     `json:"language"`
	BouncedAt    *time.Time `json:"bounced_at,omitempty"`
	BounceReason string     `json:"bounce_reason,omitempty"`
}

type assetJSON struct {
	Kind         asset.Kind         `json:"kind"`
	Value        string             `json:"value"`
	Verification asset.Verification `json:"verification"`
	Proof        string             `json:"proof"` // the same in words
	Provenance   string             `json:"provenance"`
}

func orgShow(ctx context.Context, env Env, args []string) error {
	fs, cfg, err := flags(env, "org show")
	if err != nil {
		return err
	}
	asJSON := fs.Bool("json", false, "print JSON")
	if err := parse(fs, cfg, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageError{"name one organisation by its ref"}
	}
	a, err := open(ctx, env, cfg)
	if err != nil {
		return err
	}
	defer a.Close()
	o, err := a.Store.Organisation(ctx, fs.Arg(0))
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("no organisation with ref %q (baken org list shows them)", fs.Arg(0))
	}
	if err != nil {
		return err
	}
	contacts, err := a.Store.Contacts(ctx, o.ID)
	if err != nil {
		return err
	}
	assets, err := a.Store.Assets(ctx, store.AssetFilter{OrgID: o.ID})
	if err != nil {
		return err
	}
	if *asJSON {
		out := struct {
			orgJSON
			Contacts []contactJSON `json:"contacts"`
			Assets   []assetJSON   `json:"assets"`
		}{orgJSON: toOrgJSON(o), Contacts: []contactJSON{}, Assets: []assetJSON{}}
		for _, c := range contacts {
			cj := contactJSON{Email: c.Email, Role: c.Role, Language: c.Language, BounceReason: c.BounceReason}
			if !c.BouncedAt.IsZero() {
				cj.BouncedAt = &c.BouncedAt
			}
			out.Contacts = append(out.Contacts, cj)
		}
		for _, x := range assets {
			out.Assets = append(out.Assets, assetJSON{x.Kind, x.Value, x.Verification, x.Proof().Describe().Error(), x.Provenance})
		}
		writeJSON(env.Stdout, out)
		return nil
	}
	w := env.Stdout
	fmt.Fprintf(w, "%s (%s)\n", o.Name, o.Ref)
	if o.Sector != "" {
		fmt.Fprintf(w, "  sector: %s\n", o.Sector)
	}
	if o.ParentRef != "" {
		fmt.Fprintf(w, "  managed by: %s\n", o.ParentRef)
	}
	fmt.Fprintf(w, "\nContacts (%d)\n", len(contacts))
	for _, c := range contacts {
		fmt.Fprintf(w, "  %s  %s, %s", c.Email, c.Role, c.Language)
		if !c.BouncedAt.IsZero() {
			fmt.Fprintf(w, "  REFUSED by the mail server on %s: %s", c.BouncedAt.Format("2006-01-02"), c.BounceReason)
		}
		fmt.Fprintln(w)
	}
	fmt.Fprintf(w, "\nAssets (%d)\n", len(assets))
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	for _, x := range assets {
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", x.Kind, x.Value, x.Proof().Describe(), x.Provenance)
	}
	return tw.Flush()
}

func writeJSON(w io.Writer, v any) {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.Encode(v)
}
