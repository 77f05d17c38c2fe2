// Package store defines how Baken keeps its state: one Store interface, with an
// implementation per database engine (store/sqlite, the embedded default, and
// store/postgres, for production) and one conformance suite (store/storetest) that both
// must pass.
//
// Work that a change causes is written in the same transaction as the change (the jobs
// in RegistryImport.Commit, for instance), so that a crash can never lose it.
package store

import (
	"context"
	"errors"
	"time"

	"github.com/baken-cert/baken/internal/asset"
)

// ErrNotFound is returned when the thing asked for does not exist.
var ErrNotFound = errors.New("not found")

// ErrConflict is returned when another process changed the same thing first; nothing was
// written.
var ErrConflict = errors.New("changed by another process")

// Store is Baken's state, on one database engine.
type Store interface {
	// Engine names the database engine: "sqlite" or "postgres".
	Engine() string
	// Migrate brings the schema up to date; it is safe to call from several processes.
	Migrate(ctx context.Context) error
	// Ping checks that the database answers and its schema is current.
	Ping(ctx context.Context) error
	Close() error

	RegistryStore
	JobStore
	IngestStore
	NotifyStore
	AccountStore
	PasskeyStore
	DomainStore
	APITokenStore
	STIXStore
	CollectStore
}

// RegistryStore keeps organisations, their contacts and their assets.
type RegistryStore interface {
	// BeginRegistryImport starts a bulk import; see RegistryImport.
	BeginRegistryImport(ctx context.Context) (RegistryImport, error)
	// Organisations lists organisations ordered by ref.
	Organisations(ctx context.Context, f OrgFilter) ([]Organisation, error)
	// Organisation returns the organisation with this ref, or ErrNotFound.
	Organisation(ctx context.Context, ref string) (Organisation, error)
	// OrganisationByID returns the organisation with this id, or ErrNotFound.
	OrganisationByID(ctx context.Context, id int64) (Organisation, error)
	// Contacts lists the contacts of an organisation, ordered by e-mail address.
	Contacts(ctx context.Context, orgID int64) ([]Contact, error)
	// Assets lists assets ordered by id, a page at a time (keyset pagination on AfterID).
	Assets(ctx context.Context, f AssetFilter) ([]Asset, error)
	// AssetCounts counts an organisation's assets by kind and verification state.
	AssetCounts(ctx context.Context, orgID int64) ([]AssetCount, error)
	// AssetPage lists one organisation's assets in (kind, value) order, a page at a
	// time, for people: Query keeps the values that start with it.
	AssetPage(ctx context.Context, q AssetQuery) ([]Asset, error)
	// SetAggregation records an organisation's choice of aggregation ("immediate",
	// "daily", or "" to leave it to the rules), audited.
	SetAggregation(ctx context.Context, orgID int64, aggregation string, a AuditEntry) error
	// Aggregations returns the organisations that chose an aggregation, by id.
	Aggregations(ctx context.Context) (map[int64]string, error)
	// PendingTotals counts the assets waiting for proof, per organisation and kind,
	// narrowed by f's OrgID and Kind.
	PendingTotals(ctx context.Context, f AssetFilter) ([]AssetTotal, error)
	// DecidePending approves (they match from then on, proven by d.By at d.At) or
	// rejects (they are removed) the assets waiting for proof that d selects, audited
	// once; it returns how many it changed.
	DecidePending(ctx context.Context, d PendingDecision, a AuditEntry) (int, error)
	// DeleteContact removes a contact of an organisation, audited; a contact of another
	// organisation is ErrNotFound.
	DeleteContact(ctx context.Context, orgID, contactID int64, a AuditEntry) error
	// DeleteAsset removes an asset of an organisation, audited; an asset of another
	// organisation is ErrNotFound.
	DeleteAsset(ctx context.Context, orgID, assetID int64, a AuditEntry) error
}

// RegistryImport is one bulk import in progress. Assets are staged first (fast, in
// batches, outside the main transaction), then Commit writes the organisations, contacts
// and assets in one transaction. Either Commit or Rollback must be called.
type RegistryImport interface {
	// StageAssets adds assets to the import. Staging the same asset twice is harmless.
	StageAssets(ctx context.Context, assets []AssetInput) error
	// Commit writes everything staged, and the jobs, in one transaction.
	Commit(ctx context.Context, c ImportCommit) (ImportResult, error)
	// Rollback abandons the import; after Commit it does nothing.
	Rollback() error
}

// Organisation is a company or an intermediary that registers assets.
type Organisation struct {
	ID        int64
	Ref       string // stable reference, e.g. a chamber-of-commerce number; unique
	Name      string
	Sector    string
	ParentRef string // the intermediary that manages this organisation, "" for none
	// Aggregation is the organisation's choice: "immediate", "daily", or "" for the rules'.
	Aggregation string
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// OrgFilter narrows Organisations.
type OrgFilter struct {
	ParentRef string // only the children of this organisation
	Limit     int    // 0 means no limit
}

// Contact is an e-mail address that receives an organisation's notifications.
type Contact struct {
	ID           int64
	OrgID        int64
	Email        string
	Role         string    // "security", "abuse", "technical", ...
	Language     string    // "nl" or "en"
	BouncedAt    time.Time // when the mail server last refused it for good; zero if never
	BounceReason string
}

// Asset is a registered asset of an organisation.
type Asset struct {
	ID           int64
	OrgID        int64
	Kind         asset.Kind
	Value        string
	Verification asset.Verification
	Provenance   string    // where it came from: "import:members.csv", "import:portal:user@example.nl", ...
	ProofAt      time.Time // when it was proven, approved or its proof lapsed; zero if never
	ProofBy      string    // who approved it: the analyst's address; "dns" for a DNS token
	CreatedAt    time.Time
}

// Proof says how Baken knows that the organisation owns the asset.
func (a Asset) Proof() asset.Proof {
	return asset.Proof{State: a.Verification, At: a.ProofAt, By: a.ProofBy}
}

// AssetTotal is the number of one organisation's assets of one kind.
type AssetTotal struct {
	OrgID int64
	Kind  asset.Kind
	Count int
}

// PendingDecision selects assets waiting for proof, one (AssetID) or all of an
// organisation (OrgID, optionally of one Kind), and approves or rejects them.
type PendingDecision struct {
	AssetID int64
	OrgID   int64
	Kind    asset.Kind
	Approve bool
	By      string // the analyst
	At      time.Time
}

// AssetFilter narrows Assets.
type AssetFilter struct {
	OrgID        int64              // 0 means every organisation
	Kind         asset.Kind         // "" means every kind
	Verification asset.Verification // "" means every state
	AfterID      int64              // only assets with a larger id
	Limit        int                // 0 means no limit
}

// AssetQuery selects a page of an organisation's assets.
type AssetQuery struct {
	OrgID      int64
	Kind       asset.Kind // "" for every kind
	Query      string     // a prefix of the canonical value; "" for all
	AfterKind  asset.Kind // the last asset of the previous page, "" for the first page
	AfterValue string
	Limit      int
}

// AssetCount is the number of assets of one kind in one verification state.
type AssetCount struct {
	Kind         asset.Kind
	Verification asset.Verification
	Count        int
}

// OrgInput is an organisation as an import describes it; it is matched by Ref.
type OrgInput struct {
	Ref       string
	Name      string
	Sector    string // "" keeps the stored sector
	ParentRef string // "" keeps the stored parent
}

// ContactInput is a contact as an import describes it; it is matched by (OrgRef, Email).
type ContactInput struct {
	OrgRef   string
	Email    string
	Role     string
	Language string
}

// AssetInput is an asset as an import describes it; it is matched by (OrgRef, Kind, Value).
type AssetInput struct {
	OrgRef       string
	Kind         asset.Kind
	Value        string
	Verification asset.Verification // for a new asset; an existing one keeps its state
	Provenance   string
}

// ImportCommit is what Commit writes besides the staged assets.
type ImportCommit struct {
	Organisations []OrgInput
	Contacts      []ContactInput
	// ReplaceOrgRefs lists the organisations whose assets become exactly those staged
	// for them: their other assets are removed.
	ReplaceOrgRefs []string
	// Jobs are inserted in the same transaction.
	Jobs []JobInput
	Now  time.Time
}

// ImportResult counts what Commit changed.
type ImportResult struct {
	OrganisationsAdded   int `json:"organisations_added"`
	OrganisationsUpdated int `json:"organisations_updated"`
	ContactsAdded        int `json:"contacts_added"`
	AssetsAdded          int `json:"assets_added"`
	AssetsUnchanged      int `json:"assets_unchanged"` // already registered, or repeated in the import
	AssetsRemoved        int `json:"assets_removed"`
}
