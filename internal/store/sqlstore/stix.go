package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/baken-cert/baken/internal/store"
)

// micros is how stix_objects keeps times: microseconds since 1970, UTC.
func micros(t time.Time) int64 { return t.UnixMicro() }

func fromMicros(n int64) time.Time { return time.UnixMicro(n).UTC() }

// AddSTIXObjects implements store.STIXStore.
func (s *DB) AddSTIXObjects(ctx context.Context, objects []store.STIXObjectInput, now time.Time) (int, error) {
	return s.addSTIXThen(ctx, objects, now, nil)
}

// PublishSTIX implements store.STIXStore.
func (s *DB) PublishSTIX(ctx context.Context, notificationID int64, channel string, objects []store.STIXObjectInput, now time.Time) (int, error) {
	return s.addSTIXThen(ctx, objects, now, func(tx *sql.Tx, added int) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO publications (notification_id, channel, objects, attempts, published_at)
			VALUES ($1, $2, $3, 1, $4) ON CONFLICT (notification_id, channel)
			DO UPDATE SET objects = publications.objects + excluded.objects, attempts = publications.attempts + 1, published_at = excluded.published_at`,
			notificationID, channel, added, s.d.Time(now.UTC()))
		return err
	})
}

// Unpublished implements store.STIXStore.
func (s *DB) Unpublished(ctx context.Context, channel string, limit int) ([]store.Notification, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+notificationColumns+` FROM notifications WHERE org_id IS NOT NULL
		AND state NOT IN ('held', 'rejected') AND NOT EXISTS (SELECT 1 FROM publications p
			WHERE p.notification_id = notifications.id AND p.channel = $1)
		ORDER BY id LIMIT $2`, channel, limit)
	if err != nil {
		return nil, fmt.Errorf("listing unpublished notifications: %w", err)
	}
	return collect(rows, func(r rowScanner) (store.Notification, error) { return scanNotification(r) })
}

// addSTIXThen adds the objects and runs then (if not nil) in the same transaction.
func (s *DB) addSTIXThen(ctx context.Context, objects []store.STIXObjectInput, now time.Time, then func(tx *sql.Tx, added int) error) (int, error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	n, err := s.addSTIX(ctx, tx, objects, now)
	if err == nil && then != nil {
		err = then(tx, n)
	}
	if err != nil {
		return 0, err
	}
	return n, tx.Commit()
}

// addSTIX inserts the objects not there yet, every one stamped with the same
// date_added: now, to the microsecond.
func (s *DB) addSTIX(ctx context.Context, tx *sql.Tx, objects []store.STIXObjectInput, now time.Time) (int, error) {
	rows := make([][]any, 0, len(objects))
	for _, o := range objects {
		rows = append(rows, []any{o.OrgID, o.ID, o.Type, micros(o.Version), o.SpecVersion, micros(now), string(o.JSON)})
	}
	if len(rows) == 0 {
		return 0, nil
	}
	n, err := s.insertRows(ctx, tx, `INSERT INTO stix_objects (org_id, object_id, type, version, spec_version, date_added, object) VALUES`,
		`ON CONFLICT (org_id, object_id, version) DO NOTHING`, rows, 100)
	return int(n), err
}

// Publications implements store.STIXStore.
func (s *DB) Publications(ctx context.Context, notificationID int64) ([]store.Publication, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT notification_id, channel, objects, attempts, published_at FROM publications
		WHERE notification_id = $1 ORDER BY channel`, notificationID)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(r rowScanner) (store.Publication, error) {
		var p store.Publication
		err := r.Scan(&p.NotificationID, &p.Channel, &p.Objects, &p.Attempts, &p.PublishedAt)
		p.PublishedAt = p.PublishedAt.UTC()
		return p, err
	})
}

// STIXObjects implements store.STIXStore: one statement, whatever the filters, that the
// index (org_id, date_added, seq) serves in page order.
func (s *DB) STIXObjects(ctx context.Context, q store.STIXQuery) ([]store.STIXObject, error) {
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return s.d.Placeholder(len(args))
	}
	list := func(column string, values []string) string {
		ps := make([]string, len(values))
		for i, v := range values {
			ps[i] = arg(v)
		}
		return " AND " + column + " IN (" + strings.Join(ps, ", ") + ")"
	}
	object := "''"
	if q.WithJSON {
		object = "o.object"
	}
	var sb strings.Builder
	sb.WriteString(`SELECT o.seq, o.org_id, o.object_id, o.type, o.spec_version, o.version, o.date_added, ` + object +
		` FROM stix_objects o WHERE o.org_id = ` + arg(q.OrgID))
	if !q.AddedAfter.IsZero() {
		sb.WriteString(" AND o.date_added > " + arg(micros(q.AddedAfter)))
	}
	if len(q.IDs) > 0 {
		sb.WriteString(list("o.object_id", q.IDs))
	}
	if len(q.Types) > 0 {
		sb.WriteString(list("o.type", q.Types))
	}
	if len(q.SpecVersions) > 0 {
		sb.WriteString(list("o.spec_version", q.SpecVersions))
	}
	if v := q.Versions; !v.All {
		var or []string
		if v.Latest {
			or = append(or, "o.version = (SELECT MAX(l.version) FROM stix_objects l WHERE l.org_id = o.org_id AND l.object_id = o.object_id)")
		}
		if v.First {
			or = append(or, "o.version = (SELECT MIN(f.version) FROM stix_objects f WHERE f.org_id = o.org_id AND f.object_id = o.object_id)")
		}
		for _, at := range v.At {
			or = append(or, "o.version = "+arg(micros(at)))
		}
		if len(or) == 0 {
			or = []string{"1 = 0"}
		}
		sb.WriteString(" AND (" + strings.Join(or, " OR ") + ")")
	}
	if !q.AfterAdded.IsZero() || q.AfterSeq != 0 {
		added := micros(q.AfterAdded)
		sb.WriteString(" AND (o.date_added > " + arg(added) + " OR (o.date_added = " + arg(added) + " AND o.seq > " + arg(q.AfterSeq) + "))")
	}
	sb.WriteString(" ORDER BY o.date_added, o.seq" + limit(q.Limit))
	rows, err := s.db.QueryContext(ctx, sb.String(), args...)
	if err != nil {
		return nil, err
	}
	return collect(rows, func(r rowScanner) (store.STIXObject, error) {
		var o store.STIXObject
		var version, added int64
		var body string
		err := r.Scan(&o.Seq, &o.OrgID, &o.ID, &o.Type, &o.SpecVersion, &version, &added, &body)
		o.Version, o.DateAdded = fromMicros(version), fromMicros(added)
		if q.WithJSON {
			o.JSON = []byte(body)
		}
		return o, err
	})
}
