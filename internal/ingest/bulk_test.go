package ingest

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"testing"
	"time"

	"github.com/baken-cert/baken/internal/feed"
	"github.com/baken-cert/baken/internal/store"
	"github.com/baken-cert/baken/internal/store/storetest"
)

// storedEvent is an event as the tables hold it, for comparison.
type storedEvent struct {
	Data    map[string]string
	Matches []string // "org-ref how rank fallback-contact", by rank
}

// bulkReport writes a scan_smb report of rows rows: addresses inside the customer's /28
// (two matches), the ISP's /24 (one), the fallback network, and unregistered ones, with
// every seventh row repeating an earlier observation, in its batch or an earlier one.
func bulkReport(rows int) []byte {
	var b bytes.Buffer
	b.WriteString(`"timestamp","ip","port","hostname","tag","asn","geo","region","city","naics","sic","smb_implant","arch","key","smbv1_support","smb_major_number","smb_minor_number","smb_revision","smb_version_string"` + "\n")
	for i := range rows {
		n := i
		if i%7 == 6 {
			n = i / 3 // a duplicate of an earlier row
		}
		ip := [...]string{"192.0.2.%d", "192.0.2.%d", "198.51.100.%d", "203.0.113.%d"}[n%4]
		fmt.Fprintf(&b, "\"2026-11-20 %02d:%02d:%02d\",%s,445,,smb,64500,NL,,,0,0,N,,,Y,1,0,0,\"SMB 1\"\n",
			n/3600%24, n/60%60, n%60, fmt.Sprintf(ip, n%250))
	}
	return b.Bytes()
}

// TestBulkStoredIngestionStoresExactlyTheRowsEvents ingests a report of several batches
// (stored in bulk, while the next batch is read) and compares what the tables hold with
// what reading the rows one by one says they must: the same events in file order, each
// once with the data of its first row, and the same matches.
func TestBulkStoredIngestionStoresExactlyTheRowsEvents(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, s store.Store) {
		ctx := context.Background()
		b := setup(t, s, registryRows)
		at := time.Date(2026, 11, 21, 8, 0, 0, 0, time.UTC)
		b.svc.now = func() time.Time { return at }
		const name = "2026-11-20-scan_smb-nl-asn.csv"
		content := bulkReport(3*batchSize + 123)
		want, wantDup := expectedEvents(t, b, name, content)

		rep := b.ingest(t, name, content)
		if rep.Events != len(want) || rep.Duplicates != wantDup || rep.Rows != 3*batchSize+123 {
			t.Fatalf("report %+v: want %d events, %d duplicates", rep.Ingestion, len(want), wantDup)
		}
		got := storedEvents(t, s)
		if len(got) != len(want) {
			t.Fatalf("%d events stored, want %d", len(got), len(want))
		}
		for i := range want {
			if !reflect.DeepEqual(got[i], want[i]) {
				t.Fatalf("event %d (in file order):\n got %+v\nwant %+v", i, got[i], want[i])
			}
		}
		again := b.ingest(t, name, content)
		if again.Events != 0 || again.Duplicates != len(want)+wantDup {
			t.Fatalf("the same file again must add nothing: %+v", again.Ingestion)
		}
		if n, _ := s.EventCount(ctx); n != len(want) {
			t.Fatalf("%d events after the second ingestion, want %d", n, len(want))
		}
	})
}

// expectedEvents reads the report row by row as one event at a time would be stored:
// matched or fallen back, completed, the first of each fingerprint kept.
func expectedEvents(t *testing.T, b *bundle, name string, content []byte) ([]storedEvent, int) {
	t.Helper()
	p, _, err := b.svc.parsers.New(b.feed, name, bytes.NewReader(content))
	if err != nil {
		t.Fatal(err)
	}
	refs := map[int64]string{}
	for _, ref := range []string{"isp", "cust", "v6"} {
		o, err := b.store.Organisation(context.Background(), ref)
		if err != nil {
			t.Fatal(err)
		}
		refs[o.ID] = ref
	}
	r := &run{s: b.svc, feed: b.feed}
	seen := map[string]bool{}
	var out []storedEvent
	dup := 0
	for {
		err := p.Next()
		if errors.Is(err, io.EOF) {
			return out, dup
		}
		var rowErr *feed.RowError
		if err != nil {
			t.Fatalf("row: %v (%v)", err, errors.As(err, &rowErr))
		}
		subj := p.Subject()
		hits := b.svc.matcher.Match(subj, nil)
		var matches []string
		if len(hits) == 0 {
			owner, ok := b.svc.matcher.Owner(subj)
			if !ok {
				continue
			}
			matches = []string{"- network-owner 0 " + owner.AbuseMailbox}
		}
		for _, m := range matchesOf(hits) {
			matches = append(matches, fmt.Sprintf("%s %s %d ", refs[m.OrgID], m.How, m.Rank))
		}
		ev, err := p.Event()
		if err != nil {
			t.Fatal(err)
		}
		r.complete(&ev)
		if fp := ev.Fingerprint().String(); seen[fp] {
			dup++
			continue
		} else {
			seen[fp] = true
		}
		out = append(out, storedEvent{Data: ev.Map(), Matches: matches})
	}
}

// storedEvents reads every event and its matches back from the tables, by id.
func storedEvents(t *testing.T, s store.Store) []storedEvent {
	t.Helper()
	db := s.(interface{ SQL() *sql.DB }).SQL()
	rows, err := db.Query(`SELECT e.id, e.data, COALESCE(o.ref, '-'), m.how, m.rank, m.fallback_contact
		FROM events e JOIN matches m ON m.event_id = e.id LEFT JOIN organisations o ON o.id = m.org_id
		ORDER BY e.id, m.rank`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []storedEvent
	last := int64(-1)
	for rows.Next() {
		var id int64
		var data, ref, how, contact string
		var rank int
		if err := rows.Scan(&id, &data, &ref, &how, &rank, &contact); err != nil {
			t.Fatal(err)
		}
		if id != last {
			var m map[string]string
			if err := json.Unmarshal([]byte(data), &m); err != nil {
				t.Fatal(err)
			}
			out = append(out, storedEvent{Data: m})
			last = id
		}
		e := &out[len(out)-1]
		e.Matches = append(e.Matches, fmt.Sprintf("%s %s %d %s", ref, how, rank, contact))
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}
