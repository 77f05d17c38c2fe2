package notify

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/baken-cert/baken/internal/event"
	"github.com/baken-cert/baken/internal/job"
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
	Advice        string // an analyst's advice, replacing the templates' ("" for none)
	Now           time.Time
}

// recipientContact is one address a recipient's notifications go to.
type recipientContact struct {
	email, language string
}

// ComposeJob is the handler of KindCompose jobs.
func (s *Service) ComposeJob(ctx context.Context, j store.Job) error {
	var args composeArgs
	if err := json.Unmarshal(j.Args, &args); err != nil {
		return job.Cancel(fmt.Errorf("compose arguments: %w", err))
	}
	return s.Compose(ctx, args.Recipient)
}

// Sweep composes the notifications of every recipient whose window has ended: the
// periodic safety net behind the compose jobs.
func (s *Service) Sweep(ctx context.Context, _ store.Job) error {
	recipients, err := s.store.WaitingRecipients(ctx, s.now())
	if err != nil {
		return err
	}
	var errs []error
	for _, r := range recipients {
		errs = append(errs, s.Compose(ctx, r))
	}
	return errors.Join(errs...)
}

// Compose turns a recipient's waiting items, whose windows have ended, into one
// notification per contact, stored with the items marked composed in one transaction.
func (s *Service) Compose(ctx context.Context, recipient string) error {
	now := s.now().UTC()
	items, err := s.store.WaitingItems(ctx, recipient, now)
	if err != nil || len(items) == 0 {
		return err
	}
	orgName, contacts, err := s.recipient(ctx, items[0])
	if err != nil {
		return err
	}
	events := make([]event.Event, 0, len(items))
	eventIDs := make([]int64, 0, len(items))
	itemIDs := make([]int64, 0, len(items))
	held := false
	for _, it := range items {
		events = append(events, EventOf(it.Data))
		eventIDs = append(eventIDs, it.EventID)
		itemIDs = append(itemIDs, it.ID)
		held = held || it.Review
	}
	var ns []store.NotificationInput
	for _, c := range contacts {
		n, err := s.draft(ctx, Draft{To: c.email, Language: c.language, OrgName: orgName, NetworkOwner: items[0].OrgID == 0,
			Events: events, Now: now})
		if err != nil {
			return err
		}
		n.Recipient, n.OrgID, n.Held, n.EventIDs = recipient, items[0].OrgID, held, eventIDs
		ns = append(ns, n)
	}
	if err := s.store.CreateNotifications(ctx, ns, itemIDs, nil); err != nil {
		return err
	}
	s.log.Info("notifications composed", "recipient", recipient, "notifications", len(ns), "events", len(events), "held", held)
	return nil
}

// recipient returns the name and the contacts of the recipient of an item.
func (s *Service) recipient(ctx context.Context, it store.WaitingItem) (string, []recipientContact, error) {
	if it.OrgID == 0 {
		return "", []recipientContact{{email: it.AbuseEmail, language: "en"}}, nil
	}
	org, err := s.store.OrganisationByID(ctx, it.OrgID)
	if err != nil {
		return "", nil, err
	}
	cs, err := s.store.Contacts(ctx, it.OrgID)
	if err != nil {
		return "", nil, err
	}
	if len(cs) == 0 {
		// The items wait; the periodic sweep composes them once a contact is added.
		return "", nil, job.Snooze(time.Hour)
	}
	out := make([]recipientContact, len(cs))
	for i, c := range cs {
		out[i] = recipientContact{email: c.Email, language: c.Language}
	}
	return org.Name, out, nil
}

// draft allocates a ticket and codes for d and composes it.
func (s *Service) draft(ctx context.Context, d Draft) (store.NotificationInput, error) {
	ticket, err := s.store.NextTicket(ctx, d.Now)
	if err != nil {
		return store.NotificationInput{}, err
	}
	d.Ticket, d.VerifyCode, d.FeedbackToken = ticket, randomCode(5), randomCode(20)
	d.MessageID = "<" + ticket + "." + strings.ToLower(randomCode(5)) + "@baken>"
	subject, mime, err := s.composer.Compose(d)
	if err != nil {
		return store.NotificationInput{}, fmt.Errorf("composing %s: %w", ticket, err)
	}
	return store.NotificationInput{Ticket: ticket, Email: d.To, Language: d.Language, Subject: subject, MessageID: d.MessageID,
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
	for _, e := range stored {
		d.Events = append(d.Events, EventOf(e.Data))
	}
	subject, mime, err := s.composer.Compose(d)
	if err != nil {
		return err
	}
	return s.store.ReleaseNotification(ctx, id, subject, mime, advice)
}

// ParseTicketOrID accepts a ticket number or a notification id.
func (s *Service) ParseTicketOrID(ctx context.Context, v string) (store.Notification, error) {
	if id, err := strconv.ParseInt(v, 10, 64); err == nil {
		return s.store.Notification(ctx, id)
	}
	return s.store.NotificationBy(ctx, v, "")
}
