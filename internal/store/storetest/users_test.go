package storetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/baken-cert/baken/internal/store"
)

// newUser adds a user with an unused set-up token named after them.
func newUser(t *testing.T, s store.Store, email, role string, orgID int64) store.User {
	t.Helper()
	u, err := s.CreateUser(context.Background(), store.UserInput{Email: email, Role: role, OrgID: orgID, Language: "nl", Now: t0},
		store.TokenInput{Hash: "setup-" + email, Purpose: "setup", ExpiresAt: t0.Add(time.Hour)}, store.AuditEntry{At: t0, Action: "user.create"})
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func TestUserManagement(t *testing.T) {
	ForEachEngine(t, func(t *testing.T, s store.Store) {
		ctx := context.Background()
		if _, err := importAll(t, s, nil, store.ImportCommit{Organisations: []store.OrgInput{{Ref: "a", Name: "A"}, {Ref: "b", Name: "B"}}}); err != nil {
			t.Fatal(err)
		}
		a, _ := s.Organisation(ctx, "a")
		b, _ := s.Organisation(ctx, "b")
		admin := newUser(t, s, "admin@cert.example", store.RoleAdmin, 0)
		alice := newUser(t, s, "alice@a.example", store.RoleOrgMember, a.ID)
		newUser(t, s, "bob@b.example", store.RoleOrgAdmin, b.ID)

		// The list: all, or one organisation's, with the expiry of the set-up link.
		all, err := s.Users(ctx, 0)
		if err != nil || len(all) != 3 || all[0].Email != "admin@cert.example" || !all[0].InvitedUntil.Equal(t0.Add(time.Hour)) {
			t.Fatalf("all users: %+v %v", all, err)
		}
		if got, _ := s.Users(ctx, a.ID); len(got) != 1 || got[0].ID != alice.ID {
			t.Fatalf("A's users: %+v", got)
		}

		// The set-up secret is kept with the token: the first candidate stays.
		if got, err := s.SetupSecret(ctx, "setup-alice@a.example", "FIRST", t0); err != nil || got != "FIRST" {
			t.Fatalf("first secret: %q %v", got, err)
		}
		if got, _ := s.SetupSecret(ctx, "setup-alice@a.example", "SECOND", t0); got != "FIRST" {
			t.Fatalf("second load: %q", got)
		}
		if _, err := s.SetupSecret(ctx, "setup-alice@a.example", "X", t0.Add(2*time.Hour)); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("an expired token: %v", err)
		}

		// A new link replaces the old one; a user who set up gets none.
		if err := s.Reinvite(ctx, alice.ID, store.TokenInput{Hash: "again", Purpose: "setup", ExpiresAt: t0.Add(3 * time.Hour)}, store.AuditEntry{At: t0, Action: "user.reinvite"}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.TokenUser(ctx, "setup-alice@a.example", "setup", t0); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("the old link still works: %v", err)
		}
		if got, err := s.TokenUser(ctx, "again", "setup", t0.Add(2*time.Hour)); err != nil || got.ID != alice.ID {
			t.Fatalf("the new link: %+v %v", got, err)
		}
		c := store.Credentials{PasswordHash: "$argon2id$x", TOTPSecret: "S", Language: "en"}
		if err := s.SetCredentials(ctx, "again", c, t0, store.AuditEntry{At: t0, Action: "user.setup"}); err != nil {
			t.Fatal(err)
		}
		if u, _ := s.User(ctx, alice.ID); u.Language != "en" || !u.Ready() {
			t.Fatalf("the language chosen at set-up: %+v", u)
		}
		if err := s.Reinvite(ctx, alice.ID, store.TokenInput{Hash: "third", Purpose: "setup", ExpiresAt: t0.Add(time.Hour)}, store.AuditEntry{Action: "x"}); !errors.Is(err, store.ErrConflict) {
			t.Fatalf("re-inviting a user who set up: %v", err)
		}

		// Disabling ends the sessions, refuses new ones and the user's links.
		s.CreateSession(ctx, store.SessionInput{Hash: "sess", UserID: alice.ID, MFADone: true, Now: t0, Expires: t0.Add(time.Hour)})
		s.AddToken(ctx, alice.ID, store.TokenInput{Hash: "reset", Purpose: "reset", ExpiresAt: t0.Add(time.Hour)})
		if err := s.ChangeUser(ctx, alice.ID, store.UserChange{Disable: true, Now: t0}, store.AuditEntry{At: t0, Action: "user.disable"}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Session(ctx, "sess", t0); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("a disabled user's session: %v", err)
		}
		s.CreateSession(ctx, store.SessionInput{Hash: "sess2", UserID: alice.ID, MFADone: true, Now: t0, Expires: t0.Add(time.Hour)})
		if _, err := s.Session(ctx, "sess2", t0); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("a new session of a disabled user: %v", err)
		}
		if _, err := s.TokenUser(ctx, "reset", "reset", t0); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("a disabled user's reset link: %v", err)
		}
		if u, _ := s.User(ctx, alice.ID); !u.Disabled() {
			t.Fatalf("not disabled: %+v", u)
		}
		s.ChangeUser(ctx, alice.ID, store.UserChange{Enable: true}, store.AuditEntry{At: t0, Action: "user.enable"})
		if _, err := s.Session(ctx, "sess2", t0); err != nil {
			t.Fatalf("enabled again: %v", err)
		}

		// Unlock and a new role.
		s.LoginFailed(ctx, alice.ID, 1, t0.Add(time.Hour))
		if err := s.ChangeUser(ctx, alice.ID, store.UserChange{Unlock: true, Role: store.RoleOrgAdmin}, store.AuditEntry{At: t0, Action: "user.unlock"}); err != nil {
			t.Fatal(err)
		}
		if u, _ := s.User(ctx, alice.ID); !u.LockedUntil.IsZero() || u.FailedLogins != 0 || u.Role != store.RoleOrgAdmin {
			t.Fatalf("after unlock and role: %+v", u)
		}

		// The last enabled administrator stays: not demoted, disabled or removed.
		for name, change := range map[string]func() error{
			"demote": func() error {
				return s.ChangeUser(ctx, admin.ID, store.UserChange{Role: store.RoleAnalyst}, store.AuditEntry{Action: "x"})
			},
			"disable": func() error {
				return s.ChangeUser(ctx, admin.ID, store.UserChange{Disable: true, Now: t0}, store.AuditEntry{Action: "x"})
			},
			"remove": func() error { return s.DeleteUser(ctx, admin.ID, store.AuditEntry{Action: "x"}) },
		} {
			if err := change(); !errors.Is(err, store.ErrLastAdmin) {
				t.Errorf("%s the last administrator: %v", name, err)
			}
		}
		if u, err := s.User(ctx, admin.ID); err != nil || u.Role != store.RoleAdmin || u.Disabled() {
			t.Fatalf("the last administrator changed: %+v %v", u, err)
		}
		second := newUser(t, s, "second@cert.example", store.RoleAdmin, 0)
		if err := s.ChangeUser(ctx, admin.ID, store.UserChange{Role: store.RoleAnalyst}, store.AuditEntry{Action: "user.role"}); err != nil {
			t.Fatalf("demoting one of two administrators: %v", err)
		}
		if err := s.DeleteUser(ctx, second.ID, store.AuditEntry{Action: "x"}); !errors.Is(err, store.ErrLastAdmin) {
			t.Fatalf("removing the now last administrator: %v", err)
		}

		// Removing a user; an unknown one is not found.
		if err := s.DeleteUser(ctx, alice.ID, store.AuditEntry{At: t0, Action: "user.remove"}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.User(ctx, alice.ID); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("a removed user: %v", err)
		}
		if err := s.DeleteUser(ctx, alice.ID, store.AuditEntry{Action: "x"}); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("removing twice: %v", err)
		}
		if err := s.ChangeUser(ctx, alice.ID, store.UserChange{Unlock: true}, store.AuditEntry{Action: "x"}); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("changing a removed user: %v", err)
		}
		log, _ := s.AuditLog(ctx, 0, 100)
		actions := map[string]int{}
		for _, e := range log {
			actions[e.Action]++
		}
		for _, want := range []string{"user.reinvite", "user.disable", "user.enable", "user.unlock", "user.role", "user.remove"} {
			if actions[want] != 1 {
				t.Errorf("audit %s: %d entries", want, actions[want])
			}
		}
		if actions["x"] != 0 {
			t.Errorf("refused changes were audited: %d", actions["x"])
		}
	})
}
