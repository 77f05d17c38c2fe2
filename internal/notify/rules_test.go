package notify

import (
	"testing"
	"time"

	"github.com/baken-cert/baken/internal/event"
	"github.com/baken-cert/baken/internal/store"
)

func TestResolve(t *testing.T) {
	smb := event.Classification{Taxonomy: "vulnerable", Type: "vulnerable-system", Identifier: "open-smb"}
	rules := []store.Rule{
		{ID: 1, Taxonomy: "vulnerable", Action: ActionNotify, Aggregation: Daily},
		{ID: 2, Type: "vulnerable-system", Action: ActionNotify, Aggregation: Hourly},
		{ID: 3, Identifier: "open-smb", Action: ActionSuppress, Aggregation: Immediate},
		{ID: 4, Feed: "citrix", Action: ActionNotify, Aggregation: Immediate},
	}
	tests := []struct {
		name       string
		rules      []store.Rule
		feed, kind string
		c          event.Classification
		wantID     int64
		wantAction string
		wantAggr   string
		wantRepeat time.Duration
	}{
		{"identifier wins", rules, "shadowserver", "periodic", smb, 3, ActionSuppress, Immediate, 0},
		{"type before taxonomy", rules, "shadowserver", "periodic", event.Classification{Taxonomy: "vulnerable", Type: "vulnerable-system", Identifier: "open-rdp"}, 2, ActionNotify, Hourly, 0},
		{"taxonomy", rules, "shadowserver", "periodic", event.Classification{Taxonomy: "vulnerable", Type: "weak-crypto"}, 1, ActionNotify, Daily, 0},
		{"default of the taxonomy", nil, "shadowserver", "periodic", event.Classification{Taxonomy: "intrusions", Type: "system-compromise"}, 0, ActionNotify, Immediate, week},
		{"unknown taxonomy", nil, "x", "periodic", event.Classification{Taxonomy: "made-up"}, 0, ActionNotify, Daily, week},
		{"incidental feeds are reviewed", nil, "leak", "incidental", event.Classification{Taxonomy: "information-content-security"}, 0, ActionReview, Immediate, 0},
		{"a rule naming the incidental feed decides", rules, "citrix", "incidental", event.Classification{Taxonomy: "other"}, 4, ActionNotify, Immediate, 0},
		{"a taxonomy rule does not release an incidental feed", rules, "other-incident", "incidental", event.Classification{Taxonomy: "vulnerable", Type: "weak-crypto"}, 1, ActionReview, Immediate, 0},
		{"test events are suppressed", nil, "x", "periodic", event.Classification{Taxonomy: "test"}, 0, ActionSuppress, Immediate, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Resolve(tt.rules, tt.feed, tt.kind, tt.c)
			if r.ID != tt.wantID || r.Action != tt.wantAction || r.Aggregation != tt.wantAggr || r.Repeat != tt.wantRepeat {
				t.Fatalf("Resolve = %+v; want rule %d, %s, %s, repeat %s", r, tt.wantID, tt.wantAction, tt.wantAggr, tt.wantRepeat)
			}
		})
	}
}

func TestWindowEnd(t *testing.T) {
	at := time.Date(2026, 11, 22, 10, 15, 0, 0, time.UTC)
	for aggr, want := range map[string]time.Time{
		Immediate: at,
		Hourly:    time.Date(2026, 11, 22, 11, 0, 0, 0, time.UTC),
		Daily:     time.Date(2026, 11, 23, 7, 0, 0, 0, time.UTC),
	} {
		if got := WindowEnd(aggr, at); !got.Equal(want) {
			t.Errorf("%s: %s, want %s", aggr, got, want)
		}
	}
	early := time.Date(2026, 11, 22, 6, 0, 0, 0, time.UTC)
	if got := WindowEnd(Daily, early); !got.Equal(time.Date(2026, 11, 22, 7, 0, 0, 0, time.UTC)) {
		t.Errorf("daily before 07:00: %s", got)
	}
}

func TestSeverityAndCheckRule(t *testing.T) {
	if SeverityRank("info") != 1 || SeverityRank("CRITICAL") != 5 || SeverityRank("") != 0 || SeverityRank("bad") != 0 {
		t.Fatal("severity ranks")
	}
	for _, bad := range []store.Rule{
		{Action: "shout", Aggregation: Daily},
		{Action: ActionNotify, Aggregation: "weekly"},
		{Action: ActionNotify, Aggregation: Daily, MinSeverity: "huge"},
		{Action: ActionNotify, Aggregation: Daily, Repeat: -time.Hour},
	} {
		if err := CheckRule(bad); err == nil {
			t.Errorf("%+v: want an error", bad)
		}
	}
	if err := CheckRule(store.Rule{Action: ActionReview, Aggregation: Hourly, MinSeverity: "high"}); err != nil {
		t.Fatal(err)
	}
}
