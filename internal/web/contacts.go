package web

import (
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/baken-cert/baken/internal/account"
	"github.com/baken-cert/baken/internal/registry"
	"github.com/baken-cert/baken/internal/store"
	"github.com/baken-cert/baken/internal/verify"
)

// UseHTTPClient sets the client that fetches security.txt (a safehttp client, or a
// test's).
func (p *Portal) UseHTTPClient(c *http.Client) { p.http = c }

func (p *Portal) contactRoutes(mux *routeTable) {
	mux.Handle("GET /contacts", p.orgOnly(p.contacts))
	mux.Handle("POST /contacts", p.orgOnly(p.addContact))
	mux.Handle("POST /contacts/remove", p.orgOnly(p.removeContact))
	mux.Handle("POST /contacts/securitytxt", p.orgOnly(p.securityTxt))
	mux.Handle("POST /preferences", p.orgOnly(p.preferences))
}

// preferences records the organisation's choice of aggregation: every notification at
// once, a daily digest, or what the CERT's rules say.
func (p *Portal) preferences(w http.ResponseWriter, r *http.Request, req request) {
	u := req.session.User
	err := p.registry.SetAggregation(r.Context(), account.PrincipalOf(u), u.OrgID, r.FormValue("aggregation"))
	if errors.Is(err, registry.ErrUnknownAggregation) {
		p.errorPage(w, r, http.StatusBadRequest, p.t(r, "Unknown choice."))
		return
	}
	p.changed(w, r, req, err, "/contacts", flash{Message: p.t(r, "Saved.")})
}

type contactsPage struct {
	CSRF, OrgName string
	User          store.User
	CanEdit       bool
	Contacts      []store.Contact
	Domains       []string
	Aggregation   string
	Flash         *flash
	Confirm       *store.Contact // the last working address, whose removal asks first
}

// contacts lists the notification addresses; ?remove=ID asks to confirm the removal of
// the last working one.
func (p *Portal) contacts(w http.ResponseWriter, r *http.Request, req request) {
	u := req.session.User
	cs, err := p.registry.Contacts(r.Context(), account.PrincipalOf(u), u.OrgID)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	domains, err := p.domainNames(r, u.OrgID)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	org, err := p.store.OrganisationByID(r.Context(), u.OrgID)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	page := contactsPage{CSRF: req.csrf, User: u, OrgName: org.Name, CanEdit: u.Role == store.RoleOrgAdmin, Contacts: cs, Domains: domains,
		Aggregation: org.Aggregation, Flash: p.takeFlash(w, r, req)}
	if id, err := strconv.ParseInt(r.FormValue("remove"), 10, 64); err == nil && page.CanEdit {
		for i, c := range cs {
			if c.ID == id {
				page.Confirm = &cs[i]
			}
		}
	}
	p.render(w, r, http.StatusOK, "contacts.html", page)
}

// working reports whether the mail server takes c: it has not refused it for good.
func working(c store.Contact) bool { return registry.Working(c) }

// addContact adds a notification address in a language; it is how a user confirms an
// address that security.txt offered.
func (p *Portal) addContact(w http.ResponseWriter, r *http.Request, req request) {
	u := req.session.User
	addr := strings.TrimSpace(r.FormValue("email"))
	rep, err := p.registry.AddContact(r.Context(), account.PrincipalOf(u), u.OrgID, addr, r.FormValue("language"))
	switch {
	case errors.Is(err, registry.ErrNotAnAddress):
		p.redirectWith(w, r, req, "/contacts", flash{Message: p.t(r, "That is not an e-mail address."), Failed: true})
	case err == nil && len(rep.Rejected) > 0:
		row := rep.Rejected[0]
		p.redirectWith(w, r, req, "/contacts", flash{Message: p.tProblem(r, row.Problem, row.Reason), Failed: true})
	default:
		p.changed(w, r, req, err, "/contacts", flash{Message: p.t(r, "%s receives the notifications now.", addr)})
	}
}

// removeContact removes a notification address. Removing the last one that works would
// leave the organisation unwarned: that asks first (a page with a second button, no
// script needed), and goes ahead only with confirm=yes.
func (p *Portal) removeContact(w http.ResponseWriter, r *http.Request, req request) {
	u := req.session.User
	id, err := strconv.ParseInt(r.FormValue("id"), 10, 64)
	if err != nil {
		p.notFound(w, r)
		return
	}
	c, none, err := p.registry.RemoveContact(r.Context(), account.PrincipalOf(u), u.OrgID, id, r.FormValue("confirm") == "yes")
	if errors.Is(err, registry.ErrLastAddress) {
		http.Redirect(w, r, "/contacts?remove="+strconv.FormatInt(id, 10)+"#confirm-remove", http.StatusSeeOther)
		return
	}
	done := flash{Message: p.t(r, "%s no longer receives notifications.", c.Email)}
	if none {
		done.Failed = true
		done.Message = p.t(r, "%s no longer receives notifications. Your organisation has no working notification address now: add one.", c.Email)
	}
	p.changed(w, r, req, err, "/contacts", done)
}

// securityTxt fetches the security.txt of one of the organisation's domains and offers
// its e-mail contacts, but only from a file that is valid and unexpired; none is added
// until a user confirms it. The file's problems are shown either way.
func (p *Portal) securityTxt(w http.ResponseWriter, r *http.Request, req request) {
	u := req.session.User
	domain := strings.ToLower(strings.TrimSpace(r.FormValue("domain")))
	names, err := p.domainNames(r, u.OrgID)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	if !slices.Contains(names, domain) {
		p.notFound(w, r)
		return
	}
	st, problems, err := verify.Fetch(r.Context(), p.http, domain)
	page := flash{Domain: domain}
	for _, prob := range problems {
		text := p.tProblem(r, prob.Text, prob.Message)
		if prob.Line > 0 {
			text = p.t(r, "line %d: %s", prob.Line, text)
		}
		page.Lines = append(page.Lines, text)
	}
	switch {
	case err != nil:
		page.Message, page.Failed = p.t(r, "No security.txt could be read from %s: %v", domain, p.tError(r, err)), true
	case st.Expired:
		page.Message, page.Failed = p.t(r, "The security.txt of %s has expired, so its addresses are not offered.", domain), true
	case !st.Valid:
		page.Message, page.Failed = p.t(r, "The security.txt of %s is not valid, so its addresses are not offered:", domain), true
	case len(st.Emails) == 0:
		page.Message, page.Failed = p.t(r, "The security.txt of %s names no e-mail address.", domain), true
	default:
		page.Message, page.Offers = p.t(r, "The security.txt of %s names these addresses; add the ones that should receive notifications.", domain), st.Emails
	}
	if len(page.Offers) > maxFlashLines {
		page.Offers = page.Offers[:maxFlashLines]
	}
	p.redirectWith(w, r, req, "/contacts", page)
}
