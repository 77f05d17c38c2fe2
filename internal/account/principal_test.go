package account

import (
	"context"
	"errors"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/baken-cert/baken/internal/store"
)

// TestReach: an organisation's user or token reaches its own organisation and, for an
// intermediary, its children; nothing else, whatever the surface; staff reach all.
func TestReach(t *testing.T) {
	tb := setup(t)
	ctx := context.Background()
	im, _ := tb.s.BeginRegistryImport(ctx)
	if _, err := im.Commit(ctx, store.ImportCommit{Organisations: []store.OrgInput{{Ref: "a1", Name: "A's child", ParentRef: "a"},
		{Ref: "b1", Name: "B's child", ParentRef: "b"}}, Now: time.Now()}); err != nil {
		t.Fatal(err)
	}
	a1, _ := tb.s.Organisation(ctx, "a1")
	b1, _ := tb.s.Organisation(ctx, "b1")
	aToken := Principal{TokenID: 7, Name: "misp", OrgID: tb.a.ID, Scopes: []string{ScopeTAXIIRead}}
	child := Principal{TokenID: 8, OrgID: a1.ID, Scopes: []string{ScopeTAXIIRead}}
	for _, c := range []struct {
		name string
		p    Principal
		org  int64
		ok   bool
	}{
		{"own", PrincipalOf(tb.aMember), tb.a.ID, true},
		{"a child", PrincipalOf(tb.aMember), a1.ID, true},
		{"another's", PrincipalOf(tb.aMember), tb.b.ID, false},
		{"another's child", PrincipalOf(tb.aMember), b1.ID, false},
		{"a token's own", aToken, tb.a.ID, true},
		{"a token's child", aToken, a1.ID, true},
		{"a token of another", aToken, tb.b.ID, false},
		{"a child's token, its parent", child, tb.a.ID, false},
		{"a child's token, its sibling", child, b1.ID, false},
		{"none", aToken, 0, false},
		{"unknown", aToken, 9999, false},
		{"an analyst", PrincipalOf(tb.analyst), b1.ID, true},
		{"the command line", CommandLine, tb.b.ID, true},
		{"a token without an organisation", Principal{TokenID: 9, Role: store.RoleAdmin}, tb.a.ID, false},
	} {
		o, err := Reach(ctx, tb.s, c.p, c.org)
		if c.ok && (err != nil || o.ID != c.org) || !c.ok && !errors.Is(err, store.ErrNotFound) {
			t.Errorf("%s: %+v %v", c.name, o, err)
		}
	}
	orgs, err := Reachable(ctx, tb.s, aToken)
	if err != nil || len(orgs) != 2 || orgs[0].ID != tb.a.ID || orgs[1].ID != a1.ID {
		t.Fatalf("reachable: %+v %v", orgs, err)
	}
}

func TestCan(t *testing.T) {
	tb := setup(t)
	token := Principal{TokenID: 1, OrgID: tb.a.ID, Scopes: []string{ScopeTAXIIRead}}
	for _, c := range []struct {
		p     Principal
		scope string
		want  bool
	}{
		{token, ScopeTAXIIRead, true}, {token, ScopeAssetsRead, false}, {token, ScopeAssetsWrite, false},
		{PrincipalOf(tb.aAdmin), ScopeAssetsWrite, true}, {PrincipalOf(tb.aMember), ScopeAssetsRead, true},
		{PrincipalOf(tb.aMember), ScopeAssetsWrite, false}, {PrincipalOf(tb.analyst), ScopeContactsWrite, false},
		{CommandLine, ScopeAssetsWrite, true},
	} {
		if got := c.p.Can(c.scope); got != c.want {
			t.Errorf("%+v can %s: %v", c.p, c.scope, got)
		}
	}
	if Grantable(token) != nil {
		t.Fatal("a token manages no users")
	}
}

func TestTokens(t *testing.T) {
	tb := setup(t)
	ctx := context.Background()
	now := time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
	tb.svc.now = func() time.Time { return now }
	admin := PrincipalOf(tb.aAdmin)
	spec := TokenSpec{Name: " misp ", Scopes: []string{ScopeAssetsRead, ScopeTAXIIRead}, Allow: []string{"192.0.2.7", "2001:db8::1/32"}}
	plain, tok, err := tb.svc.CreateToken(ctx, admin, tb.a.ID, spec)
	if err != nil || !strings.HasPrefix(plain, TokenPrefix) || tok.Name != "misp" || strings.Join(tok.Scopes, " ") != "assets:read taxii:read" ||
		strings.Join(tok.Allow, " ") != "192.0.2.7/32 2001:db8::/32" || !tok.ExpiresAt.Equal(now.Add(DefaultTokenLife)) {
		t.Fatalf("create: %q %+v %v", plain, tok, err)
	}
	for _, c := range []struct {
		name string
		p    Principal
		org  int64
		spec TokenSpec
		want error
	}{
		{"a member", PrincipalOf(tb.aMember), tb.a.ID, spec, ErrForbidden},
		{"a token", Principal{TokenID: tok.ID, OrgID: tb.a.ID, Scopes: Scopes}, tb.a.ID, spec, ErrForbidden},
		{"another organisation", admin, tb.b.ID, spec, store.ErrNotFound},
		{"no name", admin, tb.a.ID, TokenSpec{Scopes: spec.Scopes}, ErrTokenName},
		{"no scope", admin, tb.a.ID, TokenSpec{Name: "x"}, ErrTokenScopes},
		{"an unknown scope", admin, tb.a.ID, TokenSpec{Name: "x", Scopes: []string{"everything"}}, ErrTokenScopes},
		{"expired", admin, tb.a.ID, TokenSpec{Name: "x", Scopes: spec.Scopes, ExpiresAt: now}, ErrTokenExpiry},
		{"too long", admin, tb.a.ID, TokenSpec{Name: "x", Scopes: spec.Scopes, ExpiresAt: now.Add(3 * 365 * 24 * time.Hour)}, ErrTokenExpiry},
		{"a bad address", admin, tb.a.ID, TokenSpec{Name: "x", Scopes: spec.Scopes, Allow: []string{"192.0.2.300"}}, ErrTokenAllow},
		{"the same name", admin, tb.a.ID, spec, store.ErrConflict},
	} {
		if _, _, err := tb.svc.CreateToken(ctx, c.p, c.org, c.spec); !errors.Is(err, c.want) {
			t.Errorf("%s: %v, want %v", c.name, err, c.want)
		}
	}

	from := netip.MustParseAddr("192.0.2.7")
	p, err := tb.svc.Authenticate(ctx, plain, from)
	if err != nil || p.TokenID != tok.ID || p.OrgID != tb.a.ID || !p.Can(ScopeTAXIIRead) || p.Can(ScopeAssetsWrite) || p.Staff() {
		t.Fatalf("authenticate: %+v %v", p, err)
	}
	if _, err := tb.svc.Authenticate(ctx, plain, netip.MustParseAddr("::ffff:192.0.2.7")); err != nil {
		t.Fatalf("a mapped address: %v", err)
	}
	if _, err := tb.svc.Authenticate(ctx, plain, netip.MustParseAddr("198.51.100.1")); !errors.Is(err, ErrTokenAddress) {
		t.Fatalf("from an address not allowed: %v", err)
	}
	for _, bad := range []string{"", plain + "x", strings.TrimPrefix(plain, TokenPrefix)} {
		if _, err := tb.svc.Authenticate(ctx, bad, from); !errors.Is(err, ErrBadToken) {
			t.Fatalf("%q: %v", bad, err)
		}
	}
	// Uses within a minute are one entry in the audit log.
	log, _ := tb.s.AuditLog(ctx, tb.a.ID, 0)
	uses := 0
	for _, e := range log {
		if e.Action == "token.use" {
			uses++
			if !strings.Contains(e.Detail, "misp") || !strings.Contains(e.Detail, "192.0.2.7") {
				t.Errorf("use: %+v", e)
			}
		}
	}
	if uses != 1 {
		t.Fatalf("uses audited: %d %+v", uses, log)
	}

	// Expiry and revocation end a token.
	now = tok.ExpiresAt
	if _, err := tb.svc.Authenticate(ctx, plain, from); !errors.Is(err, ErrBadToken) {
		t.Fatalf("expired: %v", err)
	}
	now = tok.CreatedAt
	if _, err := tb.svc.RevokeToken(ctx, PrincipalOf(tb.bAdmin), tb.b.ID, tok.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("revoking another organisation's token: %v", err)
	}
	if _, err := tb.svc.RevokeToken(ctx, PrincipalOf(tb.aMember), tb.a.ID, tok.ID); !errors.Is(err, ErrForbidden) {
		t.Fatalf("a member revoking: %v", err)
	}
	if _, err := tb.svc.RevokeToken(ctx, admin, tb.a.ID, tok.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := tb.svc.Authenticate(ctx, plain, from); !errors.Is(err, ErrBadToken) {
		t.Fatalf("revoked: %v", err)
	}
	if list, err := tb.svc.Tokens(ctx, PrincipalOf(tb.bAdmin), tb.a.ID); !errors.Is(err, store.ErrNotFound) || list != nil {
		t.Fatalf("another organisation's list: %v %v", list, err)
	}
	if log, _ := tb.s.AuditLog(ctx, tb.a.ID, 1); log[0].Action != "token.revoke" || !strings.HasPrefix(log[0].Detail, "misp") {
		t.Fatalf("revoke audited: %+v", log)
	}
}
