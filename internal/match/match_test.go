package match_test

import (
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/baken-cert/baken/internal/asset"
	"github.com/baken-cert/baken/internal/event"
	"github.com/baken-cert/baken/internal/match"
)

// entry makes an entry from a value as people write it; asset ID = org ID unless given.
func entry(t testing.TB, org, id int64, value string, v asset.Verification) match.Entry {
	t.Helper()
	a, err := asset.Parse(value)
	if err != nil {
		t.Fatal(err)
	}
	return match.Entry{OrgID: org, AssetID: id, Asset: a, Verification: v}
}

// fixture is a small registry: nested prefixes, co-owners, IPv6, AS numbers, domains.
func fixture(t testing.TB) []match.Entry {
	const u, dns = asset.Unverified, asset.DNSVerified
	return []match.Entry{
		entry(t, 1, 1, "10.0.0.0/8", u),
		entry(t, 2, 2, "10.1.0.0/16", dns),
		entry(t, 3, 3, "10.1.2.0/24", dns),
		entry(t, 4, 4, "10.1.2.0/24", u), // co-owner of asset 3
		entry(t, 5, 5, "10.1.2.3", u),
		entry(t, 6, 6, "10.1.2.128/25", u),
		entry(t, 7, 7, "2001:db8::/32", u),
		entry(t, 8, 8, "2001:db8:1::/48", u),
		entry(t, 9, 9, "2001:db8:1::1", u),
		entry(t, 10, 10, "AS64496", u),
		entry(t, 11, 11, "AS64496", asset.RegistryBacked),
		entry(t, 12, 12, "example.nl", u),
		entry(t, 13, 13, "*.example.nl", dns),
		entry(t, 14, 14, "www.example.nl", u),
		entry(t, 15, 15, "*.shop.example.nl", u),
		entry(t, 16, 16, "@example.nl", u),
		entry(t, 17, 17, "@mail.example.nl", u),
		entry(t, 2, 19, "10.1.2.3", u), // organisation 2 again, more specific
		entry(t, 20, 20, "192.0.2.0/24", u),
	}
}

func setup(t testing.TB) *match.Index {
	t.Helper()
	ix, err := match.NewIndex(fixture(t))
	if err != nil {
		t.Fatal(err)
	}
	return ix
}

// got renders hits as "assetID:by:specificity", sorted, for comparison.
func got(hits []match.Hit) string {
	out := make([]string, len(hits))
	for i, h := range hits {
		out[i] = fmt.Sprintf("%d:%s:%d", h.AssetID, h.By, h.Specificity)
	}
	slices.Sort(out)
	return strings.Join(out, " ")
}

func want(s ...string) string {
	slices.Sort(s)
	return strings.Join(s, " ")
}

func TestMatch(t *testing.T) {
	t.Parallel()
	ix := setup(t)
	ip := netip.MustParseAddr
	tests := []struct {
		name string
		subj event.Subject
		want string
	}{
		{"address and every containing prefix", event.Subject{IP: ip("10.1.2.3")},
			want("5:ip:32", "19:ip:32", "3:prefix:24", "4:prefix:24", "2:prefix:16", "1:prefix:8")},
		{"nested /25 not for an address outside it", event.Subject{IP: ip("10.1.2.4")},
			want("3:prefix:24", "4:prefix:24", "2:prefix:16", "1:prefix:8")},
		{"nested /25", event.Subject{IP: ip("10.1.2.200")},
			want("6:prefix:25", "3:prefix:24", "4:prefix:24", "2:prefix:16", "1:prefix:8")},
		{"only the ISP", event.Subject{IP: ip("10.200.0.1")}, want("1:prefix:8")},
		{"no one", event.Subject{IP: ip("11.0.0.1")}, ""},
		{"IPv4-mapped IPv6 is IPv4", event.Subject{IP: ip("::ffff:10.1.2.200")},
			want("6:prefix:25", "3:prefix:24", "4:prefix:24", "2:prefix:16", "1:prefix:8")},
		{"IPv6 address and prefixes", event.Subject{IP: ip("2001:db8:1::1")},
			want("9:ip:128", "8:prefix:48", "7:prefix:32")},
		{"IPv6 prefix only", event.Subject{IP: ip("2001:db8:2::1")}, want("7:prefix:32")},
		{"IPv6 no one", event.Subject{IP: ip("2001:db9::1")}, ""},
		{"AS number, two owners", event.Subject{ASN: 64496}, want("10:asn:0", "11:asn:0")},
		{"AS number no one", event.Subject{ASN: 64497}, ""},
		{"exact domain and its tree", event.Subject{FQDN: "example.nl"},
			want("12:domain:2", "13:subdomain:2")},
		{"trailing dot", event.Subject{FQDN: "example.nl."},
			want("12:domain:2", "13:subdomain:2")},
		{"exact subdomain and the tree above", event.Subject{FQDN: "www.example.nl"},
			want("14:domain:3", "13:subdomain:2")},
		{"deep subdomain in two trees", event.Subject{FQDN: "a.b.shop.example.nl"},
			want("15:subdomain:3", "13:subdomain:2")},
		{"not a subdomain, only a suffix", event.Subject{FQDN: "notexample.nl"}, ""},
		{"unregistered name", event.Subject{FQDN: "example.com"}, ""},
		{"URL host", event.Subject{URLHost: "shop.example.nl"},
			want("15:url-subdomain:3", "13:url-subdomain:2")},
		{"URL host exact", event.Subject{URLHost: "www.example.nl"},
			want("14:url-host:3", "13:url-subdomain:2")},
		{"URL host equal to FQDN counts once", event.Subject{FQDN: "www.example.nl", URLHost: "www.example.nl"},
			want("14:domain:3", "13:subdomain:2")},
		{"URL host under the same tree as FQDN", event.Subject{FQDN: "www.example.nl", URLHost: "x.shop.example.nl"},
			want("14:domain:3", "13:subdomain:2", "15:url-subdomain:3")},
		{"e-mail domain exact", event.Subject{EmailDomain: "example.nl"}, want("16:email-domain:2")},
		{"e-mail subdomain registered as such", event.Subject{EmailDomain: "mail.example.nl"}, want("17:email-domain:3")},
		{"e-mail domain: no subdomains", event.Subject{EmailDomain: "other.example.nl"}, ""},
		{"everything at once", event.Subject{IP: ip("192.0.2.1"), ASN: 64496, FQDN: "example.nl", EmailDomain: "example.nl"},
			want("20:prefix:24", "10:asn:0", "11:asn:0", "12:domain:2", "13:subdomain:2", "16:email-domain:2")},
		{"empty subject", event.Subject{}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if g := got(ix.Match(tt.subj, nil)); g != tt.want {
				t.Errorf("Match(%+v)\n got %s\nwant %s", tt.subj, g, tt.want)
			}
		})
	}
}

// TestHitFields checks that every entry comes back from a subject that names it with
// its organisation, verification and canonical asset.
func TestHitFields(t *testing.T) {
	t.Parallel()
	ix := setup(t)
	for _, e := range fixture(t) {
		var subj event.Subject
		switch p, ok := e.Asset.Prefix(); {
		case ok:
			subj.IP = p.Addr()
		case e.Asset.Kind == asset.ASN:
			n, _ := e.Asset.ASNumber()
			subj.ASN = n
		case e.Asset.Kind == asset.EmailDomain:
			subj.EmailDomain, _ = e.Asset.DomainName()
		default:
			subj.FQDN, _ = e.Asset.DomainName()
		}
		hits := ix.Match(subj, nil)
		i := slices.IndexFunc(hits, func(h match.Hit) bool { return h.AssetID == e.AssetID })
		if i < 0 {
			t.Errorf("%v: no hit in %s", e, got(hits))
			continue
		}
		h := hits[i]
		if h.OrgID != e.OrgID || h.Verification != e.Verification || h.Kind != e.Asset.Kind || h.Asset() != e.Asset {
			t.Errorf("%v: hit %+v, Asset() %v", e, h, h.Asset())
		}
	}
}

func TestNewIndexInput(t *testing.T) {
	t.Parallel()
	entries := fixture(t)
	slices.Reverse(entries) // unsorted input
	bad := []match.Entry{
		{OrgID: 1, AssetID: 100, Asset: asset.Asset{Kind: asset.IPv4Prefix, Value: "10.0.0.1/8"}},
		{OrgID: 1, AssetID: 101, Asset: asset.Asset{Kind: asset.IPv4, Value: "10.0.0.0/8"}},
		{OrgID: 1, AssetID: 102, Asset: asset.Asset{Kind: asset.Domain, Value: "Example.NL"}},
		{OrgID: 1, AssetID: 103, Asset: asset.Asset{Kind: "bogus", Value: "x"}},
		{OrgID: 1, AssetID: 104, Asset: asset.Asset{Kind: asset.ASN, Value: "AS0"}},
		{OrgID: 1, AssetID: 105, Asset: asset.Asset{Kind: asset.Domain, Value: "nl"}},
		{OrgID: 1, AssetID: 106, Asset: asset.Asset{Kind: asset.IPv6, Value: "::ffff:10.0.0.1"}},
		{OrgID: 1, AssetID: 107, Asset: asset.Asset{Kind: asset.Domain, Value: "ok.nl"}, Verification: "maybe"},
		{OrgID: 1, AssetID: 108, Asset: asset.Asset{Kind: asset.Domain, Value: "*.example.nl"}},
		{OrgID: 1, AssetID: 109, Asset: asset.Asset{Kind: asset.Domain, Value: "bücher.de"}},
	}
	// Asset 5 again, later: it replaces the first one.
	entries = append(entries, entry(t, 50, 5, "198.51.100.7", asset.Unverified))
	entries = append(entries, bad...)
	ix, err := match.NewIndex(entries)
	if !errors.Is(err, match.ErrInvalidEntry) || !strings.Contains(err.Error(), "skipped 10 ") {
		t.Fatalf("NewIndex error %v, want 10 entries skipped", err)
	}
	if ix.Len() != len(fixture(t)) {
		t.Errorf("Len %d, want %d", ix.Len(), len(fixture(t)))
	}
	if g, w := got(ix.Match(event.Subject{IP: netip.MustParseAddr("10.1.2.3")}, nil)),
		want("19:ip:32", "3:prefix:24", "4:prefix:24", "2:prefix:16", "1:prefix:8"); g != w {
		t.Errorf("replaced asset 5: got %s, want %s", g, w)
	}
	if g := got(ix.Match(event.Subject{IP: netip.MustParseAddr("198.51.100.7")}, nil)); g != "5:ip:32" {
		t.Errorf("replacing asset 5: got %s", g)
	}
}

func TestMatchDoesNotAllocate(t *testing.T) {
	ix := setup(t)
	subj := event.Subject{IP: netip.MustParseAddr("10.1.2.200"), FQDN: "a.shop.example.nl", URLHost: "www.example.nl",
		EmailDomain: "example.nl", ASN: 64496}
	dst := make([]match.Hit, 0, 32)
	if n := testing.AllocsPerRun(100, func() { dst = ix.Match(subj, dst[:0]) }); n != 0 {
		t.Errorf("Match allocates %.0f times", n)
	}
}

// FuzzMatchNames compares the walk at the dots with a linear scan on arbitrary names.
func FuzzMatchNames(f *testing.F) {
	for _, s := range []string{"example.nl", "www.example.nl", "a.b.shop.example.nl", ".example.nl",
		"example.nl..", "nl", ".", "", "x.notexample.nl", "mail.example.nl."} {
		f.Add(s, s, s)
	}
	entries := fixture(f)
	ix, err := match.NewIndex(entries)
	if err != nil {
		f.Fatal(err)
	}
	ref := newNaive(entries)
	f.Fuzz(func(t *testing.T, fqdn, host, mail string) {
		s := event.Subject{FQDN: fqdn, URLHost: host, EmailDomain: mail}
		if g, w := got(ix.Match(s, nil)), got(ref.match(s, nil)); g != w {
			t.Errorf("%+v:\nindex %s\nnaive %s", s, g, w)
		}
	})
}
