// Package match finds the organisations an event is about.
//
// An Index holds every registered asset of every organisation in memory: IP prefixes
// in a multibit trie (github.com/gaissmai/bart), single addresses, AS numbers and domain
// names in hash maps. Match returns every asset that matches an event's subject, so an
// ISP's /16 and its customer's /24 both match; Rank and PerOrganisation then decide who
// is told first. The package is pure: the registry loads the assets, builds the index
// with NewIndex and keeps it current with Apply.
package match

import (
	"net/netip"
	"strconv"

	"github.com/baken-cert/baken/internal/asset"
)

// Entry is one registered asset of one organisation: what the index holds.
// Several entries may carry the same asset for different organisations.
type Entry struct {
	OrgID        int64
	AssetID      int64       // unique: indexing an AssetID again replaces the entry
	Asset        asset.Asset // canonical, as asset.Parse returns it
	Verification asset.Verification
}

// By says how an asset matched an event's subject.
type By string

// The ways an asset can match.
const (
	ByIP           By = "ip"            // the event's IP address is a registered address
	ByPrefix       By = "prefix"        // the event's IP address lies in a registered prefix
	ByDomain       By = "domain"        // the event's FQDN is a registered exact domain
	BySubdomain    By = "subdomain"     // the event's FQDN is a domain tree's name or lies below it
	ByURLHost      By = "url-host"      // the host of the event's URL is a registered exact domain
	ByURLSubdomain By = "url-subdomain" // the host of the event's URL is in a domain tree
	ByEmailDomain  By = "email-domain"  // the domain of the event's account is a registered e-mail domain
	ByASN          By = "asn"           // the event's AS number is a registered AS number
)

// Hit is one registered asset that matches an event. The asset is held in typed form
// (Prefix, Name or ASN, by Kind) so that Match need not allocate; Asset returns the
// canonical asset.
type Hit struct {
	OrgID        int64
	AssetID      int64
	Kind         asset.Kind
	Prefix       netip.Prefix // IP kinds: the prefix, an address as a /32 or /128
	Name         string       // domain, domain-tree and e-mail-domain kinds: the bare domain name
	ASN          uint32       // ASN kind: the AS number
	Verification asset.Verification
	By           By
	// Specificity orders hits of one kind of subject: the prefix length for IP kinds
	// (32 or 128 for an address), the number of labels of the registered name for
	// domain kinds, 0 for AS numbers.
	Specificity int
}

// Asset returns the matched asset in canonical form. It allocates for every kind but
// exact domains; call it for the hits that are reported, not for every hit.
func (h Hit) Asset() asset.Asset {
	a := asset.Asset{Kind: h.Kind}
	switch h.Kind {
	case asset.IPv4, asset.IPv6:
		a.Value = h.Prefix.Addr().String()
	case asset.IPv4Prefix, asset.IPv6Prefix:
		a.Value = h.Prefix.String()
	case asset.ASN:
		a.Value = "AS" + strconv.FormatUint(uint64(h.ASN), 10)
	case asset.Domain:
		a.Value = h.Name
	case asset.DomainTree:
		a.Value = "*." + h.Name
	case asset.EmailDomain:
		a.Value = "@" + h.Name
	}
	return a
}
