package deliver

import (
	"context"
	"log/slog"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/baken-cert/baken/internal/event"
	"github.com/baken-cert/baken/internal/notify"
	"github.com/baken-cert/baken/internal/registry"
	"github.com/baken-cert/baken/internal/store"
	"github.com/baken-cert/baken/internal/store/storetest"
)

// TestPublishedInTheOrganisationsCollection: what is composed for an organisation with
// two contacts is published once in its own collection (every contact's notification
// recorded as published), again adds nothing, and nothing reaches another
// organisation's collection.
func TestPublishedInTheOrganisationsCollection(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, s store.Store) {
		ctx := context.Background()
		members := "organisation,org_ref,asset,contact_email\nAlpha,a,192.0.2.0/24,soc@alpha.example\nAlpha,a,,ciso@alpha.example\nBravo,b,198.51.100.0/24,soc@bravo.example\n"
		if _, err := registry.New(s).Import(ctx, strings.NewReader(members), registry.ImportOptions{Format: registry.CSV}); err != nil {
			t.Fatal(err)
		}
		alpha, _ := s.Organisation(ctx, "a")
		bravo, _ := s.Organisation(ctx, "b")
		assets, _ := s.Assets(ctx, store.AssetFilter{OrgID: alpha.ID})
		f, _ := s.PutFeed(ctx, store.Feed{Name: "shadowserver", Format: "shadowserver", Kind: "periodic", TLP: "AMBER"})
		s.PutRule(ctx, store.Rule{Taxonomy: "vulnerable", Action: notify.ActionNotify, Aggregation: notify.Immediate})
		now := time.Now().UTC().Truncate(time.Second)
		ing, _ := s.StartIngestion(ctx, f.ID, "scan_smb.csv", now)
		e := &event.Event{FeedName: f.Name, TimeSource: now, Classification: event.Classification{Taxonomy: "vulnerable", Type: "vulnerable-system", Identifier: "open-smb"}}
		e.Source.IP, e.Source.Port = netip.MustParseAddr("192.0.2.10"), 445
		if _, err := s.SaveEvents(ctx, ing, []store.EventInput{{Event: e, Matches: []store.MatchInput{{OrgID: alpha.ID, AssetID: assets[0].ID, How: "prefix", Specificity: 24}}}}, now); err != nil {
			t.Fatal(err)
		}
		s.FinishIngestion(ctx, store.Ingestion{ID: ing, FinishedAt: now}, nil)
		svc := notify.New(s, slog.New(slog.DiscardHandler), notify.MailComposer{From: "notify@cert.example", SenderName: "CERT", PublicURL: "https://baken.example"})
		if err := svc.ComposeDue(ctx); err != nil {
			t.Fatal(err)
		}
		ns, _ := s.Notifications(ctx, store.NotificationFilter{OrgID: alpha.ID})
		if len(ns) != 2 {
			t.Fatalf("%d notifications, want one per contact", len(ns))
		}

		p := NewPublisher(s, "CERT", slog.New(slog.DiscardHandler))
		if n, err := p.PublishDue(ctx); err != nil || n != 2 {
			t.Fatalf("published %d, %v; want both contacts' notifications", n, err)
		}
		objs, err := s.STIXObjects(ctx, store.STIXQuery{OrgID: alpha.ID, Versions: store.VersionFilter{All: true}, Limit: 1000, WithJSON: true})
		if err != nil {
			t.Fatal(err)
		}
		reports, all := 0, ""
		for _, o := range objs {
			if o.Type == "report" {
				reports++
			}
			all += string(o.JSON)
		}
		if reports != 1 || !strings.Contains(all, "192.0.2.10") || !strings.Contains(all, `"name":"Alpha"`) {
			t.Fatalf("Alpha's collection: %d reports, want 1 naming its system:\n%.2000s", reports, all)
		}
		for _, n := range ns {
			if pubs, _ := s.Publications(ctx, n.ID); len(pubs) != 1 || pubs[0].Channel != ChannelTAXII {
				t.Errorf("%s: publications %+v", n.Ticket, pubs)
			}
		}
		if n, err := p.PublishDue(ctx); err != nil || n != 0 {
			t.Fatalf("again: %d, %v; want nothing", n, err)
		}
		again, _ := s.STIXObjects(ctx, store.STIXQuery{OrgID: alpha.ID, Versions: store.VersionFilter{All: true}, Limit: 1000})
		if len(again) != len(objs) {
			t.Fatalf("%d objects after a second run, %d before", len(again), len(objs))
		}
		if other, _ := s.STIXObjects(ctx, store.STIXQuery{OrgID: bravo.ID, Versions: store.VersionFilter{All: true}, Limit: 1000}); len(other) != 0 {
			t.Fatalf("Bravo's collection holds %d objects of Alpha's", len(other))
		}
		if public, _ := s.STIXObjects(ctx, store.STIXQuery{OrgID: store.PublicCollection, Versions: store.VersionFilter{All: true}, Limit: 1000}); len(public) != 0 {
			t.Fatalf("the public collection holds %d objects of Alpha's", len(public))
		}
	})
}
