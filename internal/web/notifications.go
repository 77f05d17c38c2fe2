package web

import (
	"errors"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/baken-cert/baken/internal/notify"
	"github.com/baken-cert/baken/internal/notify/message"
	"github.com/baken-cert/baken/internal/safecsv"
	"github.com/baken-cert/baken/internal/store"
)

// notificationPageSize is how many notifications one page lists.
const notificationPageSize = 50

// notificationRoutes mounts the pages of an organisation's notifications. Every user of
// the organisation may read them and give feedback, not only its administrators.
func (p *Portal) notificationRoutes(mux *routeTable) {
	mux.Handle("GET /notifications", p.memberOnly(p.notifications))
	mux.Handle("GET /notifications/{ticket}", p.memberOnly(p.notification))
	mux.Handle("GET /notifications/{ticket}/events.csv", p.memberOnly(p.notificationCSV))
	mux.Handle("POST /notifications/{ticket}/feedback", p.memberOnly(p.notificationFeedback))
}

// memberOnly lets through every user of an organisation, for reading and for changes.
func (p *Portal) memberOnly(h func(http.ResponseWriter, *http.Request, request)) http.Handler {
	return p.signedIn(func(w http.ResponseWriter, r *http.Request, req request) {
		if req.session.User.OrgID == 0 {
			p.errorPage(w, r, http.StatusForbidden, p.t(r, "This page is for the users of an organisation."))
			return
		}
		h(w, r, req)
	})
}

type notificationRow struct {
	Ticket, Subject, State, Created, Sent string
	Events                                int
}

type notificationsPage struct {
	CSRF    string
	User    store.User
	OrgName string
	Rows    []notificationRow
	Next    string // the ticket older notifications come after
}

// notifications lists the organisation's notifications, newest first, a page at a time.
func (p *Portal) notifications(w http.ResponseWriter, r *http.Request, req request) {
	ctx := r.Context()
	u := req.session.User
	org, err := p.store.OrganisationByID(ctx, u.OrgID)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	f := store.NotificationFilter{OrgID: u.OrgID, Sent: true, Limit: notificationPageSize + 1}
	if before := r.FormValue("before"); before != "" {
		if n, err := p.store.NotificationBy(ctx, before, ""); err == nil && n.OrgID == u.OrgID {
			f.BeforeID = n.ID
		}
	}
	list, err := p.store.Notifications(ctx, f)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	page := notificationsPage{CSRF: req.csrf, User: u, OrgName: org.Name}
	if len(list) > notificationPageSize {
		list = list[:notificationPageSize]
		page.Next = list[len(list)-1].Ticket
	}
	for _, n := range list {
		page.Rows = append(page.Rows, rowOf(n, n.Events))
	}
	p.render(w, r, http.StatusOK, "notifications.html", page)
}

// shownToOrg reports whether the organisation may see n: not while an analyst holds it
// for review, nor when the analyst rejected it (it was never sent).
func shownToOrg(n store.Notification) bool {
	return n.State != store.NotificationHeld && n.State != store.NotificationRejected
}

// stateLabels name the states an organisation sees (keys of the catalog).
var stateLabels = map[string]string{
	store.NotificationPending: "being sent",
	store.NotificationSending: "being sent",
	store.NotificationSent:    "sent",
	store.NotificationFailed:  "not delivered",
}

func rowOf(n store.Notification, events int) notificationRow {
	row := notificationRow{Ticket: n.Ticket, Subject: n.Subject, State: stateLabels[n.State], Created: utcMinute(n.CreatedAt), Sent: "—", Events: events}
	if row.State == "" {
		row.State = n.State
	}
	if !n.SentAt.IsZero() {
		row.Sent = utcMinute(n.SentAt)
	}
	return row
}

func utcMinute(t time.Time) string { return t.UTC().Format("2006-01-02 15:04") }

// ownNotification finds the notification of the path's ticket. A ticket of another
// organisation is not found, exactly like an unknown one.
func (p *Portal) ownNotification(w http.ResponseWriter, r *http.Request, req request) (store.Notification, bool) {
	ticket := r.PathValue("ticket")
	n, err := p.store.NotificationBy(r.Context(), ticket, "")
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		p.fail(w, r, err)
		return n, false
	}
	if err != nil || ticket == "" || n.OrgID != req.session.User.OrgID || !shownToOrg(n) {
		p.notFound(w, r)
		return store.Notification{}, false
	}
	return n, true
}

type eventColumn struct{ Key, Label string }

// eventColumns are the fields the events table shows, when any event has them; the
// labels are keys of the catalog.
var eventColumns = []eventColumn{
	{"time.source", "Time (UTC)"}, {"source.ip", "IP address"}, {"source.port", "Port"},
	{"source.fqdn", "Host name"}, {"source.url", "URL"}, {"source.account", "Account"},
	{"classification.identifier", "Kind"}, {"severity", "Severity"},
}

type feedbackCount struct {
	Kind, Label string
	Count       int
}

// feedbackLabels name the kinds of feedback (keys of the catalog).
var feedbackLabels = map[string]string{
	"useful": "Useful", "not-useful": "Not useful", "false-positive": "False positive", "resolved": "Resolved",
}

// feedbackKinds lists the kinds of feedback with their labels and counts.
func feedbackKinds(counts map[string]int) []feedbackCount {
	var out []feedbackCount
	for _, k := range notify.FeedbackKinds {
		out = append(out, feedbackCount{Kind: k, Label: feedbackLabels[k], Count: counts[k]})
	}
	return out
}

type notificationPage struct {
	CSRF, Lang, AnalystAdvice, Recorded string
	User                                store.User
	Note                                notificationRow
	Columns                             []eventColumn
	Rows                                [][]string
	Advice                              []message.Course
	Feedback                            []feedbackCount
}

// notification shows one notification: its events, the advice on them in the user's
// language, the feedback so far and the buttons to give more.
func (p *Portal) notification(w http.ResponseWriter, r *http.Request, req request) {
	n, ok := p.ownNotification(w, r, req)
	if !ok {
		return
	}
	ctx := r.Context()
	evs, err := p.store.NotificationEvents(ctx, n.ID)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	fb, err := p.store.Feedback(ctx, n.ID)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	lang, ok := message.ParseLanguage(req.session.User.Language)
	if !ok {
		lang = message.Dutch
	}
	page := notificationPage{CSRF: req.csrf, Lang: string(lang), AnalystAdvice: n.Advice, User: req.session.User, Note: rowOf(n, len(evs))}
	if k := r.URL.Query().Get("feedback"); validKind(k) {
		page.Recorded = feedbackLabels[k]
	}
	for _, c := range eventColumns {
		if slices.ContainsFunc(evs, func(e store.StoredEvent) bool { return e.Data[c.Key] != "" }) {
			page.Columns = append(page.Columns, c)
		}
	}
	seen := map[string]bool{}
	for _, e := range evs {
		row := make([]string, len(page.Columns))
		for i, c := range page.Columns {
			row[i] = e.Data[c.Key]
			if t, err := time.Parse(time.RFC3339Nano, row[i]); err == nil && c.Key == "time.source" {
				row[i] = t.UTC().Format(time.DateTime)
			}
			if c.Key == "classification.identifier" && row[i] != "" {
				row[i] = reportLabel(p.lang(r), row[i])
			}
		}
		page.Rows = append(page.Rows, row)
		// Classifications that share a course of action show it once.
		course := message.Advice(lang, notify.EventOf(e.Data).Classification)
		if key := course.Title + "\x00" + course.Explanation; !seen[key] {
			seen[key] = true
			page.Advice = append(page.Advice, course)
		}
	}
	page.Feedback = feedbackKinds(fb)
	p.render(w, r, http.StatusOK, "notification.html", page)
}

// notificationCSV downloads the events of a notification, every field a column.
func (p *Portal) notificationCSV(w http.ResponseWriter, r *http.Request, req request) {
	n, ok := p.ownNotification(w, r, req)
	if !ok {
		return
	}
	evs, err := p.store.NotificationEvents(r.Context(), n.ID)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	keys := map[string]bool{}
	for _, e := range evs {
		for k := range e.Data {
			keys[k] = true
		}
	}
	delete(keys, "time.source")
	delete(keys, "source.ip")
	cols := append([]string{"time.source", "source.ip"}, slices.Sorted(maps.Keys(keys))...)
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="notification-`+strings.Map(safeFileRune, n.Ticket)+`.csv"`)
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Cache-Control", "no-store")
	cw := safecsv.NewWriter(w)
	row := make([]string, len(cols))
	for i, c := range cols {
		row[i] = c
	}
	cw.Write(row)
	for _, e := range evs {
		for i, c := range cols {
			row[i] = e.Data[c]
		}
		cw.Write(row)
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		p.log.Error("writing the events of a notification", "ticket", n.Ticket, "err", err)
	}
}

// notificationFeedback records a user's feedback on one of the organisation's
// notifications, then shows the notification again.
func (p *Portal) notificationFeedback(w http.ResponseWriter, r *http.Request, req request) {
	n, ok := p.ownNotification(w, r, req)
	if !ok {
		return
	}
	kind := r.FormValue("kind")
	if !validKind(kind) {
		p.errorPage(w, r, http.StatusBadRequest, p.t(r, "Unknown kind of feedback."))
		return
	}
	ctx := r.Context()
	if err := p.store.AddFeedback(ctx, n.ID, kind, p.now()); err != nil {
		p.fail(w, r, err)
		return
	}
	p.audit(ctx, req.session.User, "notification.feedback", n.Ticket+": "+kind)
	http.Redirect(w, r, "/notifications/"+url.PathEscape(n.Ticket)+"?feedback="+kind, http.StatusSeeOther)
}
