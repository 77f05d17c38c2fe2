package web

import (
	"context"
	"net/netip"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/baken-cert/baken/internal/account"
	"github.com/baken-cert/baken/internal/store"
	"github.com/baken-cert/baken/internal/store/storetest"
)

// TestTokenPages: Alpha's administrator makes a token, sees it once, and revokes it;
// the scenario table checks every route of /tokens for Alpha's member, the analyst and
// Bravo's token, which must not appear.
func TestTokenPages(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, s store.Store) {
		ctx := context.Background()
		pb := portalSetup(t, s)
		pb.addUser(t, "member@alpha.example", store.RoleOrgMember, "a", time.Now().Add(time.Hour))
		admin, csrf := signedIn(t, pb)
		member, memberCSRF := signInAs(t, pb, "member@alpha.example")
		analyst, analystCSRF := signInAs(t, pb, "analyst@cert.example")
		alpha, _ := s.Organisation(ctx, "a")
		bravo, _ := s.Organisation(ctx, "b")
		svc := account.New(s, time.Now)
		_, bravoToken, err := svc.CreateToken(ctx, account.CommandLine, bravo.ID, account.TokenSpec{Name: "bravo-secret-misp", Scopes: []string{account.ScopeTAXIIRead}})
		if err != nil {
			t.Fatal(err)
		}

		// Making one: the answer shows it, once; the list then names it without it.
		code, page, _ := admin.do("POST", "/tokens", url.Values{"csrf": {csrf}, "name": {"opencti"}, "scope": {"taxii:read", "assets:read"}, "days": {"30"},
			"allow": {"192.0.2.0/24, 2001:db8::/32"}})
		plain := regexp.MustCompile(`<code>(baken_[A-Za-z0-9_-]+)</code>`).FindStringSubmatch(page)
		if code != 200 || plain == nil || !strings.Contains(page, "alleen deze keer") {
			t.Fatalf("making a token: %d\n%s", code, page)
		}
		if p, err := svc.Authenticate(ctx, plain[1], netip.MustParseAddr("192.0.2.9")); err != nil || p.OrgID != alpha.ID || !p.Can(account.ScopeAssetsRead) {
			t.Fatalf("the token shown: %+v %v", p, err)
		}
		_, page, _ = admin.do("GET", "/tokens", nil)
		if strings.Contains(page, plain[1]) || !strings.Contains(page, "opencti") || !strings.Contains(page, "192.0.2.0/24 2001:db8::/32") ||
			!strings.Contains(page, "assets:read taxii:read") {
			t.Fatalf("the list:\n%s", page)
		}
		tokens, _ := s.APITokens(ctx, alpha.ID)
		if len(tokens) != 1 || tokens[0].ExpiresAt.Sub(time.Now()) > 31*24*time.Hour {
			t.Fatalf("stored: %+v", tokens)
		}
		id := itoa(tokens[0].ID)
		// A form that cannot be a token says why, and makes none.
		for form, want := range map[string]url.Values{
			"Kies wat het token mag":       {"name": {"x"}},
			"Geef het token een naam":      {"scope": {"taxii:read"}},
			"geef IP-adressen of prefixen": {"name": {"x"}, "scope": {"taxii:read"}, "allow": {"192.0.2.0/33"}},
			"al een token met deze naam":   {"name": {"opencti"}, "scope": {"taxii:read"}},
			"hoogstens twee jaar geldig":   {"name": {"x"}, "scope": {"taxii:read"}, "days": {"1000"}},
		} {
			want.Set("csrf", csrf)
			if code, page, loc := admin.send("POST", "/tokens", want); code != 303 || loc != "/tokens" || !strings.Contains(page, form) {
				t.Errorf("%v: %d %s\n%s", want, code, loc, page)
			}
		}
		if n, _ := s.APITokens(ctx, alpha.ID); len(n) != 1 {
			t.Fatalf("refused forms made tokens: %+v", n)
		}

		for _, c := range []struct {
			name        string
			b           *browser
			method, url string
			form        url.Values
			status      int
			mustNot     []string
		}{
			{"the admin's list", admin, "GET", "/tokens", nil, 200, []string{"bravo-secret-misp"}},
			{"the member's list", member, "GET", "/tokens", nil, 200, []string{"bravo-secret-misp", "Het token maken", "Intrekken"}},
			{"the member makes one", member, "POST", "/tokens", url.Values{"csrf": {memberCSRF}, "name": {"m"}, "scope": {"taxii:read"}}, 403, []string{"baken_"}},
			{"the member revokes", member, "POST", "/tokens/revoke", url.Values{"csrf": {memberCSRF}, "id": {id}}, 403, nil},
			{"the analyst's page", analyst, "GET", "/tokens", nil, 403, []string{"opencti", "bravo-secret-misp"}},
			{"the analyst makes one", analyst, "POST", "/tokens", url.Values{"csrf": {analystCSRF}, "name": {"m"}, "scope": {"taxii:read"}}, 403, []string{"baken_"}},
			{"revoking Bravo's", admin, "POST", "/tokens/revoke", url.Values{"csrf": {csrf}, "id": {itoa(bravoToken.ID)}}, 404, []string{"bravo-secret-misp"}},
			{"revoking nothing", admin, "POST", "/tokens/revoke", url.Values{"csrf": {csrf}, "id": {"x"}}, 404, nil},
		} {
			code, page, _ := c.b.do(c.method, c.url, c.form)
			if code != c.status {
				t.Errorf("%s: %d, want %d", c.name, code, c.status)
			}
			for _, s := range c.mustNot {
				if strings.Contains(page, s) {
					t.Errorf("%s: %q must not appear:\n%s", c.name, s, page)
				}
			}
		}
		if n, _ := s.APITokens(ctx, bravo.ID); len(n) != 1 {
			t.Fatalf("Bravo's token was revoked from Alpha: %+v", n)
		}

		// Revoking: the token stops working, and the audit log says who did what.
		if code, page, loc := admin.send("POST", "/tokens/revoke", url.Values{"csrf": {csrf}, "id": {id}}); code != 303 || loc != "/tokens" || !strings.Contains(page, "opencti werkt niet meer") {
			t.Fatalf("revoking: %d %s\n%s", code, loc, page)
		}
		if _, err := svc.Authenticate(ctx, plain[1], netip.MustParseAddr("192.0.2.9")); err == nil {
			t.Fatal("a revoked token works")
		}
		var actions []string
		log, _ := s.AuditLog(ctx, alpha.ID, 0)
		for _, e := range log {
			if strings.HasPrefix(e.Action, "token.") {
				actions = append(actions, e.Action)
			}
		}
		if strings.Join(actions, " ") != "token.revoke token.use token.create" {
			t.Fatalf("audit: %v", actions)
		}
	})
}
