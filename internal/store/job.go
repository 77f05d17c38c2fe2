package store

import (
	"context"
	"time"
)

// JobStore keeps durable background jobs. A job is claimed by one worker at a time, for
// a lease; a worker that dies loses its lease and the job is claimed again.
type JobStore interface {
	// InsertJob adds a job. A job whose UniqueKey is already taken is not inserted, and
	// InsertJob reports false: that is how periodic jobs run once cluster-wide.
	InsertJob(ctx context.Context, j JobInput) (bool, error)
	// ClaimJobs takes up to limit due jobs (available or retryable with RunAt <= now, or
	// running with an expired lease) and leases them until now+lease.
	ClaimJobs(ctx context.Context, now time.Time, limit int, lease time.Duration) ([]Job, error)
	// CompleteJob marks a claimed job done.
	CompleteJob(ctx context.Context, id int64, now time.Time) error
	// RetryJob records a failed attempt and makes the job due again at runAt.
	RetryJob(ctx context.Context, id int64, runAt time.Time, errText string) error
	// DiscardJob records a failure after which the job is not tried again.
	DiscardJob(ctx context.Context, id int64, now time.Time, errText string) error
	// Jobs lists jobs, newest first.
	Jobs(ctx context.Context, f JobFilter) ([]Job, error)
	// PruneJobs deletes completed and discarded jobs finished before cutoff.
	PruneJobs(ctx context.Context, cutoff time.Time) (int, error)
}

// JobState is where a job is in its life.
type JobState string

// The job states.
const (
	JobAvailable JobState = "available" // waiting to run
	JobRunning   JobState = "running"   // claimed by a worker
	JobRetryable JobState = "retryable" // failed, will run again at RunAt
	JobCompleted JobState = "completed" // done
	JobDiscarded JobState = "discarded" // failed for good
)

// JobInput describes a job to insert.
type JobInput struct {
	Kind        string    // selects the handler
	Args        []byte    // JSON arguments for the handler
	RunAt       time.Time // when it is due; zero means now
	MaxAttempts int       // 0 means 10
	UniqueKey   string    // "" for none; see InsertJob
}

// Job is a stored job.
type Job struct {
	ID          int64
	Kind        string
	Args        []byte
	State       JobState
	Attempt     int // attempts started so far, including the current one
	MaxAttempts int
	RunAt       time.Time
	LastError   string
	CreatedAt   time.Time
}

// JobFilter narrows Jobs.
type JobFilter struct {
	Kind  string   // "" for every kind
	State JobState // "" for every state
	Limit int      // 0 means no limit
}
