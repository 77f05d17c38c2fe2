package store

import (
	"context"
	"time"
)

// DomainStore keeps the DNS-token challenges that prove an organisation owns a domain.
type DomainStore interface {
	// Challenge returns the challenge of an organisation's domain, creating it with token
	// when there is none.
	Challenge(ctx context.Context, orgID int64, domain, token string, now time.Time) (Challenge, error)
	// Challenges lists an organisation's challenges.
	Challenges(ctx context.Context, orgID int64) ([]Challenge, error)
	// DueChallenges lists the challenges to check again: verified ones (has the token
	// gone?) and pending ones younger than pendingFor, last checked before checkedBefore.
	DueChallenges(ctx context.Context, checkedBefore time.Time, pendingFor time.Duration, now time.Time) ([]Challenge, error)
	// RecordCheck stores the outcome of a check and sets the verification of the
	// organisation's assets of that domain (exact, with subdomains, e-mail), audited, in
	// one transaction.
	RecordCheck(ctx context.Context, c Challenge, a AuditEntry) error
}

// Challenge states.
const (
	ChallengePending  = "pending"  // not seen yet
	ChallengeVerified = "verified" // the TXT record holds the token
	ChallengeLapsed   = "lapsed"   // it did, and no longer does
)

// Challenge is a DNS-token challenge.
type Challenge struct {
	OrgID     int64
	Domain    string
	Token     string
	State     string
	Detail    string // what the last check found, for people
	CreatedAt time.Time
	CheckedAt time.Time
}
