package registry

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/baken-cert/baken/internal/account"
	"github.com/baken-cert/baken/internal/store"
)

// What an organisation's own users and tokens do to its registration, on any surface
// (the portal, later the REST API): each call takes the principal, reaches the
// organisation through account.Reach (another's is store.ErrNotFound) and needs the
// scope of what it does (account.ErrForbidden without).

// Errors of an organisation's own changes.
var (
	// ErrNotAnAddress: what was given as a notification address is not one.
	ErrNotAnAddress = errors.New("not an e-mail address")
	// ErrLastAddress: the contact is the last working address; removing it needs a
	// confirmation.
	ErrLastAddress = errors.New("the last working notification address")
	// ErrUnknownAggregation: neither "immediate", "daily" nor "".
	ErrUnknownAggregation = errors.New("unknown aggregation")
)

// reach returns the organisation when p reaches it and may do scope.
func (s *Service) reach(ctx context.Context, p account.Principal, orgID int64, scope string) (store.Organisation, error) {
	if err := p.Need(scope); err != nil {
		return store.Organisation{}, err
	}
	return account.Reach(ctx, s.store, p, orgID)
}

// Organisation returns an organisation p reaches, for reading.
func (s *Service) Organisation(ctx context.Context, p account.Principal, orgID int64) (store.Organisation, error) {
	return account.Reach(ctx, s.store, p, orgID)
}

// Contacts lists an organisation's notification addresses.
func (s *Service) Contacts(ctx context.Context, p account.Principal, orgID int64) ([]store.Contact, error) {
	if _, err := s.reach(ctx, p, orgID, account.ScopeContactsRead); err != nil {
		return nil, err
	}
	return s.store.Contacts(ctx, orgID)
}

// Working reports whether the mail server takes c: it has not refused it for good.
func Working(c store.Contact) bool { return c.BounceReason == "" && c.BouncedAt.IsZero() }

// AddContact adds a notification address in a language ("en", else Dutch), checked
// as an import row is: a row it refuses comes back in the report. Audited.
func (s *Service) AddContact(ctx context.Context, p account.Principal, orgID int64, addr, lang string) (ImportReport, error) {
	org, err := s.reach(ctx, p, orgID, account.ScopeContactsWrite)
	if err != nil {
		return ImportReport{}, err
	}
	if lang != "en" {
		lang = "nl"
	}
	if _, err := NormaliseEmail(addr); err != nil || strings.ContainsAny(addr, ",\"\n\r") {
		return ImportReport{}, fmt.Errorf("%q: %w", addr, ErrNotAnAddress)
	}
	rep, err := s.Import(ctx, strings.NewReader("asset,contact_email,language\n,"+addr+","+lang+"\n"),
		ImportOptions{Format: CSV, Org: &store.OrgInput{Ref: org.Ref, Name: org.Name}})
	if err != nil || len(rep.Rejected) > 0 {
		return rep, err
	}
	return rep, s.store.Audit(ctx, p.Entry(time.Now(), orgID, "contact.add", addr+" ("+lang+")"))
}

// RemoveContact removes a notification address, audited. Removing the last one that
// works would leave the organisation unwarned: without confirmed it is ErrLastAddress.
// It returns the contact, and whether no working address is left.
func (s *Service) RemoveContact(ctx context.Context, p account.Principal, orgID, id int64, confirmed bool) (store.Contact, bool, error) {
	if _, err := s.reach(ctx, p, orgID, account.ScopeContactsWrite); err != nil {
		return store.Contact{}, false, err
	}
	cs, err := s.store.Contacts(ctx, orgID)
	if err != nil {
		return store.Contact{}, false, err
	}
	i := slices.IndexFunc(cs, func(c store.Contact) bool { return c.ID == id })
	if i < 0 {
		return store.Contact{}, false, fmt.Errorf("contact %d: %w", id, store.ErrNotFound)
	}
	none := !slices.ContainsFunc(cs, func(c store.Contact) bool { return c.ID != id && Working(c) })
	if none && !confirmed {
		return cs[i], true, ErrLastAddress
	}
	return cs[i], none, s.store.DeleteContact(ctx, orgID, id, p.Entry(time.Now(), orgID, "contact.remove", cs[i].Email))
}

// SetAggregation records an organisation's choice of aggregation ("immediate",
// "daily", or "" for the CERT's rules), audited.
func (s *Service) SetAggregation(ctx context.Context, p account.Principal, orgID int64, aggregation string) error {
	if aggregation != "" && aggregation != "immediate" && aggregation != "daily" {
		return ErrUnknownAggregation
	}
	if _, err := s.reach(ctx, p, orgID, account.ScopeContactsWrite); err != nil {
		return err
	}
	return s.store.SetAggregation(ctx, orgID, aggregation, p.Entry(time.Now(), orgID, "org.aggregation", aggregation))
}

// AssetPage lists a page of an organisation's assets (see store.AssetQuery).
func (s *Service) AssetPage(ctx context.Context, p account.Principal, q store.AssetQuery) ([]store.Asset, error) {
	if _, err := s.reach(ctx, p, q.OrgID, account.ScopeAssetsRead); err != nil {
		return nil, err
	}
	return s.store.AssetPage(ctx, q)
}

// RemoveAsset removes one of an organisation's assets, audited by its value (which
// outlives its id); another's is store.ErrNotFound.
func (s *Service) RemoveAsset(ctx context.Context, p account.Principal, orgID, id int64) (store.Asset, error) {
	if _, err := s.reach(ctx, p, orgID, account.ScopeAssetsWrite); err != nil {
		return store.Asset{}, err
	}
	found, err := s.store.Assets(ctx, store.AssetFilter{OrgID: orgID, AfterID: id - 1, Limit: 1})
	if err != nil {
		return store.Asset{}, err
	}
	if len(found) == 0 || found[0].ID != id {
		return store.Asset{}, fmt.Errorf("asset %d: %w", id, store.ErrNotFound)
	}
	return found[0], s.store.DeleteAsset(ctx, orgID, id, p.Entry(time.Now(), orgID, "asset.remove", found[0].Value))
}

// ClaimFor is Claim for an organisation p reaches, with the scope to add assets.
func (s *Service) ClaimFor(ctx context.Context, p account.Principal, orgID int64, r io.Reader, f Format) (ImportReport, error) {
	org, err := s.reach(ctx, p, orgID, account.ScopeAssetsWrite)
	if err != nil {
		return ImportReport{}, err
	}
	return s.Claim(ctx, r, Claim{Org: org, Actor: p.Name, Format: f})
}
