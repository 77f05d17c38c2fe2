package web

import (
	"context"
	"errors"
	"net/http"

	"github.com/baken-cert/baken/internal/account"
	"github.com/baken-cert/baken/internal/store"
)

// An intermediary (a sector CERT, an IT provider) manages its child organisations: its
// users choose which organisation their session acts for. Every organisation page then
// shows and changes that organisation only, exactly as for its own users.

type orgsPage struct {
	CSRF   string
	User   store.User
	Own    store.Organisation
	Acting int64
	Orgs   []store.Organisation
}

func (p *Portal) orgRoutes(mux *routeTable) {
	mux.Handle("GET /orgs", p.signedIn(p.orgList))
	mux.Handle("POST /orgs/switch", p.signedIn(p.orgSwitch))
}

// actingOrg returns the organisation a session acts for: a child of the user's own, or
// their own. A child that is no longer one falls back to the user's own.
func (p *Portal) actingOrg(ctx context.Context, sess store.Session) (int64, error) {
	own := sess.User.OrgID
	if sess.ActingOrgID == 0 || sess.ActingOrgID == own || own == 0 {
		return own, nil
	}
	child, err := account.Reach(ctx, p.store, account.PrincipalOf(sess.User), sess.ActingOrgID)
	if errors.Is(err, store.ErrNotFound) {
		return own, nil
	}
	return child.ID, err
}

func (p *Portal) orgList(w http.ResponseWriter, r *http.Request, req request) {
	ctx := r.Context()
	u := req.session.User
	if req.ownOrgID == 0 {
		p.errorPage(w, r, http.StatusForbidden, p.t(r, "This page is for the users of an organisation."))
		return
	}
	own, err := p.store.OrganisationByID(ctx, req.ownOrgID)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	children, err := p.store.Organisations(ctx, store.OrgFilter{ParentRef: own.Ref})
	if err != nil {
		p.fail(w, r, err)
		return
	}
	p.render(w, r, http.StatusOK, "orgs.html", orgsPage{CSRF: req.csrf, User: u, Own: own, Acting: u.OrgID, Orgs: children})
}

// orgSwitch makes the session act for the user's own organisation or one of its
// children; any other organisation is not found.
func (p *Portal) orgSwitch(w http.ResponseWriter, r *http.Request, req request) {
	ctx := r.Context()
	if req.ownOrgID == 0 {
		p.notFound(w, r)
		return
	}
	own, err := p.store.OrganisationByID(ctx, req.ownOrgID)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	target := own
	if ref := r.FormValue("org"); ref != own.Ref {
		if target, err = p.store.Organisation(ctx, ref); err == nil {
			ownUser := req.session.User
			ownUser.OrgID = own.ID
			target, err = account.Reach(ctx, p.store, account.PrincipalOf(ownUser), target.ID)
		}
		if errors.Is(err, store.ErrNotFound) {
			p.notFound(w, r)
			return
		}
		if err != nil {
			p.fail(w, r, err)
			return
		}
	}
	acting := target.ID
	if acting == own.ID {
		acting = 0
	}
	if err := p.store.SetActingOrg(ctx, req.session.User.ID, req.session.Hash, acting); err != nil {
		p.fail(w, r, err)
		return
	}
	p.audit(ctx, req.session.User, "session.act-for", target.Ref)
	http.Redirect(w, r, "/", http.StatusSeeOther)
}
