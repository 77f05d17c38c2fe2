package notify

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/baken-cert/baken/internal/event"
	"github.com/baken-cert/baken/internal/store"
)

// Job kinds of this package.
const (
	KindDecide  = "notify.decide"  // decide on the events stored since the last run
	KindCompose = "notify.compose" // compose the notifications of the windows that ended
	KindPublish = "taxii.publish"  // publish what left for organisations (deliver.Publisher)
)

// Service decides and composes notifications.
type Service struct {
	store     store.Store
	log       *slog.Logger
	now       func() time.Time
	composer  Composer
	composing sync.Mutex
}

// New returns the notification service; composer renders and builds the messages.
func New(s store.Store, log *slog.Logger, composer Composer) *Service {
	return &Service{store: s, log: log, now: time.Now, composer: composer}
}

// composeArgs are the arguments of a compose job: the window whose end it composes.
type composeArgs struct {
	WindowEnd time.Time `json:"window_end"`
}

// decideBatch is how many events one decision transaction covers.
const decideBatch = 500

// ingestionTimeout is how long an ingestion may run before its undecided events are
// taken for those of an ingestion that died, and decided without waiting for it.
const ingestionTimeout = 30 * time.Minute

// Decide decides on every undecided event: who is told (the first-ranked organisation,
// or else the network owner), under which rule, whether the repeat window lets it
// through, and in which aggregation window. It schedules the compose jobs in the same
// transaction, and returns how many items it made.
func (s *Service) Decide(ctx context.Context) (int, error) {
	rules, err := s.store.Rules(ctx)
	if err != nil {
		return 0, err
	}
	chosen, err := s.store.Aggregations(ctx)
	if err != nil {
		return 0, err
	}
	made := 0
	for {
		// The time of each batch, not of the run: a run that goes on while a composer
		// composes the windows that ended must not add to those windows afterwards
		// (the events of an ingestion that finished after the run began would make a
		// second e-mail of one window). A composer decides everything decidable before
		// it composes, so a file's findings still go out together.
		now := s.now().UTC()
		events, err := s.store.UndecidedEvents(ctx, decideBatch, now.Add(-ingestionTimeout))
		if err != nil || len(events) == 0 {
			return made, err
		}
		d, err := s.decideBatch(ctx, rules, chosen, events, now)
		if err != nil {
			return made, err
		}
		if err := s.store.SaveDecisions(ctx, d); errors.Is(err, store.ErrConflict) {
			continue // another decider took some of these events: read what is left
		} else if err != nil {
			return made, err
		}
		made += len(d.Items)
	}
}

// candidate is an event that a rule lets through, before the repeat window.
type candidate struct {
	item     store.ItemInput
	key      store.SquelchKey
	severity int
	repeat   time.Duration
}

func (s *Service) decideBatch(ctx context.Context, rules []store.Rule, chosen map[int64]string, events []store.PendingEvent, now time.Time) (store.Decisions, error) {
	d := store.Decisions{Now: now}
	var cands []candidate
	var keys []store.SquelchKey
	for _, e := range events {
		d.EventIDs = append(d.EventIDs, e.ID)
		c, ok := candidateOf(rules, chosen, e, now)
		if ok {
			cands = append(cands, c)
			keys = append(keys, c.key)
		}
	}
	last, err := s.store.SquelchStates(ctx, keys)
	if err != nil {
		return d, err
	}
	windows := map[composeArgs]bool{}
	for _, c := range cands {
		// A repeat window of 0 tells every time: also when another decider, whose run
		// started later, told the same system a moment "after" this run's now.
		if prev, ok := last[c.key]; ok && c.repeat > 0 && now.Sub(prev.LastAt) < c.repeat && c.severity <= prev.Severity {
			continue // told recently, and it did not get worse
		}
		state := store.SquelchState{LastAt: now, Severity: c.severity}
		last[c.key] = state
		d.Squelch = append(d.Squelch, store.SquelchUpdate{SquelchKey: c.key, SquelchState: state})
		d.Items = append(d.Items, c.item)
		windows[composeArgs{c.item.WindowEnd}] = true
	}
	for w := range windows {
		args, _ := json.Marshal(w)
		d.Jobs = append(d.Jobs, store.JobInput{Kind: KindCompose, Args: args, RunAt: w.WindowEnd,
			UniqueKey: KindCompose + "@" + w.WindowEnd.Format(time.RFC3339Nano)})
	}
	return d, nil
}

// candidateOf applies the rules to one event: who would be told, and under what key the
// repeat window counts it. ok is false when nobody is to be told.
func candidateOf(rules []store.Rule, chosen map[int64]string, e store.PendingEvent, now time.Time) (candidate, bool) {
	var who *store.StoredMatch
	for i := range e.Matches {
		m := &e.Matches[i]
		if m.OrgID != 0 || (who == nil && m.FallbackContact != "") {
			who = m
			if m.OrgID != 0 {
				break
			}
		}
	}
	if who == nil {
		return candidate{}, false
	}
	rule := Resolve(rules, e.FeedName, e.FeedKind, e.Classification)
	sev := SeverityRank(e.Severity)
	if rule.Action == ActionSuppress || (SeverityRank(rule.MinSeverity) > 0 && sev > 0 && sev < SeverityRank(rule.MinSeverity)) {
		return candidate{}, false
	}
	identifier := e.Classification.Identifier
	if identifier == "" {
		identifier = e.Classification.Type
	}
	// An organisation's own choice of aggregation wins over the rules' for what it is
	// told automatically; what an analyst reviews goes out when approved.
	if agg := chosen[who.OrgID]; agg != "" && rule.Action == ActionNotify {
		rule.Aggregation = agg
	}
	c := candidate{severity: sev, repeat: rule.Repeat}
	// A network owner is not who the source shared RED or AMBER+STRICT information with,
	// and its advice asks it to pass the notification on: an analyst decides.
	review := rule.Action == ActionReview || (who.OrgID == 0 && onlyForRecipient(e.TLP))
	c.item = store.ItemInput{EventID: e.ID, WindowEnd: WindowEnd(rule.Aggregation, now), Review: review}
	if who.OrgID != 0 {
		c.item.Recipient, c.item.OrgID = fmt.Sprintf("org:%d", who.OrgID), who.OrgID
		c.key = store.SquelchKey{Target: fmt.Sprintf("org:%d:%s", who.OrgID, e.Subject), Identifier: identifier}
	} else {
		c.item.Recipient, c.item.AbuseEmail = "abuse:"+who.FallbackContact, who.FallbackContact
		c.key = store.SquelchKey{Target: fmt.Sprintf("abuse:%s:%s", who.FallbackContact, e.Subject), Identifier: identifier}
	}
	return c, true
}

// onlyForRecipient tells whether a TLP 2.0 label forbids sharing beyond the organisation
// told: TLP:RED and TLP:AMBER+STRICT.
func onlyForRecipient(tlp string) bool {
	t, _ := event.ParseTLP(tlp)
	return t >= event.TLPAmberStrict
}

// DecideJob is the handler of KindDecide jobs.
func (s *Service) DecideJob(ctx context.Context, _ store.Job) error {
	n, err := s.Decide(ctx)
	if n > 0 {
		s.log.Info("events decided", "items", n)
	}
	return err
}
