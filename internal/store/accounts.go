package store

import (
	"context"
	"time"
)

// AccountStore keeps the portal's users, their one-time tokens, their sessions and the
// audit log.
type AccountStore interface {
	// CreateUser adds a user with a one-time token (set-up or invitation), audited, in
	// one transaction. An e-mail address already taken gives ErrConflict.
	CreateUser(ctx context.Context, u UserInput, t TokenInput, a AuditEntry) (User, error)
	// User returns a user by id, or ErrNotFound.
	User(ctx context.Context, id int64) (User, error)
	// UserByEmail returns a user by e-mail address (any case), or ErrNotFound.
	UserByEmail(ctx context.Context, email string) (User, error)
	// CountUsers returns how many users there are, set up or not.
	CountUsers(ctx context.Context) (int, error)
	// TokenUser returns the user of an unused, unexpired token of purpose, or ErrNotFound.
	TokenUser(ctx context.Context, hash, purpose string, now time.Time) (User, error)
	// SetCredentials sets a user's password and second factor and uses up the token, audited,
	// in one transaction; a token already used gives ErrNotFound.
	SetCredentials(ctx context.Context, tokenHash string, c Credentials, now time.Time, a AuditEntry) error
	// AddToken gives a user a one-time token (a password reset).
	AddToken(ctx context.Context, userID int64, t TokenInput) error
	// ResetPassword sets a user's password with a reset token and uses the token up,
	// audited; the second factor stays. A token used or expired gives ErrNotFound.
	ResetPassword(ctx context.Context, tokenHash, passwordHash string, now time.Time, a AuditEntry) error
	// UseTOTPStep records the TOTP time step a user just used; a step not after the
	// last one used gives ErrConflict (a replayed code).
	UseTOTPStep(ctx context.Context, userID, step int64) error
	// UseRecoveryCode removes recovery code i of a user, who used it.
	UseRecoveryCode(ctx context.Context, userID int64, i int) error
	// LoginFailed counts a failed login and locks the account until lockUntil once
	// failures reach max; it returns the failures so far.
	LoginFailed(ctx context.Context, userID int64, max int, lockUntil time.Time) (int, error)
	// LoginSucceeded clears the failures.
	LoginSucceeded(ctx context.Context, userID int64) error
	// SetUserLanguage records the language ("nl" or "en") a user reads the portal in,
	// audited; an unknown user is ErrNotFound.
	SetUserLanguage(ctx context.Context, userID int64, language string, a AuditEntry) error

	// CreateSession stores a session.
	CreateSession(ctx context.Context, s SessionInput) error
	// Session returns a live session with its user and marks it seen, or ErrNotFound.
	Session(ctx context.Context, hash string, now time.Time) (Session, error)
	// CompleteMFA marks a session's second factor done, giving it a new hash (the old
	// session id is no longer valid).
	CompleteMFA(ctx context.Context, oldHash, newHash string, expires time.Time) error
	// SetActingOrg makes a user's session act for another organisation (0: their own).
	SetActingOrg(ctx context.Context, userID int64, hash string, orgID int64) error
	// Sessions lists a user's live sessions.
	Sessions(ctx context.Context, userID int64, now time.Time) ([]Session, error)
	// DeleteSession ends a session of a user.
	DeleteSession(ctx context.Context, userID int64, hash string) error

	// Audit writes an entry in the audit log.
	Audit(ctx context.Context, a AuditEntry) error
	// AuditLog lists entries, newest first; orgID 0 means all.
	AuditLog(ctx context.Context, orgID int64, limit int) ([]AuditEntry, error)
}

// Roles of portal users.
const (
	RoleAdmin     = "admin"      // manages Baken and its users
	RoleAnalyst   = "analyst"    // reviews notifications, approves assets
	RoleOrgAdmin  = "org-admin"  // manages an organisation's data and users
	RoleOrgMember = "org-member" // reads an organisation's data
)

// UserInput is a new user.
type UserInput struct {
	Email    string
	Role     string
	OrgID    int64 // for organisation roles
	Language string
	Now      time.Time
}

// User is a portal user.
type User struct {
	ID            int64
	Email         string
	Role          string
	OrgID         int64
	PasswordHash  string
	TOTPSecret    string
	TOTPLastStep  int64
	RecoveryCodes []string // hashed
	Language      string   // "nl" or "en": of the portal's pages, the advice on them and the user's e-mails
	FailedLogins  int
	LockedUntil   time.Time
	CreatedAt     time.Time
}

// Ready reports whether the user has set a password and a second factor.
func (u User) Ready() bool { return u.PasswordHash != "" && u.TOTPSecret != "" }

// TokenInput is a one-time token, stored hashed.
type TokenInput struct {
	Hash      string
	Purpose   string // "setup", "invite" or "reset"
	ExpiresAt time.Time
}

// Credentials are what a user sets with a set-up, invitation or reset token.
type Credentials struct {
	PasswordHash  string
	TOTPSecret    string
	RecoveryCodes []string // hashed
}

// SessionInput is a new session.
type SessionInput struct {
	Hash    string
	UserID  int64
	MFADone bool
	Now     time.Time
	Expires time.Time
	Client  string // the browser, for the user's list of sessions
}

// Session is a live session and its user.
type Session struct {
	Hash        string
	User        User
	MFADone     bool
	ActingOrgID int64 // the child organisation an intermediary's user acts for; 0 for their own
	CreatedAt   time.Time
	LastSeenAt  time.Time
	ExpiresAt   time.Time
	Client      string
}

// AuditEntry is one change, by whom, to what.
type AuditEntry struct {
	ID      int64     `json:"id"`
	At      time.Time `json:"at"`
	ActorID int64     `json:"actor_id,omitempty"` // 0: the command line or Baken itself
	OrgID   int64     `json:"org_id,omitempty"`
	Action  string    `json:"action"`
	Detail  string    `json:"detail,omitempty"`
}
