package match

import (
	"cmp"
	"slices"
)

// Rank sorts hits so that the organisation to tell comes first. The order, each rule
// breaking the ties of the ones before:
//
//  1. Exact before containing before AS number: a registered address, exact domain
//     (of the FQDN or the URL host) or e-mail domain names the very system; a prefix
//     or domain tree contains it; an AS number is the least specific of all.
//  2. By subject: IP address, then FQDN, then URL host, then e-mail domain.
//  3. More specific first: a longer prefix beats a shorter one (an ISP's /16 comes
//     after its customer's /24), a domain tree with more labels beats one with fewer.
//  4. Verified (asset.Verification.Verified) before unverified.
//  5. Lower organisation ID, then lower asset ID, so that the order is stable.
func Rank(hits []Hit) {
	slices.SortFunc(hits, Compare)
}

// Compare orders two hits as Rank does: negative when a comes first.
func Compare(a, b Hit) int {
	if c := cmp.Compare(tier(a.By), tier(b.By)); c != 0 {
		return c
	}
	if c := cmp.Compare(subject(a.By), subject(b.By)); c != 0 {
		return c
	}
	if c := cmp.Compare(b.Specificity, a.Specificity); c != 0 {
		return c
	}
	if av, bv := a.Verification.Verified(), b.Verification.Verified(); av != bv {
		if av {
			return -1
		}
		return 1
	}
	if c := cmp.Compare(a.OrgID, b.OrgID); c != 0 {
		return c
	}
	return cmp.Compare(a.AssetID, b.AssetID)
}

// Primary returns the hit that Rank would put first, without sorting.
func Primary(hits []Hit) (Hit, bool) {
	if len(hits) == 0 {
		return Hit{}, false
	}
	return slices.MinFunc(hits, Compare), true
}

// PerOrganisation ranks hits and keeps each organisation's first hit: an organisation
// matched through several of its assets is told once, about its most specific one. It
// works in place and returns the shortened slice.
func PerOrganisation(hits []Hit) []Hit {
	Rank(hits)
	kept := hits[:0]
	for _, h := range hits {
		if !slices.ContainsFunc(kept, func(k Hit) bool { return k.OrgID == h.OrgID }) {
			kept = append(kept, h)
		}
	}
	return kept
}

// tier: 0 exact, 1 containing, 2 AS number.
func tier(by By) int {
	switch by {
	case ByIP, ByDomain, ByURLHost, ByEmailDomain:
		return 0
	case ByPrefix, BySubdomain, ByURLSubdomain:
		return 1
	}
	return 2
}

// subject: which field of the event's subject matched.
func subject(by By) int {
	switch by {
	case ByIP, ByPrefix:
		return 0
	case ByDomain, BySubdomain:
		return 1
	case ByURLHost, ByURLSubdomain:
		return 2
	case ByEmailDomain:
		return 3
	}
	return 4
}
