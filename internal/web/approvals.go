package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/baken-cert/baken/internal/asset"
	"github.com/baken-cert/baken/internal/store"
)

// RIPEOwner names the organisation the RIPE data gives for an address range or an AS
// number (its org-name), for deciding whether an organisation's own registration is
// backed by the registry.
type RIPEOwner func(a asset.Asset) (orgName string, ok bool)

// UseRIPE lets the portal check registrations against the RIPE data.
func (p *Portal) UseRIPE(owner RIPEOwner) { p.ripe = owner }

// verificationFor decides the state of an asset an organisation registers itself:
// an address range or AS number waits for an analyst, unless the RIPE data names the
// same organisation; a domain is unverified until proven by DNS.
func (p *Portal) verificationFor(orgName string) func(asset.Asset) asset.Verification {
	return func(a asset.Asset) asset.Verification {
		if a.Kind != asset.IPv4 && a.Kind != asset.IPv6 && a.Kind != asset.IPv4Prefix && a.Kind != asset.IPv6Prefix && a.Kind != asset.ASN {
			return asset.Unverified
		}
		if p.ripe != nil {
			if name, ok := p.ripe(a); ok && sameName(name, orgName) {
				return asset.RegistryBacked
			}
		}
		return asset.Pending
	}
}

// sameName compares organisation names as people write them: case, spaces and
// punctuation aside.
func sameName(a, b string) bool {
	norm := func(s string) string {
		return strings.Map(func(r rune) rune {
			if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r > 127 {
				return r
			}
			return -1
		}, strings.ToLower(s))
	}
	return norm(a) != "" && norm(a) == norm(b)
}

type approvalsPage struct {
	CSRF  string
	User  store.User
	Rows  []approvalRow
	Flash *flash
}

type approvalRow struct {
	ID                   int64
	Value, Kind, OrgName string
}

// maxApprovals bounds the approvals one page lists.
const maxApprovals = 200

func (p *Portal) approvalRoutes(mux *http.ServeMux) {
	mux.Handle("GET /approvals", p.analystOnly(p.approvals))
	mux.Handle("POST /approvals", p.analystOnly(p.approve))
}

// approvals lists the address ranges and AS numbers waiting for an analyst.
func (p *Portal) approvals(w http.ResponseWriter, r *http.Request, req request) {
	ctx := r.Context()
	pending, err := p.store.Assets(ctx, store.AssetFilter{Verification: asset.Pending, Limit: maxApprovals})
	if err != nil {
		p.fail(w, r, err)
		return
	}
	page := approvalsPage{CSRF: req.csrf, User: req.session.User, Flash: p.takeFlash(w, r, req)}
	names := map[int64]string{}
	for _, a := range pending {
		if _, ok := names[a.OrgID]; !ok {
			org, err := p.store.OrganisationByID(ctx, a.OrgID)
			if err != nil {
				p.fail(w, r, err)
				return
			}
			names[a.OrgID] = org.Name + " (" + org.Ref + ")"
		}
		page.Rows = append(page.Rows, approvalRow{ID: a.ID, Value: a.Value, Kind: string(a.Kind), OrgName: names[a.OrgID]})
	}
	p.render(w, r, http.StatusOK, "approvals.html", page)
}

// approve approves a pending registration (it matches from then on) or rejects it
// (it is removed).
func (p *Portal) approve(w http.ResponseWriter, r *http.Request, req request) {
	ctx := r.Context()
	u := req.session.User
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
	audit := store.AuditEntry{At: p.now(), ActorID: u.ID, OrgID: a.OrgID, Detail: a.Value}
	switch r.FormValue("decision") {
	case "approve":
		audit.Action = "asset.approve"
		err = p.store.SetVerification(ctx, id, asset.AnalystApproved, audit)
	case "reject":
		audit.Action = "asset.reject"
		err = p.store.DeleteAsset(ctx, a.OrgID, id, audit)
	default:
		p.errorPage(w, r, http.StatusBadRequest, p.t(r, "Approve or reject."))
		return
	}
	done := p.t(r, "%s approved.", a.Value)
	if audit.Action == "asset.reject" {
		done = p.t(r, "%s rejected and removed.", a.Value)
	}
	p.changed(w, r, req, err, "/approvals", flash{Message: done})
}
