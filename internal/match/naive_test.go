package match_test

import (
	"net/netip"
	"strings"

	"github.com/baken-cert/baken/internal/asset"
	"github.com/baken-cert/baken/internal/event"
	"github.com/baken-cert/baken/internal/match"
)

// naive matches by looking at every entry: the reference the index is checked
// against, and the baseline of BenchmarkNaiveLinearScan. Assets are decoded once, so
// the comparison is about the scan, not about parsing.
type naive []naiveEntry

type naiveEntry struct {
	e    match.Entry
	p    netip.Prefix
	name string
	asn  uint32
}

func newNaive(entries []match.Entry) naive {
	n := make(naive, len(entries))
	for i, e := range entries {
		n[i].e = e
		n[i].p, _ = e.Asset.Prefix()
		n[i].name, _ = e.Asset.DomainName()
		n[i].asn, _ = e.Asset.ASNumber()
	}
	return n
}

func (n naive) match(s event.Subject, dst []match.Hit) []match.Hit {
	ip := s.IP.Unmap()
	fqdn := strings.TrimSuffix(s.FQDN, ".")
	host := strings.TrimSuffix(s.URLHost, ".")
	if host == fqdn {
		host = ""
	}
	for i := range n {
		ne := &n[i]
		hit := func(by match.By) {
			h := match.Hit{OrgID: ne.e.OrgID, AssetID: ne.e.AssetID, Kind: ne.e.Asset.Kind, By: by,
				Verification: ne.e.Verification, Prefix: ne.p, Name: ne.name, ASN: ne.asn}
			switch {
			case ne.p.IsValid():
				h.Specificity = ne.p.Bits()
			case ne.name != "":
				h.Specificity = strings.Count(ne.name, ".") + 1
			}
			dst = append(dst, h)
		}
		switch ne.e.Asset.Kind {
		case asset.IPv4, asset.IPv6:
			if ip.IsValid() && ne.p.Addr() == ip {
				hit(match.ByIP)
			}
		case asset.IPv4Prefix, asset.IPv6Prefix:
			if ip.IsValid() && ne.p.Contains(ip) {
				hit(match.ByPrefix)
			}
		case asset.ASN:
			if s.ASN != 0 && s.ASN == ne.asn {
				hit(match.ByASN)
			}
		case asset.Domain:
			if fqdn == ne.name {
				hit(match.ByDomain)
			} else if host == ne.name {
				hit(match.ByURLHost)
			}
		case asset.DomainTree:
			if under(fqdn, ne.name) {
				hit(match.BySubdomain)
			} else if under(host, ne.name) {
				hit(match.ByURLSubdomain)
			}
		case asset.EmailDomain:
			if strings.TrimSuffix(s.EmailDomain, ".") == ne.name {
				hit(match.ByEmailDomain)
			}
		}
	}
	return dst
}

func under(name, domain string) bool {
	return name == domain || strings.HasSuffix(name, "."+domain)
}
