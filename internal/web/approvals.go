package web

import (
	"cmp"
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/baken-cert/baken/internal/asset"
	"github.com/baken-cert/baken/internal/registry"
	"github.com/baken-cert/baken/internal/store"
)

// UseClaimPolicy sets how far the portal trusts what organisations register themselves
// (see registry.ClaimPolicy).
func (p *Portal) UseClaimPolicy(c registry.ClaimPolicy) { p.registry.SetClaimPolicy(c) }

type approvalsPage struct {
	CSRF   string
	User   store.User
	Total  int
	Kinds  []kindTotal
	Orgs   []orgTotal
	OrgID  int64
	Kind   string
	Shown  int // how many the filter selects
	Rows   []approvalRow
	Next   string // the query of the next page, "" on the last
	Filter string // the query of this filter, for the forms' way back
	Flash  *flash
}

type kindTotal struct {
	Kind  asset.Kind
	Count int
}

type orgTotal struct {
	ID    int64
	Name  string
	Count int
}

type approvalRow struct {
	store.Asset
	OrgName  string
	By       string // who claimed it: the user, or the file it came from
	Evidence *registry.Evidence
}

// approvalsPageSize is how many claims one page of approvals lists.
const approvalsPageSize = 50

// maxApprovalOrgs bounds the organisations the filter offers by name (those with the
// most claims waiting).
const maxApprovalOrgs = 500

func (p *Portal) approvalRoutes(mux *routeTable) {
	mux.Handle("GET /approvals", p.analystOnly(p.approvals))
	mux.Handle("POST /approvals", p.analystOnly(p.approve))
	mux.Handle("POST /approvals/bulk", p.analystOnly(p.approveAll))
}

// approvals lists what organisations claimed and nobody proved yet, with totals, a
// filter by organisation and kind, pages, and the RIPE data beside each range.
func (p *Portal) approvals(w http.ResponseWriter, r *http.Request, req request) {
	ctx := r.Context()
	orgID, _ := strconv.ParseInt(r.FormValue("org"), 10, 64)
	after, _ := strconv.ParseInt(r.FormValue("after"), 10, 64)
	kind := asset.Kind(r.FormValue("kind"))
	if !kind.Valid() {
		kind = ""
	}
	totals, err := p.store.PendingTotals(ctx, store.AssetFilter{})
	if err != nil {
		p.fail(w, r, err)
		return
	}
	page := approvalsPage{CSRF: req.csrf, User: req.session.User, OrgID: orgID, Kind: string(kind), Filter: approvalsQuery(orgID, kind, 0),
		Flash: p.takeFlash(w, r, req)}
	byKind, byOrg := map[asset.Kind]int{}, map[int64]int{}
	for _, t := range totals {
		page.Total += t.Count
		byKind[t.Kind] += t.Count
		byOrg[t.OrgID] += t.Count
		if (orgID == 0 || t.OrgID == orgID) && (kind == "" || t.Kind == kind) {
			page.Shown += t.Count
		}
	}
	for _, k := range asset.AllKinds() {
		if byKind[k] > 0 {
			page.Kinds = append(page.Kinds, kindTotal{k, byKind[k]})
		}
	}
	names := orgNames{store: p.store, names: map[int64]string{}}
	for id, n := range byOrg {
		page.Orgs = append(page.Orgs, orgTotal{ID: id, Count: n})
	}
	slices.SortFunc(page.Orgs, func(a, b orgTotal) int { return cmp.Or(b.Count-a.Count, cmp.Compare(a.ID, b.ID)) })
	page.Orgs = page.Orgs[:min(len(page.Orgs), maxApprovalOrgs)]
	for i := range page.Orgs {
		if page.Orgs[i].Name, err = names.of(ctx, page.Orgs[i].ID); err != nil {
			p.fail(w, r, err)
			return
		}
	}
	pending, err := p.store.Assets(ctx, store.AssetFilter{Verification: asset.Pending, OrgID: orgID, Kind: kind, AfterID: after, Limit: approvalsPageSize})
	if err != nil {
		p.fail(w, r, err)
		return
	}
	for _, a := range pending {
		row := approvalRow{Asset: a, By: strings.TrimPrefix(strings.TrimPrefix(a.Provenance, "import:"), "portal:")}
		if row.OrgName, err = names.of(ctx, a.OrgID); err != nil {
			p.fail(w, r, err)
			return
		}
		if ev, ok := p.registry.Evidence(asset.Asset{Kind: a.Kind, Value: a.Value}); ok {
			row.Evidence = &ev
		}
		page.Rows = append(page.Rows, row)
	}
	if len(pending) == approvalsPageSize {
		page.Next = approvalsQuery(orgID, kind, pending[len(pending)-1].ID)
	}
	p.render(w, r, http.StatusOK, "approvals.html", page)
}

// orgNames looks organisations' names up once each.
type orgNames struct {
	store store.Store
	names map[int64]string
}

func (o orgNames) of(ctx context.Context, id int64) (string, error) {
	if name, ok := o.names[id]; ok {
		return name, nil
	}
	org, err := o.store.OrganisationByID(ctx, id)
	if err != nil {
		return "", err
	}
	o.names[id] = org.Name + " (" + org.Ref + ")"
	return o.names[id], nil
}

// approvalsQuery is the address of a filtered page of approvals.
func approvalsQuery(orgID int64, kind asset.Kind, after int64) string {
	q := url.Values{}
	if orgID != 0 {
		q.Set("org", strconv.FormatInt(orgID, 10))
	}
	if kind != "" {
		q.Set("kind", string(kind))
	}
	if after != 0 {
		q.Set("after", strconv.FormatInt(after, 10))
	}
	if len(q) == 0 {
		return "/approvals"
	}
	return "/approvals?" + q.Encode()
}

// approve approves one claim (it matches from then on) or rejects it (it is removed).
func (p *Portal) approve(w http.ResponseWriter, r *http.Request, req request) {
	ctx := r.Context()
	id, err := strconv.ParseInt(r.FormValue("id"), 10, 64)
	if err != nil {
		p.notFound(w, r)
		return
	}
	pending, err := p.store.Assets(ctx, store.AssetFilter{Verification: asset.Pending, AfterID: id - 1, Limit: 1})
	if err != nil {
		p.fail(w, r, err)
		return
	}
	if len(pending) == 0 || pending[0].ID != id {
		p.notFound(w, r)
		return
	}
	a := pending[0]
	p.decide(w, r, req, store.PendingDecision{AssetID: id, OrgID: a.OrgID}, a.Value)
}

// approveAll approves or rejects every claim of one organisation, or of one kind of it.
func (p *Portal) approveAll(w http.ResponseWriter, r *http.Request, req request) {
	orgID, err := strconv.ParseInt(r.FormValue("org"), 10, 64)
	if err != nil || orgID == 0 {
		p.notFound(w, r)
		return
	}
	kind := asset.Kind(r.FormValue("kind"))
	detail := "all waiting"
	if kind != "" {
		if !kind.Valid() {
			p.notFound(w, r)
			return
		}
		detail += " " + string(kind)
	}
	p.decide(w, r, req, store.PendingDecision{OrgID: orgID, Kind: kind}, detail)
}

// decide carries out an analyst's decision and goes back to the page it came from.
func (p *Portal) decide(w http.ResponseWriter, r *http.Request, req request, d store.PendingDecision, detail string) {
	switch r.FormValue("decision") {
	case "approve":
		d.Approve = true
	case "reject":
	default:
		p.errorPage(w, r, http.StatusBadRequest, p.t(r, "Approve or reject."))
		return
	}
	n, err := p.registry.Decide(r.Context(), req.session.User, d, detail)
	back := localPath(r.FormValue("back"))
	if !strings.HasPrefix(back, "/approvals") {
		back = "/approvals"
	}
	done := p.t(r, "%d approved.", n)
	switch {
	case d.AssetID != 0 && d.Approve:
		done = p.t(r, "%s approved.", detail)
	case d.AssetID != 0:
		done = p.t(r, "%s rejected and removed.", detail)
	case !d.Approve:
		done = p.t(r, "%d rejected and removed.", n)
	}
	p.changed(w, r, req, err, back, flash{Message: done})
}
