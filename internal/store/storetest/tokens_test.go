package storetest

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/baken-cert/baken/internal/store"
)

// twoOrgs registers the organisations a and b and returns their ids.
func twoOrgs(t *testing.T, s store.Store) (a, b int64) {
	t.Helper()
	ctx := context.Background()
	if _, err := importAll(t, s, nil, store.ImportCommit{Organisations: []store.OrgInput{{Ref: "a", Name: "Alpha"}, {Ref: "b", Name: "Bravo"}}, Now: t0}); err != nil {
		t.Fatal(err)
	}
	oa, _ := s.Organisation(ctx, "a")
	ob, _ := s.Organisation(ctx, "b")
	return oa.ID, ob.ID
}

func TestAPITokens(t *testing.T) {
	ForEachEngine(t, func(t *testing.T, s store.Store) {
		ctx := context.Background()
		a, b := twoOrgs(t, s)
		in := store.APITokenInput{OrgID: a, Name: "misp", Hash: "h1", Scopes: []string{"taxii:read", "assets:read"}, Allow: []string{"192.0.2.0/24"},
			ExpiresAt: t0.Add(24 * time.Hour), Now: t0}
		tok, err := s.CreateAPIToken(ctx, in, store.AuditEntry{At: t0, OrgID: a, Action: "token.create", Detail: "misp"})
		if err != nil || tok.ID == 0 || tok.OrgID != a || !slices.Equal(tok.Scopes, in.Scopes) || !slices.Equal(tok.Allow, in.Allow) ||
			!tok.ExpiresAt.Equal(in.ExpiresAt) || !tok.LastUsedAt.IsZero() || !tok.RevokedAt.IsZero() {
			t.Fatalf("create: %+v %v", tok, err)
		}
		in.Hash = "h2"
		if _, err := s.CreateAPIToken(ctx, in, store.AuditEntry{Action: "token.create"}); !errors.Is(err, store.ErrConflict) {
			t.Fatalf("a live token's name again: %v", err)
		}
		in.OrgID = b
		if _, err := s.CreateAPIToken(ctx, in, store.AuditEntry{Action: "token.create"}); err != nil {
			t.Fatalf("the same name in another organisation: %v", err)
		}
		if got, err := s.APITokenByHash(ctx, "h1"); err != nil || got.ID != tok.ID {
			t.Fatalf("by hash: %+v %v", got, err)
		}
		if _, err := s.APITokenByHash(ctx, "nope"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("an unknown hash: %v", err)
		}
		if list, _ := s.APITokens(ctx, a); len(list) != 1 || list[0].ID != tok.ID {
			t.Fatalf("a's tokens: %+v", list)
		}
		if list, _ := s.APITokens(ctx, 0); len(list) != 2 {
			t.Fatalf("every token: %+v", list)
		}

		// A use is recorded, and audited, at most once a minute.
		for i, want := range []bool{true, false, true} {
			at := t0.Add([]time.Duration{0, 30 * time.Second, 61 * time.Second}[i])
			got, err := s.UseAPIToken(ctx, tok.ID, at, time.Minute, store.AuditEntry{At: at, OrgID: a, Action: "token.use"})
			if err != nil || got != want {
				t.Fatalf("use %d: %v %v, want %v", i, got, err, want)
			}
		}
		if got, _ := s.APITokenByHash(ctx, "h1"); !got.LastUsedAt.Equal(t0.Add(61 * time.Second)) {
			t.Fatalf("last used: %v", got.LastUsedAt)
		}
		log, _ := s.AuditLog(ctx, a, 0)
		uses := 0
		for _, e := range log {
			if e.Action == "token.use" {
				uses++
			}
		}
		if uses != 2 {
			t.Fatalf("token.use entries: %d: %+v", uses, log)
		}

		// Revoking: another organisation's token is not found; a revoked one leaves the list.
		if _, err := s.RevokeAPIToken(ctx, b, tok.ID, t0, store.AuditEntry{Action: "token.revoke"}); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("revoking a's token as b: %v", err)
		}
		if got, err := s.RevokeAPIToken(ctx, a, tok.ID, t0.Add(time.Hour), store.AuditEntry{At: t0, OrgID: a, Action: "token.revoke"}); err != nil || !got.RevokedAt.Equal(t0.Add(time.Hour)) {
			t.Fatalf("revoke: %+v %v", got, err)
		}
		if _, err := s.RevokeAPIToken(ctx, a, tok.ID, t0, store.AuditEntry{Action: "token.revoke"}); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("revoking twice: %v", err)
		}
		if list, _ := s.APITokens(ctx, a); len(list) != 0 {
			t.Fatalf("after revoking: %+v", list)
		}
		if got, _ := s.APITokenByHash(ctx, "h1"); got.RevokedAt.IsZero() {
			t.Fatal("a revoked token must say so")
		}
		in.OrgID, in.Hash = a, "h3"
		if _, err := s.CreateAPIToken(ctx, in, store.AuditEntry{Action: "token.create"}); err != nil {
			t.Fatalf("a revoked token's name again: %v", err)
		}
	})
}
