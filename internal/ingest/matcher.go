package ingest

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/netip"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/baken-cert/baken/internal/asset"
	"github.com/baken-cert/baken/internal/event"
	"github.com/baken-cert/baken/internal/match"
	"github.com/baken-cert/baken/internal/store"
)

// Owner is the network owner of an address that no organisation registered: the abuse
// contact the fallback notifies.
type Owner struct {
	Network      string // the range or prefix, as the registry wrote it
	Netname      string
	OrgName      string
	AbuseMailbox string
	ASN          uint32 // when found through the AS number
}

// Fallback finds network owners. The RIPE data implements it.
type Fallback interface {
	Owner(s event.Subject) (Owner, bool)
}

// FallbackLoader builds a Fallback from the stored network-owner data.
type FallbackLoader func(ctx context.Context, s store.Store) (Fallback, error)

// Matcher holds the in-memory indices of one process: every registered asset, and the
// network owners. It is built from the store at start and reloaded when another
// process (or this one) changed the data, which the store's versions tell.
type Matcher struct {
	store      store.Store
	log        *slog.Logger
	loadOwners FallbackLoader

	// cur is read on every row, without a lock; Refresh replaces it whole.
	cur atomic.Pointer[indices]
	// mu serialises Refresh.
	mu          sync.Mutex
	registryVer int64
	ownersVer   int64
}

// indices are the matcher's indices at one moment.
type indices struct {
	index  *match.Index
	owners Fallback // nil when there is no network-owner data
}

// NewMatcher returns a matcher over s; call Refresh to load it.
func NewMatcher(s store.Store, log *slog.Logger, owners FallbackLoader) *Matcher {
	m := &Matcher{store: s, log: log, loadOwners: owners}
	ix, _ := match.NewIndex(nil)
	m.cur.Store(&indices{index: ix})
	return m
}

func (m *Matcher) current() *indices { return m.cur.Load() }

// Refresh reloads what changed since the last call; the first call loads everything.
// Matching goes on, on the old indices, while new ones are built.
func (m *Matcher) Refresh(ctx context.Context) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	regVer, err := m.store.Version(ctx, "registry")
	if err != nil {
		return err
	}
	ownVer, err := m.store.Version(ctx, "ripe")
	if err != nil {
		return err
	}
	needIndex, needOwners := regVer != m.registryVer, ownVer != m.ownersVer && m.loadOwners != nil
	if needIndex {
		ix, err := m.loadIndex(ctx, regVer)
		if err != nil {
			return err
		}
		next := *m.cur.Load()
		next.index = ix
		m.cur.Store(&next)
		m.registryVer = regVer
	}
	if needOwners {
		fb, err := m.loadOwners(ctx, m.store)
		if err != nil {
			return fmt.Errorf("loading network owners: %w", err)
		}
		next := *m.cur.Load()
		next.owners = fb
		m.cur.Store(&next)
		m.ownersVer = ownVer
	}
	return nil
}

// loadIndex builds the index of registry version version: from the stored asset index
// when it was made at that version, else from every asset row, storing the asset index
// for the next process.
func (m *Matcher) loadIndex(ctx context.Context, version int64) (*match.Index, error) {
	entries, err := m.storedEntries(ctx, version)
	if err != nil {
		m.log.Warn("the stored asset index is unreadable; reading every asset", "err", err)
	}
	if entries == nil {
		if entries, err = m.assetEntries(ctx); err != nil {
			return nil, err
		}
		// A cache: when it cannot be stored, the next process reads every row too.
		if err := m.store.PutAssetIndex(ctx, version, encodeEntries(entries)); err != nil && ctx.Err() == nil {
			m.log.Warn("storing the asset index", "err", err)
		}
	}
	ix, err := match.NewIndex(entries)
	if err != nil {
		// NewIndex indexes what it can and reports what it skipped: a stored asset that
		// does not index is a bug to log, not a reason to match nothing.
		m.log.Error("some assets could not be indexed", "err", err)
	}
	return ix, nil
}

// storedEntries returns the entries of the stored asset index when it was made at
// registry version version, else nil.
func (m *Matcher) storedEntries(ctx context.Context, version int64) ([]match.Entry, error) {
	v, data, err := m.store.AssetIndex(ctx)
	if errors.Is(err, store.ErrNotFound) || err == nil && v != version {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return decodeEntries(data)
}

// assetEntries reads every registered asset that matches.
func (m *Matcher) assetEntries(ctx context.Context) ([]match.Entry, error) {
	var entries []match.Entry
	err := m.store.AllAssets(ctx, func(a store.Asset) error {
		if !a.Verification.Matches() {
			return nil // waits for proof, or its proof lapsed
		}
		entries = append(entries, match.Entry{OrgID: a.OrgID, AssetID: a.ID, Verification: a.Verification,
			Asset: asset.Asset{Kind: a.Kind, Value: a.Value}})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("loading assets: %w", err)
	}
	return entries, nil
}

// Match appends every registered asset that matches s to dst.
func (m *Matcher) Match(s event.Subject, dst []match.Hit) []match.Hit {
	s = withNetworkAddr(s)
	return m.cur.Load().index.Match(s, dst)
}

// Owner returns the network owner of what s names, when the fallback data knows one.
func (m *Matcher) Owner(s event.Subject) (Owner, bool) {
	fb := m.cur.Load().owners
	if fb == nil {
		return Owner{}, false
	}
	s = withNetworkAddr(s)
	return fb.Owner(s)
}

// Subject returns the subject that names value: an IP address, a domain name, an e-mail
// address or an AS number ("AS64496"), for lookups by people.
func Subject(value string) (event.Subject, error) {
	var e event.Event
	switch {
	case isAddr(value):
		e.Set("source.ip", value)
	case len(value) > 2 && (value[:2] == "AS" || value[:2] == "as"):
		if err := e.Set("source.asn", value); err != nil {
			return event.Subject{}, err
		}
	case strings.Contains(value, "@"):
		e.Set("source.account", value)
	default:
		e.Set("source.fqdn", value)
	}
	s := e.Subject()
	if s == (event.Subject{}) {
		return s, fmt.Errorf("%q is not an IP address, domain name, e-mail address or AS number", value)
	}
	return s, nil
}

func isAddr(v string) bool {
	_, err := netip.ParseAddr(v)
	return err == nil
}

// withNetworkAddr gives a subject that names a whole network (a blocklist row) the
// network's first address, which is what matching and the fallback look up.
func withNetworkAddr(s event.Subject) event.Subject {
	if !s.IP.IsValid() && s.Network.IsValid() {
		s.IP = s.Network.Addr()
	}
	return s
}
