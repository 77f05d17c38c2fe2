package account

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/baken-cert/baken/internal/store"
)

// Principal is who calls a service, on any surface: a signed-in user (the portal), an
// organisation's API token (the REST API, TAXII), or the command line. Services take
// one and enforce tenancy themselves, through Reach.
type Principal struct {
	ID      int64  // the user; 0 for a token or the command line
	TokenID int64  // the API token; 0 for a user or the command line
	Name    string // the user's address or the token's name, for the audit log
	Role    string // the user's role; "" for a token, whose scopes decide
	// OrgID is the organisation the principal acts for: a token's own, a user's own,
	// or the child organisation an intermediary's session acts for; 0 for Baken's staff.
	OrgID  int64
	Scopes []string // a token's
}

// CommandLine is the operator at the command line: an administrator of no account.
var CommandLine = Principal{Role: store.RoleAdmin}

// PrincipalOf is the principal of a signed-in user, acting for u.OrgID.
func PrincipalOf(u store.User) Principal {
	return Principal{ID: u.ID, Name: u.Email, Role: u.Role, OrgID: u.OrgID}
}

// Scopes of API tokens: what a token may do.
const (
	ScopeNotificationsRead = "notifications:read"
	ScopeAssetsRead        = "assets:read"
	ScopeAssetsWrite       = "assets:write"
	ScopeContactsRead      = "contacts:read"
	ScopeContactsWrite     = "contacts:write"
	ScopeWebhooksManage    = "webhooks:manage"
	ScopeTAXIIRead         = "taxii:read"
)

// Scopes are every scope a token can be given.
var Scopes = []string{ScopeNotificationsRead, ScopeAssetsRead, ScopeAssetsWrite, ScopeContactsRead, ScopeContactsWrite,
	ScopeWebhooksManage, ScopeTAXIIRead}

// ErrForbidden: the principal may not do this (a role or a token without the scope).
var ErrForbidden = errors.New("not allowed")

// Staff reports whether p is one of Baken's own: an analyst, an administrator or the
// command line.
func (p Principal) Staff() bool {
	return p.TokenID == 0 && p.OrgID == 0 && (p.Role == store.RoleAdmin || p.Role == store.RoleAnalyst)
}

// Can reports whether p may do what scope names: a token what its scopes say; an
// administrator (of Baken or of an organisation) anything; other users only read.
func (p Principal) Can(scope string) bool {
	if p.TokenID != 0 {
		return slices.Contains(p.Scopes, scope)
	}
	switch p.Role {
	case store.RoleAdmin, store.RoleOrgAdmin:
		return true
	case store.RoleAnalyst, store.RoleOrgMember:
		return strings.HasSuffix(scope, ":read")
	}
	return false
}

// Need returns ErrForbidden unless p can do scope.
func (p Principal) Need(scope string) error {
	if !p.Can(scope) {
		return fmt.Errorf("%s: %w", scope, ErrForbidden)
	}
	return nil
}

// Entry is an entry of the audit log of what p did to organisation orgID; what the
// command line or a token did says so.
func (p Principal) Entry(at time.Time, orgID int64, action, detail string) store.AuditEntry {
	switch {
	case p.TokenID != 0:
		detail += " (by API token " + p.Name + ")"
	case p.ID == 0:
		detail += " (by the command line)"
	}
	return store.AuditEntry{At: at, ActorID: p.ID, OrgID: orgID, Action: action, Detail: detail}
}

// Orgs is what the tenancy rule reads.
type Orgs interface {
	OrganisationByID(ctx context.Context, id int64) (store.Organisation, error)
	Organisations(ctx context.Context, f store.OrgFilter) ([]store.Organisation, error)
}

// Reach is the tenancy rule of every surface, in one place: it returns organisation
// orgID when p may reach it, that is p's own organisation or, when that is an
// intermediary, one of its children; Baken's staff reach every organisation. Any other
// is store.ErrNotFound, as if it did not exist.
func Reach(ctx context.Context, orgs Orgs, p Principal, orgID int64) (store.Organisation, error) {
	notFound := fmt.Errorf("organisation %d: %w", orgID, store.ErrNotFound)
	if orgID == 0 || (p.OrgID == 0 && !p.Staff()) {
		return store.Organisation{}, notFound
	}
	o, err := orgs.OrganisationByID(ctx, orgID)
	if err != nil || p.Staff() || o.ID == p.OrgID {
		return o, err
	}
	if o.ParentRef == "" {
		return store.Organisation{}, notFound
	}
	own, err := orgs.OrganisationByID(ctx, p.OrgID)
	if err != nil {
		return store.Organisation{}, err
	}
	if o.ParentRef != own.Ref {
		return store.Organisation{}, notFound
	}
	return o, nil
}

// Reachable lists the organisations p reaches: its own first, then its children by
// ref; for Baken's staff every organisation.
func Reachable(ctx context.Context, orgs Orgs, p Principal) ([]store.Organisation, error) {
	if p.Staff() {
		return orgs.Organisations(ctx, store.OrgFilter{})
	}
	own, err := Reach(ctx, orgs, p, p.OrgID)
	if err != nil {
		return nil, err
	}
	children, err := orgs.Organisations(ctx, store.OrgFilter{ParentRef: own.Ref})
	return append([]store.Organisation{own}, children...), err
}
