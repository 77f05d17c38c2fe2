package registry

import (
	"context"
	"errors"
	"io"
	"strings"
	"time"

	"github.com/baken-cert/baken/internal/asset"
	"github.com/baken-cert/baken/internal/problem"
	"github.com/baken-cert/baken/internal/store"
)

// ClaimPolicy is how far Baken trusts what an organisation registers itself (a claim),
// as opposed to what the CERT imports. The zero value takes the defaults.
type ClaimPolicy struct {
	// MaxPrefixV4 and MaxPrefixV6 are the widest ranges that the RIPE data alone can
	// prove; a wider one waits for an analyst. Defaults /16 and /32.
	MaxPrefixV4, MaxPrefixV6 int
	// UnprovenQuota is how many assets an organisation may have waiting for proof.
	// Default 10,000.
	UnprovenQuota int
	// MaxRows is how many rows one upload may have. Default 100,000.
	MaxRows int
	// Evidence gives what the RIPE data says of a range (the network that holds its
	// first address) or an AS number; nil when Baken has no RIPE data.
	Evidence func(asset.Asset) (Evidence, bool)
}

// Evidence is what the RIPE data says of an address range or an AS number: the facts
// an analyst decides from, and what proves a claim when its organisation is the same.
type Evidence struct {
	Network      string // the inetnum's range, or "AS64496"
	Netname      string // the inetnum's netname, or the aut-num's as-name
	OrgName      string // the RIPE organisation's name
	AbuseMailbox string
}

func (p ClaimPolicy) withDefaults() ClaimPolicy {
	def := func(v *int, d int) {
		if *v <= 0 {
			*v = d
		}
	}
	def(&p.MaxPrefixV4, 16)
	def(&p.MaxPrefixV6, 32)
	def(&p.UnprovenQuota, 10_000)
	def(&p.MaxRows, 100_000)
	return p
}

// SetClaimPolicy sets the policy for claims; call it before serving.
func (s *Service) SetClaimPolicy(p ClaimPolicy) { s.claims = p.withDefaults() }

// ClaimPolicy returns the policy in force.
func (s *Service) ClaimPolicy() ClaimPolicy { return s.claims }

// Claim is an organisation's own registration of assets, from an upload or a form.
type Claim struct {
	Org    store.Organisation
	Actor  string // the user's address, for the provenance
	Format Format
}

// Claim registers what an organisation claims as its own. What no organisation can own
// (special-purpose ranges, public suffixes) is refused row by row; what the RIPE data
// proves for the same organisation is registry-backed; everything else waits for proof
// (a DNS token for names, an analyst for ranges and AS numbers) and matches nothing
// until then, within the organisation's quota. A file of more rows than the policy
// allows is refused whole.
func (s *Service) Claim(ctx context.Context, r io.Reader, c Claim) (ImportReport, error) {
	waiting, err := s.pending(ctx, c.Org.ID)
	if err != nil {
		return ImportReport{}, err
	}
	check := func(a asset.Asset) (asset.Verification, error) {
		if err := asset.CheckOwnable(a); err != nil {
			return "", err
		}
		if s.backedByRIPE(a, c.Org.Name) {
			return asset.RegistryBacked, nil
		}
		if waiting >= s.claims.UnprovenQuota {
			return "", problem.New("%s already has %d assets waiting for proof, its limit: prove or remove some first, or ask the CERT, whose administrators can raise the limit", c.Org.Name, s.claims.UnprovenQuota)
		}
		waiting++
		return asset.Pending, nil
	}
	return s.Import(ctx, r, ImportOptions{Format: c.Format, Source: "portal:" + c.Actor, MaxRows: s.claims.MaxRows,
		Org: &store.OrgInput{Ref: c.Org.Ref, Name: c.Org.Name}, Check: check})
}

// pending counts an organisation's assets that wait for proof.
func (s *Service) pending(ctx context.Context, orgID int64) (int, error) {
	totals, err := s.store.PendingTotals(ctx, store.AssetFilter{OrgID: orgID})
	n := 0
	for _, t := range totals {
		n += t.Count
	}
	return n, err
}

// backedByRIPE reports whether the RIPE data proves that the organisation holds a range
// or AS number: it names the same organisation, and the range is no wider than the
// policy lets the RIPE data alone prove.
func (s *Service) backedByRIPE(a asset.Asset, orgName string) bool {
	if p, ok := a.Prefix(); ok {
		widest := s.claims.MaxPrefixV4
		if p.Addr().Is6() {
			widest = s.claims.MaxPrefixV6
		}
		if p.Bits() < widest {
			return false
		}
	} else if a.Kind != asset.ASN {
		return false
	}
	if s.claims.Evidence == nil {
		return false
	}
	ev, ok := s.claims.Evidence(a)
	return ok && sameName(ev.OrgName, orgName)
}

// sameName compares organisation names as people write them: case, spaces and
// punctuation aside.
func sameName(a, b string) bool {
	norm := func(s string) string {
		return strings.Map(func(r rune) rune {
			if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r > 127 {
				return r
			}
			return -1
		}, strings.ToLower(s))
	}
	return norm(a) != "" && norm(a) == norm(b)
}

// ErrNotAnalyst is the answer to a decision on claims by someone who is not an analyst
// or an administrator.
var ErrNotAnalyst = errors.New("only analysts decide on what organisations claim")

// Evidence returns what the RIPE data says of a range or an AS number, for an analyst.
func (s *Service) Evidence(a asset.Asset) (Evidence, bool) {
	if s.claims.Evidence == nil {
		return Evidence{}, false
	}
	if _, ok := a.Prefix(); !ok && a.Kind != asset.ASN {
		return Evidence{}, false
	}
	return s.claims.Evidence(a)
}

// Decide approves or rejects the claims waiting for proof that d selects (one asset, or
// all of an organisation, optionally of one kind), as actor, audited; it returns how
// many it changed. Approved claims match from then on; rejected ones are removed.
func (s *Service) Decide(ctx context.Context, actor store.User, d store.PendingDecision, detail string) (int, error) {
	if actor.Role != store.RoleAnalyst && actor.Role != store.RoleAdmin {
		return 0, ErrNotAnalyst
	}
	d.By, d.At = actor.Email, time.Now()
	action := "asset.reject"
	if d.Approve {
		action = "asset.approve"
	}
	return s.store.DecidePending(ctx, d, store.AuditEntry{At: d.At, ActorID: actor.ID, OrgID: d.OrgID, Action: action, Detail: detail})
}
