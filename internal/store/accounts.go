package store

import (
	"context"
	"errors"
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
	// TokenUser returns the enabled user of an unused, unexpired token of purpose, or
	// ErrNotFound.
	TokenUser(ctx context.Context, hash, purpose string, now time.Time) (User, error)
	// SetCredentials sets a user's password and second factor and uses up the token, audited,
	// in one transaction; a token already used gives ErrNotFound.
	SetCredentials(ctx context.Context, tokenHash string, c Credentials, now time.Time, a AuditEntry) error
	// SetupSecret returns the TOTP secret kept with an unused, unexpired set-up token,
	// keeping candidate first when the token has none yet: every load of the set-up page
	// offers the same secret. A token not valid is ErrNotFound.
	SetupSecret(ctx context.Context, tokenHash, candidate string, now time.Time) (string, error)
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

	// Users lists users by e-mail address, with the expiry of their unused set-up link;
	// orgID 0 means all, else that organisation's.
	Users(ctx context.Context, orgID int64) ([]User, error)
	// ChangeUser changes a user's role or state, audited, in one transaction; an unknown
	// user is ErrNotFound, a change that leaves no enabled administrator ErrLastAdmin.
	// Disabling a user ends their sessions.
	ChangeUser(ctx context.Context, id int64, c UserChange, a AuditEntry) error
	// DeleteUser removes a user with their tokens, sessions and passkeys, audited;
	// ErrNotFound, ErrLastAdmin as ChangeUser.
	DeleteUser(ctx context.Context, id int64, a AuditEntry) error
	// Reinvite replaces the unused set-up links of a user who has not set up their
	// account with t, audited; a user who has is ErrConflict.
	Reinvite(ctx context.Context, id int64, t TokenInput, a AuditEntry) error

	// CreateSession stores a session.
	CreateSession(ctx context.Context, s SessionInput) error
	// Session returns a live session of an enabled user and marks it seen, or ErrNotFound.
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
	DisabledAt    time.Time // zero: enabled
	CreatedAt     time.Time
	InvitedUntil  time.Time // Users only: when the unused set-up link expires; zero without one
}

// ErrLastAdmin is returned for a change that would leave Baken without an enabled
// administrator; nothing was written.
var ErrLastAdmin = errors.New("the last enabled administrator")

// Ready reports whether the user has set a password and a second factor.
func (u User) Ready() bool { return u.PasswordHash != "" && u.TOTPSecret != "" }

// Disabled reports whether the user was disabled: no login, no session.
func (u User) Disabled() bool { return !u.DisabledAt.IsZero() }

// UserChange is a change of a user's role or state; the zero value changes nothing.
type UserChange struct {
	Role    string // the new role; "" keeps it
	Disable bool   // no more logins; every session ends
	Enable  bool   // undo Disable
	Unlock  bool   // forget the failed logins and the lock they caused
	Now     time.Time
}

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
	Language      string   // the language chosen during set-up; "" keeps the user's
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
