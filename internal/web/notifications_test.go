package web

import (
	"context"
	"fmt"
	"html/template"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/baken-cert/baken/internal/auth"
	"github.com/baken-cert/baken/internal/event"
	"github.com/baken-cert/baken/internal/notify/message"
	"github.com/baken-cert/baken/internal/store"
	"github.com/baken-cert/baken/internal/store/storetest"
)

// notificationBundle is the portal of portalSetup serving the notification pages, with a
// notification of Alpha, a held one of Alpha, and one of Bravo.
type notificationBundle struct {
	*portalBundle
	alpha, held, bravo store.Notification
	alphaEvent         int64
}

var smb = event.Classification{Taxonomy: "vulnerable", Type: "vulnerable-system", Identifier: "open-smb"}

func notificationSetup(t *testing.T, s store.Store) *notificationBundle {
	ctx := context.Background()
	pb := portalSetup(t, s)
	// Serve the portal again, on a clock of its own.
	p := NewPortal(s, "Digital Trust Center", false, slog.New(slog.DiscardHandler))
	p.now = func() time.Time { return pb.now }
	mux := http.NewServeMux()
	p.Routes(mux)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	pb.base = srv.URL

	// One event on an asset of each organisation.
	alpha, _ := s.Organisation(ctx, "a")
	bravo, _ := s.Organisation(ctx, "b")
	alphaAssets, _ := s.Assets(ctx, store.AssetFilter{OrgID: alpha.ID})
	bravoAssets, _ := s.Assets(ctx, store.AssetFilter{OrgID: bravo.ID})
	f, err := s.PutFeed(ctx, store.Feed{Name: "f", Format: "shadowserver", Kind: "periodic"})
	if err != nil {
		t.Fatal(err)
	}
	ing, _ := s.StartIngestion(ctx, f.ID, "x.csv", pb.now)
	a := &event.Event{FeedName: "f", TimeSource: pb.now.Add(-time.Hour).UTC(), Classification: smb}
	a.Source.IP, a.Source.Port = netip.MustParseAddr("192.0.2.7"), 445
	a.Set("extra.note", `=HYPERLINK("http://evil.example")`)
	b := &event.Event{FeedName: "f", TimeSource: pb.now.Add(-time.Hour).UTC(), Classification: smb}
	b.Source.IP, b.Source.FQDN = netip.MustParseAddr("198.51.100.9"), "host.secret-b.example"
	if _, err := s.SaveEvents(ctx, ing, []store.EventInput{
		{Event: a, Matches: []store.MatchInput{{OrgID: alpha.ID, AssetID: alphaAssets[0].ID, How: "prefix", Specificity: 24}}},
		{Event: b, Matches: []store.MatchInput{{OrgID: bravo.ID, AssetID: bravoAssets[0].ID, How: "subdomain", Specificity: 2}}},
	}, pb.now); err != nil {
		t.Fatal(err)
	}
	evs, _ := s.UndecidedEvents(ctx, 10, time.Now())
	eventOf := map[int64]int64{}
	for _, e := range evs {
		eventOf[e.Matches[0].OrgID] = e.ID
	}
	tickets, _ := s.NextTickets(ctx, pb.now, 3)
	note := func(ticket string, org int64, subject string, held bool) store.NotificationInput {
		return store.NotificationInput{Ticket: ticket, Recipient: fmt.Sprintf("org:%d", org), OrgID: org, Email: "soc@example.org",
			Language: "nl", Subject: subject, MessageID: "<" + ticket + "@b>", Message: []byte("mime"), Held: held,
			VerifyCode: "CODE" + ticket, FeedbackToken: "token-" + ticket, EventIDs: []int64{eventOf[org]}, Now: pb.now}
	}
	if err := s.CreateNotifications(ctx, []store.NotificationInput{note(tickets[0], alpha.ID, "SMB bij Alpha", false),
		note(tickets[1], bravo.ID, "Geheim bij Bravo", false), note(tickets[2], alpha.ID, "Wacht op review", true)}, nil, nil); err != nil {
		t.Fatal(err)
	}
	nb := &notificationBundle{portalBundle: pb, alphaEvent: eventOf[alpha.ID]}
	nb.alpha, _ = s.NotificationBy(ctx, tickets[0], "")
	nb.bravo, _ = s.NotificationBy(ctx, tickets[1], "")
	nb.held, _ = s.NotificationBy(ctx, tickets[2], "")
	return nb
}

// signInAs signs a user of portalSetup in and returns the browser and its CSRF token.
func signInAs(t *testing.T, pb *portalBundle, email string) (*browser, string) {
	b := newBrowser(t, pb.base)
	pb.logIn(t, b, email, pb.setUp(t, b, email))
	_, page, _ := b.do("GET", "/", nil)
	m := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no CSRF token on the home page:\n%s", page)
	}
	return b, m[1]
}

func TestNotificationPages(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, s store.Store) {
		ctx := context.Background()
		nb := notificationSetup(t, s)
		admin, csrf := signInAs(t, nb.portalBundle, "admin@alpha.example")
		plain, hash := auth.NewToken()
		s.CreateUser(ctx, store.UserInput{Email: "member@alpha.example", Role: store.RoleOrgMember, OrgID: nb.alpha.OrgID, Language: "en", Now: time.Now()},
			store.TokenInput{Hash: hash, Purpose: "setup", ExpiresAt: time.Now().Add(time.Hour)}, store.AuditEntry{Action: "user.create"})
		nb.tokens["member@alpha.example"] = plain
		member, memberCSRF := signInAs(t, nb.portalBundle, "member@alpha.example")
		analyst, _ := signInAs(t, nb.portalBundle, "analyst@cert.example")
		nobody := newBrowser(t, nb.base)

		a, bravo, held := "/notifications/"+nb.alpha.Ticket, "/notifications/"+nb.bravo.Ticket, "/notifications/"+nb.held.Ticket
		adviceNL := template.HTMLEscapeString(message.Advice(message.Dutch, smb).Title)
		adviceEN := template.HTMLEscapeString(message.Advice(message.English, smb).Title)
		bravoData := []string{nb.bravo.Ticket, "198.51.100.9", "secret-b", "Bravo"}
		feedback := func(csrf, kind string) url.Values { return url.Values{"csrf": {csrf}, "kind": {kind}} }

		// Each scenario: who asks what, the status, the redirect, what must and must not appear.
		scenarios := []struct {
			name          string
			who           *browser
			method, path  string
			form          url.Values
			status        int
			location      string
			want, notWant []string
		}{
			{"list", admin, "GET", "/notifications", nil, 200, "", []string{nb.alpha.Ticket, "SMB bij Alpha"}, append(bravoData, nb.held.Ticket)},
			{"detail", admin, "GET", a, nil, 200, "", []string{"192.0.2.7", adviceNL, `value="false-positive"`, `value="resolved"`}, bravoData},
			{"detail in the member's language", member, "GET", a, nil, 200, "", []string{adviceEN, "Mark as resolved"}, []string{adviceNL, "Markeren als opgelost"}},
			{"detail of another organisation's", admin, "GET", bravo, nil, 404, "", nil, bravoData},
			{"detail of a held notification", admin, "GET", held, nil, 404, "", nil, []string{"Wacht op review"}},
			{"detail of an unknown ticket", admin, "GET", "/notifications/20990101-00000001", nil, 404, "", nil, nil},
			{"CSV", admin, "GET", a + "/events.csv", nil, 200, "", []string{"time.source,source.ip,", "192.0.2.7", `'=HYPERLINK`}, bravoData},
			{"CSV of another organisation's", admin, "GET", bravo + "/events.csv", nil, 404, "", nil, bravoData},
			{"feedback without CSRF token", admin, "POST", a + "/feedback", url.Values{"kind": {"useful"}}, 403, "", nil, nil},
			{"feedback", admin, "POST", a + "/feedback", feedback(csrf, "useful"), 303, a + "?feedback=useful", nil, nil},
			{"feedback shown", admin, "GET", a + "?feedback=useful", nil, 200, "", []string{"uw feedback is vastgelegd: Nuttig", "Nuttig</th><td>1<"}, nil},
			{"feedback of an unknown kind", admin, "POST", a + "/feedback", feedback(csrf, "spam"), 400, "", nil, nil},
			{"feedback on another organisation's", admin, "POST", bravo + "/feedback", feedback(csrf, "useful"), 404, "", nil, bravoData},
			{"a member marks it resolved", member, "POST", a + "/feedback", feedback(memberCSRF, "resolved"), 303, a + "?feedback=resolved", nil, nil},
			{"an analyst is no organisation user", analyst, "GET", "/notifications", nil, 403, "", nil, []string{nb.alpha.Ticket}},
			{"list without a session", nobody, "GET", "/notifications", nil, 303, "/login", nil, nil},
			{"detail without a session", nobody, "GET", a, nil, 303, "/login", nil, nil},
			{"CSV without a session", nobody, "GET", a + "/events.csv", nil, 303, "/login", nil, nil},
			{"feedback without a session", nobody, "POST", a + "/feedback", feedback(csrf, "useful"), 303, "/login", nil, nil},
		}
		for _, sc := range scenarios {
			code, page, loc := sc.who.do(sc.method, sc.path, sc.form)
			if code != sc.status || loc != sc.location {
				t.Errorf("%s: %d %q, want %d %q\n%.600s", sc.name, code, loc, sc.status, sc.location, page)
			}
			for _, w := range sc.want {
				if !strings.Contains(page, w) {
					t.Errorf("%s: %q missing\n%.1500s", sc.name, w, page)
				}
			}
			for _, w := range sc.notWant {
				if strings.Contains(page, w) {
					t.Errorf("%s: %q must not appear\n%.1500s", sc.name, w, page)
				}
			}
		}
		if fb, err := s.Feedback(ctx, nb.alpha.ID); err != nil || len(fb) != 2 || fb["useful"] != 1 || fb["resolved"] != 1 {
			t.Errorf("Alpha's feedback: %v %v", fb, err)
		}
		if fb, _ := s.Feedback(ctx, nb.bravo.ID); len(fb) != 0 {
			t.Errorf("Bravo's feedback changed: %v", fb)
		}
	})
}

func TestNotificationListPages(t *testing.T) {
	s := storetest.Open(t, "sqlite")
	nb := notificationSetup(t, s)
	ctx := context.Background()
	tickets, _ := s.NextTickets(ctx, nb.now, notificationPageSize)
	var more []store.NotificationInput
	for _, tk := range tickets {
		more = append(more, store.NotificationInput{Ticket: tk, Recipient: "org:1", OrgID: nb.alpha.OrgID, Email: "soc@example.org",
			Language: "nl", Subject: "s", MessageID: "<" + tk + "@b>", Message: []byte("m"), VerifyCode: tk, FeedbackToken: "token-" + tk,
			EventIDs: []int64{nb.alphaEvent}, Now: nb.now})
	}
	if err := s.CreateNotifications(ctx, more, nil, nil); err != nil {
		t.Fatal(err)
	}
	b, _ := signInAs(t, nb.portalBundle, "admin@alpha.example")
	// Newest first: the first page holds the 50 new ones, the next the first of Alpha.
	_, page, _ := b.do("GET", "/notifications", nil)
	last := tickets[0]
	if strings.Count(page, `<th scope="row">`) != notificationPageSize || strings.Contains(page, nb.alpha.Ticket+"<") || !strings.Contains(page, "before="+last) {
		t.Fatalf("first page:\n%s", page)
	}
	_, page, _ = b.do("GET", "/notifications?before="+last, nil)
	if strings.Count(page, `<th scope="row">`) != 1 || !strings.Contains(page, nb.alpha.Ticket) || strings.Contains(page, "before=") {
		t.Fatalf("second page:\n%s", page)
	}
}
