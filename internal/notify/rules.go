// Package notify decides what to tell whom, and composes the notifications: rules per
// feed and classification, the repeat window, aggregation per recipient, review by an
// analyst, tickets and rendering.
package notify

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/baken-cert/baken/internal/event"
	"github.com/baken-cert/baken/internal/store"
)

// Actions a rule may take.
const (
	ActionNotify   = "notify"   // tell the recipient automatically
	ActionReview   = "review"   // hold the notification until an analyst approves it
	ActionSuppress = "suppress" // tell nobody
)

// Aggregations: how long events wait to be told together.
const (
	Immediate = "immediate"
	Hourly    = "hourly"
	Daily     = "daily"
)

// Severities, from least to most severe.
var Severities = [...]string{"info", "low", "medium", "high", "critical"}

// SeverityRank orders severities: 1 for info to 5 for critical, 0 for none or unknown.
func SeverityRank(s string) int {
	return slices.Index(Severities[:], strings.ToLower(s)) + 1
}

// week is the default repeat window of periodic feeds.
const week = 7 * 24 * time.Hour

// DefaultRules are the rules per IntelMQ taxonomy that apply when no analyst's rule does.
func DefaultRules() []store.Rule {
	rule := func(taxonomy, action, aggregation string, repeat time.Duration) store.Rule {
		return store.Rule{Taxonomy: taxonomy, Action: action, Aggregation: aggregation, Repeat: repeat}
	}
	return []store.Rule{
		rule("abusive-content", ActionNotify, Daily, week),
		rule("malicious-code", ActionNotify, Immediate, week),
		rule("information-gathering", ActionNotify, Daily, week),
		rule("intrusion-attempts", ActionNotify, Daily, week),
		rule("intrusions", ActionNotify, Immediate, week),
		rule("availability", ActionNotify, Daily, week),
		rule("information-content-security", ActionNotify, Immediate, week),
		rule("fraud", ActionNotify, Immediate, week),
		rule("vulnerable", ActionNotify, Daily, week),
		rule("other", ActionNotify, Daily, week),
		rule("test", ActionSuppress, Immediate, 0),
	}
}

// Resolve returns the rule for an event of a feed: the most specific of rules whose
// scope fits (identifier before type before feed before taxonomy), else the default of
// its taxonomy. Incidental feeds are held for review unless a rule that names the feed
// or the identifier says otherwise, and are told at once, every time.
func Resolve(rules []store.Rule, feed, kind string, c event.Classification) store.Rule {
	best, score := store.Rule{}, -1
	for _, r := range rules {
		if s := fit(r, feed, c); s > score {
			best, score = r, s
		}
	}
	if score < 0 {
		best, score = defaultRule(c), 0
	}
	if kind == "incidental" && best.Action == ActionNotify && best.Feed == "" && best.Identifier == "" {
		best.Action, best.Aggregation, best.Repeat = ActionReview, Immediate, 0
	}
	return best
}

// fit scores how specifically r covers the event, or -1 when it does not.
func fit(r store.Rule, feed string, c event.Classification) int {
	score := 0
	for _, f := range []struct {
		want, have string
		weight     int
	}{{r.Identifier, c.Identifier, 8}, {r.Type, c.Type, 4}, {r.Feed, feed, 2}, {r.Taxonomy, c.Taxonomy, 1}} {
		switch {
		case f.want == "":
		case f.want == f.have:
			score += f.weight
		default:
			return -1
		}
	}
	return score
}

func defaultRule(c event.Classification) store.Rule {
	for _, r := range DefaultRules() {
		if r.Taxonomy == c.Taxonomy {
			return r
		}
	}
	return store.Rule{Action: ActionNotify, Aggregation: Daily, Repeat: week}
}

// CheckRule checks a rule an analyst wrote, with messages a person understands.
func CheckRule(r store.Rule) error {
	if !slices.Contains([]string{ActionNotify, ActionReview, ActionSuppress}, r.Action) {
		return fmt.Errorf("action %q: want notify, review or suppress", r.Action)
	}
	if !slices.Contains([]string{Immediate, Hourly, Daily}, r.Aggregation) {
		return fmt.Errorf("aggregation %q: want immediate, hourly or daily", r.Aggregation)
	}
	if r.MinSeverity != "" && SeverityRank(r.MinSeverity) == 0 {
		return fmt.Errorf("minimum severity %q: want one of %s", r.MinSeverity, strings.Join(Severities[:], ", "))
	}
	if r.Repeat < 0 {
		return fmt.Errorf("repeat window %s: want 0 or more", r.Repeat)
	}
	return nil
}

// DigestHour is the hour (UTC) at which daily digests go out.
const DigestHour = 7

// WindowEnd returns when the aggregation window that now falls in ends: now itself for
// immediate, the next full hour for hourly, the next 07:00 UTC for daily.
func WindowEnd(aggregation string, now time.Time) time.Time {
	now = now.UTC()
	switch aggregation {
	case Hourly:
		return now.Truncate(time.Hour).Add(time.Hour)
	case Daily:
		end := time.Date(now.Year(), now.Month(), now.Day(), DigestHour, 0, 0, 0, time.UTC)
		if !end.After(now) {
			end = end.AddDate(0, 0, 1)
		}
		return end
	}
	return now
}
