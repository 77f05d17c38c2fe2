package sqlstore

import (
	"cmp"
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

// Rules implements store.NotifyStore.
func (s *DB) Rules(ctx context.Context) ([]store.Rule, error) {
	rows, err := s.query(ctx, s.db, `SELECT id, feed, taxonomy, type, identifier, action, min_severity, repeat_hours, aggregation
		FROM rules ORDER BY feed, taxonomy, type, identifier`)
	if err != nil {
		return nil, fmt.Errorf("listing rules: %w", err)
	}
	defer rows.Close()
	var out []store.Rule
	for rows.Next() {
		var r store.Rule
		var hours int64
		if err := rows.Scan(&r.ID, &r.Feed, &r.Taxonomy, &r.Type, &r.Identifier, &r.Action, &r.MinSeverity, &hours, &r.Aggregation); err != nil {
			return nil, err
		}
		r.Repeat = time.Duration(hours) * time.Hour
		out = append(out, r)
	}
	return out, rows.Err()
}

// PutRule implements store.NotifyStore.
func (s *DB) PutRule(ctx context.Context, r store.Rule) (store.Rule, error) {
	err := s.queryRow(ctx, s.db, `INSERT INTO rules (feed, taxonomy, type, identifier, action, min_severity, repeat_hours, aggregation)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
		ON CONFLICT (feed, taxonomy, type, identifier) DO UPDATE SET action = excluded.action,
			min_severity = excluded.min_severity, repeat_hours = excluded.repeat_hours, aggregation = excluded.aggregation
		RETURNING id`, r.Feed, r.Taxonomy, r.Type, r.Identifier, r.Action, r.MinSeverity, int64(r.Repeat/time.Hour), r.Aggregation).Scan(&r.ID)
	return r, err
}

// DeleteRule implements store.NotifyStore.
func (s *DB) DeleteRule(ctx context.Context, id int64) error {
	res, err := s.exec(ctx, s.db, `DELETE FROM rules WHERE id = $1`, id)
	return oneRow(res, err, fmt.Sprintf("rule %d", id))
}

// UndecidedEvents implements store.NotifyStore.
func (s *DB) UndecidedEvents(ctx context.Context, limit int, settled time.Time) ([]store.PendingEvent, error) {
	rows, err := s.query(ctx, s.db, `SELECT e.id, f.name, f.kind, e.taxonomy, e.type, e.identifier, e.severity,
		CASE WHEN e.source_ip <> '' THEN e.source_ip WHEN e.source_fqdn <> '' THEN e.source_fqdn
			WHEN e.source_account <> '' THEN e.source_account ELSE e.source_url END,
		COALESCE(e.data ->> 'tlp', '')
		FROM events e JOIN feeds f ON f.id = e.feed_id JOIN ingestions i ON i.id = e.ingestion_id
		WHERE NOT e.decided AND (i.finished_at IS NOT NULL OR i.started_at < $2) ORDER BY e.id LIMIT $1`, limit, s.d.Time(settled.UTC()))
	if err != nil {
		return nil, fmt.Errorf("reading undecided events: %w", err)
	}
	var out []store.PendingEvent
	index := map[int64]int{}
	for rows.Next() {
		var e store.PendingEvent
		if err := rows.Scan(&e.ID, &e.FeedName, &e.FeedKind, &e.Classification.Taxonomy, &e.Classification.Type,
			&e.Classification.Identifier, &e.Severity, &e.Subject, &e.TLP); err != nil {
			rows.Close()
			return nil, err
		}
		index[e.ID] = len(out)
		out = append(out, e)
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(out) == 0 {
		return out, err
	}
	mrows, err := s.query(ctx, s.db, `SELECT event_id, COALESCE(org_id, 0), COALESCE(asset_id, 0), how, rank, verified,
		fallback_contact, fallback_network FROM matches WHERE event_id >= $1 AND event_id <= $2 ORDER BY event_id, rank`,
		out[0].ID, out[len(out)-1].ID)
	if err != nil {
		return nil, err
	}
	defer mrows.Close()
	for mrows.Next() {
		var id int64
		var m store.StoredMatch
		if err := mrows.Scan(&id, &m.OrgID, &m.AssetID, &m.How, &m.Rank, &m.Verified, &m.FallbackContact, &m.FallbackNetwork); err != nil {
			return nil, err
		}
		if i, ok := index[id]; ok {
			out[i].Matches = append(out[i].Matches, m)
		}
	}
	return out, mrows.Err()
}

// SaveDecisions implements store.NotifyStore.
func (s *DB) SaveDecisions(ctx context.Context, d store.Decisions) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	// Claim the events first: a decider that ran at the same time and marked one of them
	// decided wins, and this decision is dropped whole (ErrConflict), so that no event is
	// ever decided twice. On PostgreSQL the update waits for the other's commit and then
	// sees its mark; on SQLite writers take turns.
	for ids := d.EventIDs; len(ids) > 0; {
		n := min(500, len(ids))
		list := make([]string, n)
		for i, id := range ids[:n] {
			list[i] = strconv.FormatInt(id, 10)
		}
		res, err := tx.ExecContext(ctx, `UPDATE events SET decided = TRUE WHERE NOT decided AND id IN (`+strings.Join(list, ",")+`)`)
		if err != nil {
			return err
		}
		if claimed, err := res.RowsAffected(); err != nil || claimed != int64(n) {
			return cmp.Or(err, store.ErrConflict)
		}
		ids = ids[n:]
	}
	now := s.d.Time(d.Now.UTC())
	items := make([][]any, len(d.Items))
	for i, it := range d.Items {
		items[i] = []any{it.EventID, it.Recipient, nullID(it.OrgID), it.AbuseEmail, s.d.Time(it.WindowEnd.UTC()), it.Review, false, now}
	}
	if _, err := s.insertRows(ctx, tx, `INSERT INTO items (event_id, recipient, org_id, abuse_email, window_end, review, composed, created_at) VALUES`,
		"", items, 100); err != nil {
		return fmt.Errorf("storing decisions: %w", err)
	}
	for _, q := range d.Squelch {
		if _, err := s.exec(ctx, tx, `INSERT INTO squelch (target, identifier, last_at, severity) VALUES ($1, $2, $3, $4)
			ON CONFLICT (target, identifier) DO UPDATE SET last_at = excluded.last_at, severity = excluded.severity`,
			q.Target, q.Identifier, s.d.Time(q.LastAt.UTC()), q.Severity); err != nil {
			return err
		}
	}
	if err := s.insertJobs(ctx, tx, d.Jobs, d.Now); err != nil {
		return err
	}
	return tx.Commit()
}

// SquelchStates implements store.NotifyStore.
func (s *DB) SquelchStates(ctx context.Context, keys []store.SquelchKey) (map[store.SquelchKey]store.SquelchState, error) {
	out := make(map[store.SquelchKey]store.SquelchState)
	for _, k := range keys {
		var st store.SquelchState
		err := s.queryRow(ctx, s.db, `SELECT last_at, severity FROM squelch WHERE target = $1 AND identifier = $2`,
			k.Target, k.Identifier).Scan(&st.LastAt, &st.Severity)
		if errors.Is(err, sql.ErrNoRows) {
			continue
		}
		if err != nil {
			return nil, err
		}
		out[k] = st
	}
	return out, nil
}

// WaitingRecipients implements store.NotifyStore.
func (s *DB) WaitingRecipients(ctx context.Context, upTo time.Time) ([]string, error) {
	rows, err := s.query(ctx, s.db, `SELECT DISTINCT recipient FROM items WHERE NOT composed AND window_end <= $1 ORDER BY recipient`,
		s.d.Time(upTo.UTC()))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var r string
		if err := rows.Scan(&r); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// WaitingItems implements store.NotifyStore.
func (s *DB) WaitingItems(ctx context.Context, recipient string, upTo time.Time) ([]store.WaitingItem, error) {
	// The asset told is the organisation's best-ranked match of the event.
	rows, err := s.query(ctx, s.db, `SELECT i.id, i.event_id, COALESCE(i.org_id, 0), i.abuse_email, i.review, e.data,
		COALESCE((SELECT a.value FROM matches m JOIN assets a ON a.id = m.asset_id
			WHERE m.event_id = i.event_id AND m.org_id = i.org_id ORDER BY m.rank LIMIT 1), ''), f.kind
		FROM items i JOIN events e ON e.id = i.event_id JOIN feeds f ON f.id = e.feed_id
		WHERE i.recipient = $1 AND NOT i.composed AND i.window_end <= $2 ORDER BY i.event_id`, recipient, s.d.Time(upTo.UTC()))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []store.WaitingItem
	for rows.Next() {
		var it store.WaitingItem
		var data string
		if err := rows.Scan(&it.ID, &it.EventID, &it.OrgID, &it.AbuseEmail, &it.Review, &data, &it.Asset, &it.FeedKind); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(data), &it.Data); err != nil {
			return nil, fmt.Errorf("event %d: %w", it.EventID, err)
		}
		out = append(out, it)
	}
	return out, rows.Err()
}

// NextTickets implements store.NotifyStore.
func (s *DB) NextTickets(ctx context.Context, day time.Time, n int) ([]string, error) {
	if n <= 0 {
		return nil, nil
	}
	d := day.UTC().Format("20060102")
	var last int64
	err := s.queryRow(ctx, s.db, `INSERT INTO tickets (day, last) VALUES ($1, $2)
		ON CONFLICT (day) DO UPDATE SET last = tickets.last + excluded.last RETURNING last`, d, n).Scan(&last)
	if err != nil {
		return nil, fmt.Errorf("allocating ticket numbers: %w", err)
	}
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("%s-%08d", d, last-int64(n)+int64(i)+1)
	}
	return out, nil
}
