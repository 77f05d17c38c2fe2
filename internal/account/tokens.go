package account

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/baken-cert/baken/internal/auth"
	"github.com/baken-cert/baken/internal/store"
)

// API tokens are opaque random strings of an organisation, for machines: the REST API
// and TAXII take one as a Bearer token or as the password of HTTP Basic. Baken keeps
// only their hash; each has a name, scopes, an expiry and, optionally, the addresses it
// may be used from. Every change is in the audit log, and so is every use, at most once
// a minute per token (UseEvery): a busy client costs one write a minute, not one a
// request, and its last use is never more than a minute out of date.

// Token limits.
const (
	// TokenPrefix starts every API token, so that secret scanners can find leaked ones.
	TokenPrefix = "baken_"
	// DefaultTokenLife is how long a token lasts when its creator does not say.
	DefaultTokenLife = 90 * 24 * time.Hour
	// MaxTokenLife is the longest a token may last.
	MaxTokenLife = 2 * 365 * 24 * time.Hour
	// UseEvery is how often a token's use is recorded (last used, audit log) at most.
	UseEvery     = time.Minute
	maxTokenName = 80
)

// Errors of API tokens.
var (
	ErrTokenName   = errors.New("a token needs a name of at most 80 letters")
	ErrTokenScopes = errors.New("a token needs one or more known scopes")
	ErrTokenExpiry = errors.New("a token expires in the future, within two years")
	ErrTokenAllow  = errors.New("not an IP address or prefix")
	// ErrBadToken: no such token, or it expired or was revoked.
	ErrBadToken = errors.New("no valid API token")
	// ErrTokenAddress: the token may not be used from this address.
	ErrTokenAddress = errors.New("the token may not be used from this address")
)

// TokenSpec is what a new token may do, and until when.
type TokenSpec struct {
	Name      string
	Scopes    []string
	ExpiresAt time.Time // zero: DefaultTokenLife from now
	Allow     []string  // addresses or prefixes; none: from anywhere
}

// managesTokens reports whether p may create and revoke tokens: an administrator of
// Baken or of an organisation, signed in or at the command line; never a token.
func managesTokens(p Principal) bool {
	return p.TokenID == 0 && (p.Role == store.RoleAdmin || p.Role == store.RoleOrgAdmin)
}

// CreateToken gives organisation orgID a new token and returns it in plain, the only
// time it is shown.
func (s *Service) CreateToken(ctx context.Context, p Principal, orgID int64, spec TokenSpec) (string, store.APIToken, error) {
	if !managesTokens(p) {
		return "", store.APIToken{}, ErrForbidden
	}
	if _, err := Reach(ctx, s.store, p, orgID); err != nil {
		return "", store.APIToken{}, err
	}
	now := s.now()
	in, err := checkSpec(spec, now)
	if err != nil {
		return "", store.APIToken{}, err
	}
	raw, _ := auth.NewToken()
	plain := TokenPrefix + raw
	in.OrgID, in.Hash, in.CreatedBy, in.Now = orgID, auth.HashToken(plain), p.ID, now
	t, err := s.store.CreateAPIToken(ctx, in, p.Entry(now, orgID, "token.create",
		fmt.Sprintf("%s: %s, until %s", in.Name, strings.Join(in.Scopes, " "), in.ExpiresAt.Format(time.DateOnly))))
	return plain, t, err
}

// checkSpec turns a spec into the token's input: trimmed, known scopes in their
// order, prefixes canonical.
func checkSpec(spec TokenSpec, now time.Time) (store.APITokenInput, error) {
	in := store.APITokenInput{Name: strings.TrimSpace(spec.Name), ExpiresAt: spec.ExpiresAt}
	if in.Name == "" || len([]rune(in.Name)) > maxTokenName || strings.IndexFunc(in.Name, unicode.IsControl) >= 0 {
		return in, ErrTokenName
	}
	for _, sc := range Scopes {
		if slices.Contains(spec.Scopes, sc) {
			in.Scopes = append(in.Scopes, sc)
		}
	}
	for _, sc := range spec.Scopes {
		if !slices.Contains(Scopes, sc) {
			return in, fmt.Errorf("%q: %w", sc, ErrTokenScopes)
		}
	}
	if len(in.Scopes) == 0 {
		return in, ErrTokenScopes
	}
	if in.ExpiresAt.IsZero() {
		in.ExpiresAt = now.Add(DefaultTokenLife)
	}
	if !in.ExpiresAt.After(now) || in.ExpiresAt.After(now.Add(MaxTokenLife)) {
		return in, ErrTokenExpiry
	}
	for _, a := range spec.Allow {
		p, err := parsePrefix(a)
		if err != nil {
			return in, fmt.Errorf("%q: %w", a, ErrTokenAllow)
		}
		if !slices.Contains(in.Allow, p.String()) {
			in.Allow = append(in.Allow, p.String())
		}
	}
	return in, nil
}

// parsePrefix reads an address (a prefix of its own) or a prefix, masked.
func parsePrefix(s string) (netip.Prefix, error) {
	s = strings.TrimSpace(s)
	if a, err := netip.ParseAddr(s); err == nil {
		return netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()), nil
	}
	p, err := netip.ParsePrefix(s)
	return p.Masked(), err
}

// Tokens lists an organisation's live tokens, for its users and Baken's staff.
func (s *Service) Tokens(ctx context.Context, p Principal, orgID int64) ([]store.APIToken, error) {
	if p.TokenID != 0 {
		return nil, ErrForbidden
	}
	if _, err := Reach(ctx, s.store, p, orgID); err != nil {
		return nil, err
	}
	return s.store.APITokens(ctx, orgID)
}

// RevokeToken revokes one of an organisation's live tokens; any other is
// store.ErrNotFound.
func (s *Service) RevokeToken(ctx context.Context, p Principal, orgID, id int64) (store.APIToken, error) {
	if !managesTokens(p) {
		return store.APIToken{}, ErrForbidden
	}
	list, err := s.Tokens(ctx, p, orgID)
	if err != nil {
		return store.APIToken{}, err
	}
	i := slices.IndexFunc(list, func(t store.APIToken) bool { return t.ID == id })
	if i < 0 {
		return store.APIToken{}, fmt.Errorf("API token %d: %w", id, store.ErrNotFound)
	}
	now := s.now()
	return s.store.RevokeAPIToken(ctx, orgID, id, now, p.Entry(now, orgID, "token.revoke", list[i].Name))
}

// Authenticate returns the principal of a plain token used from address from:
// ErrBadToken for one unknown, expired or revoked, ErrTokenAddress from an address
// its allowlist leaves out. The use is recorded (UseEvery).
func (s *Service) Authenticate(ctx context.Context, plain string, from netip.Addr) (Principal, error) {
	if !strings.HasPrefix(plain, TokenPrefix) {
		return Principal{}, ErrBadToken
	}
	t, err := s.store.APITokenByHash(ctx, auth.HashToken(plain))
	if errors.Is(err, store.ErrNotFound) {
		return Principal{}, ErrBadToken
	}
	if err != nil {
		return Principal{}, err
	}
	now := s.now()
	if !t.RevokedAt.IsZero() || !now.Before(t.ExpiresAt) {
		return Principal{}, ErrBadToken
	}
	if len(t.Allow) > 0 && !allowed(t.Allow, from) {
		return Principal{}, ErrTokenAddress
	}
	p := Principal{TokenID: t.ID, Name: t.Name, OrgID: t.OrgID, Scopes: t.Scopes}
	_, err = s.store.UseAPIToken(ctx, t.ID, now, UseEvery, p.Entry(now, t.OrgID, "token.use", "from "+from.String()))
	return p, err
}

func allowed(prefixes []string, from netip.Addr) bool {
	for _, s := range prefixes {
		if p, err := netip.ParsePrefix(s); err == nil && p.Contains(from.Unmap()) {
			return true
		}
	}
	return false
}
