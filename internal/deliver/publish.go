package deliver

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/baken-cert/baken/internal/deliver/stix"
	"github.com/baken-cert/baken/internal/event"
	"github.com/baken-cert/baken/internal/notify"
	"github.com/baken-cert/baken/internal/notify/message"
	"github.com/baken-cert/baken/internal/store"
)

// ChannelTAXII is the publication channel of the organisations' TAXII collections.
const ChannelTAXII = "taxii"

// KindPublish is the job that publishes the notifications that left for an organisation
// in its TAXII collection: composing inserts one, and it runs each minute for the ones
// an analyst released.
const KindPublish = notify.KindPublish

// publishBatch is how many notifications one run looks at, at most.
const publishBatch = 500

// Publisher publishes notifications as STIX 2.1 objects in the collection of the
// organisation they are for. Composing makes one notification per contact; they share
// their findings, so each group of them is published once, under the first one's
// ticket, and every notification of the group is recorded as published. Publishing is
// idempotent: the objects' ids come from the ticket, so a run that dies and runs again
// adds nothing twice.
type Publisher struct {
	store store.Store
	cert  stix.Party
	log   *slog.Logger
	now   func() time.Time
}

// NewPublisher returns a publisher over s; certName names the CERT as the objects'
// producer.
func NewPublisher(s store.Store, certName string, log *slog.Logger) *Publisher {
	return &Publisher{store: s, cert: stix.Party{Key: "cert", Name: certName}, log: log, now: time.Now}
}

// Job is the handler of KindPublish jobs.
func (p *Publisher) Job(ctx context.Context, _ store.Job) error {
	n, err := p.PublishDue(ctx)
	if n > 0 {
		p.log.Info("notifications published in TAXII", "notifications", n)
	}
	return err
}

// PublishDue publishes every notification not published yet; it returns how many it
// recorded as published.
func (p *Publisher) PublishDue(ctx context.Context) (int, error) {
	done := 0
	for {
		ns, err := p.store.Unpublished(ctx, ChannelTAXII, publishBatch)
		if err != nil || len(ns) == 0 {
			return done, err
		}
		for _, group := range groupsOf(ns) {
			if err := p.publish(ctx, group); err != nil {
				return done, fmt.Errorf("publishing %s: %w", group[0].Ticket, err)
			}
			done += len(group)
		}
	}
}

// groupsOf cuts notifications (in id order) into the groups one composition made for
// the contacts of one organisation: same recipient, same time, same findings.
func groupsOf(ns []store.Notification) [][]store.Notification {
	var out [][]store.Notification
	for i, n := range ns {
		if i > 0 {
			last := out[len(out)-1][0]
			if last.Recipient == n.Recipient && last.CreatedAt.Equal(n.CreatedAt) && last.Events == n.Events {
				out[len(out)-1] = append(out[len(out)-1], n)
				continue
			}
		}
		out = append(out, []store.Notification{n})
	}
	return out
}

// publish builds the objects of a group's first notification and records every
// notification of the group as published with them.
func (p *Publisher) publish(ctx context.Context, group []store.Notification) error {
	first := group[0]
	in, err := p.notification(ctx, first)
	if err != nil {
		return err
	}
	objs, err := stix.Objects(in)
	if err != nil {
		return err
	}
	rows := make([]store.STIXObjectInput, len(objs))
	for i, o := range objs {
		rows[i] = store.STIXObjectInput{OrgID: first.OrgID, ID: o.ID, Type: o.Type, SpecVersion: "2.1", Version: o.Modified, JSON: o.JSON}
	}
	now := p.now()
	for _, n := range group {
		if _, err := p.store.PublishSTIX(ctx, n.ID, ChannelTAXII, rows, now); err != nil {
			return err
		}
	}
	return nil
}

// notification gathers what the STIX objects of n are made of.
func (p *Publisher) notification(ctx context.Context, n store.Notification) (stix.Notification, error) {
	org, err := p.store.OrganisationByID(ctx, n.OrgID)
	if err != nil {
		return stix.Notification{}, err
	}
	stored, err := p.store.NotificationEvents(ctx, n.ID)
	if err != nil {
		return stix.Notification{}, err
	}
	out := stix.Notification{Key: n.Ticket, Ticket: n.Ticket, Created: n.CreatedAt, Modified: n.CreatedAt, CERT: p.cert,
		Org: stix.Party{Key: org.Ref, Name: org.Name}}
	for _, se := range stored {
		out.Events = append(out.Events, notify.EventOf(se.Data))
	}
	if len(out.Events) == 0 {
		return out, fmt.Errorf("notification %s has no events", n.Ticket)
	}
	first := out.Events[0]
	out.Feed = first.FeedName
	if f, err := p.store.Feed(ctx, first.FeedName); err == nil {
		out.Kind = f.Kind
		if t, ok := event.ParseTLP(f.TLP); ok {
			out.TLP = t
		}
	}
	for _, lang := range []message.Language{message.Dutch, message.English} {
		code := string(lang)
		if code == n.Language && n.Advice != "" {
			// The analyst's own advice, as the e-mail gave it.
			out.Advice = append(out.Advice, stix.Advice{Lang: code, Title: n.Subject, Text: n.Advice})
			continue
		}
		c := message.Advice(lang, first.Classification)
		out.Advice = append(out.Advice, stix.Advice{Lang: code, Title: c.Title, Text: strings.Join(append([]string{c.Explanation}, c.Steps...), "\n")})
	}
	return out, nil
}
