package storetest

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/baken-cert/baken/internal/store"
)

func TestRules(t *testing.T) {
	ForEachEngine(t, func(t *testing.T, s store.Store) {
		ctx := context.Background()
		r, err := s.PutRule(ctx, store.Rule{Taxonomy: "vulnerable", Action: "notify", Repeat: 7 * 24 * time.Hour, Aggregation: "daily"})
		if err != nil || r.ID == 0 {
			t.Fatalf("put: %+v %v", r, err)
		}
		r2, err := s.PutRule(ctx, store.Rule{Taxonomy: "vulnerable", Action: "review", Aggregation: "immediate"})
		if err != nil || r2.ID != r.ID {
			t.Fatalf("the same scope must update: %+v %v", r2, err)
		}
		all, _ := s.Rules(ctx)
		if len(all) != 1 || all[0].Action != "review" || all[0].Repeat != 0 {
			t.Fatalf("rules: %+v", all)
		}
		if err := s.DeleteRule(ctx, r.ID); err != nil {
			t.Fatal(err)
		}
		if err := s.DeleteRule(ctx, r.ID); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("delete twice: %v", err)
		}
	})
}

// notifySetup stores one matched event and returns its id and the organisation's.
func notifySetup(t *testing.T, s store.Store) (eventID, orgID int64) {
	ctx := context.Background()
	importAll(t, s, []store.AssetInput{assetIn("a", "192.0.2.0/24")}, store.ImportCommit{Organisations: []store.OrgInput{{Ref: "a", Name: "A"}}})
	org, _ := s.Organisation(ctx, "a")
	f, _ := s.PutFeed(ctx, store.Feed{Name: "f", Format: "shadowserver", Kind: "periodic"})
	ing, _ := s.StartIngestion(ctx, f.ID, "x.csv", t0)
	s.SaveEvents(ctx, ing, []store.EventInput{{Event: testEvent("192.0.2.7", 445),
		Matches: []store.MatchInput{{OrgID: org.ID, AssetID: 1, How: "prefix", Specificity: 24}}}}, t0)
	evs, err := s.UndecidedEvents(ctx, 10, time.Now())
	if err != nil || len(evs) != 1 || evs[0].FeedKind != "periodic" || evs[0].Classification.Identifier != "open-smb" ||
		len(evs[0].Matches) != 1 || evs[0].Matches[0].OrgID != org.ID {
		t.Fatalf("undecided: %+v %v", evs, err)
	}
	return evs[0].ID, org.ID
}

func TestDecideComposeDeliver(t *testing.T) {
	ForEachEngine(t, func(t *testing.T, s store.Store) {
		ctx := context.Background()
		eventID, orgID := notifySetup(t, s)
		recipient := fmt.Sprintf("org:%d", orgID)
		key := store.SquelchKey{Target: "org:1:asset:1", Identifier: "open-smb"}
		err := s.SaveDecisions(ctx, store.Decisions{EventIDs: []int64{eventID}, Now: t0,
			Items:   []store.ItemInput{{EventID: eventID, Recipient: recipient, OrgID: orgID, WindowEnd: t0.Add(time.Hour)}},
			Squelch: []store.SquelchUpdate{{SquelchKey: key, SquelchState: store.SquelchState{LastAt: t0, Severity: 3}}},
			Jobs:    []store.JobInput{{Kind: "notify.compose", UniqueKey: recipient}}})
		if err != nil {
			t.Fatal(err)
		}
		if evs, _ := s.UndecidedEvents(ctx, 10, time.Now()); len(evs) != 0 {
			t.Fatalf("decided events come back: %+v", evs)
		}
		sq, err := s.SquelchStates(ctx, []store.SquelchKey{key, {Target: "other", Identifier: "x"}})
		if err != nil || len(sq) != 1 || sq[key].Severity != 3 || !sq[key].LastAt.Equal(t0) {
			t.Fatalf("squelch: %+v %v", sq, err)
		}
		if r, _ := s.WaitingRecipients(ctx, t0); len(r) != 0 {
			t.Fatalf("a window that has not ended: %v", r)
		}
		r, _ := s.WaitingRecipients(ctx, t0.Add(time.Hour))
		items, err := s.WaitingItems(ctx, recipient, t0.Add(time.Hour))
		if len(r) != 1 || err != nil || len(items) != 1 || items[0].Data["source.ip"] != "192.0.2.7" ||
			items[0].Asset != "192.0.2.0/24" || items[0].FeedKind != "periodic" {
			t.Fatalf("waiting: %v %+v %v", r, items, err)
		}
		first, _ := s.NextTickets(ctx, t0, 1)
		more, _ := s.NextTickets(ctx, t0, 2)
		if len(first) != 1 || len(more) != 2 || first[0] != "20261101-00000001" || more[0] != "20261101-00000002" || more[1] != "20261101-00000003" {
			t.Fatalf("tickets %v %v", first, more)
		}
		t1, t2 := first[0], more[0]
		in := []store.NotificationInput{
			{Ticket: t1, Recipient: recipient, OrgID: orgID, Email: "soc@a.example", Language: "nl", Subject: "s1", MessageID: "<1@b>",
				Message: []byte("mime 1"), VerifyCode: "ABCD", FeedbackToken: "tok1", EventIDs: []int64{eventID}, Now: t0},
			{Ticket: t2, Recipient: recipient, OrgID: orgID, Email: "ceo@a.example", Language: "en", Subject: "s2", MessageID: "<2@b>",
				Message: []byte("mime 2"), Held: true, VerifyCode: "EFGH", FeedbackToken: "tok2", EventIDs: []int64{eventID}, Now: t0},
		}
		items0 := items[0].ID
		if err := s.CreateNotifications(ctx, in, []int64{items0}, nil); err != nil {
			t.Fatal(err)
		}
		if items, _ := s.WaitingItems(ctx, recipient, t0.Add(time.Hour)); len(items) != 0 {
			t.Fatalf("composed items still wait: %+v", items)
		}
		dup := in[0]
		dup.Ticket, dup.FeedbackToken = "other", "other"
		if err := s.CreateNotifications(ctx, []store.NotificationInput{dup}, []int64{items0}, nil); !errors.Is(err, store.ErrConflict) {
			t.Fatalf("composing a composed item again: %v, want ErrConflict", err)
		}
		claimed, err := s.ClaimOutbox(ctx, t0, 10, time.Minute)
		if err != nil || len(claimed) != 1 || string(claimed[0].Message) != "mime 1" || claimed[0].MessageID != "<1@b>" {
			t.Fatalf("claim (the held one must not be sent): %+v %v", claimed, err)
		}
		if again, _ := s.ClaimOutbox(ctx, t0.Add(30*time.Second), 10, time.Minute); len(again) != 0 {
			t.Fatalf("claimed twice within the lease: %+v", again)
		}
		// The sender died: after the lease the message is claimed again.
		again, _ := s.ClaimOutbox(ctx, t0.Add(2*time.Minute), 10, time.Minute)
		if len(again) != 1 {
			t.Fatalf("after the lease: %+v", again)
		}
		if err := s.RecordDelivery(ctx, store.DeliveryResult{ID: again[0].ID, Outcome: store.DeliveryRetry, At: t0.Add(2 * time.Minute), NextAttempt: t0.Add(10 * time.Minute), Detail: "421 busy"}); err != nil {
			t.Fatal(err)
		}
		if early, _ := s.ClaimOutbox(ctx, t0.Add(5*time.Minute), 10, time.Minute); len(early) != 0 {
			t.Fatalf("retried early: %+v", early)
		}
		late, _ := s.ClaimOutbox(ctx, t0.Add(11*time.Minute), 10, time.Minute)
		if len(late) != 1 || late[0].Attempts != 1 {
			t.Fatalf("retry: %+v", late)
		}
		// Outcomes recorded together are recorded all or none.
		sent := store.DeliveryResult{ID: late[0].ID, Outcome: store.DeliverySent, At: t0.Add(11 * time.Minute)}
		if err := s.RecordDeliveries(ctx, []store.DeliveryResult{sent, {ID: late[0].ID, Outcome: "bogus"}}); err == nil {
			t.Fatal("a batch with an unknown outcome was recorded")
		}
		if due, _ := s.OutboxDue(ctx); due != 1 {
			t.Fatalf("a failed batch recorded part of itself: %d due", due)
		}
		if err := s.RecordDeliveries(ctx, []store.DeliveryResult{sent}); err != nil {
			t.Fatal(err)
		}
		if due, _ := s.OutboxDue(ctx); due != 0 {
			t.Fatalf("due after sending: %d", due)
		}
		n, err := s.NotificationBy(ctx, t1, "")
		if err != nil || n.State != "sent" || n.Attempts != 2 || !n.SentAt.Equal(t0.Add(11*time.Minute)) || string(n.Message) != "mime 1" {
			t.Fatalf("sent notification: %+v %v", n, err)
		}
		if d, _ := s.Deliveries(ctx, n.ID); len(d) != 2 || d[0].Outcome != "retry" || d[1].Outcome != "sent" {
			t.Fatalf("deliveries: %+v", d)
		}
		held, _ := s.Notifications(ctx, store.NotificationFilter{State: store.NotificationHeld})
		if len(held) != 1 || held[0].Ticket != t2 {
			t.Fatalf("held: %+v", held)
		}
		if err := s.ReleaseNotification(ctx, held[0].ID, "edited", []byte("mime 2b"), "new advice"); err != nil {
			t.Fatal(err)
		}
		if err := s.RejectNotification(ctx, held[0].ID); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("rejecting a released notification: %v", err)
		}
		got, _ := s.NotificationBy(ctx, "", "tok2")
		if got.State != "pending" || got.Subject != "edited" || string(got.Message) != "mime 2b" || got.Advice != "new advice" {
			t.Fatalf("released: %+v", got)
		}
		s.AddFeedback(ctx, got.ID, "useful", t0)
		s.AddFeedback(ctx, got.ID, "useful", t0)
		if fb, _ := s.Feedback(ctx, got.ID); fb["useful"] != 2 {
			t.Fatalf("feedback %v", fb)
		}
		if evs, _ := s.NotificationEvents(ctx, got.ID); len(evs) != 1 || evs[0].ID != eventID {
			t.Fatalf("notification events %+v", evs)
		}
		byOrg, _ := s.Notifications(ctx, store.NotificationFilter{OrgID: orgID})
		if len(byOrg) != 2 || byOrg[0].Events != 1 {
			t.Fatalf("by organisation: %+v", byOrg)
		}
		if older, _ := s.Notifications(ctx, store.NotificationFilter{OrgID: orgID, BeforeID: byOrg[0].ID}); len(older) != 1 || older[0].ID != byOrg[1].ID {
			t.Fatalf("a page further: %+v", older)
		}
		held3 := in[1]
		held3.Ticket, held3.FeedbackToken, held3.MessageID = "held3", "tok3", "<3@b>"
		if err := s.CreateNotifications(ctx, []store.NotificationInput{held3}, nil, nil); err != nil {
			t.Fatal(err)
		}
		if sent, _ := s.Notifications(ctx, store.NotificationFilter{OrgID: orgID, Sent: true}); len(sent) != 2 {
			t.Fatalf("a held notification is not sent: %+v", sent)
		}
	})
}

func TestPermanentFailureMarksTheContact(t *testing.T) {
	ForEachEngine(t, func(t *testing.T, s store.Store) {
		ctx := context.Background()
		importAll(t, s, nil, store.ImportCommit{Organisations: []store.OrgInput{{Ref: "a", Name: "A"}},
			Contacts: []store.ContactInput{{OrgRef: "a", Email: "gone@a.example", Role: "security", Language: "nl"}}})
		org, _ := s.Organisation(ctx, "a")
		s.CreateNotifications(ctx, []store.NotificationInput{{Ticket: "T1", Recipient: "org", OrgID: org.ID, Email: "gone@a.example",
			Language: "nl", Subject: "s", MessageID: "<m>", Message: []byte("x"), VerifyCode: "c", FeedbackToken: "f", Now: t0}}, nil, nil)
		c, _ := s.ClaimOutbox(ctx, t0, 1, time.Minute)
		if err := s.RecordDelivery(ctx, store.DeliveryResult{ID: c[0].ID, Outcome: store.DeliveryFailed, At: t0, Detail: "550 no such user"}); err != nil {
			t.Fatal(err)
		}
		n, _ := s.NotificationBy(ctx, "T1", "")
		if n.State != "failed" || n.LastError != "550 no such user" {
			t.Fatalf("failed notification %+v", n)
		}
		var reason string
		if err := s.(interface{ SQL() *sql.DB }).SQL().QueryRowContext(ctx, `SELECT bounce_reason FROM contacts`).Scan(&reason); err != nil || reason != "550 no such user" {
			t.Fatalf("contact bounce: %q %v", reason, err)
		}
	})
}

func TestOutboxClaimedOnce(t *testing.T) {
	ForEachEngine(t, func(t *testing.T, s store.Store) {
		ctx := context.Background()
		var in []store.NotificationInput
		for i := range 100 {
			in = append(in, store.NotificationInput{Ticket: fmt.Sprint(i), Recipient: "r", Email: "x@y.example", Language: "en",
				Subject: "s", MessageID: fmt.Sprintf("<%d@b>", i), Message: []byte("m"), VerifyCode: "c", FeedbackToken: fmt.Sprint("t", i), Now: t0})
		}
		if err := s.CreateNotifications(ctx, in, nil, nil); err != nil {
			t.Fatal(err)
		}
		var mu sync.Mutex
		seen := map[int64]int{}
		var wg sync.WaitGroup
		for range 4 {
			wg.Go(func() {
				for {
					got, err := s.ClaimOutbox(ctx, t0, 7, time.Hour)
					if err != nil || len(got) == 0 {
						return
					}
					mu.Lock()
					for _, g := range got {
						seen[g.ID]++
					}
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		if len(seen) != 100 {
			t.Fatalf("claimed %d", len(seen))
		}
		for id, n := range seen {
			if n != 1 {
				t.Fatalf("notification %d claimed %d times", id, n)
			}
		}
	})
}

// TestEventsDecidedOnce: deciders that save decisions on the same event at the same
// time: one wins, the others write nothing and get ErrConflict.
func TestEventsDecidedOnce(t *testing.T) {
	ForEachEngine(t, func(t *testing.T, s store.Store) {
		ctx := context.Background()
		eventID, orgID := notifySetup(t, s)
		recipient := fmt.Sprintf("org:%d", orgID)
		const deciders = 6
		errs := make([]error, deciders)
		var wg sync.WaitGroup
		for i := range deciders {
			wg.Go(func() {
				errs[i] = s.SaveDecisions(ctx, store.Decisions{EventIDs: []int64{eventID}, Now: t0,
					Items: []store.ItemInput{{EventID: eventID, Recipient: recipient, OrgID: orgID, WindowEnd: t0}}})
			})
		}
		wg.Wait()
		won := 0
		for _, err := range errs {
			switch {
			case err == nil:
				won++
			case !errors.Is(err, store.ErrConflict):
				t.Errorf("a losing decider: %v, want ErrConflict", err)
			}
		}
		items, err := s.WaitingItems(ctx, recipient, t0)
		if won != 1 || err != nil || len(items) != 1 {
			t.Fatalf("%d deciders won, %d items (%v); want exactly one of each", won, len(items), err)
		}
	})
}
