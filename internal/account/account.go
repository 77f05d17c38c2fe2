// Package account holds the rules of user management, for the portal and the command
// line alike: who may see, invite and change which users. An organisation's
// administrator sees and changes only the users of their own organisation (another's
// are not found); nobody gives a role they could not be given by themselves; Baken
// keeps at least one enabled administrator (the store checks that in the change's
// transaction).
package account

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/baken-cert/baken/internal/auth"
	"github.com/baken-cert/baken/internal/store"
)

// LinkLife is how long a set-up link (an invitation) stays valid.
const LinkLife = 72 * time.Hour

// Domain errors; store.ErrNotFound (a user not theirs to see), store.ErrConflict (an
// address taken, a user who set up already) and store.ErrLastAdmin pass through.
var (
	// ErrSelf: nobody disables or removes themselves.
	ErrSelf = errors.New("not to yourself")
	// ErrKind: an organisation's user keeps an organisation's role and Baken's staff a
	// staff role (the organisation would be missing, or left behind).
	ErrKind = errors.New("an organisation's role and a staff role do not swap")
	// ErrDisabled: a disabled user gets no new set-up link (it would not work).
	ErrDisabled = errors.New("the user is disabled")
)

// Roles are every role, the staff's first.
var Roles = []string{store.RoleAdmin, store.RoleAnalyst, store.RoleOrgAdmin, store.RoleOrgMember}

// IsOrgRole reports whether role belongs to an organisation's user.
func IsOrgRole(role string) bool { return role == store.RoleOrgAdmin || role == store.RoleOrgMember }

// Grantable are the roles an actor may give: an administrator any, an organisation's
// administrator those of their organisation; others none (and they manage nobody).
func Grantable(a Principal) []string {
	switch a.Role {
	case store.RoleAdmin:
		return []string{store.RoleOrgAdmin, store.RoleOrgMember, store.RoleAnalyst, store.RoleAdmin}
	case store.RoleOrgAdmin:
		return []string{store.RoleOrgMember, store.RoleOrgAdmin}
	}
	return nil
}

// Service applies the rules, over the store.
type Service struct {
	store store.Store
	now   func() time.Time
}

// New returns the service; now is the clock (time.Now).
func New(s store.Store, now func() time.Time) *Service { return &Service{store: s, now: now} }

// List returns the users an actor manages: an administrator all, or one organisation's
// (orgID not 0); an organisation's administrator always their own organisation's.
func (s *Service) List(ctx context.Context, a Principal, orgID int64) ([]store.User, error) {
	switch a.Role {
	case store.RoleAdmin:
		return s.store.Users(ctx, orgID)
	case store.RoleOrgAdmin:
		return s.store.Users(ctx, a.OrgID)
	}
	return nil, ErrForbidden
}

// User returns a user the actor manages; any other is ErrNotFound, as if it did not exist.
func (s *Service) User(ctx context.Context, a Principal, id int64) (store.User, error) {
	if Grantable(a) == nil {
		return store.User{}, ErrForbidden
	}
	u, err := s.store.User(ctx, id)
	if err == nil && a.Role != store.RoleAdmin && u.OrgID != a.OrgID {
		return store.User{}, fmt.Errorf("user %d: %w", id, store.ErrNotFound)
	}
	return u, err
}

// UserByEmail is User by e-mail address.
func (s *Service) UserByEmail(ctx context.Context, a Principal, email string) (store.User, error) {
	u, err := s.store.UserByEmail(ctx, email)
	if err != nil {
		return u, err
	}
	return s.User(ctx, a, u.ID)
}

// Invite creates a user with a set-up link and returns the link's token. An
// organisation's administrator invites into their own organisation, whatever in says.
func (s *Service) Invite(ctx context.Context, a Principal, in store.UserInput) (store.User, string, error) {
	if !slices.Contains(Grantable(a), in.Role) {
		return store.User{}, "", fmt.Errorf("role %q: %w", in.Role, ErrForbidden)
	}
	switch {
	case !IsOrgRole(in.Role):
		in.OrgID = 0
	case a.Role != store.RoleAdmin:
		in.OrgID = a.OrgID
	case in.OrgID == 0:
		return store.User{}, "", fmt.Errorf("a %s needs an organisation: %w", in.Role, ErrKind)
	}
	if in.Language != "en" {
		in.Language = "nl"
	}
	in.Now = s.now()
	plain, hash := auth.NewToken()
	u, err := s.store.CreateUser(ctx, in, store.TokenInput{Hash: hash, Purpose: "setup", ExpiresAt: in.Now.Add(LinkLife)},
		s.entry(a, in.OrgID, "user.invite", in.Email+" as "+in.Role))
	return u, plain, err
}

// Reinvite gives a user who has not set up their account a new set-up link (the old
// ones stop working) and returns its token.
func (s *Service) Reinvite(ctx context.Context, a Principal, id int64) (store.User, string, error) {
	u, err := s.managed(ctx, a, id, false)
	if err != nil {
		return u, "", err
	}
	if u.Disabled() {
		return u, "", ErrDisabled
	}
	plain, hash := auth.NewToken()
	err = s.store.Reinvite(ctx, id, store.TokenInput{Hash: hash, Purpose: "setup", ExpiresAt: s.now().Add(LinkLife)},
		s.entry(a, u.OrgID, "user.reinvite", u.Email))
	return u, plain, err
}

// SetRole gives a user another role of the same kind, one the actor may give.
func (s *Service) SetRole(ctx context.Context, a Principal, id int64, role string) (store.User, error) {
	u, err := s.User(ctx, a, id)
	if err != nil {
		return u, err
	}
	if !slices.Contains(Grantable(a), role) || !slices.Contains(Grantable(a), u.Role) {
		return u, fmt.Errorf("role %q: %w", role, ErrForbidden)
	}
	if IsOrgRole(role) != IsOrgRole(u.Role) {
		return u, ErrKind
	}
	return u, s.store.ChangeUser(ctx, id, store.UserChange{Role: role, Now: s.now()},
		s.entry(a, u.OrgID, "user.role", fmt.Sprintf("%s: %s → %s", u.Email, u.Role, role)))
}

// Disable stops a user logging in and ends their sessions.
func (s *Service) Disable(ctx context.Context, a Principal, id int64) (store.User, error) {
	return s.change(ctx, a, id, true, "user.disable", store.UserChange{Disable: true})
}

// Enable undoes Disable.
func (s *Service) Enable(ctx context.Context, a Principal, id int64) (store.User, error) {
	return s.change(ctx, a, id, false, "user.enable", store.UserChange{Enable: true})
}

// Unlock forgets a user's failed logins and the lock they caused.
func (s *Service) Unlock(ctx context.Context, a Principal, id int64) (store.User, error) {
	return s.change(ctx, a, id, false, "user.unlock", store.UserChange{Unlock: true})
}

// Remove deletes a user, their sessions and their passkeys.
func (s *Service) Remove(ctx context.Context, a Principal, id int64) (store.User, error) {
	u, err := s.managed(ctx, a, id, true)
	if err != nil {
		return u, err
	}
	return u, s.store.DeleteUser(ctx, id, s.entry(a, u.OrgID, "user.remove", u.Email))
}

func (s *Service) change(ctx context.Context, a Principal, id int64, notSelf bool, action string, c store.UserChange) (store.User, error) {
	u, err := s.managed(ctx, a, id, notSelf)
	if err != nil {
		return u, err
	}
	c.Now = s.now()
	return u, s.store.ChangeUser(ctx, id, c, s.entry(a, u.OrgID, action, u.Email))
}

// managed returns a user the actor manages and may change: one of a role they may give,
// and not themselves when notSelf.
func (s *Service) managed(ctx context.Context, a Principal, id int64, notSelf bool) (store.User, error) {
	u, err := s.User(ctx, a, id)
	if err != nil {
		return u, err
	}
	if notSelf && a.ID != 0 && u.ID == a.ID {
		return u, ErrSelf
	}
	if !slices.Contains(Grantable(a), u.Role) {
		return u, ErrForbidden
	}
	return u, nil
}

func (s *Service) entry(a Principal, orgID int64, action, detail string) store.AuditEntry {
	return a.Entry(s.now(), orgID, action, detail)
}
