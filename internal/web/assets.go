package web

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/baken-cert/baken/internal/account"
	"github.com/baken-cert/baken/internal/asset"
	"github.com/baken-cert/baken/internal/registry"
	"github.com/baken-cert/baken/internal/safecsv"
	"github.com/baken-cert/baken/internal/store"
)

// assetPageSize is how many assets one page shows.
const assetPageSize = 50

type assetsPage struct {
	CSRF, Query, Kind, Next string
	User                    store.User
	OrgName                 string
	CanEdit                 bool
	Assets                  []store.Asset
	Kinds                   []asset.Kind
	Flash                   *flash
}

// orgOnly lets through the users of an organisation; the organisation is always the
// session user's own.
func (p *Portal) orgOnly(h func(http.ResponseWriter, *http.Request, request)) http.Handler {
	return p.signedIn(func(w http.ResponseWriter, r *http.Request, req request) {
		if req.session.User.OrgID == 0 {
			p.errorPage(w, r, http.StatusForbidden, p.t(r, "This page is for the users of an organisation."))
			return
		}
		if r.Method == http.MethodPost && req.session.User.Role != store.RoleOrgAdmin {
			p.errorPage(w, r, http.StatusForbidden, p.t(r, "Only an administrator of your organisation can change its data."))
			return
		}
		h(w, r, req)
	})
}

// assets lists the organisation's assets a page at a time, with search.
func (p *Portal) assets(w http.ResponseWriter, r *http.Request, req request) {
	ctx := r.Context()
	u := req.session.User
	org, err := p.store.OrganisationByID(ctx, u.OrgID)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	q := store.AssetQuery{OrgID: u.OrgID, Query: strings.ToLower(strings.TrimSpace(r.FormValue("q"))), Kind: asset.Kind(r.FormValue("kind")), Limit: assetPageSize}
	if after := r.FormValue("after"); after != "" {
		kind, value, _ := strings.Cut(after, " ")
		q.AfterKind, q.AfterValue = asset.Kind(kind), value
	}
	list, err := p.registry.AssetPage(ctx, account.PrincipalOf(u), q)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	page := assetsPage{CSRF: req.csrf, User: u, OrgName: org.Name, CanEdit: u.Role == store.RoleOrgAdmin, Assets: list,
		Query: q.Query, Kind: string(q.Kind), Kinds: asset.AllKinds(), Flash: p.takeFlash(w, r, req)}
	if len(list) == assetPageSize {
		last := list[len(list)-1]
		page.Next = string(last.Kind) + " " + last.Value
	}
	p.render(w, r, http.StatusOK, "assets.html", page)
}

// addAsset registers one asset, checked as an upload row would be.
func (p *Portal) addAsset(w http.ResponseWriter, r *http.Request, req request) {
	value := strings.TrimSpace(r.FormValue("value"))
	if strings.ContainsAny(value, ",\"\n\r") {
		p.redirectWith(w, r, req, "/assets", flash{Message: p.t(r, "%q is not an address, prefix, AS number or domain.", value), Failed: true})
		return
	}
	p.importFor(w, r, req, strings.NewReader("asset\n"+value+"\n"), registry.CSV, "asset.add", value)
}

// uploadAssets imports an uploaded file in the import format, for the user's
// organisation only; bad rows are shown with their line and reason.
func (p *Portal) uploadAssets(w http.ResponseWriter, r *http.Request, req request) {
	f, hdr, err := r.FormFile("file")
	if err != nil {
		p.redirectWith(w, r, req, "/assets", flash{Message: p.t(r, "Choose a CSV or JSON Lines file of at most 64 MiB to upload."), Failed: true})
		return
	}
	defer f.Close()
	if !p.uploads.start(req.session.User.ID) {
		p.errorPage(w, r, http.StatusTooManyRequests, p.t(r, "Another upload is still being imported: try again when it is done."))
		return
	}
	defer p.uploads.done(req.session.User.ID)
	p.importFor(w, r, req, f, registry.FormatFor(hdr.Filename), "asset.upload", hdr.Filename)
}

func (p *Portal) importFor(w http.ResponseWriter, r *http.Request, req request, content io.Reader, f registry.Format, action, detail string) {
	ctx := r.Context()
	u := req.session.User
	rep, err := p.registry.ClaimFor(ctx, account.PrincipalOf(u), u.OrgID, content, f)
	if errors.Is(err, account.ErrForbidden) || errors.Is(err, store.ErrNotFound) {
		p.changed(w, r, req, err, "/assets", flash{})
		return
	}
	if err != nil {
		p.redirectWith(w, r, req, "/assets", flash{Message: p.t(r, "Nothing was imported: %v", p.tError(r, err)), Failed: true})
		return
	}
	p.audit(ctx, u, action, fmt.Sprintf("%s: %d added, %d rejected", detail, rep.AssetsAdded, len(rep.Rejected)))
	done := flash{Message: p.t(r, "%d added, %d already registered, %d rejected.", rep.AssetsAdded, rep.AssetsUnchanged, len(rep.Rejected)),
		Failed: len(rep.Rejected) > 0, LinesID: "rejected"}
	// The page gives the reasons of the rejected rows in the reader's language.
	for _, row := range rep.Rejected {
		done.Lines = append(done.Lines, p.t(r, "line %d: %s", row.Line, p.tProblem(r, row.Problem, row.Reason)))
	}
	p.redirectWith(w, r, req, "/assets", done)
}

// uploadsAtOnce is how many asset uploads are imported at once, in all.
const uploadsAtOnce = 4

// uploads bounds the uploads being imported: one per user, and a few in all, so that
// many users uploading at once cannot take the memory and the database.
type uploads struct {
	mu     sync.Mutex
	byUser map[int64]bool
	max    int
}

func newUploads(max int) *uploads { return &uploads{byUser: map[int64]bool{}, max: max} }

// start reports whether user may begin an upload now; done ends it.
func (u *uploads) start(user int64) bool {
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.byUser[user] || len(u.byUser) >= u.max {
		return false
	}
	u.byUser[user] = true
	return true
}

func (u *uploads) done(user int64) {
	u.mu.Lock()
	defer u.mu.Unlock()
	delete(u.byUser, user)
}

// removeAsset removes one of the organisation's own assets; any other id is not found.
// The audit log names the asset by its value, which outlives its id.
func (p *Portal) removeAsset(w http.ResponseWriter, r *http.Request, req request) {
	u := req.session.User
	id, err := strconv.ParseInt(r.FormValue("id"), 10, 64)
	if err != nil {
		p.notFound(w, r)
		return
	}
	a, err := p.registry.RemoveAsset(r.Context(), account.PrincipalOf(u), u.OrgID, id)
	p.changed(w, r, req, err, "/assets", flash{Message: p.t(r, "%s removed.", a.Value)})
}

// exportAssets downloads every asset of the organisation as CSV, in the import format.
func (p *Portal) exportAssets(w http.ResponseWriter, r *http.Request, req request) {
	ctx := r.Context()
	u := req.session.User
	org, err := p.store.OrganisationByID(ctx, u.OrgID)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="assets-`+strings.Map(safeFileRune, org.Ref)+`.csv"`)
	cw := safecsv.NewWriter(w)
	cw.Write([]string{"organisation", "org_ref", "asset", "kind", "verification", "provenance"})
	q := store.AssetQuery{OrgID: u.OrgID, Limit: 5000}
	for {
		page, err := p.store.AssetPage(ctx, q)
		if err != nil || len(page) == 0 {
			break
		}
		for _, a := range page {
			cw.Write([]string{org.Name, org.Ref, a.Value, string(a.Kind), string(a.Verification), a.Provenance})
		}
		last := page[len(page)-1]
		q.AfterKind, q.AfterValue = last.Kind, last.Value
	}
	cw.Flush()
}

func safeFileRune(r rune) rune {
	if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' {
		return r
	}
	return '_'
}
