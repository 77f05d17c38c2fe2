// Package stix turns one notification into STIX 2.1 objects, for the TAXII server and for
// exports: a published report about the recipient's findings and everything it refers to,
// plus the TLP 2.0 marking definitions and the CERT's identity that every collection needs.
//
// The package is pure: no database, no network. Objects is deterministic: the same
// notification gives the same objects, byte for byte, so that publishing again changes
// nothing. Ids are UUIDv5 under Baken's own namespace, over the notification's key for what
// the notification says and over a party's key for identities; a later version of a
// notification (a later Modified) keeps the ids and carries a later "modified".
//
// Only the fields a finding is named by reach the output: never the raw feed line, nor any
// "extra.*" field, so that nothing a feed put beside an address (a password, a hash) leaks.
package stix

import (
	"errors"
	"fmt"
	"time"

	"github.com/baken-cert/baken/internal/event"
)

// Notification is what the objects are made of.
type Notification struct {
	Key      string    // stable key of the notification (its ticket), for UUIDv5 ids
	Ticket   string    // the ticket number people quote
	Created  time.Time // first published
	Modified time.Time // this version
	CERT     Party     // the producer
	Org      Party     // the recipient organisation
	Kind     string    // "periodic" or "incidental"
	Feed     string    // the feed's name / provider
	TLP      event.TLP // the notification's TLP; zero means TLP:AMBER+STRICT
	Events   []event.Event
	Advice   []Advice // one per language
	Feedback []Feedback
}

// Party is the CERT or an organisation. Key is stable (e.g. "cert" or the org ref): it
// makes the identity's id; Name is what people read, the Key when empty.
type Party struct{ Key, Name string }

// Advice is the advice of the notification in one language (Lang "nl" or "en").
type Advice struct{ Lang, Title, Text string }

// Feedback is what the organisation said of the notification, and when: Kind is one of
// "useful", "not-useful", "false-positive" and "resolved".
type Feedback struct {
	Kind string
	At   time.Time
}

// Object is one STIX object, as stored and served by TAXII.
type Object struct {
	ID   string // "type--uuid"
	Type string
	// Modified is the version: the object's "modified", or for objects without one its
	// "created" (marking definitions), or else the notification's Modified (observables).
	Modified time.Time
	JSON     []byte // the object, serialised: sorted keys, no insignificant space
}

// Objects returns the STIX 2.1 objects of n: a published report and everything it refers to,
// plus the marking definitions and identities that every collection needs. The objects are
// sorted by kind and id. An error says what makes n unusable; no event content does: a
// value STIX cannot hold (a host name with an underscore, say) is left out.
func Objects(n Notification) ([]Object, error) {
	if err := check(n); err != nil {
		return nil, err
	}
	b := newBuilder(n)
	b.build()
	return b.objects()
}

// earliest and latest bound the timestamps STIX can write (four-digit years).
var (
	earliest = time.Date(0, 1, 1, 0, 0, 0, 0, time.UTC)
	latest   = time.Date(9999, 12, 31, 23, 59, 59, 999e6, time.UTC)
)

// inRange tells whether t is set and can be written as a STIX timestamp.
func inRange(t time.Time) bool {
	return !t.IsZero() && !t.Before(earliest) && !t.After(latest)
}

// check reports what makes n unusable.
func check(n Notification) error {
	var errs []error
	if n.Key == "" {
		errs = append(errs, errors.New("no key"))
	}
	if n.CERT.Key == "" || n.Org.Key == "" {
		errs = append(errs, errors.New("the CERT and the organisation need a key"))
	}
	if !inRange(n.Created) || !inRange(n.Modified) {
		errs = append(errs, fmt.Errorf("created %v, modified %v: want both set, with four-digit years", n.Created, n.Modified))
	} else if stamp(n.Modified).Before(stamp(n.Created)) {
		errs = append(errs, fmt.Errorf("modified %v is before created %v", n.Modified, n.Created))
	}
	if n.TLP > event.TLPRed {
		errs = append(errs, fmt.Errorf("TLP %d: unknown", n.TLP))
	}
	for i, a := range n.Advice {
		if a.Lang == "" {
			errs = append(errs, fmt.Errorf("advice %d: no language", i))
		}
	}
	for i, f := range n.Feedback {
		if _, ok := opinions[f.Kind]; !ok {
			errs = append(errs, fmt.Errorf("feedback %d: kind %q: want useful, not-useful, false-positive or resolved", i, f.Kind))
		}
		if !inRange(f.At) {
			errs = append(errs, fmt.Errorf("feedback %d: time %v: want one set, with a four-digit year", i, f.At))
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("stix: notification %q: %w", n.Key, errors.Join(errs...))
	}
	return nil
}

// stamp is t as STIX keeps it: UTC, to the millisecond.
func stamp(t time.Time) time.Time { return t.UTC().Truncate(time.Millisecond) }

// timestamp writes t as STIX does, always with milliseconds.
func timestamp(t time.Time) string { return stamp(t).Format("2006-01-02T15:04:05.000Z") }
