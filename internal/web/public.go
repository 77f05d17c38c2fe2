// Package web serves Baken's pages. The public pages need no login: /verify confirms that
// a notification is genuine, /feedback records a recipient's feedback on one.
package web

import (
	"crypto/subtle"
	"embed"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/baken-cert/baken/internal/auth"
	"github.com/baken-cert/baken/internal/notify"
	"github.com/baken-cert/baken/internal/store"
)

//go:embed templates/*.html
var templates embed.FS

// Public serves the pages anyone may open.
type Public struct {
	*views
	store      store.NotifyStore
	senderName string
	throttle   *auth.Throttle // guesses of verification codes, per ticket and address
	now        func() time.Time
	patterns   []string // the routes mounted, for the tests that walk them
}

// NewPublic returns the public pages.
func NewPublic(s store.NotifyStore, senderName string, log *slog.Logger) *Public {
	return &Public{views: newViews(false, log), store: s, senderName: senderName, throttle: auth.NewThrottle(auth.ThrottleConfig{}), now: time.Now}
}

// Routes mounts the public pages on m, refusing cross-site changes.
func (p *Public) Routes(m *http.ServeMux) {
	mux := newRouteTable(m, p.views, &p.patterns)
	mux.HandleFunc("GET /verify", p.verifyForm)
	mux.HandleFunc("POST /verify", p.verify)
	mux.HandleFunc("GET /feedback/{token}", p.feedbackForm)
	mux.HandleFunc("POST /feedback/{token}", p.feedback)
}

type verifyPage struct {
	Sender, Ticket, Code string
	Checked, Genuine     bool
	SentAt, Error        string
}

// verifyForm asks for the code of the ticket that the link of an e-mail names: a neutral
// form, since nobody has typed anything yet. It checks nothing.
func (p *Public) verifyForm(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	p.render(w, r, http.StatusOK, "verify.html", verifyPage{Sender: p.senderName, Ticket: strings.TrimSpace(q.Get("ticket")),
		Code: strings.ToUpper(strings.TrimSpace(q.Get("code")))})
}

// verify confirms a ticket with its code: that Baken sent it, when and by whom, and
// nothing else (not the recipient, not the content). Only a wrong code gets the warning;
// guesses are throttled per ticket and per address, as logins are.
func (p *Public) verify(w http.ResponseWriter, r *http.Request) {
	ticket := strings.TrimSpace(r.FormValue("ticket"))
	code := strings.ToUpper(strings.TrimSpace(r.FormValue("code")))
	page := verifyPage{Sender: p.senderName, Ticket: ticket, Code: code}
	key, ip := "verify:"+ticket, ipOf(r)
	if ok, wait := p.throttle.Allow(key, ip, p.now()); !ok {
		page.Error = p.t(r, "Too many attempts. Try again in %d min.", max(1, int(wait.Round(time.Minute).Minutes())))
		p.render(w, r, http.StatusTooManyRequests, "verify.html", page)
		return
	}
	page.Checked = true
	n, err := p.store.NotificationBy(r.Context(), ticket, "")
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		p.fail(w, r, err)
		return
	}
	sent := err == nil && (n.State == store.NotificationSent || n.State == store.NotificationSending || n.State == store.NotificationPending)
	if !sent || subtle.ConstantTimeCompare([]byte(code), []byte(n.VerifyCode)) != 1 {
		p.throttle.Failure(key, ip, p.now())
		p.render(w, r, http.StatusOK, "verify.html", page)
		return
	}
	p.throttle.Success(key, ip)
	page.Genuine = true
	at := n.SentAt
	if at.IsZero() {
		at = n.CreatedAt
	}
	page.SentAt = at.UTC().Format("2006-01-02 15:04 UTC")
	p.render(w, r, http.StatusOK, "verify.html", page)
}

type feedbackPage struct {
	Sender, Ticket, Token string
	Kind                  feedbackCount // the kind the link named, or that was recorded
	Kinds                 []feedbackCount
	Done                  bool
}

// feedbackForm shows the one button that records the feedback the link named. A GET
// records nothing: mail scanners open links, people press buttons.
func (p *Public) feedbackForm(w http.ResponseWriter, r *http.Request) {
	n, ok := p.notification(w, r)
	if !ok {
		return
	}
	page := feedbackPage{Sender: p.senderName, Ticket: n.Ticket, Token: r.PathValue("token"), Kinds: feedbackKinds(nil)}
	if kind := r.URL.Query().Get("kind"); validKind(kind) {
		page.Kind = feedbackCount{Kind: kind, Label: feedbackLabels[kind]}
	}
	// After the button (POST-redirect-GET): thanks, when that kind was indeed recorded.
	if kind := r.URL.Query().Get("recorded"); validKind(kind) {
		fb, err := p.store.Feedback(r.Context(), n.ID)
		if err != nil {
			p.fail(w, r, err)
			return
		}
		if fb[kind] > 0 {
			page.Kind, page.Done = feedbackCount{Kind: kind, Label: feedbackLabels[kind]}, true
		}
	}
	p.render(w, r, http.StatusOK, "feedback.html", page)
}

func (p *Public) feedback(w http.ResponseWriter, r *http.Request) {
	n, ok := p.notification(w, r)
	if !ok {
		return
	}
	kind := r.FormValue("kind")
	if !validKind(kind) {
		p.errorPage(w, r, http.StatusBadRequest, p.t(r, "Unknown kind of feedback."))
		return
	}
	if err := p.store.AddFeedback(r.Context(), n.ID, kind, p.now()); err != nil {
		p.fail(w, r, err)
		return
	}
	// A reload of the thanks records nothing again.
	http.Redirect(w, r, "/feedback/"+url.PathEscape(r.PathValue("token"))+"?recorded="+kind, http.StatusSeeOther)
}

// notification finds the notification of a feedback token, or answers 404.
func (p *Public) notification(w http.ResponseWriter, r *http.Request) (store.Notification, bool) {
	token := r.PathValue("token")
	if len(token) < 16 {
		p.notFound(w, r)
		return store.Notification{}, false
	}
	n, err := p.store.NotificationBy(r.Context(), "", token)
	if errors.Is(err, store.ErrNotFound) {
		p.notFound(w, r)
		return n, false
	}
	if err != nil {
		p.fail(w, r, err)
		return n, false
	}
	return n, true
}

func validKind(k string) bool { return slices.Contains(notify.FeedbackKinds[:], k) }
