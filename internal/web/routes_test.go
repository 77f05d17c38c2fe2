package web

import (
	"net/url"
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
	{"GET", "/organisations"},
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
