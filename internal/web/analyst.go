package web

import (
	"errors"
	"net/http"

	"github.com/baken-cert/baken/internal/notify"
	"github.com/baken-cert/baken/internal/store"
)

// UseNotify gives the portal the notification service, for analysts' review.
func (p *Portal) UseNotify(n *notify.Service) { p.notify = n }

func (p *Portal) analystRoutes(mux *routeTable) {
	mux.Handle("GET /review", p.analystOnly(p.reviewList))
	mux.Handle("GET /review/{ticket}", p.analystOnly(p.reviewOne))
	mux.Handle("POST /review/{ticket}/approve", p.analystOnly(p.reviewApprove))
	mux.Handle("POST /review/{ticket}/reject", p.analystOnly(p.reviewReject))
	mux.Handle("GET /audit", p.analystOnly(p.auditLog))
	mux.Handle("GET /organisations", p.analystOnly(p.organisations))
}

// analystOnly lets through analysts and administrators.
func (p *Portal) analystOnly(h func(http.ResponseWriter, *http.Request, request)) http.Handler {
	return p.signedIn(func(w http.ResponseWriter, r *http.Request, req request) {
		if role := req.session.User.Role; role != store.RoleAnalyst && role != store.RoleAdmin {
			p.errorPage(w, r, http.StatusForbidden, p.t(r, "This page is for analysts."))
			return
		}
		h(w, r, req)
	})
}

type reviewPage struct {
	CSRF, Message string
	User          store.User
	Held          []store.Notification
	One           store.Notification
	Events        []map[string]string
	Audit         []auditRow
	Flash         *flash
}

func (p *Portal) reviewList(w http.ResponseWriter, r *http.Request, req request) {
	held, err := p.store.Notifications(r.Context(), store.NotificationFilter{State: store.NotificationHeld})
	if err != nil {
		p.fail(w, r, err)
		return
	}
	p.render(w, r, http.StatusOK, "review.html", reviewPage{CSRF: req.csrf, User: req.session.User, Held: held, Flash: p.takeFlash(w, r, req)})
}

// heldNotification finds a held notification by ticket, or answers 404.
func (p *Portal) heldNotification(w http.ResponseWriter, r *http.Request) (store.Notification, bool) {
	n, err := p.store.NotificationBy(r.Context(), r.PathValue("ticket"), "")
	if errors.Is(err, store.ErrNotFound) || (err == nil && n.State != store.NotificationHeld) {
		p.notFound(w, r)
		return n, false
	}
	if err != nil {
		p.fail(w, r, err)
		return n, false
	}
	return n, true
}

func (p *Portal) reviewOne(w http.ResponseWriter, r *http.Request, req request) {
	n, ok := p.heldNotification(w, r)
	if !ok {
		return
	}
	evs, err := p.store.NotificationEvents(r.Context(), n.ID)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	page := reviewPage{CSRF: req.csrf, User: req.session.User, One: n}
	for _, e := range evs {
		page.Events = append(page.Events, e.Data)
	}
	p.render(w, r, http.StatusOK, "review-one.html", page)
}

// reviewApprove releases a held notification, with the analyst's advice when given.
func (p *Portal) reviewApprove(w http.ResponseWriter, r *http.Request, req request) {
	n, ok := p.heldNotification(w, r)
	if !ok {
		return
	}
	if err := p.notify.Approve(r.Context(), n.ID, r.FormValue("advice")); err != nil {
		p.fail(w, r, err)
		return
	}
	p.audit(r.Context(), req.session.User, "review.approve", n.Ticket)
	p.redirectWith(w, r, req, "/review", flash{Message: p.t(r, "Notification %s approved: it is being sent.", n.Ticket)})
}

func (p *Portal) reviewReject(w http.ResponseWriter, r *http.Request, req request) {
	n, ok := p.heldNotification(w, r)
	if !ok {
		return
	}
	if err := p.store.RejectNotification(r.Context(), n.ID); err != nil {
		p.fail(w, r, err)
		return
	}
	p.audit(r.Context(), req.session.User, "review.reject", n.Ticket)
	p.redirectWith(w, r, req, "/review", flash{Message: p.t(r, "Notification %s rejected: it is not sent.", n.Ticket)})
}

// auditLog shows the latest changes by anyone.
func (p *Portal) auditLog(w http.ResponseWriter, r *http.Request, req request) {
	entries, err := p.store.AuditLog(r.Context(), 0, 200)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	rows, err := p.auditRows(r.Context(), r, entries)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	p.render(w, r, http.StatusOK, "audit.html", reviewPage{CSRF: req.csrf, User: req.session.User, Audit: rows})
}
