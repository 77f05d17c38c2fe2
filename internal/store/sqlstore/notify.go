package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/baken-cert/baken/internal/store"
)

// CreateNotifications implements store.NotifyStore.
func (s *DB) CreateNotifications(ctx context.Context, ns []store.NotificationInput, itemIDs []int64, jobs []store.JobInput) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var now time.Time
	for _, n := range ns {
		now = n.Now
		state := store.NotificationPending
		if n.Held {
			state = store.NotificationHeld
		}
		t := s.d.Time(n.Now.UTC())
		var id int64
		err := s.queryRow(ctx, tx, `INSERT INTO notifications (ticket, recipient, org_id, email, language, subject, message_id,
			message, state, next_attempt_at, verify_code, feedback_token, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $10) RETURNING id`,
			n.Ticket, n.Recipient, nullID(n.OrgID), n.Email, n.Language, n.Subject, n.MessageID, n.Message, state, t,
			n.VerifyCode, n.FeedbackToken).Scan(&id)
		if err != nil {
			return fmt.Errorf("storing notification %s: %w", n.Ticket, err)
		}
		links := make([][]any, len(n.EventIDs))
		for i, e := range n.EventIDs {
			links[i] = []any{id, e}
		}
		if _, err := s.insertRows(ctx, tx, `INSERT INTO notification_events (notification_id, event_id) VALUES`, "ON CONFLICT DO NOTHING", links, 300); err != nil {
			return err
		}
	}
	for _, id := range itemIDs {
		res, err := s.exec(ctx, tx, `UPDATE items SET composed = TRUE WHERE id = $1 AND NOT composed`, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return fmt.Errorf("item %d: %w", id, store.ErrConflict)
		}
	}
	if err := s.insertJobs(ctx, tx, jobs, now); err != nil {
		return err
	}
	return tx.Commit()
}

// ClaimOutbox implements store.NotifyStore.
func (s *DB) ClaimOutbox(ctx context.Context, now time.Time, limit int, lease time.Duration) ([]store.OutboxItem, error) {
	t := s.d.Time(now.UTC())
	rows, err := s.query(ctx, s.db, `UPDATE notifications SET state = 'sending', lease_until = $2
		WHERE id IN (SELECT id FROM notifications
			WHERE (state = 'pending' AND next_attempt_at <= $1) OR (state = 'sending' AND lease_until <= $1)
			ORDER BY next_attempt_at, id LIMIT $3`+s.d.SkipLocked+`)
		RETURNING id, email, message_id, message, attempts`, t, s.d.Time(now.Add(lease).UTC()), limit)
	if err != nil {
		return nil, fmt.Errorf("claiming the outbox: %w", err)
	}
	defer rows.Close()
	var out []store.OutboxItem
	for rows.Next() {
		var o store.OutboxItem
		if err := rows.Scan(&o.ID, &o.Email, &o.MessageID, &o.Message, &o.Attempts); err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// RecordDelivery implements store.NotifyStore.
func (s *DB) RecordDelivery(ctx context.Context, r store.DeliveryResult) error {
	return s.RecordDeliveries(ctx, []store.DeliveryResult{r})
}

// RecordDeliveries implements store.NotifyStore.
func (s *DB) RecordDeliveries(ctx context.Context, rs []store.DeliveryResult) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for _, r := range rs {
		if err := s.recordDelivery(ctx, tx, r); err != nil {
			return err
		}
	}
	return tx.Commit()
}

func (s *DB) recordDelivery(ctx context.Context, tx *sql.Tx, r store.DeliveryResult) error {
	at := s.d.Time(r.At.UTC())
	var q string
	var args []any
	switch r.Outcome {
	case store.DeliverySent:
		q = `UPDATE notifications SET state = 'sent', sent_at = $2, attempts = attempts + 1, lease_until = NULL, last_error = $3
			WHERE id = $1 AND state = 'sending'`
		args = []any{r.ID, at, r.Detail}
	case store.DeliveryRetry:
		q = `UPDATE notifications SET state = 'pending', next_attempt_at = $2, attempts = attempts + 1, lease_until = NULL,
			last_error = $3 WHERE id = $1 AND state = 'sending'`
		args = []any{r.ID, s.d.Time(r.NextAttempt.UTC()), r.Detail}
	case store.DeliveryFailed:
		q = `UPDATE notifications SET state = 'failed', attempts = attempts + 1, lease_until = NULL, last_error = $2
			WHERE id = $1 AND state = 'sending'`
		args = []any{r.ID, r.Detail}
	default:
		return fmt.Errorf("unknown delivery outcome %q", r.Outcome)
	}
	res, err := s.exec(ctx, tx, q, args...)
	if err != nil {
		return fmt.Errorf("recording the delivery of notification %d: %w", r.ID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		// Another sender took over after our lease ran out; its outcome counts.
		return nil
	}
	if r.Outcome == store.DeliveryFailed {
		if _, err := s.exec(ctx, tx, `UPDATE contacts SET bounced_at = $2, bounce_reason = $3
			WHERE email = (SELECT email FROM notifications WHERE id = $1)
			AND org_id = (SELECT org_id FROM notifications WHERE id = $1)`, r.ID, at, r.Detail); err != nil {
			return err
		}
	}
	_, err = s.exec(ctx, tx, `INSERT INTO deliveries (notification_id, attempt, at, outcome, detail)
		SELECT id, attempts, $2, $3, $4 FROM notifications WHERE id = $1`, r.ID, at, r.Outcome, r.Detail)
	return err
}

// OutboxDue implements store.NotifyStore.
func (s *DB) OutboxDue(ctx context.Context) (int, error) {
	n, err := count(ctx, s.db, `SELECT COUNT(*) FROM notifications WHERE state IN ('pending', 'sending')`)
	return int(n), err
}

const notificationColumns = `id, ticket, recipient, COALESCE(org_id, 0), email, language, subject, message_id, state, attempts,
	last_error, advice, verify_code, feedback_token, created_at, sent_at,
	(SELECT COUNT(*) FROM notification_events ne WHERE ne.notification_id = notifications.id)`

func scanNotification(row rowScanner, extra ...any) (store.Notification, error) {
	var n store.Notification
	var sent sql.NullTime
	dest := append([]any{&n.ID, &n.Ticket, &n.Recipient, &n.OrgID, &n.Email, &n.Language, &n.Subject, &n.MessageID, &n.State,
		&n.Attempts, &n.LastError, &n.Advice, &n.VerifyCode, &n.FeedbackToken, &n.CreatedAt, &sent, &n.Events}, extra...)
	err := row.Scan(dest...)
	n.SentAt, n.CreatedAt = sent.Time.UTC(), n.CreatedAt.UTC()
	return n, err
}

// Notifications implements store.NotifyStore.
func (s *DB) Notifications(ctx context.Context, f store.NotificationFilter) ([]store.Notification, error) {
	q := `SELECT ` + notificationColumns + ` FROM notifications WHERE ($1 = '' OR state = $1) AND ($2 = 0 OR org_id = $2)
		AND ($3 = 0 OR id < $3)`
	if f.Sent {
		q += ` AND state NOT IN ('held', 'rejected')`
	}
	rows, err := s.query(ctx, s.db, q+` ORDER BY id DESC`+limit(f.Limit), f.State, f.OrgID, f.BeforeID)
	if err != nil {
		return nil, fmt.Errorf("listing notifications: %w", err)
	}
	return collect(rows, func(r rowScanner) (store.Notification, error) { return scanNotification(r) })
}

// Notification implements store.NotifyStore.
func (s *DB) Notification(ctx context.Context, id int64) (store.Notification, error) {
	return s.oneNotification(ctx, `id = $1`, id)
}

// NotificationBy implements store.NotifyStore.
func (s *DB) NotificationBy(ctx context.Context, ticket, feedbackToken string) (store.Notification, error) {
	if ticket != "" {
		return s.oneNotification(ctx, `ticket = $1`, ticket)
	}
	return s.oneNotification(ctx, `feedback_token = $1`, feedbackToken)
}

func (s *DB) oneNotification(ctx context.Context, where string, arg any) (store.Notification, error) {
	var msg []byte
	var n store.Notification
	n, err := scanNotification(s.queryRow(ctx, s.db, `SELECT `+notificationColumns+`, message FROM notifications WHERE `+where, arg), &msg)
	if errors.Is(err, sql.ErrNoRows) {
		return n, fmt.Errorf("notification: %w", store.ErrNotFound)
	}
	n.Message = msg
	return n, err
}

// NotificationEvents implements store.NotifyStore.
func (s *DB) NotificationEvents(ctx context.Context, id int64) ([]store.StoredEvent, error) {
	// With each event, the asset of the notification's organisation that matched it
	// first (0 for a network owner's).
	rows, err := s.query(ctx, s.db, `SELECT e.id, e.fingerprint, e.data,
		COALESCE((SELECT m.asset_id FROM matches m JOIN notifications n ON n.id = ne.notification_id
			WHERE m.event_id = e.id AND m.org_id = n.org_id ORDER BY m.rank LIMIT 1), 0)
		FROM notification_events ne JOIN events e ON e.id = ne.event_id WHERE ne.notification_id = $1 ORDER BY e.id`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []store.StoredEvent
	for rows.Next() {
		var e store.StoredEvent
		var data string
		if err := rows.Scan(&e.ID, &e.Fingerprint, &data, &e.AssetID); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(data), &e.Data); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// Deliveries implements store.NotifyStore.
func (s *DB) Deliveries(ctx context.Context, id int64) ([]store.Delivery, error) {
	rows, err := s.query(ctx, s.db, `SELECT attempt, at, outcome, detail FROM deliveries WHERE notification_id = $1 ORDER BY at, attempt`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []store.Delivery
	for rows.Next() {
		var d store.Delivery
		if err := rows.Scan(&d.Attempt, &d.At, &d.Outcome, &d.Detail); err != nil {
			return nil, err
		}
		d.At = d.At.UTC()
		out = append(out, d)
	}
	return out, rows.Err()
}

// ReleaseNotification implements store.NotifyStore.
func (s *DB) ReleaseNotification(ctx context.Context, id int64, subject string, message []byte, advice string) error {
	q := `UPDATE notifications SET state = 'pending', advice = $2 WHERE id = $1 AND state = 'held'`
	args := []any{id, advice}
	if message != nil {
		q = `UPDATE notifications SET state = 'pending', advice = $2, subject = $3, message = $4 WHERE id = $1 AND state = 'held'`
		args = append(args, subject, message)
	}
	return s.changeHeld(ctx, id, q, args...)
}

// RejectNotification implements store.NotifyStore.
func (s *DB) RejectNotification(ctx context.Context, id int64) error {
	return s.changeHeld(ctx, id, `UPDATE notifications SET state = 'rejected' WHERE id = $1 AND state = 'held'`, id)
}

func (s *DB) changeHeld(ctx context.Context, id int64, q string, args ...any) error {
	res, err := s.exec(ctx, s.db, q, args...)
	return oneRow(res, err, fmt.Sprintf("notification %d is not held for review", id))
}

// AddFeedback implements store.NotifyStore.
func (s *DB) AddFeedback(ctx context.Context, id int64, kind string, now time.Time) error {
	_, err := s.exec(ctx, s.db, `INSERT INTO feedback (notification_id, kind, created_at) VALUES ($1, $2, $3)`, id, kind, s.d.Time(now.UTC()))
	return err
}

// Feedback implements store.NotifyStore.
func (s *DB) Feedback(ctx context.Context, id int64) (map[string]int, error) {
	rows, err := s.query(ctx, s.db, `SELECT kind, COUNT(*) FROM feedback WHERE notification_id = $1 GROUP BY kind`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var k string
		var n int
		if err := rows.Scan(&k, &n); err != nil {
			return nil, err
		}
		out[k] = n
	}
	return out, rows.Err()
}
