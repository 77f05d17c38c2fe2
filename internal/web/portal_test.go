package web

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/baken-cert/baken/internal/auth"
	"github.com/baken-cert/baken/internal/registry"
	"github.com/baken-cert/baken/internal/store"
	"github.com/baken-cert/baken/internal/store/storetest"
)

// browser is an HTTP client with cookies that does not follow redirects.
type browser struct {
	t              *testing.T
	base           string
	c              *http.Client
	acceptLanguage string // the Accept-Language header of its requests, if any
	from           string // the client address its requests come from, on a server of fromAddresses
}

func newBrowser(t *testing.T, base string) *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: t, base: base, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func (b *browser) do(method, path string, form url.Values) (int, string, string) {
	b.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, _ := http.NewRequest(method, b.base+path, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if b.acceptLanguage != "" {
		req.Header.Set("Accept-Language", b.acceptLanguage)
	}
	if b.from != "" {
		req.Header.Set(testAddrHeader, b.from)
	}
	resp, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(out), resp.Header.Get("Location")
}

type portalBundle struct {
	s      store.Store
	p      *Portal
	base   string
	now    time.Time
	tokens map[string]string // e-mail -> set-up token
}

// portalSetup registers two organisations, an org-admin of the first and an analyst.
func portalSetup(t *testing.T, s store.Store) *portalBundle { return portalSetupWith(t, s, nil) }

// portalSetupWith is portalSetup with a change to the portal before it serves.
func portalSetupWith(t *testing.T, s store.Store, change func(*Portal)) *portalBundle {
	ctx := context.Background()
	im, _ := s.BeginRegistryImport(ctx)
	im.StageAssets(ctx, []store.AssetInput{{OrgRef: "a", Kind: "ipv4-prefix", Value: "192.0.2.0/24", Verification: "unverified"},
		{OrgRef: "b", Kind: "domain", Value: "secret-b.example", Verification: "unverified"}})
	if _, err := im.Commit(ctx, store.ImportCommit{Organisations: []store.OrgInput{{Ref: "a", Name: "Alpha B.V."}, {Ref: "b", Name: "Bravo N.V."}}, Now: time.Now()}); err != nil {
		t.Fatal(err)
	}
	a, _ := s.Organisation(ctx, "a")
	pb := &portalBundle{s: s, now: time.Now(), tokens: map[string]string{}}
	for _, u := range []store.UserInput{{Email: "admin@alpha.example", Role: store.RoleOrgAdmin, OrgID: a.ID}, {Email: "analyst@cert.example", Role: store.RoleAnalyst}} {
		plain, hash := auth.NewToken()
		u.Now, u.Language = time.Now(), "nl"
		if _, err := s.CreateUser(ctx, u, store.TokenInput{Hash: hash, Purpose: "setup", ExpiresAt: time.Now().Add(time.Hour)}, store.AuditEntry{Action: "user.create"}); err != nil {
			t.Fatal(err)
		}
		pb.tokens[u.Email] = plain
	}
	p := NewPortal(s, "Digital Trust Center", false, slog.New(slog.DiscardHandler))
	p.now = func() time.Time { return pb.now }
	if change != nil {
		change(p)
	}
	mux := http.NewServeMux()
	p.Routes(mux)
	srv := httptest.NewServer(p.ErrorPages(mux))
	t.Cleanup(srv.Close)
	pb.base, pb.p = srv.URL, p
	return pb
}

const goodPassword = "correct horse battery staple"

// testAddrHeader names the client address a test's request comes from.
const testAddrHeader = "X-Test-Client-Addr"

// fromAddresses serves the bundle's portal again, with requests coming from the address
// their testAddrHeader names, so that a test can log in from several.
func (pb *portalBundle) fromAddresses(t *testing.T) {
	mux := http.NewServeMux()
	pb.p.Routes(mux)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if a := r.Header.Get(testAddrHeader); a != "" {
			r.RemoteAddr = a + ":4242"
		}
		mux.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	pb.base = srv.URL
}

// setUp completes a user's set-up and returns the TOTP secret.
func (pb *portalBundle) setUp(t *testing.T, b *browser, email string) string {
	code, page, _ := b.do("GET", "/setup/"+pb.tokens[email], nil)
	secret := secretOf(page)
	if code != 200 || secret == "" {
		t.Fatalf("set-up page: %d\n%s", code, page)
	}
	totp, _ := auth.TOTPCode(secret, pb.now)
	code, page, _ = b.do("POST", "/setup/"+pb.tokens[email], url.Values{"password": {goodPassword}, "password2": {goodPassword}, "code": {totp}})
	if code != 200 || !strings.Contains(page, `id="recovery-codes"`) {
		t.Fatalf("set-up: %d\n%s", code, page)
	}
	return secret
}

// secretOf reads the TOTP secret of a set-up page, shown in groups of four.
func secretOf(page string) string {
	m := regexp.MustCompile(`<code id="secret"[^>]*>([A-Z2-7 ]+)</code>`).FindStringSubmatch(page)
	if m == nil {
		return ""
	}
	return strings.ReplaceAll(m[1], " ", "")
}

// logIn signs in with both factors, a fresh code each time (the clock moves on).
func (pb *portalBundle) logIn(t *testing.T, b *browser, email, secret string) {
	pb.now = pb.now.Add(31 * time.Second)
	if code, _, loc := b.do("POST", "/login", url.Values{"email": {email}, "password": {goodPassword}}); code != 303 || loc != "/login/code" {
		t.Fatalf("password step: %d %s", code, loc)
	}
	totp, _ := auth.TOTPCode(secret, pb.now)
	if code, _, loc := b.do("POST", "/login/code", url.Values{"code": {totp}}); code != 303 || loc != "/" {
		t.Fatalf("code step: %d %s", code, loc)
	}
}

func TestPortalSignInFlow(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, s store.Store) {
		pb := portalSetup(t, s)
		b := newBrowser(t, pb.base)

		// A weak password is refused with a reason; the link still works afterwards.
		_, page, _ := b.do("GET", "/setup/"+pb.tokens["admin@alpha.example"], nil)
		secret := secretOf(page)
		if code, page, _ := b.do("POST", "/setup/"+pb.tokens["admin@alpha.example"], url.Values{"password": {"short"}, "password2": {"short"}, "code": {"000000"}}); code != 422 || !strings.Contains(page, "12") || secretOf(page) != secret {
			t.Fatalf("weak password: %d\n%s", code, page)
		}
		secret = pb.setUp(t, b, "admin@alpha.example")
		if code, _, _ := b.do("GET", "/setup/"+pb.tokens["admin@alpha.example"], nil); code != 404 {
			t.Fatalf("a used set-up link answered %d", code)
		}

		// Wrong password, then the right one but a wrong code: no session.
		if code, page, _ := b.do("POST", "/login", url.Values{"email": {"admin@alpha.example"}, "password": {"wrong password!"}}); code != 401 || !strings.Contains(page, "wachtwoord klopt niet") {
			t.Fatalf("wrong password: %d", code)
		}
		if code, page, _ := b.do("POST", "/login", url.Values{"email": {"nobody@alpha.example"}, "password": {"wrong password!"}}); code != 401 || !strings.Contains(page, "wachtwoord klopt niet") {
			t.Fatalf("unknown user must look the same: %d", code)
		}
		b.do("POST", "/login", url.Values{"email": {"admin@alpha.example"}, "password": {goodPassword}})
		if code, _, loc := b.do("GET", "/", nil); code != 303 || loc != "/login" {
			t.Fatalf("after the password only, / answered %d %s", code, loc)
		}
		if code, _, _ := b.do("POST", "/login/code", url.Values{"code": {"123456"}}); code != 401 {
			t.Fatalf("a wrong second factor answered %d", code)
		}
		pb.logIn(t, b, "admin@alpha.example", secret)

		// Home shows Alpha's data and nothing of Bravo's.
		code, page, _ := b.do("GET", "/", nil)
		if code != 200 || !strings.Contains(page, "Alpha B.V.") || !strings.Contains(page, "IPv4-reeks") || strings.Contains(page, "Bravo") || strings.Contains(page, "secret-b") {
			t.Fatalf("home: %d\n%s", code, page)
		}
		csrf := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindStringSubmatch(page)[1]

		// The same TOTP code cannot be used twice.
		used, _ := auth.TOTPCode(secret, pb.now)
		other := newBrowser(t, pb.base)
		other.do("POST", "/login", url.Values{"email": {"admin@alpha.example"}, "password": {goodPassword}})
		if code, _, _ := other.do("POST", "/login/code", url.Values{"code": {used}}); code != 401 {
			t.Fatalf("a replayed code answered %d", code)
		}

		// Changes need the CSRF token.
		if code, _, _ := b.do("POST", "/logout", url.Values{}); code != 403 {
			t.Fatalf("logout without CSRF token: %d", code)
		}
		if code, _, _ := b.do("POST", "/account/sessions/revoke", url.Values{"csrf": {csrf}, "id": {"not-mine"}}); code != 404 {
			t.Fatalf("revoking an unknown session: %d", code)
		}
		if code, page, _ := b.do("GET", "/account/sessions", nil); code != 200 || !strings.Contains(page, "(deze)") {
			t.Fatalf("sessions: %d\n%s", code, page)
		}
		if code, _, loc := b.do("POST", "/logout", url.Values{"csrf": {csrf}}); code != 303 || loc != "/login" {
			t.Fatalf("logout: %d %s", code, loc)
		}
		if code, _, _ := b.do("GET", "/", nil); code != 303 {
			t.Fatalf("after logout / answered %d", code)
		}
		log, _ := s.AuditLog(context.Background(), 0, 50)
		actions := map[string]bool{}
		for _, a := range log {
			actions[a.Action] = true
		}
		for _, want := range []string{"user.setup", "login", "login.failed", "logout"} {
			if !actions[want] {
				t.Errorf("audit log lacks %s: %+v", want, log)
			}
		}
	})
}

func TestPortalRoutesNeedASession(t *testing.T) {
	pb := portalSetup(t, storetest.Open(t, "sqlite"))
	b := newBrowser(t, pb.base)
	for _, r := range []struct{ method, path string }{{"GET", "/"}, {"GET", "/account/sessions"}, {"POST", "/account/sessions/revoke"}, {"POST", "/logout"}} {
		if code, _, loc := b.do(r.method, r.path, url.Values{}); code != 303 || loc != "/login" {
			t.Errorf("%s %s without a session: %d %s", r.method, r.path, code, loc)
		}
	}
	if code, _, _ := b.do("GET", "/setup/guessed-token", nil); code != 404 {
		t.Errorf("a guessed set-up token: %d", code)
	}
}

func TestPortalLockout(t *testing.T) {
	pb := portalSetup(t, storetest.Open(t, "sqlite"))
	b := newBrowser(t, pb.base)
	pb.setUp(t, b, "analyst@cert.example")
	for range lockAfter {
		b.do("POST", "/login", url.Values{"email": {"analyst@cert.example"}, "password": {"wrong password!"}})
	}
	code, page, _ := b.do("POST", "/login", url.Values{"email": {"analyst@cert.example"}, "password": {goodPassword}})
	if code != 429 {
		t.Fatalf("after %d failures the right password answered %d\n%s", lockAfter, code, page)
	}
}

// TestSecondStepLockout: wrong codes within one first-step session lock the account as
// wrong passwords do; then even the right code, or a passkey, is refused.
func TestSecondStepLockout(t *testing.T) {
	pb := portalSetup(t, storetest.Open(t, "sqlite"))
	b := newBrowser(t, pb.base)
	secret := pb.setUp(t, b, "analyst@cert.example")
	if code, _, loc := b.do("POST", "/login", url.Values{"email": {"analyst@cert.example"}, "password": {goodPassword}}); code != 303 || loc != "/login/code" {
		t.Fatalf("password step: %d %s", code, loc)
	}
	right, _ := auth.TOTPCode(secret, pb.now)
	wrong := "000000"
	if wrong == right {
		wrong = "111111"
	}
	for i := range lockAfter { // the throttle may hold the guesser back before the lock
		code, _, _ := b.do("POST", "/login/code", url.Values{"code": {wrong}})
		if code == 429 && i > 0 {
			break
		}
		if code != 401 {
			t.Fatalf("wrong code %d: %d", i+1, code)
		}
	}
	code, page, _ := b.do("POST", "/login/code", url.Values{"code": {right}})
	if code != 429 || !strings.Contains(page, "Probeer het") {
		t.Fatalf("after %d wrong codes the right one answered %d\n%s", lockAfter, code, page)
	}
	if code, _, loc := b.do("GET", "/", nil); code != 303 || loc != "/login" {
		t.Fatalf("the session must not be signed in: %d %s", code, loc)
	}
}

func (pb *portalBundle) registry(store.Store) *registry.Service { return pb.p.registry }

// send is do for a form that answers with a redirect to a page (POST-redirect-GET): it
// returns the form's status and location, and the page the redirect leads to (that
// shows the form's outcome once).
func (b *browser) send(method, path string, form url.Values) (int, string, string) {
	b.t.Helper()
	code, page, loc := b.do(method, path, form)
	if code == 303 && strings.HasPrefix(loc, "/") {
		_, page, _ = b.do("GET", loc, nil)
	}
	return code, page, loc
}
