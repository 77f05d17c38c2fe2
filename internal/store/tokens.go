package store

import (
	"context"
	"time"
)

// APITokenStore keeps the API tokens of organisations: for the REST API and TAXII.
type APITokenStore interface {
	// CreateAPIToken stores a token, audited, in one transaction; a name that a live
	// token of the organisation has already is ErrConflict.
	CreateAPIToken(ctx context.Context, in APITokenInput, a AuditEntry) (APIToken, error)
	// APITokens lists the live (unrevoked) tokens of an organisation, newest first,
	// expired ones included; orgID 0 means every organisation's.
	APITokens(ctx context.Context, orgID int64) ([]APIToken, error)
	// APITokenByHash returns the token of this hash, revoked or expired or not, or
	// ErrNotFound.
	APITokenByHash(ctx context.Context, hash string) (APIToken, error)
	// RevokeAPIToken revokes a live token of an organisation (orgID 0: of any), audited;
	// another organisation's, or one revoked already, is ErrNotFound.
	RevokeAPIToken(ctx context.Context, orgID, id int64, now time.Time, a AuditEntry) (APIToken, error)
	// UseAPIToken records that a token was used at now, and writes a, unless it was
	// recorded less than every ago: a busy token costs one write a minute, not one a
	// request. It reports whether it recorded.
	UseAPIToken(ctx context.Context, id int64, now time.Time, every time.Duration, a AuditEntry) (bool, error)
}

// APITokenInput is a new API token.
type APITokenInput struct {
	OrgID     int64
	Name      string
	Hash      string   // of the plain token, which is shown once and never stored
	Scopes    []string // what it may do: "taxii:read", ...
	Allow     []string // the address prefixes it may be used from; none: any
	ExpiresAt time.Time
	CreatedBy int64 // the user; 0 for the command line
	Now       time.Time
}

// APIToken is an organisation's API token, without its secret.
type APIToken struct {
	ID         int64
	OrgID      int64
	Name       string
	Scopes     []string
	Allow      []string
	ExpiresAt  time.Time
	CreatedAt  time.Time
	CreatedBy  int64
	LastUsedAt time.Time // zero: never used
	RevokedAt  time.Time // zero: live
}
