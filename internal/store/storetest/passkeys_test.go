package storetest

import (
	"bytes"
	"context"
	"errors"
	"testing"
	"time"

	"github.com/baken-cert/baken/internal/store"
)

func TestPasskeys(t *testing.T) {
	ForEachEngine(t, func(t *testing.T, s store.Store) {
		ctx := context.Background()
		var users [2]store.User
		for i, email := range []string{"a@example.nl", "b@example.nl"} {
			u, err := s.CreateUser(ctx, store.UserInput{Email: email, Role: store.RoleAdmin, Now: t0},
				store.TokenInput{Hash: email, Purpose: "setup", ExpiresAt: t0.Add(time.Hour)}, store.AuditEntry{Action: "user.create"})
			if err != nil {
				t.Fatal(err)
			}
			users[i] = u
		}
		a, b := users[0], users[1]
		p, err := s.AddPasskey(ctx, store.PasskeyInput{UserID: a.ID, Name: "laptop", CredentialID: []byte{1, 2, 3},
			Credential: []byte(`{"id":"AQID"}`), Now: t0}, store.AuditEntry{At: t0, ActorID: a.ID, Action: "passkey.add", Detail: "laptop"})
		if err != nil || p.ID == 0 {
			t.Fatalf("add: %+v %v", p, err)
		}
		if _, err := s.AddPasskey(ctx, store.PasskeyInput{UserID: b.ID, CredentialID: []byte{1, 2, 3}, Credential: []byte(`{}`), Now: t0},
			store.AuditEntry{Action: "passkey.add"}); !errors.Is(err, store.ErrConflict) {
			t.Fatalf("a credential registered twice: %v", err)
		}
		if err := s.UsePasskey(ctx, a.ID, p.ID, []byte(`{"id":"AQID","count":2}`), t0.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		if err := s.UsePasskey(ctx, b.ID, p.ID, []byte(`{}`), t0); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("another user's passkey used: %v", err)
		}
		got, err := s.Passkeys(ctx, a.ID)
		if err != nil || len(got) != 1 || got[0].Name != "laptop" || !bytes.Equal(got[0].CredentialID, []byte{1, 2, 3}) ||
			string(got[0].Credential) != `{"id":"AQID","count":2}` || !got[0].LastUsedAt.Equal(t0.Add(time.Hour)) || !got[0].CreatedAt.Equal(t0) {
			t.Fatalf("passkeys of a: %+v %v", got, err)
		}
		if got, _ := s.Passkeys(ctx, b.ID); len(got) != 0 {
			t.Fatalf("b sees a's passkeys: %+v", got)
		}
		if err := s.DeletePasskey(ctx, b.ID, p.ID, store.AuditEntry{Action: "passkey.remove"}); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("b removed a's passkey: %v", err)
		}
		if err := s.DeletePasskey(ctx, a.ID, p.ID, store.AuditEntry{At: t0, ActorID: a.ID, Action: "passkey.remove"}); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.Passkeys(ctx, a.ID); len(got) != 0 {
			t.Fatalf("after removal: %+v", got)
		}
		log, _ := s.AuditLog(ctx, 0, 10)
		if len(log) < 2 || log[0].Action != "passkey.remove" || log[1].Action != "passkey.add" {
			t.Fatalf("audit log: %+v", log)
		}

		if err := s.CreateSession(ctx, store.SessionInput{Hash: "s1", UserID: a.ID, Now: t0, Expires: t0.Add(time.Hour)}); err != nil {
			t.Fatal(err)
		}
		if c, err := s.Ceremony(ctx, "s1"); err != nil || c != "" {
			t.Fatalf("a new session's ceremony: %q %v", c, err)
		}
		if err := s.SetCeremony(ctx, "s1", `{"challenge":"x"}`); err != nil {
			t.Fatal(err)
		}
		if c, err := s.Ceremony(ctx, "s1"); err != nil || c != `{"challenge":"x"}` {
			t.Fatalf("ceremony: %q %v", c, err)
		}
		if err := s.SetCeremony(ctx, "nope", "x"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("an unknown session: %v", err)
		}
	})
}
