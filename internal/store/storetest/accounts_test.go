package storetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/baken-cert/baken/internal/store"
)

func TestAccounts(t *testing.T) {
	ForEachEngine(t, func(t *testing.T, s store.Store) {
		ctx := context.Background()
		if n, err := s.CountUsers(ctx); err != nil || n != 0 {
			t.Fatalf("users of an empty database: %d %v", n, err)
		}
		u, err := s.CreateUser(ctx, store.UserInput{Email: "Admin@CERT.example", Role: store.RoleAdmin, Language: "en", Now: t0},
			store.TokenInput{Hash: "setup-hash", Purpose: "setup", ExpiresAt: t0.Add(time.Hour)}, store.AuditEntry{At: t0, Action: "user.create", Detail: "admin@cert.example"})
		if err != nil || u.Email != "admin@cert.example" || u.Ready() {
			t.Fatalf("create: %+v %v", u, err)
		}
		if _, err := s.CreateUser(ctx, store.UserInput{Email: "admin@cert.example", Role: store.RoleAdmin, Now: t0},
			store.TokenInput{Hash: "other", Purpose: "setup", ExpiresAt: t0}, store.AuditEntry{Action: "x"}); !errors.Is(err, store.ErrConflict) {
			t.Fatalf("the same address twice: %v", err)
		}
		if n, err := s.CountUsers(ctx); err != nil || n != 1 {
			t.Fatalf("users after one was created: %d %v", n, err)
		}
		if _, err := s.TokenUser(ctx, "setup-hash", "setup", t0.Add(2*time.Hour)); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("an expired token: %v", err)
		}
		if got, err := s.TokenUser(ctx, "setup-hash", "setup", t0); err != nil || got.ID != u.ID {
			t.Fatalf("token user: %+v %v", got, err)
		}
		c := store.Credentials{PasswordHash: "$argon2id$x", TOTPSecret: "SECRET", RecoveryCodes: []string{"h1", "h2", "h3"}}
		if err := s.SetCredentials(ctx, "setup-hash", c, t0, store.AuditEntry{At: t0, Action: "user.setup"}); err != nil {
			t.Fatal(err)
		}
		if err := s.SetCredentials(ctx, "setup-hash", c, t0, store.AuditEntry{Action: "user.setup"}); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("a token used twice: %v", err)
		}
		u, _ = s.UserByEmail(ctx, "ADMIN@cert.example")
		if !u.Ready() || len(u.RecoveryCodes) != 3 {
			t.Fatalf("after set-up: %+v", u)
		}
		if err := s.UseTOTPStep(ctx, u.ID, 100); err != nil {
			t.Fatal(err)
		}
		if err := s.UseTOTPStep(ctx, u.ID, 100); !errors.Is(err, store.ErrConflict) {
			t.Fatalf("a replayed step: %v", err)
		}
		s.UseRecoveryCode(ctx, u.ID, 1)
		if u, _ = s.User(ctx, u.ID); len(u.RecoveryCodes) != 2 || u.RecoveryCodes[1] != "h3" {
			t.Fatalf("recovery codes %v", u.RecoveryCodes)
		}
		for i := 1; i <= 3; i++ {
			n, err := s.LoginFailed(ctx, u.ID, 3, t0.Add(time.Hour))
			if err != nil || n != i {
				t.Fatalf("failure %d: %d %v", i, n, err)
			}
		}
		if u, _ = s.User(ctx, u.ID); !u.LockedUntil.Equal(t0.Add(time.Hour)) {
			t.Fatalf("locked until %v", u.LockedUntil)
		}
		s.LoginSucceeded(ctx, u.ID)
		if u, _ = s.User(ctx, u.ID); u.FailedLogins != 0 || !u.LockedUntil.IsZero() {
			t.Fatalf("after success: %+v", u)
		}

		if err := s.CreateSession(ctx, store.SessionInput{Hash: "s1", UserID: u.ID, Now: t0, Expires: t0.Add(time.Hour), Client: "Firefox"}); err != nil {
			t.Fatal(err)
		}
		sess, err := s.Session(ctx, "s1", t0.Add(time.Minute))
		if err != nil || sess.User.ID != u.ID || sess.MFADone {
			t.Fatalf("session: %+v %v", sess, err)
		}
		if err := s.CompleteMFA(ctx, "s1", "s2", t0.Add(8*time.Hour)); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Session(ctx, "s1", t0); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("the pre-MFA session id must die: %v", err)
		}
		if sess, err = s.Session(ctx, "s2", t0.Add(2*time.Hour)); err != nil || !sess.MFADone {
			t.Fatalf("after MFA: %+v %v", sess, err)
		}
		if _, err := s.Session(ctx, "s2", t0.Add(9*time.Hour)); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("an expired session: %v", err)
		}
		list, _ := s.Sessions(ctx, u.ID, t0)
		if len(list) != 1 || list[0].Client != "Firefox" {
			t.Fatalf("sessions %+v", list)
		}
		if err := s.DeleteSession(ctx, u.ID+1, "s2"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("another user's session must not be deletable: %v", err)
		}
		if err := s.DeleteSession(ctx, u.ID, "s2"); err != nil {
			t.Fatal(err)
		}
		log, _ := s.AuditLog(ctx, 0, 10)
		if len(log) != 2 || log[0].Action != "user.setup" || log[0].ActorID != u.ID || log[1].Action != "user.create" {
			t.Fatalf("audit log %+v", log)
		}
	})
}

func TestUserLanguage(t *testing.T) {
	ForEachEngine(t, func(t *testing.T, s store.Store) {
		ctx := context.Background()
		u, err := s.CreateUser(ctx, store.UserInput{Email: "analyst@cert.example", Role: store.RoleAnalyst, Language: "nl", Now: t0},
			store.TokenInput{Hash: "setup-hash", Purpose: "setup", ExpiresAt: t0.Add(time.Hour)}, store.AuditEntry{At: t0, Action: "user.create"})
		if err != nil || u.Language != "nl" {
			t.Fatalf("create: %+v %v", u, err)
		}
		if err := s.SetUserLanguage(ctx, u.ID, "en", store.AuditEntry{At: t0, ActorID: u.ID, Action: "user.language", Detail: "en"}); err != nil {
			t.Fatal(err)
		}
		if u, _ = s.User(ctx, u.ID); u.Language != "en" {
			t.Fatalf("after choosing English: %q", u.Language)
		}
		if err := s.SetUserLanguage(ctx, u.ID+1, "en", store.AuditEntry{At: t0, Action: "user.language"}); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("an unknown user: %v", err)
		}
		log, _ := s.AuditLog(ctx, 0, 10)
		if len(log) != 2 || log[0].Action != "user.language" || log[0].ActorID != u.ID || log[0].Detail != "en" {
			t.Fatalf("audit log %+v", log)
		}
	})
}
