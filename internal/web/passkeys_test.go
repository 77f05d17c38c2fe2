package web

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/baken-cert/baken/internal/auth/passkey"
	"github.com/baken-cert/baken/internal/auth/passkey/passkeytest"
	"github.com/baken-cert/baken/internal/store"
	"github.com/baken-cert/baken/internal/store/storetest"
)

// The relying party of these tests: the server under test listens on an address, but
// it checks what the authenticator signed against this origin.
const passkeyOrigin = "http://localhost:8080"

// postJSON sends body as a script of the portal does, with the CSRF token in a header.
func (b *browser) postJSON(path, csrf string, body any) (int, []byte) {
	b.t.Helper()
	data, _ := json.Marshal(body)
	req, _ := http.NewRequest("POST", b.base+path, strings.NewReader(string(data)))
	req.Header.Set("Content-Type", "application/json")
	if csrf != "" {
		req.Header.Set("X-CSRF-Token", csrf)
	}
	resp, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	var out json.RawMessage
	json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out
}

var dataCSRF = regexp.MustCompile(`data-csrf="([^"]+)"`)

// scriptCSRF returns the CSRF token the page gives its passkey script.
func scriptCSRF(t *testing.T, b *browser, path string) string {
	t.Helper()
	code, page, _ := b.do("GET", path, nil)
	m := dataCSRF.FindStringSubmatch(page)
	if code != 200 || m == nil {
		t.Fatalf("GET %s: %d, no passkey button:\n%s", path, code, page)
	}
	return m[1]
}

func passkeyPortal(t *testing.T, s store.Store) *portalBundle {
	rp, err := passkey.New(passkeyOrigin, "Digital Trust Center")
	if err != nil {
		t.Fatal(err)
	}
	return portalSetupWith(t, s, func(p *Portal) { p.UsePasskeys(rp) })
}

// addPasskey registers a passkey made by a for the signed-in user of b.
func addPasskey(t *testing.T, b *browser, a *passkeytest.Authenticator, name string) {
	t.Helper()
	csrf := scriptCSRF(t, b, "/account/passkeys")
	code, options := b.postJSON("/account/passkeys/begin", csrf, nil)
	if code != 200 {
		t.Fatalf("begin: %d %s", code, options)
	}
	answer, err := a.Create(options)
	if err != nil {
		t.Fatal(err)
	}
	if code, out := b.postJSON("/account/passkeys/finish", csrf, map[string]any{"name": name, "credential": json.RawMessage(answer)}); code != 200 {
		t.Fatalf("finish: %d %s", code, out)
	}
}

// passkeyStep runs the second step of a login with authenticator a; it returns the
// status of the answer.
func passkeyStep(t *testing.T, pb *portalBundle, b *browser, email string, a *passkeytest.Authenticator) int {
	t.Helper()
	if code, _, loc := b.do("POST", "/login", url.Values{"email": {email}, "password": {goodPassword}}); code != 303 || loc != "/login/code" {
		t.Fatalf("password step: %d %s", code, loc)
	}
	csrf := scriptCSRF(t, b, "/login/code")
	code, options := b.postJSON("/login/passkey/begin", csrf, nil)
	if code != 200 {
		t.Fatalf("begin: %d %s", code, options)
	}
	answer, err := a.Get(options)
	if err != nil {
		t.Fatal(err)
	}
	code, _ = b.postJSON("/login/passkey/finish", csrf, map[string]any{"credential": json.RawMessage(answer)})
	return code
}

func TestPasskeyAsSecondFactor(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, s store.Store) {
		pb := passkeyPortal(t, s)
		admin, analyst := newBrowser(t, pb.base), newBrowser(t, pb.base)
		adminSecret := pb.setUp(t, admin, "admin@alpha.example")
		pb.logIn(t, admin, "admin@alpha.example", adminSecret)
		pb.logIn(t, analyst, "analyst@cert.example", pb.setUp(t, analyst, "analyst@cert.example"))

		if _, page, _ := admin.do("GET", "/account/passkeys", nil); !strings.Contains(page, "U hebt nog geen passkeys.") {
			t.Fatalf("passkeys page before:\n%s", page)
		}
		key := passkeytest.New(passkeyOrigin)
		addPasskey(t, admin, key, "Laptop van Anna")
		if _, page, _ := admin.do("GET", "/account/passkeys", nil); !strings.Contains(page, "Laptop van Anna") {
			t.Fatalf("the new passkey is not listed:\n%s", page)
		}
		analystKey := passkeytest.New(passkeyOrigin)
		addPasskey(t, analyst, analystKey, "analyst's key")
		if _, page, _ := admin.do("GET", "/account/passkeys", nil); strings.Contains(page, "analyst&#39;s key") {
			t.Fatal("the admin sees the analyst's passkey")
		}

		// A fresh browser logs in with the password and the passkey.
		other := newBrowser(t, pb.base)
		if code := passkeyStep(t, pb, other, "admin@alpha.example", key); code != 200 {
			t.Fatalf("log in with the passkey: %d", code)
		}
		if code, page, _ := other.do("GET", "/", nil); code != 200 || !strings.Contains(page, "Alpha B.V.") {
			t.Fatalf("after the passkey: %d", code)
		}
		keys, _ := s.Passkeys(context.Background(), mustUser(t, s, "admin@alpha.example").ID)
		if len(keys) != 1 || keys[0].LastUsedAt.IsZero() {
			t.Fatalf("the use is not recorded: %+v", keys)
		}

		// Another user's passkey is no second factor for this account.
		if code := passkeyStep(t, pb, newBrowser(t, pb.base), "admin@alpha.example", analystKey); code != 401 {
			t.Fatalf("the analyst's passkey for the admin: %d", code)
		}
		if u := mustUser(t, s, "admin@alpha.example"); u.FailedLogins != 1 {
			t.Fatalf("a refused passkey must count as a failed login: %d", u.FailedLogins)
		}

		// Removing: another user's passkey is not found; one's own goes.
		csrf := scriptCSRF(t, analyst, "/account/passkeys")
		if code, _, _ := analyst.do("POST", "/account/passkeys/remove", url.Values{"csrf": {csrf}, "id": {itoa(keys[0].ID)}}); code != 404 {
			t.Fatalf("the analyst removes the admin's passkey: %d", code)
		}
		csrf = scriptCSRF(t, admin, "/account/passkeys")
		if code, _, _ := admin.do("POST", "/account/passkeys/remove", url.Values{"csrf": {csrf}, "id": {itoa(keys[0].ID)}}); code != 303 {
			t.Fatalf("remove: %d", code)
		}
		if keys, _ := s.Passkeys(context.Background(), keys[0].UserID); len(keys) != 0 {
			t.Fatalf("after removal: %+v", keys)
		}
		log, _ := s.AuditLog(context.Background(), 0, 50)
		var actions []string
		for _, e := range log {
			actions = append(actions, e.Action)
		}
		if joined := strings.Join(actions, " "); !strings.Contains(joined, "passkey.remove") || !strings.Contains(joined, "passkey.add") {
			t.Fatalf("audit log: %s", joined)
		}
	})
}

// TestPasskeyLoginRefusals: the passkey step needs the password step's session and its
// CSRF token, and each challenge is answered once.
func TestPasskeyLoginRefusals(t *testing.T) {
	pb := passkeyPortal(t, storetest.Open(t, "sqlite"))
	b := newBrowser(t, pb.base)
	pb.logIn(t, b, "admin@alpha.example", pb.setUp(t, b, "admin@alpha.example"))
	key := passkeytest.New(passkeyOrigin)
	addPasskey(t, b, key, "laptop")

	stranger := newBrowser(t, pb.base)
	if code, _ := stranger.postJSON("/login/passkey/begin", "", nil); code != 401 {
		t.Fatalf("without a session: %d", code)
	}
	fresh := newBrowser(t, pb.base)
	fresh.do("POST", "/login", url.Values{"email": {"admin@alpha.example"}, "password": {goodPassword}})
	if code, _ := fresh.postJSON("/login/passkey/begin", "forged", nil); code != 403 {
		t.Fatalf("without the CSRF token: %d", code)
	}
	csrf := scriptCSRF(t, fresh, "/login/code")
	_, options := fresh.postJSON("/login/passkey/begin", csrf, nil)
	answer, _ := key.Get(options)
	body := map[string]any{"credential": json.RawMessage(answer)}
	if code, _ := fresh.postJSON("/login/passkey/finish", csrf, body); code != 200 {
		t.Fatalf("the first answer: %d", code)
	}
	replay := newBrowser(t, pb.base)
	replay.do("POST", "/login", url.Values{"email": {"admin@alpha.example"}, "password": {goodPassword}})
	csrf = scriptCSRF(t, replay, "/login/code")
	replay.postJSON("/login/passkey/begin", csrf, nil)
	if code, _ := replay.postJSON("/login/passkey/finish", csrf, body); code != 401 {
		t.Fatalf("an answer to an earlier challenge: %d", code)
	}
	if code, _ := replay.postJSON("/login/passkey/finish", csrf, map[string]any{"credential": "nonsense"}); code != 401 && code != 400 {
		t.Fatalf("nonsense: %d", code)
	}
}

// TestPasskeysNeedAHostName: without a relying party the page says why and the
// ceremonies are not there.
func TestPasskeysNeedAHostName(t *testing.T) {
	pb := portalSetup(t, storetest.Open(t, "sqlite"))
	b := newBrowser(t, pb.base)
	pb.logIn(t, b, "admin@alpha.example", pb.setUp(t, b, "admin@alpha.example"))
	code, page, _ := b.do("GET", "/account/passkeys", nil)
	if code != 200 || !strings.Contains(page, "BAKEN_PUBLIC_URL") || strings.Contains(page, "data-passkey") {
		t.Fatalf("passkeys page without a relying party: %d\n%s", code, page)
	}
	csrf := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindStringSubmatch(page)[1]
	if code, _ := b.postJSON("/account/passkeys/begin", csrf, nil); code != 404 {
		t.Fatalf("begin without a relying party: %d", code)
	}
}

func mustUser(t *testing.T, s store.Store, email string) store.User {
	t.Helper()
	u, err := s.UserByEmail(context.Background(), email)
	if err != nil {
		t.Fatal(err)
	}
	return u
}
