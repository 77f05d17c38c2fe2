package store

import (
	"context"
	"time"
)

// PasskeyStore keeps the passkeys (WebAuthn credentials) users registered as their
// second factor, and the challenge of a ceremony in progress on a session.
type PasskeyStore interface {
	// AddPasskey stores a user's new passkey, audited, in one transaction. A credential id
	// already registered gives ErrConflict.
	AddPasskey(ctx context.Context, p PasskeyInput, a AuditEntry) (Passkey, error)
	// Passkeys lists a user's passkeys, oldest first.
	Passkeys(ctx context.Context, userID int64) ([]Passkey, error)
	// UsePasskey records a login with a passkey: its updated credential (the signature
	// counter) and when.
	UsePasskey(ctx context.Context, userID, id int64, credential []byte, at time.Time) error
	// DeletePasskey removes a passkey of a user, audited; another user's is ErrNotFound.
	DeletePasskey(ctx context.Context, userID, id int64, a AuditEntry) error

	// SetCeremony keeps the state of a WebAuthn ceremony on a session ("" clears it).
	SetCeremony(ctx context.Context, sessionHash, state string) error
	// Ceremony returns the state SetCeremony kept on a session, or "".
	Ceremony(ctx context.Context, sessionHash string) (string, error)
}

// PasskeyInput is a passkey to store.
type PasskeyInput struct {
	UserID       int64
	Name         string // the user's name for it ("laptop")
	CredentialID []byte
	Credential   []byte // the WebAuthn library's credential, as JSON
	Now          time.Time
}

// Passkey is a stored passkey.
type Passkey struct {
	ID           int64
	UserID       int64
	Name         string
	CredentialID []byte
	Credential   []byte
	CreatedAt    time.Time
	LastUsedAt   time.Time // zero until first used
}
