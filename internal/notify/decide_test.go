package notify

import (
	"context"
	"log/slog"
	"net/netip"
	"testing"
	"time"

	"github.com/baken-cert/baken/internal/event"
	"github.com/baken-cert/baken/internal/store"
	"github.com/baken-cert/baken/internal/store/storetest"
)

// storeEvent stores one event of the periodic feed f matched to org.
func storeEvent(t *testing.T, s store.Store, f store.Feed, orgID int64, ip, severity string, at time.Time) {
	ctx := context.Background()
	id, _ := s.StartIngestion(ctx, f.ID, "x.csv", at)
	e := &event.Event{FeedName: f.Name, TimeSource: at, Severity: severity,
		Classification: event.Classification{Taxonomy: "vulnerable", Type: "vulnerable-system", Identifier: "open-smb"}}
	e.Source.IP = netip.MustParseAddr(ip)
	if _, err := s.SaveEvents(ctx, id, []store.EventInput{{Event: e, Matches: []store.MatchInput{{OrgID: orgID, AssetID: 1, How: "prefix"}}}}, at); err != nil {
		t.Fatal(err)
	}
	if err := s.FinishIngestion(ctx, store.Ingestion{ID: id, FinishedAt: at}, nil); err != nil {
		t.Fatal(err)
	}
}

// oneOrg registers organisation "a" and a periodic feed "ss", and sets rule.
func oneOrg(t *testing.T, s store.Store, rule store.Rule) (store.Organisation, store.Feed) {
	ctx := context.Background()
	im, _ := s.BeginRegistryImport(ctx)
	im.Commit(ctx, store.ImportCommit{Organisations: []store.OrgInput{{Ref: "a", Name: "A"}}, Now: time.Now()})
	org, _ := s.Organisation(ctx, "a")
	f, _ := s.PutFeed(ctx, store.Feed{Name: "ss", Format: "shadowserver", Kind: "periodic"})
	if _, err := s.PutRule(ctx, rule); err != nil {
		t.Fatal(err)
	}
	return org, f
}

// TestRepeatWindow: the same system is told once within the window, again when its
// severity rises, and again after the window.
func TestRepeatWindow(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, s store.Store) {
		ctx := context.Background()
		org, f := oneOrg(t, s, store.Rule{Taxonomy: "vulnerable", Action: ActionNotify, Aggregation: Immediate, Repeat: 7 * 24 * time.Hour})
		svc := New(s, slog.New(slog.DiscardHandler), nil)
		now := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
		svc.now = func() time.Time { return now }

		steps := []struct {
			ip, severity string
			advance      time.Duration
			want         int
		}{
			{"192.0.2.1", "medium", 0, 1},
			{"192.0.2.1", "medium", 24 * time.Hour, 0},   // within the window
			{"192.0.2.2", "medium", 0, 1},                // another system
			{"192.0.2.1", "high", time.Hour, 1},          // it got worse
			{"192.0.2.1", "high", 8 * 24 * time.Hour, 1}, // the window has passed
		}
		for i, st := range steps {
			now = now.Add(st.advance)
			storeEvent(t, s, f, org.ID, st.ip, st.severity, now)
			n, err := svc.Decide(ctx)
			if err != nil || n != st.want {
				t.Fatalf("step %d (%s %s): %d items, %v; want %d", i, st.ip, st.severity, n, err, st.want)
			}
		}
	})
}

// TestRepeatZeroTellsEveryTime: a repeat window of 0 tells the same system every
// time, also when another decider's run, which began later, told it "after" this one's
// clock.
func TestRepeatZeroTellsEveryTime(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, s store.Store) {
		ctx := context.Background()
		org, f := oneOrg(t, s, store.Rule{Taxonomy: "vulnerable", Action: ActionNotify, Aggregation: Immediate, Repeat: 0})
		later, earlier := New(s, slog.New(slog.DiscardHandler), nil), New(s, slog.New(slog.DiscardHandler), nil)
		now := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
		later.now = func() time.Time { return now.Add(time.Second) }
		earlier.now = func() time.Time { return now }
		for i, svc := range []*Service{later, earlier} {
			storeEvent(t, s, f, org.ID, "192.0.2.1", "medium", now.Add(time.Duration(i)*time.Minute))
			if n, err := svc.Decide(ctx); err != nil || n != 1 {
				t.Fatalf("decider %d: %d items, %v; want 1", i, n, err)
			}
		}
	})
}

// TestOrganisationsChoiceOfAggregation: an organisation that chose a daily digest gets
// one, though the rule says immediate.
func TestOrganisationsChoiceOfAggregation(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, s store.Store) {
		ctx := context.Background()
		im, _ := s.BeginRegistryImport(ctx)
		im.Commit(ctx, store.ImportCommit{Organisations: []store.OrgInput{{Ref: "a", Name: "A"}}, Now: time.Now()})
		org, _ := s.Organisation(ctx, "a")
		if err := s.SetAggregation(ctx, org.ID, Daily, store.AuditEntry{Action: "org.aggregation"}); err != nil {
			t.Fatal(err)
		}
		f, _ := s.PutFeed(ctx, store.Feed{Name: "ss", Format: "shadowserver", Kind: "periodic"})
		s.PutRule(ctx, store.Rule{Taxonomy: "vulnerable", Action: ActionNotify, Aggregation: Immediate})
		svc := New(s, slog.New(slog.DiscardHandler), nil)
		now := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
		svc.now = func() time.Time { return now }
		storeEvent(t, s, f, org.ID, "192.0.2.1", "medium", now)
		if n, err := svc.Decide(ctx); err != nil || n != 1 {
			t.Fatalf("decide: %d %v", n, err)
		}
		if r, _ := s.WaitingRecipients(ctx, now.Add(time.Hour)); len(r) != 0 {
			t.Fatalf("an immediate item for an organisation that chose a daily digest: %v", r)
		}
		if r, _ := s.WaitingRecipients(ctx, WindowEnd(Daily, now)); len(r) != 1 {
			t.Fatalf("the daily digest: %v", r)
		}
	})
}

// TestNetworkOwnerNotToldRedAutomatically: an event only a network owner can be told of
// waits for an analyst when its TLP forbids passing it on; a GREEN one goes out.
func TestNetworkOwnerNotToldRedAutomatically(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, s store.Store) {
		ctx := context.Background()
		f, _ := s.PutFeed(ctx, store.Feed{Name: "ss", Format: "shadowserver", Kind: "periodic"})
		s.PutRule(ctx, store.Rule{Taxonomy: "vulnerable", Action: ActionNotify, Aggregation: Immediate})
		now := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
		id, _ := s.StartIngestion(ctx, f.ID, "x.csv", now)
		var in []store.EventInput
		for i, tlp := range []string{"RED", "GREEN", "AMBER+STRICT", "AMBER"} {
			e := &event.Event{FeedName: f.Name, TimeSource: now, TLP: tlp,
				Classification: event.Classification{Taxonomy: "vulnerable", Type: "vulnerable-system", Identifier: "open-smb"}}
			e.Source.IP = netip.AddrFrom4([4]byte{198, 51, 100, byte(i + 1)})
			in = append(in, store.EventInput{Event: e, Matches: []store.MatchInput{{How: "network-owner",
				FallbackContact: "abuse@isp.example", FallbackNetwork: "198.51.100.0/24"}}})
		}
		if _, err := s.SaveEvents(ctx, id, in, now); err != nil {
			t.Fatal(err)
		}
		if err := s.FinishIngestion(ctx, store.Ingestion{ID: id, FinishedAt: now}, nil); err != nil {
			t.Fatal(err)
		}
		svc := New(s, slog.New(slog.DiscardHandler), nil)
		svc.now = func() time.Time { return now }
		if n, err := svc.Decide(ctx); err != nil || n != 4 {
			t.Fatalf("decide: %d items, %v; want 4", n, err)
		}
		items, err := s.WaitingItems(ctx, "abuse:abuse@isp.example", now.Add(time.Hour))
		if err != nil || len(items) != 4 {
			t.Fatalf("waiting items: %v %v", items, err)
		}
		for _, it := range items {
			tlp := it.Data["tlp"]
			if want := tlp == "RED" || tlp == "AMBER+STRICT"; it.Review != want {
				t.Errorf("TLP:%s for a network owner: review %v, want %v", tlp, it.Review, want)
			}
		}
	})
}

// TestAnIngestionUnderWayIsNotDecided: the events of an ingestion still running wait for
// it to finish, so that its findings are told together; those of one that died (started
// long ago, never finished) are decided all the same.
func TestAnIngestionUnderWayIsNotDecided(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, s store.Store) {
		ctx := context.Background()
		im, _ := s.BeginRegistryImport(ctx)
		im.Commit(ctx, store.ImportCommit{Organisations: []store.OrgInput{{Ref: "a", Name: "A"}}, Now: time.Now()})
		org, _ := s.Organisation(ctx, "a")
		f, _ := s.PutFeed(ctx, store.Feed{Name: "ss", Format: "shadowserver", Kind: "periodic"})
		s.PutRule(ctx, store.Rule{Taxonomy: "vulnerable", Action: ActionNotify, Aggregation: Immediate})
		now := time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)
		id, _ := s.StartIngestion(ctx, f.ID, "x.csv", now)
		e := &event.Event{FeedName: f.Name, TimeSource: now,
			Classification: event.Classification{Taxonomy: "vulnerable", Type: "vulnerable-system", Identifier: "open-smb"}}
		e.Source.IP = netip.MustParseAddr("192.0.2.9")
		if _, err := s.SaveEvents(ctx, id, []store.EventInput{{Event: e, Matches: []store.MatchInput{{OrgID: org.ID, AssetID: 1, How: "prefix"}}}}, now); err != nil {
			t.Fatal(err)
		}
		svc := New(s, slog.New(slog.DiscardHandler), nil)
		svc.now = func() time.Time { return now.Add(time.Minute) }
		if n, err := svc.Decide(ctx); err != nil || n != 0 {
			t.Fatalf("an ingestion under way: %d items, %v; want its events to wait", n, err)
		}
		svc.now = func() time.Time { return now.Add(ingestionTimeout + time.Minute) }
		if n, err := svc.Decide(ctx); err != nil || n != 1 {
			t.Fatalf("an ingestion that died: %d items, %v; want its event decided", n, err)
		}
	})
}
