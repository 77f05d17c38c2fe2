package web

import (
	"net/http"

	"github.com/baken-cert/baken/internal/store"
)

// maxOrganisations bounds the organisations one page lists.
const maxOrganisations = 200

type organisationsPage struct {
	CSRF        string
	User        store.User
	Rows        []organisationRow
	Unreachable []organisationRow // without a working notification address
}

type organisationRow struct {
	Ref, Name, Parent                               string
	Assets, Verified, Unverified, Pending, Contacts int
	Working                                         int // addresses the mail server takes
	Refused                                         []string
}

// organisations shows analysts every organisation with the verification state of its
// assets (what is proven, what is not, what waits for them) and, first, those that no
// notification reaches: without an address, or whose every address the mail server
// refuses.
func (p *Portal) organisations(w http.ResponseWriter, r *http.Request, req request) {
	ctx := r.Context()
	orgs, err := p.store.Organisations(ctx, store.OrgFilter{Limit: maxOrganisations})
	if err != nil {
		p.fail(w, r, err)
		return
	}
	page := organisationsPage{CSRF: req.csrf, User: req.session.User}
	for _, o := range orgs {
		row := organisationRow{Ref: o.Ref, Name: o.Name, Parent: o.ParentRef}
		counts, err := p.store.AssetCounts(ctx, o.ID)
		if err != nil {
			p.fail(w, r, err)
			return
		}
		for _, c := range counts {
			row.Assets += c.Count
			switch {
			case !c.Verification.Matches():
				row.Pending += c.Count // waiting for proof, or its proof lapsed
			case c.Verification.Verified():
				row.Verified += c.Count
			default:
				row.Unverified += c.Count
			}
		}
		cs, err := p.store.Contacts(ctx, o.ID)
		if err != nil {
			p.fail(w, r, err)
			return
		}
		row.Contacts = len(cs)
		for _, c := range cs {
			if working(c) {
				row.Working++
			} else {
				row.Refused = append(row.Refused, c.Email)
			}
		}
		page.Rows = append(page.Rows, row)
		if row.Working == 0 {
			page.Unreachable = append(page.Unreachable, row)
		}
	}
	p.render(w, r, http.StatusOK, "organisations.html", page)
}
