package account

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/baken-cert/baken/internal/store"
	"github.com/baken-cert/baken/internal/store/storetest"
)

type bundle struct {
	svc                                     *Service
	s                                       store.Store
	a, b                                    store.Organisation
	admin, analyst, aAdmin, aMember, bAdmin store.User
}

func setup(t *testing.T) *bundle {
	t.Helper()
	ctx := context.Background()
	s := storetest.Open(t, "sqlite")
	im, _ := s.BeginRegistryImport(ctx)
	if _, err := im.Commit(ctx, store.ImportCommit{Organisations: []store.OrgInput{{Ref: "a", Name: "A"}, {Ref: "b", Name: "B"}}, Now: time.Now()}); err != nil {
		t.Fatal(err)
	}
	tb := &bundle{svc: New(s, time.Now), s: s}
	tb.a, _ = s.Organisation(ctx, "a")
	tb.b, _ = s.Organisation(ctx, "b")
	mk := func(email, role string, org int64) store.User {
		u, _, err := tb.svc.Invite(ctx, CommandLine, store.UserInput{Email: email, Role: role, OrgID: org})
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	tb.admin = mk("admin@cert.example", store.RoleAdmin, 0)
	tb.analyst = mk("analyst@cert.example", store.RoleAnalyst, 0)
	tb.aAdmin = mk("admin@a.example", store.RoleOrgAdmin, tb.a.ID)
	tb.aMember = mk("member@a.example", store.RoleOrgMember, tb.a.ID)
	tb.bAdmin = mk("admin@b.example", store.RoleOrgAdmin, tb.b.ID)
	return tb
}

func TestRules(t *testing.T) {
	tb := setup(t)
	ctx := context.Background()
	admin, aAdmin, analyst, member := PrincipalOf(tb.admin), PrincipalOf(tb.aAdmin), PrincipalOf(tb.analyst), PrincipalOf(tb.aMember)
	scenarios := []struct {
		name string
		do   func() error
		want error // nil: allowed
	}{
		{"org-admin lists another organisation's users", func() error {
			us, err := tb.svc.List(ctx, aAdmin, tb.b.ID)
			for _, u := range us {
				if u.OrgID != tb.a.ID {
					return errors.New("saw " + u.Email)
				}
			}
			return err
		}, nil},
		{"an analyst lists users", func() error { _, err := tb.svc.List(ctx, analyst, 0); return err }, ErrForbidden},
		{"a member changes a role", func() error { _, err := tb.svc.SetRole(ctx, member, tb.aMember.ID, store.RoleOrgAdmin); return err }, ErrForbidden},
		{"org-admin changes another organisation's user", func() error { _, err := tb.svc.SetRole(ctx, aAdmin, tb.bAdmin.ID, store.RoleOrgMember); return err }, store.ErrNotFound},
		{"org-admin disables another organisation's user", func() error { _, err := tb.svc.Disable(ctx, aAdmin, tb.bAdmin.ID); return err }, store.ErrNotFound},
		{"org-admin removes another organisation's user", func() error { _, err := tb.svc.Remove(ctx, aAdmin, tb.bAdmin.ID); return err }, store.ErrNotFound},
		{"org-admin unlocks another organisation's user", func() error { _, err := tb.svc.Unlock(ctx, aAdmin, tb.bAdmin.ID); return err }, store.ErrNotFound},
		{"org-admin re-invites another organisation's user", func() error { _, _, err := tb.svc.Reinvite(ctx, aAdmin, tb.bAdmin.ID); return err }, store.ErrNotFound},
		{"org-admin touches an administrator", func() error { _, err := tb.svc.Disable(ctx, aAdmin, tb.admin.ID); return err }, store.ErrNotFound},
		{"org-admin makes an analyst", func() error { _, err := tb.svc.SetRole(ctx, aAdmin, tb.aMember.ID, store.RoleAnalyst); return err }, ErrForbidden},
		{"org-admin makes an administrator", func() error { _, err := tb.svc.SetRole(ctx, aAdmin, tb.aMember.ID, store.RoleAdmin); return err }, ErrForbidden},
		{"org-admin invites an administrator", func() error {
			_, _, err := tb.svc.Invite(ctx, aAdmin, store.UserInput{Email: "x@a.example", Role: store.RoleAdmin})
			return err
		}, ErrForbidden},
		{"an organisation's user made an analyst", func() error { _, err := tb.svc.SetRole(ctx, admin, tb.aMember.ID, store.RoleAnalyst); return err }, ErrKind},
		{"org-admin disables themselves", func() error { _, err := tb.svc.Disable(ctx, aAdmin, tb.aAdmin.ID); return err }, ErrSelf},
		{"the last administrator demotes themselves", func() error { _, err := tb.svc.SetRole(ctx, admin, tb.admin.ID, store.RoleAnalyst); return err }, store.ErrLastAdmin},
		{"the command line removes the last administrator", func() error { _, err := tb.svc.Remove(ctx, CommandLine, tb.admin.ID); return err }, store.ErrLastAdmin},
		{"org-admin promotes their member", func() error { _, err := tb.svc.SetRole(ctx, aAdmin, tb.aMember.ID, store.RoleOrgAdmin); return err }, nil},
		{"org-admin disables their member", func() error { _, err := tb.svc.Disable(ctx, aAdmin, tb.aMember.ID); return err }, nil},
		{"org-admin re-invites their disabled member", func() error { _, _, err := tb.svc.Reinvite(ctx, aAdmin, tb.aMember.ID); return err }, ErrDisabled},
		{"org-admin enables their member", func() error { _, err := tb.svc.Enable(ctx, aAdmin, tb.aMember.ID); return err }, nil},
		{"org-admin re-invites their member", func() error { _, _, err := tb.svc.Reinvite(ctx, aAdmin, tb.aMember.ID); return err }, nil},
		{"org-admin invites into their organisation only", func() error {
			u, _, err := tb.svc.Invite(ctx, aAdmin, store.UserInput{Email: "y@a.example", Role: store.RoleOrgMember, OrgID: tb.b.ID})
			if err == nil && u.OrgID != tb.a.ID {
				return errors.New("invited into B")
			}
			return err
		}, nil},
		{"administrator makes an analyst an administrator", func() error { _, err := tb.svc.SetRole(ctx, admin, tb.analyst.ID, store.RoleAdmin); return err }, nil},
		{"administrator removes A's member", func() error { _, err := tb.svc.Remove(ctx, admin, tb.aMember.ID); return err }, nil},
	}
	for _, sc := range scenarios {
		if err := sc.do(); (sc.want == nil) != (err == nil) || (sc.want != nil && !errors.Is(err, sc.want)) {
			t.Errorf("%s: %v, want %v", sc.name, err, sc.want)
		}
	}
	if u, _ := tb.s.User(ctx, tb.bAdmin.ID); u.Role != store.RoleOrgAdmin {
		t.Fatalf("B's administrator, whom A's could not touch, was changed: %+v", u)
	}
	log, _ := tb.s.AuditLog(ctx, tb.a.ID, 100)
	var got []string
	for _, e := range log {
		if e.ActorID == tb.aAdmin.ID {
			got = append(got, e.Action)
		}
	}
	if len(got) != 5 { // invite, re-invite, enable, disable, role
		t.Fatalf("the audit of A's administrator: %v", got)
	}
}
