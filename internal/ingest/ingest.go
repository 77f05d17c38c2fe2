// Package ingest reads threat feeds into Baken: it opens a file (plain, gzip or zip),
// parses its rows with the feed's parser, matches every row to the organisations that own
// what it names (or, failing that, to the network owner), and stores the matched events
// with their matches. Rejected rows are recorded with their line and reason in the
// ingestion report; the good rows go on.
package ingest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/baken-cert/baken/internal/event"
	"github.com/baken-cert/baken/internal/feed"
	"github.com/baken-cert/baken/internal/feed/source"
	"github.com/baken-cert/baken/internal/match"
	"github.com/baken-cert/baken/internal/notify"
	"github.com/baken-cert/baken/internal/store"
)

// Service ingests files.
type Service struct {
	store   store.Store
	matcher *Matcher
	parsers *Parsers
	log     *slog.Logger
	now     func() time.Time
}

// New returns the ingestion service.
func New(s store.Store, m *Matcher, p *Parsers, log *slog.Logger) *Service {
	return &Service{store: s, matcher: m, parsers: p, log: log, now: time.Now}
}

// Parsers returns the parsers of every feed format.
func (s *Service) Parsers() *Parsers { return s.parsers }

// Report is what an ingestion did: the stored ingestion record, and the first rejected rows.
type Report struct {
	store.Ingestion
	Feed    string         `json:"feed"`
	Rejects []store.Reject `json:"rejects,omitempty"` // the first MaxReportedRejects
	// Detected says which report type was chosen, and why, for a file whose name did
	// not say it (see FileType).
	Detected string `json:"report_type_detected,omitempty"`
}

// MaxReportedRejects bounds the rejected rows a Report carries; all are in the database.
const MaxReportedRejects = 100

// batchSize is how many events are stored in one transaction.
const batchSize = 2000

// Ingest reads one file of feed f. name is the file's name (it may tell the report type);
// r its content. On an error the report still counts the events stored before it.
func (s *Service) Ingest(ctx context.Context, f store.Feed, name string, r io.Reader) (Report, error) {
	src, err := source.Open(name, r)
	if err != nil {
		return Report{}, fmt.Errorf("%s: %w", name, err)
	}
	defer src.Close()
	// Every process reads with the schema stored last, whoever stored it.
	if err := s.parsers.Refresh(ctx, s.store); err != nil {
		return Report{}, fmt.Errorf("%s: %w", name, err)
	}
	p, ft, err := s.parsers.New(f, src.Name, src)
	if err != nil {
		return Report{}, fmt.Errorf("%s: %w", name, err)
	}
	id, err := s.store.StartIngestion(ctx, f.ID, src.Name, s.now())
	if err != nil {
		return Report{}, err
	}
	run := &run{s: s, feed: f, id: id, orgs: make(map[int64]bool)}
	run.rec.ID, run.rec.FileName, run.rec.ReportType = id, src.Name, ft.ReportType
	run.saver = startSaver(ctx, s.store, id, s.now)
	err = run.read(ctx, p)
	saved, serr := run.saver.stop()
	run.rec.Events, run.rec.Duplicates = saved.Added, saved.Duplicates
	if err == nil {
		err = serr
	}
	if err == nil {
		err = run.finish(ctx)
	}
	if err != nil {
		// What the batches before the error stored stays stored, and is decided by the
		// periodic sweep: the report says how much that is.
		return Report{Feed: f.Name, Ingestion: run.rec}, fmt.Errorf("%s: %w", name, err)
	}
	rep := Report{Feed: f.Name, Ingestion: run.rec, Detected: ft.Detected}
	rep.Rejects = run.shown
	rep.Ingestion, err = s.store.Ingestion(ctx, id)
	return rep, err
}

// run is one ingestion in progress.
type run struct {
	s       *Service
	feed    store.Feed
	id      int64
	rec     store.Ingestion
	orgs    map[int64]bool
	batch   []store.EventInput
	rejects []store.Reject
	shown   []store.Reject
	hits    []match.Hit
	saver   *saver
}

func (r *run) read(ctx context.Context, p feed.Parser) error {
	for {
		err := p.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		var rowErr *feed.RowError
		if errors.As(err, &rowErr) {
			r.rec.Rows++
			if err := r.reject(ctx, rowErr); err != nil {
				return err
			}
			continue
		}
		if err != nil {
			return err
		}
		r.rec.Rows++
		if err := r.row(ctx, p); err != nil {
			return err
		}
	}
	r.flush()
	return r.flushRejects(ctx)
}

// finish records the counts, once every batch is stored.
func (r *run) finish(ctx context.Context) error {
	r.rec.Organisations = len(r.orgs)
	r.rec.FinishedAt = r.s.now()
	var jobs []store.JobInput
	if r.rec.MatchedEvents+r.rec.FallbackEvents > 0 {
		// What to tell about the new events is decided in a job that comes with them.
		jobs = append(jobs, store.JobInput{Kind: notify.KindDecide})
	}
	return r.s.store.FinishIngestion(ctx, r.rec, jobs)
}

// row matches the current row and, when it names a registered system or a known
// network owner, converts and batches it.
func (r *run) row(ctx context.Context, p feed.Parser) error {
	ix := r.s.matcher.current()
	subj := withNetworkAddr(p.Subject())
	r.hits = ix.index.Match(subj, r.hits[:0])
	var owner Owner
	if len(r.hits) == 0 {
		var ok bool
		if ix.owners == nil {
			// No network-owner data: nothing to look up.
			r.rec.Unmatched++
			return nil
		}
		if owner, ok = ix.owners.Owner(subj); !ok {
			r.rec.Unmatched++
			return nil
		}
	}
	ev, err := p.Event()
	var rowErr *feed.RowError
	if errors.As(err, &rowErr) {
		return r.reject(ctx, rowErr)
	}
	if err != nil {
		return err
	}
	r.complete(&ev)
	in := store.EventInput{Event: &ev}
	if len(r.hits) == 0 {
		r.rec.FallbackEvents++
		in.Matches = []store.MatchInput{{How: "network-owner", FallbackContact: owner.AbuseMailbox, FallbackNetwork: owner.Network}}
	} else {
		r.rec.MatchedEvents++
		in.Matches = matchesOf(r.hits)
		for _, h := range r.hits {
			r.orgs[h.OrgID] = true
		}
	}
	r.batch = append(r.batch, in)
	if len(r.batch) >= batchSize {
		r.flush()
		return r.saver.failed()
	}
	return nil
}

// complete fills what the feed defines and the row did not say.
func (r *run) complete(ev *event.Event) {
	f := r.feed
	ev.FeedName = f.Name
	if ev.FeedProvider == "" {
		ev.FeedProvider = f.Provider
	}
	if ev.Classification.Type == "" {
		ev.Classification = f.Classification
	}
	if ev.TLP == "" {
		ev.TLP = f.TLP
	}
	if ev.TimeObservation.IsZero() {
		ev.TimeObservation = r.s.now().UTC()
	}
}

// matchesOf ranks hits (who is told first) and turns them into stored matches.
func matchesOf(hits []match.Hit) []store.MatchInput {
	match.Rank(hits)
	out := make([]store.MatchInput, len(hits))
	for i, h := range hits {
		out[i] = store.MatchInput{OrgID: h.OrgID, AssetID: h.AssetID, How: string(h.By), Specificity: h.Specificity,
			Verified: h.Verification.Verified(), Rank: i}
	}
	return out
}

// flush hands the batch to the saver, which stores it while the next is read.
func (r *run) flush() {
	if len(r.batch) == 0 {
		return
	}
	r.saver.save(r.batch)
	r.batch = make([]store.EventInput, 0, batchSize)
}

func (r *run) reject(ctx context.Context, e *feed.RowError) error {
	rej := store.Reject{Line: e.Line, Reason: e.Reason}
	r.rec.Rejected++
	if len(r.shown) < MaxReportedRejects {
		r.shown = append(r.shown, rej)
	}
	r.rejects = append(r.rejects, rej)
	if len(r.rejects) >= 1000 {
		return r.flushRejects(ctx)
	}
	return nil
}

func (r *run) flushRejects(ctx context.Context) error {
	if len(r.rejects) == 0 {
		return nil
	}
	err := r.s.store.AddRejects(ctx, r.id, r.rejects)
	r.rejects = r.rejects[:0]
	return err
}
