package web

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/baken-cert/baken/internal/account"
	"github.com/baken-cert/baken/internal/auth"
	"github.com/baken-cert/baken/internal/auth/passkey"
	"github.com/baken-cert/baken/internal/notify"
	"github.com/baken-cert/baken/internal/registry"
	"github.com/baken-cert/baken/internal/safehttp"
	"github.com/baken-cert/baken/internal/store"
	"github.com/baken-cert/baken/internal/verify"
)

// Session lifetimes.
const (
	// firstStepLife is how long a session that passed the password waits for the
	// second factor: the MFA step expires and fails closed.
	firstStepLife = 10 * time.Minute
	// sessionLife is how long a signed-in session lasts.
	sessionLife = 12 * time.Hour
	cookieName  = "baken_session"
	// maxBody bounds what a signed-in form may send (an uploaded asset file).
	maxBody = 64 << 20
	// formMemory is how much of a multipart form is held in memory; the rest of a file
	// waits in a temporary file.
	formMemory = 1 << 20
)

// Portal serves the pages of signed-in users: set-up, login with a second factor,
// their home page and their sessions. Every request is checked against a server-side
// session; every change needs the session's CSRF token.
type Portal struct {
	*views
	store     store.Store
	registry  *registry.Service
	throttle  *auth.Throttle
	hashes    *auth.HashLimiter // every password hash the portal computes
	resolver  verify.Resolver
	notify    *notify.Service
	http      *http.Client
	mail      Sender
	from      string
	publicURL string
	issuer    string
	accounts  *account.Service
	passkeys  *passkey.RelyingParty // nil: passkeys are not offered
	maxBody   int64                 // the most a signed-in form may send
	uploads   *uploads              // the asset uploads being imported
	now       func() time.Time
	patterns  []string // the routes mounted, for the tests that walk them
}

// NewPortal returns the portal; secure marks cookies Secure (set it behind HTTPS).
func NewPortal(s store.Store, senderName string, secure bool, log *slog.Logger) *Portal {
	p := &Portal{views: newViews(secure, log), store: s, registry: registry.New(s), throttle: auth.NewThrottle(auth.ThrottleConfig{}),
		hashes: auth.NewHashLimiter(0, hashWait), maxBody: maxBody, uploads: newUploads(uploadsAtOnce),
		resolver: verify.NewResolver(""), http: safehttp.New(safehttp.Options{}), issuer: senderName, now: time.Now}
	p.accounts = account.New(s, func() time.Time { return p.now() }) // tests set p.now later
	return p
}

// Routes mounts the portal on m; every change it accepts must come from Baken's own
// pages (a cross-site request is refused, whatever its CSRF token).
func (p *Portal) Routes(m *http.ServeMux) {
	mux := newRouteTable(m, p.views, &p.patterns)
	mux.HandleFunc("GET /setup/{token}", p.setupForm)
	mux.HandleFunc("POST /setup/{token}", p.setup)
	mux.HandleFunc("GET /static/copy.js", serveCopyScript)
	mux.HandleFunc("GET /login", p.loginForm)
	mux.HandleFunc("POST /login", p.login)
	mux.HandleFunc("GET /login/code", p.codeForm)
	mux.HandleFunc("POST /login/code", p.code)
	mux.Handle("GET /{$}", p.signedIn(p.home))
	mux.Handle("GET /account/sessions", p.signedIn(p.sessions))
	mux.Handle("POST /account/sessions/revoke", p.signedIn(p.revoke))
	mux.Handle("POST /account/language", p.signedIn(p.setLanguage))
	mux.Handle("POST /logout", p.signedIn(p.logout))
	mux.Handle("GET /assets", p.orgOnly(p.assets))
	mux.Handle("POST /assets", p.orgOnly(p.addAsset))
	mux.Handle("POST /assets/upload", p.orgOnly(p.uploadAssets))
	mux.Handle("POST /assets/remove", p.orgOnly(p.removeAsset))
	mux.Handle("GET /assets/export", p.orgOnly(p.exportAssets))
	mux.Handle("GET /domains", p.orgOnly(p.domains))
	mux.Handle("POST /domains/check", p.orgOnly(p.checkDomain))
	p.notificationRoutes(mux)
	p.analystRoutes(mux)
	p.resetRoutes(mux)
	p.contactRoutes(mux)
	p.orgRoutes(mux)
	p.approvalRoutes(mux)
	p.passkeyRoutes(mux)
	p.userManagementRoutes(mux)
	p.tokenRoutes(mux)
}

// hashWait is how long a password check waits for a free slot before the portal
// answers 503.
const hashWait = 2 * time.Second

// LimitHashes bounds the password hashes computed at once to n (0: from the memory).
func (p *Portal) LimitHashes(n int) { p.hashes = auth.NewHashLimiter(n, hashWait) }

// UseResolver makes domain checks ask r (a DNS server of the configuration, or a test's).
func (p *Portal) UseResolver(r verify.Resolver) { p.resolver = r }

// request is a signed-in request: its session and the CSRF token of its forms. The
// session's user carries, as OrgID, the organisation the session acts for (their own,
// or a child of it for an intermediary); ownOrgID is their own.
type request struct {
	session  store.Session
	csrf     string
	ownOrgID int64
	token    string // the session's plain token: the secret that signs its flash
}

// signedIn lets a request through only with a session that passed both factors, and a
// POST only with the session's CSRF token; it speaks the user's language. Without a
// session it redirects to the login.
func (p *Portal) signedIn(h func(http.ResponseWriter, *http.Request, request)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		plain, sess, err := p.session(r)
		if err != nil || !sess.MFADone {
			if err != nil && !errors.Is(err, store.ErrNotFound) {
				p.fail(w, r, err)
				return
			}
			p.rememberDeepLink(w, r)
			http.Redirect(w, r, "/login", http.StatusSeeOther)
			return
		}
		r = p.withUserLanguage(r, sess.User)
		if r.Method == http.MethodPost && !p.readForm(w, r) {
			return
		}
		csrf := auth.CSRFToken([]byte(plain), "csrf")
		r = withNav(r, navFor(sess.User, csrf, r.URL.Path))
		if r.Method == http.MethodPost && !auth.CheckCSRF([]byte(plain), "csrf", csrfOf(r)) {
			p.errorPage(w, r, http.StatusForbidden, p.t(r, "This form has expired or did not come from Baken: reload the page and try again."))
			return
		}
		own := sess.User.OrgID
		if sess.User.OrgID, err = p.actingOrg(r.Context(), sess); err != nil {
			p.fail(w, r, err)
			return
		}
		h(w, r, request{session: sess, csrf: csrf, ownOrgID: own, token: plain})
	})
}

// readForm reads a signed-in POST's form, at most p.maxBody bytes of it; a larger one is
// answered 413, saying so, and false returned.
func (p *Portal) readForm(w http.ResponseWriter, r *http.Request) bool {
	r.Body = http.MaxBytesReader(w, r.Body, p.maxBody)
	var err error
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		err = r.ParseMultipartForm(formMemory)
	} else {
		err = r.ParseForm()
	}
	if tooLarge := new(http.MaxBytesError); errors.As(err, &tooLarge) {
		http.Error(w, p.t(r, "This is more than Baken takes at once (%d MiB): send a smaller file.", p.maxBody>>20), http.StatusRequestEntityTooLarge)
		return false
	}
	return true
}

// csrfOf is the CSRF token a request carries: in the header X-CSRF-Token (a script's
// request) or the form field csrf.
func csrfOf(r *http.Request) string {
	if token := r.Header.Get("X-CSRF-Token"); token != "" {
		return token
	}
	return r.FormValue("csrf")
}

// session returns the session of the request's cookie: its plain token and the session.
func (p *Portal) session(r *http.Request) (string, store.Session, error) {
	c, err := r.Cookie(cookieName)
	if err != nil || c.Value == "" {
		return "", store.Session{}, store.ErrNotFound
	}
	s, err := p.store.Session(r.Context(), auth.HashToken(c.Value), p.now())
	return c.Value, s, err
}

func (p *Portal) setCookie(w http.ResponseWriter, value string, life time.Duration) {
	http.SetCookie(w, &http.Cookie{Name: cookieName, Value: value, Path: "/", HttpOnly: true, Secure: p.secure,
		SameSite: http.SameSiteLaxMode, MaxAge: int(life.Seconds())})
}

// newSession starts a session for u and sets its cookie.
func (p *Portal) newSession(ctx context.Context, w http.ResponseWriter, r *http.Request, u store.User) error {
	plain, hash := auth.NewToken()
	now := p.now()
	err := p.store.CreateSession(ctx, store.SessionInput{Hash: hash, UserID: u.ID, Now: now, Expires: now.Add(firstStepLife),
		Client: clientOf(r)})
	if err == nil {
		p.setCookie(w, plain, firstStepLife)
	}
	return err
}

func clientOf(r *http.Request) string {
	ua := r.UserAgent()
	if len(ua) > 120 {
		ua = ua[:120]
	}
	return ipOf(r) + " " + ua
}

func ipOf(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

func (p *Portal) audit(ctx context.Context, u store.User, action, detail string) {
	if err := p.store.Audit(ctx, store.AuditEntry{At: p.now(), ActorID: u.ID, OrgID: u.OrgID, Action: action, Detail: detail}); err != nil {
		p.log.Error("writing the audit log", "action", action, "err", err)
	}
}

// changed answers a form that changed something: back to the page to with the flash
// done, or 404 when what the form named is not the user's to change (ErrNotFound), 403
// when the user may not change it (account.ErrForbidden), or an error page.
func (p *Portal) changed(w http.ResponseWriter, r *http.Request, req request, err error, to string, done flash) {
	switch {
	case errors.Is(err, store.ErrNotFound):
		p.notFound(w, r)
	case errors.Is(err, account.ErrForbidden):
		p.errorPage(w, r, http.StatusForbidden, p.t(r, "Only an administrator of your organisation can change its data."))
	case err != nil:
		p.fail(w, r, err)
	default:
		p.redirectWith(w, r, req, to, done)
	}
}

// normaliseEmail is how accounts are keyed in the throttle and the store.
func normaliseEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }
