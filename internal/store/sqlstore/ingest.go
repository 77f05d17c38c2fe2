package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/baken-cert/baken/internal/store"
)

const feedColumns = `id, name, provider, format, kind, tlp, taxonomy, type, identifier, options, collect, created_at`

func scanFeed(row rowScanner) (store.Feed, error) {
	var f store.Feed
	var options, coll string
	err := row.Scan(&f.ID, &f.Name, &f.Provider, &f.Format, &f.Kind, &f.TLP,
		&f.Classification.Taxonomy, &f.Classification.Type, &f.Classification.Identifier, &options, &coll, &f.CreatedAt)
	f.Options = []byte(options)
	if coll != "" {
		f.Collect = []byte(coll)
	}
	return f, err
}

// PutFeed implements store.IngestStore.
func (s *DB) PutFeed(ctx context.Context, f store.Feed) (store.Feed, error) {
	if len(f.Options) == 0 {
		f.Options = []byte("{}")
	}
	now := s.d.Time(time.Now().UTC())
	return scanFeed(s.db.QueryRowContext(ctx, `INSERT INTO feeds
		(name, provider, format, kind, tlp, taxonomy, type, identifier, options, collect, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $11, $10, $10)
		ON CONFLICT (name) DO UPDATE SET provider = excluded.provider, format = excluded.format, kind = excluded.kind,
			tlp = excluded.tlp, taxonomy = excluded.taxonomy, type = excluded.type, identifier = excluded.identifier,
			options = excluded.options, collect = excluded.collect, updated_at = excluded.updated_at
		RETURNING `+feedColumns,
		f.Name, f.Provider, f.Format, f.Kind, f.TLP, f.Classification.Taxonomy, f.Classification.Type,
		f.Classification.Identifier, string(f.Options), now, string(f.Collect)))
}

// Feed implements store.IngestStore.
func (s *DB) Feed(ctx context.Context, name string) (store.Feed, error) {
	f, err := scanFeed(s.db.QueryRowContext(ctx, `SELECT `+feedColumns+` FROM feeds WHERE name = $1`, name))
	if errors.Is(err, sql.ErrNoRows) {
		return f, fmt.Errorf("feed %q: %w", name, store.ErrNotFound)
	}
	return f, err
}

// Feeds implements store.IngestStore.
func (s *DB) Feeds(ctx context.Context) ([]store.Feed, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+feedColumns+` FROM feeds ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("listing feeds: %w", err)
	}
	return collect(rows, scanFeed)
}

// StartIngestion implements store.IngestStore.
func (s *DB) StartIngestion(ctx context.Context, feedID int64, fileName string, now time.Time) (int64, error) {
	var id int64
	err := s.db.QueryRowContext(ctx, `INSERT INTO ingestions (feed_id, file_name, started_at) VALUES ($1, $2, $3) RETURNING id`,
		feedID, fileName, s.d.Time(now.UTC())).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("recording the ingestion: %w", err)
	}
	return id, nil
}

// eventColumns are the columns SaveEvents writes, in the order of eventRows, and
// eventTypes their types.
var (
	eventColumns = []string{"fingerprint", "feed_id", "ingestion_id", "time_source", "taxonomy", "type",
		"identifier", "severity", "source_ip", "source_port", "source_asn", "source_fqdn", "source_url", "source_account",
		"data", "created_at"}
	eventTypes = []string{"text", "bigint", "bigint", "timestamptz", "text", "text",
		"text", "text", "text", "integer", "bigint", "text", "text", "text",
		"jsonb", "timestamptz"}
	matchColumns = []string{"event_id", "org_id", "asset_id", "how", "specificity", "verified", "rank",
		"fallback_contact", "fallback_network"}
	matchTypes = []string{"bigint", "bigint", "bigint", "text", "integer", "boolean", "integer", "text", "text"}
)

// eventsBatch is how many events one INSERT statement stores.
const eventsBatch = 128

// SaveEvents implements store.IngestStore. The events are stored with multi-row
// statements, kept prepared; an event whose fingerprint is already stored, or came
// before in the same call, is a duplicate.
func (s *DB) SaveEvents(ctx context.Context, ingestionID int64, events []store.EventInput, now time.Time) (store.SaveResult, error) {
	var res store.SaveResult
	// Encoding comes before the transaction, which holds SQLite's one write lock.
	rows, fingerprints, kept, err := s.eventRows(ingestionID, events, now)
	if err != nil {
		return res, err
	}
	res.Duplicates = len(events) - len(kept)
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return res, err
	}
	defer tx.Rollback()
	var feedID int64
	if err := tx.QueryRowContext(ctx, `SELECT feed_id FROM ingestions WHERE id = $1`, ingestionID).Scan(&feedID); err != nil {
		return res, fmt.Errorf("ingestion %d: %w", ingestionID, err)
	}
	for _, r := range rows {
		r[1] = feedID
	}
	ids, err := s.insertEvents(ctx, tx, rows)
	if err != nil {
		return res, fmt.Errorf("storing events: %w", err)
	}
	var matches [][]any
	var stored []any // fingerprints stored before
	for i, fp := range fingerprints {
		id, ok := ids[fp]
		if !ok {
			res.Duplicates++
			stored = append(stored, fp)
			continue
		}
		res.Added++
		for _, m := range events[kept[i]].Matches {
			matches = append(matches, []any{id, nullID(m.OrgID), nullID(m.AssetID), m.How, m.Specificity, m.Verified,
				m.Rank, m.FallbackContact, m.FallbackNetwork})
		}
	}
	if _, err := s.bulkInsert(ctx, tx, "matches", matchColumns, matchTypes, matches, 100); err != nil {
		return res, fmt.Errorf("storing matches: %w", err)
	}
	if err := adoptEvents(ctx, tx, ingestionID, stored); err != nil {
		return res, err
	}
	return res, tx.Commit()
}

// adoptEvents gives the ingestion the undecided events of fingerprints that an ingestion
// stored and did not finish (it died: the same file is read again), to be decided with
// this one when it finishes, not half an hour later on their own, in an e-mail of
// their own.
func adoptEvents(ctx context.Context, tx *sql.Tx, ingestionID int64, fingerprints []any) error {
	for len(fingerprints) > 0 {
		n := min(500, len(fingerprints))
		marks := make([]string, n)
		for i := range marks {
			marks[i] = "$" + strconv.Itoa(i+2)
		}
		_, err := tx.ExecContext(ctx, `UPDATE events SET ingestion_id = $1 WHERE NOT decided AND ingestion_id <> $1
			AND ingestion_id IN (SELECT id FROM ingestions WHERE finished_at IS NULL)
			AND fingerprint IN (`+strings.Join(marks, ", ")+`)`, append([]any{ingestionID}, fingerprints[:n]...)...)
		if err != nil {
			return fmt.Errorf("taking over the events of an unfinished ingestion: %w", err)
		}
		fingerprints = fingerprints[n:]
	}
	return nil
}

// eventRows encodes the events to store as rows of the events table (the feed is filled
// in later), skipping those whose fingerprint came before in events. kept holds the
// index in events of each row.
func (s *DB) eventRows(ingestionID int64, events []store.EventInput, now time.Time) (rows [][]any, fingerprints []string, kept []int, err error) {
	created := s.d.Time(now.UTC())
	seen := make(map[string]bool, len(events))
	cells := make([]any, 0, len(events)*len(eventColumns))
	var data []byte
	var keys []string
	for i, in := range events {
		e := in.Event
		fp := e.Fingerprint().String()
		if seen[fp] {
			continue
		}
		seen[fp] = true
		data, keys = appendEventJSON(data[:0], e.Map(), keys)
		var timeSource any
		if !e.TimeSource.IsZero() {
			timeSource = s.d.Time(e.TimeSource)
		}
		start := len(cells)
		cells = append(cells, fp, nil, ingestionID, timeSource,
			e.Classification.Taxonomy, e.Classification.Type, e.Classification.Identifier, e.Severity,
			e.Get("source.ip"), int(e.Source.Port), int64(e.Source.ASN), e.Source.FQDN, e.Source.URL, e.Source.Account,
			string(data), created)
		rows = append(rows, cells[start:len(cells):len(cells)])
		fingerprints, kept = append(fingerprints, fp), append(kept, i)
	}
	return rows, fingerprints, kept, nil
}

// insertEvents inserts rows into events, skipping known fingerprints, and returns the id
// of each inserted row by fingerprint.
func (s *DB) insertEvents(ctx context.Context, tx *sql.Tx, rows [][]any) (map[string]int64, error) {
	ids := make(map[string]int64, len(rows))
	var buf []any
	for _, n := range chunks(len(rows), s.bulkBatch(len(rows), eventsBatch)) {
		args, err := s.bulkArgs(rows[:n], eventTypes, buf)
		if err != nil {
			return nil, err
		}
		buf = args
		q := s.insertSQL("events", eventColumns, eventTypes, n, `ON CONFLICT (fingerprint) DO NOTHING RETURNING id, fingerprint`)
		res, err := s.query(ctx, tx, q, args...)
		if err != nil {
			return nil, err
		}
		for res.Next() {
			var id int64
			var fp string
			if err := res.Scan(&id, &fp); err != nil {
				res.Close()
				return nil, err
			}
			ids[fp] = id
		}
		if err := res.Close(); err != nil {
			return nil, err
		}
		if err := res.Err(); err != nil {
			return nil, err
		}
		rows = rows[n:]
	}
	return ids, nil
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// AddRejects implements store.IngestStore.
func (s *DB) AddRejects(ctx context.Context, ingestionID int64, rejects []store.Reject) error {
	rows := make([][]any, len(rejects))
	for i, r := range rejects {
		rows[i] = []any{ingestionID, r.Line, r.Reason}
	}
	_, err := s.insertRows(ctx, s.db, `INSERT INTO ingestion_rejects (ingestion_id, line, reason) VALUES`, "", rows, 300)
	return err
}

// FinishIngestion implements store.IngestStore.
func (s *DB) FinishIngestion(ctx context.Context, in store.Ingestion, jobs []store.JobInput) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	_, err = tx.ExecContext(ctx, `UPDATE ingestions SET finished_at = $1, report_type = $2, rows_read = $3, events = $4,
		duplicates = $5, rejected = $6, matched_events = $7, fallback_events = $8, unmatched = $9, organisations = $10
		WHERE id = $11`,
		s.d.Time(in.FinishedAt.UTC()), in.ReportType, in.Rows, in.Events, in.Duplicates, in.Rejected,
		in.MatchedEvents, in.FallbackEvents, in.Unmatched, in.Organisations, in.ID)
	if err != nil {
		return err
	}
	if err := s.insertJobs(ctx, tx, jobs, in.FinishedAt); err != nil {
		return err
	}
	return tx.Commit()
}

// Ingestion implements store.IngestStore.
func (s *DB) Ingestion(ctx context.Context, id int64) (store.Ingestion, error) {
	var in store.Ingestion
	var finished sql.NullTime
	err := s.db.QueryRowContext(ctx, `SELECT id, feed_id, file_name, report_type, started_at, finished_at, rows_read, events,
		duplicates, rejected, matched_events, fallback_events, unmatched, organisations FROM ingestions WHERE id = $1`, id).Scan(
		&in.ID, &in.FeedID, &in.FileName, &in.ReportType, &in.StartedAt, &finished, &in.Rows, &in.Events,
		&in.Duplicates, &in.Rejected, &in.MatchedEvents, &in.FallbackEvents, &in.Unmatched, &in.Organisations)
	if errors.Is(err, sql.ErrNoRows) {
		return in, fmt.Errorf("ingestion %d: %w", id, store.ErrNotFound)
	}
	in.StartedAt, in.FinishedAt = in.StartedAt.UTC(), finished.Time.UTC()
	return in, err
}

// Rejects implements store.IngestStore.
func (s *DB) Rejects(ctx context.Context, ingestionID int64, n int) ([]store.Reject, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT line, reason FROM ingestion_rejects WHERE ingestion_id = $1 ORDER BY line`+limit(n), ingestionID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []store.Reject
	for rows.Next() {
		var r store.Reject
		if err := rows.Scan(&r.Line, &r.Reason); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// EventCount implements store.IngestStore.
func (s *DB) EventCount(ctx context.Context) (int, error) {
	n, err := count(ctx, s.db, `SELECT COUNT(*) FROM events`)
	return int(n), err
}

// OrgEvents implements store.IngestStore.
func (s *DB) OrgEvents(ctx context.Context, orgID int64, n int) ([]store.StoredEvent, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT e.id, e.fingerprint, e.data, m.how, COALESCE(m.asset_id, 0)
		FROM matches m JOIN events e ON e.id = m.event_id WHERE m.org_id = $1 ORDER BY e.id DESC`+limit(n), orgID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []store.StoredEvent
	for rows.Next() {
		var e store.StoredEvent
		var data string
		if err := rows.Scan(&e.ID, &e.Fingerprint, &data, &e.How, &e.AssetID); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(data), &e.Data); err != nil {
			return nil, fmt.Errorf("event %d: %w", e.ID, err)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}
