package match_test

import (
	"fmt"
	"net/netip"
	"strings"
	"testing"

	"github.com/baken-cert/baken/internal/asset"
	"github.com/baken-cert/baken/internal/event"
	"github.com/baken-cert/baken/internal/match"
)

func order(hits []match.Hit) string {
	out := make([]string, len(hits))
	for i, h := range hits {
		out[i] = fmt.Sprint(h.AssetID)
	}
	return strings.Join(out, " ")
}

func TestRank(t *testing.T) {
	t.Parallel()
	hit := func(id int64, by match.By, spec int, v asset.Verification) match.Hit {
		return match.Hit{OrgID: id % 10, AssetID: id, By: by, Specificity: spec, Verification: v}
	}
	const u, dns = asset.Unverified, asset.DNSVerified
	tests := []struct {
		name string
		hits []match.Hit
		want string
	}{
		{"longer prefix first", []match.Hit{hit(1, match.ByPrefix, 8, u), hit(2, match.ByPrefix, 24, u), hit(3, match.ByPrefix, 16, u)}, "2 3 1"},
		{"address before prefix", []match.Hit{hit(1, match.ByPrefix, 31, u), hit(2, match.ByIP, 32, u)}, "2 1"},
		{"specific before verified", []match.Hit{hit(1, match.ByPrefix, 16, dns), hit(2, match.ByPrefix, 24, u)}, "2 1"},
		{"verified before unverified", []match.Hit{hit(1, match.ByPrefix, 24, u), hit(2, match.ByPrefix, 24, asset.Lapsed),
			hit(3, match.ByPrefix, 24, asset.AnalystApproved)}, "3 1 2"},
		{"exact domain before tree", []match.Hit{hit(1, match.BySubdomain, 3, dns), hit(2, match.ByDomain, 2, u)}, "2 1"},
		{"deeper tree first", []match.Hit{hit(1, match.BySubdomain, 2, u), hit(2, match.BySubdomain, 3, u)}, "2 1"},
		{"ASN last", []match.Hit{hit(1, match.ByASN, 0, dns), hit(2, match.ByPrefix, 8, u), hit(3, match.BySubdomain, 2, u)}, "2 3 1"},
		{"exact before containing, across subjects", []match.Hit{hit(1, match.ByPrefix, 24, u), hit(2, match.ByEmailDomain, 2, u),
			hit(3, match.ByURLHost, 2, u), hit(4, match.ByDomain, 2, u), hit(5, match.ByIP, 32, u)}, "5 4 3 2 1"},
		{"FQDN before URL host", []match.Hit{hit(1, match.ByURLSubdomain, 4, u), hit(2, match.BySubdomain, 2, u)}, "2 1"},
		{"ties by organisation, then asset", []match.Hit{hit(13, match.ByPrefix, 24, u), hit(22, match.ByPrefix, 24, u),
			hit(12, match.ByPrefix, 24, u)}, "12 22 13"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			first, ok := match.Primary(tt.hits)
			match.Rank(tt.hits)
			if g := order(tt.hits); g != tt.want {
				t.Errorf("Rank: got %s, want %s", g, tt.want)
			}
			if !ok || first.AssetID != tt.hits[0].AssetID {
				t.Errorf("Primary: got %d, want %d", first.AssetID, tt.hits[0].AssetID)
			}
		})
	}
	if _, ok := match.Primary(nil); ok {
		t.Error("Primary(nil) reports a hit")
	}
}

func TestPerOrganisation(t *testing.T) {
	t.Parallel()
	ix := setup(t)
	// Organisation 2 registered 10.1.0.0/16 (asset 2) and 10.1.2.3 (asset 19).
	hits := match.PerOrganisation(ix.Match(event.Subject{IP: netip.MustParseAddr("10.1.2.3")}, nil))
	if g, w := order(hits), "19 5 3 4 1"; g != w {
		t.Errorf("got %s, want %s", g, w)
	}
}
