// Package bench makes the synthetic data Baken's benchmarks run on, and runs the
// end-to-end figures that `baken bench` prints. The data is deterministic for a seed, so
// two runs measure the same work.
package bench

import (
	"bufio"
	"fmt"
	"io"
	"math/rand/v2"
)

// WriteRegistryCSV writes an import file (the format of `baken org import`) with assets
// rows for orgs organisations: per organisation a mix of IPv4 prefixes and addresses,
// IPv6 prefixes, domains with and without subdomains, an e-mail domain and an AS number,
// one contact, and one intermediary parent for every 50 organisations.
func WriteRegistryCSV(w io.Writer, orgs, assets int, seed uint64) error {
	bw := bufio.NewWriterSize(w, 1<<20)
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	fmt.Fprintln(bw, "organisation,org_ref,asset,contact_email,language,sector,parent")
	perOrg := max(assets/orgs, 1)
	written := 0
	for o := 0; o < orgs && written < assets; o++ {
		ref := fmt.Sprintf("KVK%08d", o)
		name := fmt.Sprintf("Organisation %d B.V.", o)
		parent := ""
		if o%50 != 0 {
			parent = fmt.Sprintf("KVK%08d", o-o%50)
		}
		n := perOrg
		if o == orgs-1 {
			n = assets - written
		}
		for i := range n {
			contact, lang, sector, par := "", "", "", ""
			if i == 0 {
				contact, lang, sector, par = fmt.Sprintf("security@org%d.example", o), []string{"nl", "en"}[o%2], "sector"+fmt.Sprint(o%12), parent
			}
			fmt.Fprintf(bw, "%s,%s,%s,%s,%s,%s,%s\n", name, ref, syntheticAsset(rng, o, i), contact, lang, sector, par)
		}
		written += n
	}
	return bw.Flush()
}

// syntheticAsset returns the i-th asset of organisation o: unique per (o, i).
func syntheticAsset(rng *rand.Rand, o, i int) string {
	switch i % 10 {
	case 0, 1, 2, 3:
		// Addresses inside the organisation's own /16-ish space: 10.x.y.z style but
		// public-looking, unique per (o, i).
		k := o*1000 + i
		return fmt.Sprintf("%d.%d.%d.%d", 11+k>>24&0x7f, k>>16&0xff, k>>8&0xff, k&0xff)
	case 4, 5:
		k := o*1000 + i
		return fmt.Sprintf("%d.%d.%d.0/24", 140+k>>16&0x3f, k>>8&0xff, k&0xff)
	case 6:
		return fmt.Sprintf("2001:db8:%x:%x::/64", o, i)
	case 7:
		return fmt.Sprintf("host%d.org%d.example", i, o)
	case 8:
		return fmt.Sprintf("*.site%d.org%d.example", i, o)
	default:
		if i == 9 {
			return fmt.Sprintf("@org%d.example", o)
		}
		if rng.IntN(2) == 0 {
			return fmt.Sprintf("AS%d", 64512+o*100+i)
		}
		return fmt.Sprintf("www%d.org%d.example", i, o)
	}
}
