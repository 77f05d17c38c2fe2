package notify

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"errors"
	"fmt"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/baken-cert/baken/internal/event"
	"github.com/baken-cert/baken/internal/store"
)

// Composer renders one notification and builds its e-mail.
type Composer interface {
	Compose(d Draft) (subject string, mime []byte, err error)
}

// Draft is everything a notification says.
type Draft struct {
	Ticket        string
	MessageID     string
	VerifyCode    string
	FeedbackToken string
	To            string
	Language      string
	OrgName       string // "" for a network owner
	NetworkOwner  bool
	Events        []event.Event
	// Matched is, per event, the registered asset that matched it ("" for a network
	// owner); Kind the kind of the events' feeds, when they share one.
	Matched   []string
	Kind      string
	Advice    string            // an analyst's advice for this notification, replacing all other ("" for none)
	Overrides map[string]string // analysts' standing advice by classification identifier or type
	Now       time.Time
	// attachments, when not nil, are shared by the drafts of one recipient's contacts.
	attachments *attachments
}

// recipientContact is one address a recipient's notifications go to.
type recipientContact struct {
	email, language string
}

// ComposeJob is the handler of KindCompose jobs: it composes every notification whose
// window has ended (the job runs at the end of its window).
func (s *Service) ComposeJob(ctx context.Context, _ store.Job) error { return s.ComposeDue(ctx) }

// Sweep runs each minute, the safety net behind the decide and compose jobs: it decides
// every event still undecided (stored by an ingestion that died before its decide job
// was committed) and composes every window that ended.
func (s *Service) Sweep(ctx context.Context, _ store.Job) error {
	if n, err := s.Decide(ctx); err != nil {
		return err
	} else if n > 0 {
		s.log.Info("events decided by the sweep", "items", n)
	}
	return s.ComposeDue(ctx)
}

// composeChunk is how many recipients are composed and stored in one transaction.
const composeChunk = 200

// plan is what one recipient will be told.
type plan struct {
	recipient string
	orgName   string
	contacts  []recipientContact
	items     []store.WaitingItem
}

// ComposeDue turns the waiting items of every recipient whose window has ended into one
// notification per contact. Each chunk of recipients is rendered on every core and
// stored, with its items marked composed, in one transaction.
func (s *Service) ComposeDue(ctx context.Context) error {
	// One composer at a time in a process; across processes the store's ErrConflict
	// keeps an item from being composed twice.
	s.composing.Lock()
	defer s.composing.Unlock()
	// Decide first what is decidable now, so that a message holds every finding that
	// came in before it, not only those whose decide job happened to run first.
	if _, err := s.Decide(ctx); err != nil {
		return err
	}
	now := s.now().UTC()
	recipients, err := s.store.WaitingRecipients(ctx, now)
	if err != nil {
		return err
	}
	for len(recipients) > 0 {
		n := min(composeChunk, len(recipients))
		if err := s.composeChunk(ctx, recipients[:n], now); err != nil {
			return err
		}
		recipients = recipients[n:]
	}
	return nil
}

func (s *Service) composeChunk(ctx context.Context, recipients []string, now time.Time) error {
	plans, err := s.plans(ctx, recipients, now)
	if err != nil {
		return err
	}
	total := 0
	for _, p := range plans {
		total += len(p.contacts)
	}
	tickets, err := s.store.NextTickets(ctx, now, total)
	if err != nil {
		return err
	}
	overrides, err := s.store.Advice(ctx)
	if err != nil {
		return err
	}
	var drafts []Draft
	var owners []*plan
	for i := range plans {
		p := &plans[i]
		events := make([]event.Event, len(p.items))
		matched := make([]string, len(p.items))
		kind := p.items[0].FeedKind
		for j, it := range p.items {
			events[j], matched[j] = EventOf(it.Data), it.Asset
			if it.FeedKind != kind {
				kind = ""
			}
		}
		shared := &attachments{}
		for _, c := range p.contacts {
			d := Draft{To: c.email, Language: c.language, OrgName: p.orgName, NetworkOwner: p.items[0].OrgID == 0, Events: events,
				Matched: matched, Kind: kind, Overrides: overrides[c.language], Now: now, attachments: shared}
			d.Ticket, tickets = tickets[0], tickets[1:]
			drafts, owners = append(drafts, d), append(owners, p)
		}
	}
	ns, err := s.composeAll(drafts)
	if err != nil {
		return err
	}
	var itemIDs []int64
	for i := range ns {
		p := owners[i]
		ns[i].Recipient, ns[i].OrgID = p.recipient, p.items[0].OrgID
		for _, it := range p.items {
			ns[i].EventIDs = append(ns[i].EventIDs, it.EventID)
			ns[i].Held = ns[i].Held || it.Review
		}
	}
	for _, p := range plans {
		for _, it := range p.items {
			itemIDs = append(itemIDs, it.ID)
		}
	}
	// What leaves for an organisation is published in its TAXII collection too, by a
	// job committed with the notifications.
	var jobs []store.JobInput
	for _, n := range ns {
		if n.OrgID != 0 && !n.Held {
			jobs = []store.JobInput{{Kind: KindPublish}}
			break
		}
	}
	err = s.store.CreateNotifications(ctx, ns, itemIDs, jobs)
	if errors.Is(err, store.ErrConflict) {
		s.log.Info("another process composed these notifications first", "recipients", len(plans))
		return nil
	}
	if err != nil {
		return err
	}
	if len(ns) > 0 {
		s.log.Info("notifications composed", "recipients", len(plans), "notifications", len(ns))
	}
	return nil
}

// plans reads what each recipient will be told, several at a time (reads run in
// parallel on both engines), in the order of recipients; recipients without a contact
// are left out.
func (s *Service) plans(ctx context.Context, recipients []string, now time.Time) ([]plan, error) {
	all := make([]plan, len(recipients))
	found := make([]bool, len(recipients))
	errs := make([]error, len(recipients))
	inParallel(len(recipients), 2*runtime.NumCPU(), func(i int) {
		all[i], found[i], errs[i] = s.plan(ctx, recipients[i], now)
	})
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	var out []plan
	for i, p := range all {
		if found[i] {
			out = append(out, p)
		}
	}
	return out, nil
}

// plan reads what a recipient will be told; ok is false when it has no contact yet
// (its items wait for one).
func (s *Service) plan(ctx context.Context, recipient string, now time.Time) (plan, bool, error) {
	items, err := s.store.WaitingItems(ctx, recipient, now)
	if err != nil || len(items) == 0 {
		return plan{}, false, err
	}
	p := plan{recipient: recipient, items: items}
	if items[0].OrgID == 0 {
		p.contacts = []recipientContact{{email: items[0].AbuseEmail, language: "en"}}
		return p, true, nil
	}
	org, err := s.store.OrganisationByID(ctx, items[0].OrgID)
	if err != nil {
		return p, false, err
	}
	cs, err := s.store.Contacts(ctx, org.ID)
	if err != nil {
		return p, false, err
	}
	if len(cs) == 0 {
		s.log.Info("an organisation has no contact: its notifications wait", "org_ref", org.Ref, "events", len(items))
		return p, false, nil
	}
	p.orgName = org.Name
	for _, c := range cs {
		p.contacts = append(p.contacts, recipientContact{email: c.Email, language: c.Language})
	}
	return p, true, nil
}

// composeAll renders the drafts on every core, keeping their order.
func (s *Service) composeAll(drafts []Draft) ([]store.NotificationInput, error) {
	out := make([]store.NotificationInput, len(drafts))
	errs := make([]error, len(drafts))
	inParallel(len(drafts), runtime.NumCPU(), func(i int) {
		out[i], errs[i] = s.draft(drafts[i])
	})
	return out, errors.Join(errs...)
}

// draft gives d its codes and composes it.
func (s *Service) draft(d Draft) (store.NotificationInput, error) {
	d.VerifyCode, d.FeedbackToken = randomCode(5), randomCode(20)
	d.MessageID = "<" + d.Ticket + "." + strings.ToLower(randomCode(5)) + "@baken>"
	subject, mime, err := s.composer.Compose(d)
	if err != nil {
		return store.NotificationInput{}, fmt.Errorf("composing %s: %w", d.Ticket, err)
	}
	return store.NotificationInput{Ticket: d.Ticket, Email: d.To, Language: d.Language, Subject: subject, MessageID: d.MessageID,
		Message: mime, VerifyCode: d.VerifyCode, FeedbackToken: d.FeedbackToken, Now: d.Now}, nil
}

// randomCode returns n random bytes in base32 (5 bits per character): unguessable.
func randomCode(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b)
}

// EventOf rebuilds an event from its stored fields (IntelMQ names).
func EventOf(data map[string]string) event.Event {
	var e event.Event
	for k, v := range data {
		_ = e.Set(k, v) // stored fields were valid when stored
	}
	return e
}

// Approve releases a held notification; a non-empty advice replaces the templates'
// advice, and the message is composed again with it (same ticket, same codes).
func (s *Service) Approve(ctx context.Context, id int64, advice string) error {
	n, err := s.store.Notification(ctx, id)
	if err != nil {
		return err
	}
	if n.State != store.NotificationHeld {
		return fmt.Errorf("notification %s is %s, not held for review", n.Ticket, n.State)
	}
	if advice == "" {
		return s.store.ReleaseNotification(ctx, id, "", nil, "")
	}
	stored, err := s.store.NotificationEvents(ctx, id)
	if err != nil {
		return err
	}
	d := Draft{Ticket: n.Ticket, MessageID: n.MessageID, VerifyCode: n.VerifyCode, FeedbackToken: n.FeedbackToken, To: n.Email,
		Language: n.Language, NetworkOwner: n.OrgID == 0, Advice: advice, Now: s.now().UTC()}
	if n.OrgID != 0 {
		org, err := s.store.OrganisationByID(ctx, n.OrgID)
		if err != nil {
			return err
		}
		d.OrgName = org.Name
	}
	if err := s.fillMatches(ctx, &d, stored); err != nil {
		return err
	}
	subject, mime, err := s.composer.Compose(d)
	if err != nil {
		return err
	}
	return s.store.ReleaseNotification(ctx, id, subject, mime, advice)
}

// fillMatches gives a draft composed again the events, the registered asset that matched
// each, and the kind of their feeds, as the first composition had them.
func (s *Service) fillMatches(ctx context.Context, d *Draft, stored []store.StoredEvent) error {
	values := map[int64]string{}
	kinds := map[string]string{}
	for i, e := range stored {
		ev := EventOf(e.Data)
		d.Events = append(d.Events, ev)
		if _, ok := values[e.AssetID]; !ok && e.AssetID != 0 {
			found, err := s.store.Assets(ctx, store.AssetFilter{AfterID: e.AssetID - 1, Limit: 1})
			if err != nil {
				return err
			}
			if len(found) == 1 && found[0].ID == e.AssetID {
				values[e.AssetID] = found[0].Value
			}
		}
		d.Matched = append(d.Matched, values[e.AssetID])
		if _, ok := kinds[ev.FeedName]; !ok {
			f, err := s.store.Feed(ctx, ev.FeedName)
			if err != nil && !errors.Is(err, store.ErrNotFound) {
				return err
			}
			kinds[ev.FeedName] = f.Kind
		}
		if i == 0 {
			d.Kind = kinds[ev.FeedName]
		} else if d.Kind != kinds[ev.FeedName] {
			d.Kind = ""
		}
	}
	return nil
}

// ParseTicketOrID accepts a ticket number or a notification id.
func (s *Service) ParseTicketOrID(ctx context.Context, v string) (store.Notification, error) {
	if id, err := strconv.ParseInt(v, 10, 64); err == nil {
		return s.store.Notification(ctx, id)
	}
	return s.store.NotificationBy(ctx, v, "")
}

// inParallel calls fn for 0 to n-1 on workers goroutines, and returns when all are done.
func inParallel(n, workers int, fn func(i int)) {
	next := make(chan int)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for i := range next {
				fn(i)
			}
		})
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
}
