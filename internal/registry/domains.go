package registry

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/baken-cert/baken/internal/store"
	"github.com/baken-cert/baken/internal/verify"
)

// ErrNotRegistered means the organisation has no asset of that domain.
var ErrNotRegistered = errors.New("not a domain of this organisation")

// Challenge returns the DNS-token challenge of one of an organisation's domains,
// creating its token on first use.
func (s *Service) Challenge(ctx context.Context, orgID int64, domain string) (store.Challenge, error) {
	if err := s.ownsDomain(ctx, orgID, domain); err != nil {
		return store.Challenge{}, err
	}
	return s.store.Challenge(ctx, orgID, domain, verify.NewToken(), time.Now())
}

// ownsDomain checks that the organisation registered domain (exactly, with its
// subdomains, or as an e-mail domain).
func (s *Service) ownsDomain(ctx context.Context, orgID int64, domain string) error {
	for _, value := range []string{domain, "*." + domain, "@" + domain} {
		page, err := s.store.AssetPage(ctx, store.AssetQuery{OrgID: orgID, Query: value, Limit: 1})
		if err != nil {
			return err
		}
		if len(page) > 0 && page[0].Value == value {
			return nil
		}
	}
	return fmt.Errorf("%s: %w", domain, ErrNotRegistered)
}

// What a check of a domain found, kept as its challenge's detail: in English, which
// the portal translates.
const (
	DetailVerified = "the TXT record holds the token"
	DetailLapsed   = "the TXT record with the token is gone"
	DetailMissing  = "no TXT record with the token yet"
)

// CheckDomain looks up the challenge's TXT record now and records what it found: the
// domain's assets become dns-verified, or lapsed when a verified token has gone. A DNS
// failure changes nothing and is returned.
func (s *Service) CheckDomain(ctx context.Context, r verify.Resolver, c store.Challenge, actorID int64) (store.Challenge, error) {
	res, err := verify.CheckToken(ctx, r, c.Domain, c.Token)
	if err != nil {
		return c, fmt.Errorf("checking %s: %w", verify.ChallengeName(c.Domain), err)
	}
	c.CheckedAt = time.Now()
	switch {
	case res == verify.Verified:
		c.State, c.Detail = store.ChallengeVerified, DetailVerified
	case c.State == store.ChallengeVerified || c.State == store.ChallengeLapsed:
		c.State, c.Detail = store.ChallengeLapsed, DetailLapsed
	default:
		c.Detail = DetailMissing
	}
	err = s.store.RecordCheck(ctx, c, store.AuditEntry{At: c.CheckedAt, ActorID: actorID, OrgID: c.OrgID,
		Action: "domain.check", Detail: c.Domain + ": " + c.State})
	return c, err
}

// RecheckDomains checks again the challenges that are due (every verified domain, and
// pending ones for a week), for the periodic job.
func (s *Service) RecheckDomains(ctx context.Context, r verify.Resolver) error {
	due, err := s.store.DueChallenges(ctx, time.Now().Add(-time.Hour), 7*24*time.Hour, time.Now())
	if err != nil {
		return err
	}
	var errs []error
	for _, c := range due {
		if _, err := s.CheckDomain(ctx, r, c, 0); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}
