package store

import (
	"context"
	"time"
)

// CollectStore keeps what collectors fetched: every collected file as it arrived (with
// its content hash, so that the same content is never ingested twice), and each feed's
// collector state (its cursor and the outcome of its last runs).
type CollectStore interface {
	// PutCollectedFile keeps a collected file and, in the same transaction, inserts the
	// job that ingests it (job is called with the new file's id). Content already kept
	// for the feed (same SHA-256) is not kept again: PutCollectedFile then returns the
	// file kept before and false, and inserts no job.
	PutCollectedFile(ctx context.Context, f CollectedFileInput, job func(id int64) JobInput) (CollectedFile, bool, error)
	// CollectedFile returns a collected file with its content (nil when pruned), or
	// ErrNotFound.
	CollectedFile(ctx context.Context, id int64) (CollectedFile, error)
	// CollectedFiles lists collected files without their content, newest first.
	CollectedFiles(ctx context.Context, f CollectedFileFilter) ([]CollectedFile, error)
	// FinishCollectedFile records the outcome of an attempt to ingest a collected file.
	FinishCollectedFile(ctx context.Context, r CollectedFileResult) error
	// RequeueCollectedFile makes a collected file pending again and inserts the job that
	// ingests it, in one transaction (an analyst's re-run).
	RequeueCollectedFile(ctx context.Context, id int64, j JobInput) error
	// PruneCollectedFiles drops the content of the files collected before cutoff that
	// are not pending; their records (and hashes) stay. It returns how many it pruned.
	PruneCollectedFiles(ctx context.Context, cutoff, now time.Time) (int, error)
	// CollectTotals counts, per feed, the collected files and the rows and rejected rows
	// of their ingestions.
	CollectTotals(ctx context.Context) ([]CollectTotal, error)

	// CollectorState returns the state of a feed's collector; a feed whose collector
	// never ran has the zero state (with FeedID set).
	CollectorState(ctx context.Context, feedID int64) (CollectorState, error)
	// PutCollectorState writes the state of a feed's collector.
	PutCollectorState(ctx context.Context, st CollectorState) error
	// SetSilenceTold records when the analysts were told that a feed is silent, and
	// changes nothing else of its collector's state (a run may be writing it).
	SetSilenceTold(ctx context.Context, feedID int64, at time.Time) error
}

// Collected file states.
const (
	FilePending  = "pending"  // waiting for its ingestion job (or being retried)
	FileIngested = "ingested" // ingested
	FileFailed   = "failed"   // every attempt failed: see LastError; an analyst may re-run it
)

// CollectedFileInput is a file a collector fetched.
type CollectedFileInput struct {
	FeedID      int64
	Name        string // the file name, which may tell the report type
	Source      string // where it came from: a URL, a path, "imap:INBOX/42", ...
	SHA256      string // of Data, in hexadecimal
	Data        []byte
	CollectedAt time.Time
}

// CollectedFile is a kept collected file.
type CollectedFile struct {
	ID          int64     `json:"id"`
	FeedID      int64     `json:"-"`
	Feed        string    `json:"feed"`
	Name        string    `json:"name"`
	Source      string    `json:"source"`
	SHA256      string    `json:"sha256"`
	Size        int64     `json:"size"`
	Data        []byte    `json:"-"`
	CollectedAt time.Time `json:"collected_at"`
	State       string    `json:"state"`
	Attempts    int       `json:"attempts"`
	LastError   string    `json:"error,omitempty"`
	IngestionID int64     `json:"ingestion_id,omitempty"`
	IngestedAt  time.Time `json:"ingested_at,omitzero"`
	PrunedAt    time.Time `json:"pruned_at,omitzero"` // when its content was dropped
}

// CollectedFileFilter narrows CollectedFiles.
type CollectedFileFilter struct {
	FeedID int64  // 0 for every feed
	State  string // "" for every state
	Limit  int    // 0 means no limit
}

// CollectedFileResult is the outcome of one attempt to ingest a collected file.
type CollectedFileResult struct {
	ID          int64
	State       string // FileIngested, or FilePending (will be retried) or FileFailed with Error
	Error       string
	IngestionID int64 // 0 when none was recorded
	At          time.Time
}

// CollectTotal is what one feed's collector has collected so far.
type CollectTotal struct {
	FeedID   int64
	Feed     string
	Files    int
	Rows     int64
	Rejected int64
}

// CollectorState is what a feed's collector remembers between runs.
type CollectorState struct {
	FeedID int64
	// LastSlot is the schedule period of the last successful run: a period runs once.
	LastSlot time.Time
	// LastRunAt, LastSuccessAt are when a run last ended, and last ended well.
	LastRunAt, LastSuccessAt time.Time
	// LastNewAt is when a run last brought a file not seen before.
	LastNewAt time.Time
	// LastError is the error of the last run, "" when it went well.
	LastError string
	// LastFiles is how many new files the last run kept.
	LastFiles int
	// Cursor is the collector's own memory (JSON): an ETag, the reports seen, ...
	Cursor []byte
	// StaleNotifiedAt is when the analysts were last told that the feed is silent.
	StaleNotifiedAt time.Time
}
