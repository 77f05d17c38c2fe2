package web

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/baken-cert/baken/internal/store/storetest"
)

// signedInRoutes are every portal route that needs a signed-in session.
var signedInRoutes = []struct{ method, path string }{
	{"GET", "/"}, {"GET", "/account/sessions"}, {"POST", "/account/sessions/revoke"}, {"POST", "/account/language"}, {"POST", "/logout"},
	{"GET", "/account/passkeys"}, {"POST", "/account/passkeys/begin"}, {"POST", "/account/passkeys/finish"}, {"POST", "/account/passkeys/remove"},
	{"GET", "/assets"}, {"POST", "/assets"}, {"POST", "/assets/remove"}, {"POST", "/assets/upload"}, {"GET", "/assets/export"},
	{"GET", "/domains"}, {"POST", "/domains/check"},
	{"GET", "/contacts"}, {"POST", "/contacts"}, {"POST", "/contacts/remove"}, {"POST", "/contacts/securitytxt"}, {"POST", "/preferences"},
	{"GET", "/notifications"}, {"GET", "/notifications/20261122-00000001"}, {"GET", "/notifications/20261122-00000001/events.csv"},
	{"POST", "/notifications/20261122-00000001/feedback"},
	{"GET", "/orgs"}, {"POST", "/orgs/switch"}, {"GET", "/users"}, {"POST", "/users/invite"},
	{"POST", "/users/reinvite"}, {"POST", "/users/role"}, {"POST", "/users/disable"}, {"POST", "/users/enable"}, {"POST", "/users/unlock"}, {"POST", "/users/remove"},
	{"GET", "/review"}, {"GET", "/review/20261122-00000001"}, {"POST", "/review/20261122-00000001/approve"},
	{"POST", "/review/20261122-00000001/reject"}, {"GET", "/approvals"}, {"POST", "/approvals"}, {"GET", "/audit"},
	{"GET", "/organisations"}, {"GET", "/tokens"}, {"POST", "/tokens"}, {"POST", "/tokens/revoke"},
}

// TestEveryRouteNeedsASession: without a session every page redirects to the login,
// and shows nothing.
func TestEveryRouteNeedsASession(t *testing.T) {
	pb := portalSetup(t, storetest.Open(t, "sqlite"))
	b := newBrowser(t, pb.base)
	for _, r := range signedInRoutes {
		code, body, loc := b.do(r.method, r.path, url.Values{})
		if code != 303 || loc != "/login" || strings.Contains(body, "Alpha") {
			t.Errorf("%s %s without a session: %d %s", r.method, r.path, code, loc)
		}
	}
}

// TestEveryChangeNeedsTheCSRFToken: with a session but without the form's token, every
// POST is refused and changes nothing.
func TestEveryChangeNeedsTheCSRFToken(t *testing.T) {
	for _, who := range []string{"admin@alpha.example", "analyst@cert.example"} {
		pb := portalSetup(t, storetest.Open(t, "sqlite"))
		b := newBrowser(t, pb.base)
		pb.logIn(t, b, who, pb.setUp(t, b, who))
		for _, r := range signedInRoutes {
			if r.method != "POST" {
				continue
			}
			if code, _, _ := b.do("POST", r.path, url.Values{"csrf": {"forged"}, "value": {"x.alpha.example"}}); code != 403 {
				t.Errorf("%s: POST %s with a forged token: %d", who, r.path, code)
			}
		}
		if code, _, _ := b.do("GET", "/", nil); code != 200 {
			t.Fatalf("%s: the session must survive the refusals: %d", who, code)
		}
	}
}

// TestEveryChangeIsRefusedFromAnotherSite: a POST that a browser sends from another site
// (told by Sec-Fetch-Site, or by an Origin that is not the portal's host) is refused on
// every POST route the portal and the public pages mount, the login included, before any
// handler runs: even the right password starts no session.
func TestEveryChangeIsRefusedFromAnotherSite(t *testing.T) {
	pb := portalSetup(t, storetest.Open(t, "sqlite"))
	secret := pb.setUp(t, newBrowser(t, pb.base), "admin@alpha.example")
	pub := NewPublic(pb.s, "Digital Trust Center", slog.New(slog.DiscardHandler))
	mux := http.NewServeMux()
	pub.Routes(mux)
	pubSrv := httptest.NewServer(mux)
	t.Cleanup(pubSrv.Close)

	type route struct{ base, path string }
	var posts []route
	for base, patterns := range map[string][]string{pb.base: pb.p.patterns, pubSrv.URL: pub.patterns} {
		for _, pattern := range patterns {
			if path, ok := strings.CutPrefix(pattern, "POST "); ok {
				posts = append(posts, route{base, regexp.MustCompile(`\{[^}]+\}`).ReplaceAllString(path, "x0123456789abcdefghij")})
			}
		}
	}
	if len(posts) < 29 {
		t.Fatalf("only %d POST routes found: %v", len(posts), posts)
	}
	form := url.Values{"email": {"admin@alpha.example"}, "password": {goodPassword}, "kind": {"useful"}}.Encode()
	for _, header := range [][2]string{{"Sec-Fetch-Site", "cross-site"}, {"Origin", "https://evil.example"}} {
		for _, r := range posts {
			req, _ := http.NewRequest("POST", r.base+r.path, strings.NewReader(form))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set(header[0], header[1])
			resp, err := http.DefaultTransport.RoundTrip(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 403 || !strings.Contains(string(body), "andere website") || resp.Header.Get("Set-Cookie") != "" {
				t.Errorf("%s: %s POST %s: %d %q", header[0], header[1], r.path, resp.StatusCode, body)
			}
		}
	}
	// The same login from the portal's own page goes ahead.
	b := newBrowser(t, pb.base)
	pb.logIn(t, b, "admin@alpha.example", secret)
}
