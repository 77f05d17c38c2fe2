package match_test

import (
	"fmt"
	"net/netip"

	"github.com/baken-cert/baken/internal/asset"
	"github.com/baken-cert/baken/internal/event"
	"github.com/baken-cert/baken/internal/match"
)

func Example() {
	isp, _ := asset.Parse("198.51.100.0/22")
	customer, _ := asset.Parse("198.51.100.0/24")
	site, _ := asset.Parse("*.example.nl")
	ix, err := match.NewIndex([]match.Entry{
		{OrgID: 1, AssetID: 10, Asset: isp, Verification: asset.RegistryBacked},
		{OrgID: 2, AssetID: 20, Asset: customer},
		{OrgID: 2, AssetID: 21, Asset: site, Verification: asset.DNSVerified},
	})
	if err != nil {
		panic(err)
	}

	subj := event.Subject{IP: netip.MustParseAddr("198.51.100.7"), FQDN: "shop.example.nl"}
	hits := ix.Match(subj, nil)
	match.Rank(hits)
	for _, h := range hits {
		fmt.Println(h.OrgID, h.Asset(), h.By, h.Specificity)
	}
	fmt.Println("told:")
	for _, h := range match.PerOrganisation(hits) {
		fmt.Println(h.OrgID, h.Asset())
	}
	// Output:
	// 2 198.51.100.0/24 prefix 24
	// 1 198.51.100.0/22 prefix 22
	// 2 *.example.nl subdomain 2
	// told:
	// 2 198.51.100.0/24
	// 1 198.51.100.0/22
}
