package store

import (
	"context"
	"iter"
	"net/netip"
	"time"

	"github.com/baken-cert/baken/internal/event"
)

// IngestStore keeps feeds, ingestions, events and their matches.
type IngestStore interface {
	// PutFeed adds a feed or, when its name exists, changes it.
	PutFeed(ctx context.Context, f Feed) (Feed, error)
	// Feed returns the feed with this name, or ErrNotFound.
	Feed(ctx context.Context, name string) (Feed, error)
	// Feeds lists the feeds by name.
	Feeds(ctx context.Context) ([]Feed, error)

	// StartIngestion records that a file of a feed is being read and returns its id.
	StartIngestion(ctx context.Context, feedID int64, fileName string, now time.Time) (int64, error)
	// SaveEvents stores events with their matches, in one transaction. An event whose
	// fingerprint is already stored is skipped with its matches (a duplicate).
	SaveEvents(ctx context.Context, ingestionID int64, events []EventInput, now time.Time) (SaveResult, error)
	// AddRejects records rejected rows of an ingestion.
	AddRejects(ctx context.Context, ingestionID int64, rejects []Reject) error
	// FinishIngestion records the counts of a finished ingestion, and inserts the jobs
	// that follow from it in the same transaction.
	FinishIngestion(ctx context.Context, in Ingestion, jobs []JobInput) error
	// Ingestion returns one ingestion, or ErrNotFound.
	Ingestion(ctx context.Context, id int64) (Ingestion, error)
	// Rejects lists the rejected rows of an ingestion by line, at most limit (0: all).
	Rejects(ctx context.Context, ingestionID int64, limit int) ([]Reject, error)
	// EventCount counts the stored events (for reports and tests).
	EventCount(ctx context.Context) (int, error)
	// OrgEvents lists the events matched to an organisation, newest first.
	OrgEvents(ctx context.Context, orgID int64, limit int) ([]StoredEvent, error)

	// Version returns the version number of a named set of data ("registry", "ripe"):
	// it grows whenever the data changes, so that processes know to reload it.
	Version(ctx context.Context, name string) (int64, error)
	// AllAssets calls fn for every registered asset, in id order, with the fields that
	// matching needs: ID, OrgID, Kind, Value and Verification.
	AllAssets(ctx context.Context, fn func(Asset) error) error

	// AssetIndex returns what PutAssetIndex stored last, and the registry version it
	// was made at; ErrNotFound when nothing was.
	AssetIndex(ctx context.Context) (version int64, data []byte, err error)
	// PutAssetIndex stores data, the assets matching needs in a compact form, as made
	// at registry version version, unless the registry has changed since: then it
	// stores nothing.
	PutAssetIndex(ctx context.Context, version int64, data []byte) error

	// ReplaceRIPE replaces the network-owner data with networks and asns, in one
	// transaction; networks are streamed, as a full RIPE dump holds millions.
	ReplaceRIPE(ctx context.Context, networks iter.Seq[RIPENetwork], asns []RIPEASN) error
	// RIPE calls fn for every stored network and asn.
	RIPE(ctx context.Context, network func(RIPENetwork) error, asn func(RIPEASN) error) error

	// PutShadowserverSchema makes f the Shadowserver schema every process reads, in
	// place of the one Baken ships, and grows the version "shadowserver-schema".
	PutShadowserverSchema(ctx context.Context, f SchemaFile) error
	// ShadowserverSchema returns the schema PutShadowserverSchema stored, or
	// ErrNotFound when none was: the shipped one is in force.
	ShadowserverSchema(ctx context.Context) (SchemaFile, error)
}

// SchemaFile is a Shadowserver schema file (intelmq.json) as stored.
type SchemaFile struct {
	Version  string    `json:"version"`   // its _meta.date_created
	SHA256   string    `json:"sha256"`    // of Data, in hexadecimal
	Types    int       `json:"types"`     // how many report types it has
	Data     []byte    `json:"-"`         // the file
	StoredAt time.Time `json:"stored_at"` // when it was stored
}

// Feed is a configured source of threat information.
type Feed struct {
	ID             int64
	Name           string
	Provider       string
	Format         string // shadowserver, csv, intelmq, stix, credentials
	Kind           string // periodic or incidental
	TLP            string
	Classification event.Classification // the default for events that carry none
	Options        []byte               // JSON: format options, such as a CSV column mapping
	Collect        []byte               // JSON: how Baken fetches the feed's files (collect.Config); nil for none
	CreatedAt      time.Time
}

// EventInput is an event to store, with the organisations (or the network owner) it matched.
type EventInput struct {
	Event   *event.Event
	Matches []MatchInput
}

// MatchInput is one match of an event. OrgID 0 means the network owner (fallback).
type MatchInput struct {
	OrgID           int64
	AssetID         int64
	How             string // ip, prefix, asn, domain, subdomain, url-host, email-domain, network-owner
	Specificity     int
	Verified        bool
	Rank            int // 0 is who is told first
	FallbackContact string
	FallbackNetwork string
}

// SaveResult counts what SaveEvents stored.
type SaveResult struct {
	Added      int
	Duplicates int
}

// Reject is a rejected row of an ingestion.
type Reject struct {
	Line   int    `json:"line"`
	Reason string `json:"reason"`
}

// Ingestion is the record of one file read from a feed.
type Ingestion struct {
	ID             int64     `json:"id"`
	FeedID         int64     `json:"-"`
	FileName       string    `json:"file"`
	ReportType     string    `json:"report_type,omitempty"`
	StartedAt      time.Time `json:"started_at"`
	FinishedAt     time.Time `json:"finished_at"`
	Rows           int       `json:"rows"`
	Events         int       `json:"events"`
	Duplicates     int       `json:"duplicates"`
	Rejected       int       `json:"rejected"`
	MatchedEvents  int       `json:"matched_events"`
	FallbackEvents int       `json:"fallback_events"`
	Unmatched      int       `json:"unmatched"`
	Organisations  int       `json:"organisations"`
}

// StoredEvent is an event as stored, with its data in IntelMQ field names.
type StoredEvent struct {
	ID          int64
	Fingerprint string
	Data        map[string]string
	How         string
	AssetID     int64
}

// RIPENetwork is one prefix of an address range in the RIPE database, with the abuse
// mailbox that answers for it.
type RIPENetwork struct {
	Prefix       netip.Prefix
	Range        string
	Netname      string
	Country      string
	OrgHandle    string
	OrgName      string
	AbuseMailbox string
	AbuseFrom    string // which object gave the mailbox
}

// RIPEASN is an autonomous system in the RIPE database.
type RIPEASN struct {
	Number       uint32
	Name         string
	OrgHandle    string
	OrgName      string
	AbuseMailbox string
}
