package collect

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/baken-cert/baken/internal/store"
)

// FeedStatus is the health of one collected feed, for analysts.
type FeedStatus struct {
	Feed          string    `json:"feed"`
	Source        string    `json:"source"` // http, shadowserver, dir, imap, taxii; "routed": delivered to by another's collector
	LastRunAt     time.Time `json:"last_run_at,omitzero"`
	LastSuccessAt time.Time `json:"last_success_at,omitzero"`
	LastNewAt     time.Time `json:"last_new_file_at,omitzero"`
	NextRunAt     time.Time `json:"next_run_at,omitzero"` // zero for a routed feed
	LastError     string    `json:"error,omitempty"`
	// Silent says that no new file arrived for longer than the feed's expect_within.
	Silent bool   `json:"silent,omitempty"`
	Files  []File `json:"files"` // the last files collected, newest first
	// Failed counts the collected files whose every ingestion attempt failed.
	Failed int `json:"failed"`
}

// File is a collected file with what its ingestion found.
type File struct {
	store.CollectedFile
	Rows     int            `json:"rows"`
	Events   int            `json:"events"`
	Rejected int            `json:"rejected"`
	Rejects  []store.Reject `json:"rejects,omitempty"` // the first few rejected rows
}

// StatusFiles is how many of its last files Status shows per feed.
const StatusFiles = 5

// Status reports the health of every feed that has a collector, and of every feed
// that another's collector delivers to (a mailbox's routes), by name.
func (s *Service) Status(ctx context.Context) ([]FeedStatus, error) {
	feeds, err := s.store.Feeds(ctx)
	if err != nil {
		return nil, err
	}
	now := s.now()
	var out []FeedStatus
	for _, f := range feeds {
		fs := FeedStatus{Feed: f.Name, Source: "routed"}
		cfg, err := Parse(f.Collect)
		if err == nil && cfg != nil {
			st, err := s.store.CollectorState(ctx, f.ID)
			if err != nil {
				return nil, err
			}
			sch, _ := cfg.schedule()
			fs = FeedStatus{Feed: f.Name, Source: cfg.Source(), LastRunAt: st.LastRunAt, LastSuccessAt: st.LastSuccessAt,
				LastNewAt: st.LastNewAt, LastError: st.LastError, NextRunAt: sch.next(now), Silent: silent(f, cfg, st, now)}
		}
		if fs.Files, fs.Failed, err = s.files(ctx, f.ID); err != nil {
			return nil, err
		}
		if fs.Source == "routed" {
			if len(fs.Files) == 0 {
				continue // neither collected nor delivered to
			}
			fs.LastNewAt = fs.Files[0].CollectedAt
		}
		out = append(out, fs)
	}
	return out, nil
}

// files returns a feed's last collected files, with what their ingestions found, and
// the number of its failed files.
func (s *Service) files(ctx context.Context, feedID int64) ([]File, int, error) {
	files, err := s.store.CollectedFiles(ctx, store.CollectedFileFilter{FeedID: feedID, Limit: StatusFiles})
	if err != nil {
		return nil, 0, err
	}
	var out []File
	for _, c := range files {
		file := File{CollectedFile: c}
		if c.IngestionID != 0 {
			in, err := s.store.Ingestion(ctx, c.IngestionID)
			if err != nil && !errors.Is(err, store.ErrNotFound) {
				return nil, 0, err
			}
			file.Rows, file.Events, file.Rejected = in.Rows, in.Events, in.Rejected
			if in.Rejected > 0 {
				if file.Rejects, err = s.store.Rejects(ctx, in.ID, 3); err != nil {
					return nil, 0, err
				}
			}
		}
		out = append(out, file)
	}
	failed, err := s.store.CollectedFiles(ctx, store.CollectedFileFilter{FeedID: feedID, State: store.FileFailed})
	return out, len(failed), err
}

// collectedFeed is a feed with a collector, and its state.
type collectedFeed struct {
	feed  store.Feed
	cfg   *Config
	state store.CollectorState
}

// collected lists the feeds that have a collector, with their states.
func (s *Service) collected(ctx context.Context) ([]collectedFeed, error) {
	feeds, err := s.store.Feeds(ctx)
	if err != nil {
		return nil, err
	}
	var out []collectedFeed
	for _, f := range feeds {
		cfg, err := Parse(f.Collect)
		if err != nil || cfg == nil {
			continue // checked when saved; a feed without a collector is not collected
		}
		st, err := s.store.CollectorState(ctx, f.ID)
		if err != nil {
			return nil, err
		}
		out = append(out, collectedFeed{f, cfg, st})
	}
	return out, nil
}

// silent says whether a feed delivered no new file for longer than it should: counted
// from its last new file or, before the first, from when the feed was added.
func silent(f store.Feed, cfg *Config, st store.CollectorState, now time.Time) bool {
	if cfg.ExpectWithin <= 0 {
		return false
	}
	since := st.LastNewAt
	if since.IsZero() {
		since = f.CreatedAt
	}
	return now.Sub(since) > time.Duration(cfg.ExpectWithin)
}

// HealthJob tells the analysts, once per silence, of every feed that delivered nothing
// for longer than its expect_within.
func (s *Service) HealthJob(ctx context.Context, _ store.Job) error {
	feeds, err := s.collected(ctx)
	if err != nil {
		return err
	}
	now := s.now()
	var errs []error
	for _, c := range feeds {
		f, cfg, st := c.feed, c.cfg, c.state
		if !silent(f, cfg, st, now) || st.StaleNotifiedAt.After(st.LastNewAt) {
			continue
		}
		if err := s.alertSilent(ctx, f, cfg, st); err != nil {
			errs = append(errs, err)
			continue
		}
		errs = append(errs, s.store.SetSilenceTold(ctx, f.ID, now))
	}
	return errors.Join(errs...)
}

func (s *Service) alertSilent(ctx context.Context, f store.Feed, cfg *Config, st store.CollectorState) error {
	last := "never"
	if !st.LastNewAt.IsZero() {
		last = st.LastNewAt.UTC().Format(time.RFC3339)
	}
	subject := fmt.Sprintf("Feed %s delivered nothing for more than %s", f.Name, time.Duration(cfg.ExpectWithin))
	var b strings.Builder
	fmt.Fprintf(&b, "The feed %s (%s) delivered no new file for more than %s.\n\n", f.Name, cfg.Source(), time.Duration(cfg.ExpectWithin))
	fmt.Fprintf(&b, "Last new file: %s\n", last)
	if st.LastError != "" {
		fmt.Fprintf(&b, "Last error: %s\n", st.LastError)
	}
	fmt.Fprintf(&b, "\nSee `baken feed status` for details.\n")
	s.log.Warn("feed is silent", "feed", f.Name, "last_new_file_at", last)
	if s.opts.Alert == nil {
		return nil
	}
	return s.opts.Alert(ctx, subject, b.String())
}
