package ingest

import (
	"context"
	"fmt"
	"iter"
	"net/netip"

	"github.com/baken-cert/baken/internal/event"
	"github.com/baken-cert/baken/internal/ripe"
	"github.com/baken-cert/baken/internal/store"
)

// ripeOwners is the network-owner fallback over the RIPE data.
type ripeOwners struct{ index *ripe.Index }

// LoadRIPEOwners builds the fallback from the RIPE data in the store; it is the
// FallbackLoader of a running Baken. Without RIPE data it returns nil: no row is looked
// up in vain.
func LoadRIPEOwners(ctx context.Context, s store.Store) (Fallback, error) {
	var networks []ripe.Network
	var asns []ripe.ASN
	err := s.RIPE(ctx, func(n store.RIPENetwork) error {
		networks = append(networks, ripe.Network{Prefixes: []netip.Prefix{n.Prefix}, Range: n.Range, Netname: n.Netname,
			Country: n.Country, OrgID: n.OrgHandle, OrgName: n.OrgName, AbuseMailbox: n.AbuseMailbox, AbuseFrom: n.AbuseFrom})
		return nil
	}, func(a store.RIPEASN) error {
		asns = append(asns, ripe.ASN{Number: a.Number, Name: a.Name, OrgID: a.OrgHandle, OrgName: a.OrgName, AbuseMailbox: a.AbuseMailbox})
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(networks) == 0 && len(asns) == 0 {
		return nil, nil
	}
	return ripeOwners{ripe.NewIndex(networks, asns)}, nil
}

// Owner finds the abuse contact of the most specific network containing the address, or
// else of the AS; a network or AS without an abuse mailbox is no owner to notify.
func (o ripeOwners) Owner(s event.Subject) (Owner, bool) {
	if s.IP.IsValid() {
		if n, ok := o.index.Lookup(s.IP); ok && n.AbuseMailbox != "" {
			return Owner{Network: n.Range, Netname: n.Netname, OrgName: n.OrgName, AbuseMailbox: n.AbuseMailbox}, true
		}
	}
	if s.ASN != 0 {
		if a, ok := o.index.LookupASN(s.ASN); ok && a.AbuseMailbox != "" {
			return Owner{Network: fmt.Sprintf("AS%d", a.Number), Netname: a.Name, OrgName: a.OrgName, AbuseMailbox: a.AbuseMailbox, ASN: a.Number}, true
		}
	}
	return Owner{}, false
}

// RIPEImport is what ImportRIPE read and stored.
type RIPEImport struct {
	ripe.Stats
	Prefixes int `json:"prefixes"`
	ASNs     int `json:"asns"`
}

// ImportRIPE loads the RIPE split dumps in dir and replaces the stored network-owner
// data with them.
func ImportRIPE(ctx context.Context, s store.Store, dir string) (RIPEImport, error) {
	d, err := ripe.Load(dir)
	if err != nil {
		return RIPEImport{}, err
	}
	res := RIPEImport{Stats: d.Stats()}
	asns := d.ASNs()
	stored := make([]store.RIPEASN, len(asns))
	for i, a := range asns {
		stored[i] = store.RIPEASN{Number: a.Number, Name: a.Name, OrgHandle: a.OrgID, OrgName: a.OrgName, AbuseMailbox: a.AbuseMailbox}
	}
	res.ASNs = len(stored)
	err = s.ReplaceRIPE(ctx, prefixRows(d.AllNetworks(), &res.Prefixes), stored)
	return res, err
}

// prefixRows turns each network into one stored row per prefix, counting them.
func prefixRows(networks iter.Seq[ripe.Network], count *int) iter.Seq[store.RIPENetwork] {
	return func(yield func(store.RIPENetwork) bool) {
		for n := range networks {
			for _, p := range n.Prefixes {
				*count++
				if !yield(store.RIPENetwork{Prefix: p, Range: n.Range, Netname: n.Netname, Country: n.Country,
					OrgHandle: n.OrgID, OrgName: n.OrgName, AbuseMailbox: n.AbuseMailbox, AbuseFrom: n.AbuseFrom}) {
					return
				}
			}
		}
	}
}
