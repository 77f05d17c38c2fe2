package web

import (
	"context"
	"log/slog"
	"net/netip"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/baken-cert/baken/internal/event"
	"github.com/baken-cert/baken/internal/notify"
	"github.com/baken-cert/baken/internal/store"
	"github.com/baken-cert/baken/internal/store/storetest"
)

// heldFor stores a held notification of an organisation's event, composed for real.
func heldFor(t *testing.T, s store.Store, n *notify.Service, orgRef string) string {
	ctx := context.Background()
	org, _ := s.Organisation(ctx, orgRef)
	f, _ := s.PutFeed(ctx, store.Feed{Name: "citrix", Format: "csv", Kind: "incidental"})
	ing, _ := s.StartIngestion(ctx, f.ID, "x.csv", time.Now())
	e := &event.Event{FeedName: "citrix", TimeSource: time.Now().UTC().Truncate(time.Second),
		Classification: event.Classification{Taxonomy: "vulnerable", Type: "vulnerable-system", Identifier: "citrix-netscaler"}}
	e.Source.IP = netip.MustParseAddr("192.0.2.9")
	s.SaveEvents(ctx, ing, []store.EventInput{{Event: e, Matches: []store.MatchInput{{OrgID: org.ID, How: "prefix"}}}}, time.Now())
	s.FinishIngestion(ctx, store.Ingestion{ID: ing, FinishedAt: time.Now()}, nil)
	importContact(t, s, orgRef)
	if _, err := n.Decide(ctx); err != nil {
		t.Fatal(err)
	}
	if err := n.ComposeDue(ctx); err != nil {
		t.Fatal(err)
	}
	held, _ := s.Notifications(ctx, store.NotificationFilter{State: store.NotificationHeld})
	if len(held) != 1 {
		t.Fatalf("held: %+v", held)
	}
	return held[0].Ticket
}

func importContact(t *testing.T, s store.Store, orgRef string) {
	ctx := context.Background()
	im, _ := s.BeginRegistryImport(ctx)
	org, _ := s.Organisation(ctx, orgRef)
	if _, err := im.Commit(ctx, store.ImportCommit{Organisations: []store.OrgInput{{Ref: org.Ref, Name: org.Name}},
		Contacts: []store.ContactInput{{OrgRef: orgRef, Email: "soc@" + orgRef + ".example", Role: "security", Language: "en"}}, Now: time.Now()}); err != nil {
		t.Fatal(err)
	}
}

func TestReviewPages(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, s store.Store) {
		ctx := context.Background()
		n := notify.New(s, slog.New(slog.DiscardHandler), notify.MailComposer{From: "n@cert.example", SenderName: "DTC", PublicURL: "https://baken.example"})
		pb := portalSetupWith(t, s, func(p *Portal) { p.UseNotify(n) })
		ticket := heldFor(t, s, n, "a")

		analyst := newBrowser(t, pb.base)
		pb.logIn(t, analyst, "analyst@cert.example", pb.setUp(t, analyst, "analyst@cert.example"))
		code, page, _ := analyst.do("GET", "/review", nil)
		if code != 200 || !strings.Contains(page, ticket) {
			t.Fatalf("review list: %d\n%s", code, page)
		}
		code, page, _ = analyst.do("GET", "/review/"+ticket, nil)
		csrf := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindStringSubmatch(page)
		if code != 200 || !strings.Contains(page, "192.0.2.9") || csrf == nil {
			t.Fatalf("review one: %d\n%s", code, page)
		}
		if code, _, _ := analyst.do("POST", "/review/"+ticket+"/approve", url.Values{"advice": {"x"}}); code != 403 {
			t.Fatalf("approve without CSRF token: %d", code)
		}

		orgUser, _ := signedIn(t, pb)
		for _, path := range []string{"/review", "/review/" + ticket, "/audit"} {
			if code, page, _ := orgUser.do("GET", path, nil); code != 403 || strings.Contains(page, ticket) {
				t.Errorf("an organisation's user on %s: %d", path, code)
			}
		}

		if code, _, loc := analyst.do("POST", "/review/"+ticket+"/approve", url.Values{"csrf": {csrf[1]}, "advice": {"- Patch CTX-999 today."}}); code != 303 || loc != "/review" {
			t.Fatalf("approve: %d %s", code, loc)
		}
		got, _ := s.NotificationBy(ctx, ticket, "")
		if got.State != store.NotificationPending || !strings.Contains(string(got.Message), "CTX-999") {
			t.Fatalf("after approval: %s, message has the advice: %v", got.State, strings.Contains(string(got.Message), "CTX-999"))
		}
		if code, _, _ := analyst.do("POST", "/review/"+ticket+"/reject", url.Values{"csrf": {csrf[1]}}); code != 404 {
			t.Fatalf("rejecting a released notification: %d", code)
		}
		if code, page, _ := analyst.do("GET", "/audit", nil); code != 200 || !strings.Contains(page, "melding "+ticket+" goedgekeurd") || !strings.Contains(page, "<td>analyst@cert.example</td>") {
			t.Fatalf("audit page: %d\n%s", code, page)
		}
	})
}

func TestOrganisationsOverviewAndToDo(t *testing.T) {
	s := storetest.Open(t, "sqlite")
	pb := portalSetup(t, s)
	analyst := newBrowser(t, pb.base)
	pb.logIn(t, analyst, "analyst@cert.example", pb.setUp(t, analyst, "analyst@cert.example"))
	code, page, _ := analyst.do("GET", "/organisations", nil)
	if code != 200 || !strings.Contains(page, "Alpha B.V.") || !strings.Contains(page, "Bravo N.V.") {
		t.Fatalf("organisations: %d\n%s", code, page)
	}
	org, _ := signedIn(t, pb)
	if code, _, _ := org.do("GET", "/organisations", nil); code != 403 {
		t.Fatalf("an organisation's user on the overview: %d", code)
	}
	// Alpha has no notification address yet: its home page says so.
	if _, page, _ := org.do("GET", "/", nil); !strings.Contains(page, `id="actions"`) || !strings.Contains(page, "Geen meldingsadres") {
		t.Fatalf("to do:\n%s", page)
	}
}
