// Package message renders one notification: the e-mail that tells one recipient
// which of its systems threat information names, and what to do about it.
//
// Render is pure: it takes everything it needs in Data (the events, the ticket, the
// links for verification and feedback) and returns the subject, a plain-text and an
// HTML body with the same content, and CSV and JSON attachments. Advice gives the
// course of action for a classification on its own, for use elsewhere (the portal).
//
// Messages are written in Dutch or English for a small business owner: plain, calm and
// concrete. Whatever the events carry, no output holds the raw feed line or any field
// named like a password or a hash.
package message

import (
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/baken-cert/baken/internal/event"
)

// Language is the language of a message.
type Language string

// The languages a message can be written in.
const (
	Dutch   Language = "nl"
	English Language = "en"
)

// ParseLanguage reads a language tag such as "nl", "NL" or "en-GB"; ok is false for
// a language Baken does not write.
func ParseLanguage(tag string) (lang Language, ok bool) {
	base, _, _ := strings.Cut(strings.ToLower(strings.TrimSpace(tag)), "-")
	switch Language(base) {
	case Dutch:
		return Dutch, true
	case English:
		return English, true
	}
	return "", false
}

// Data is everything one notification says.
type Data struct {
	Ticket     string   // the ticket number, e.g. "20261122-00000042"
	Language   Language // Dutch or English
	SenderName string   // the CERT, e.g. "Digital Trust Center"
	// SubjectTag is the sender's short name in the subject ("DTC"); when empty it is
	// made of the initials of SenderName's capitalised words.
	SubjectTag string
	SenderURL  string // the sender's site; relative links below are resolved against it

	OrgName string // the organisation told; "" for a network owner
	// NetworkOwner is true when the recipient is told as the network owner (abuse
	// contact) of the addresses, not as their user: it is asked to forward the message.
	NetworkOwner bool

	// Events are the observations this notification is about, at least one, possibly
	// of several classifications, in the order the caller wants them shown.
	Events []event.Event
	// Matched is, per event in the order of Events, the registered asset of the
	// organisation that matched it, as people write it ("192.0.2.0/24", "AS64496");
	// "" or missing when unknown. A network owner's messages say so instead.
	Matched []string
	// Kind is how the source delivers the events: "periodic" (regular scans and
	// lists) or "incidental" (an incident); "" says nothing of it.
	Kind string

	// Advice optionally replaces the advice of the table, keyed by
	// classification.identifier or classification.type (the more specific wins), or
	// "" for every classification. In the text, lines starting with "- " or "* " are
	// steps and the rest is the explanation.
	Advice map[string]string

	PortalURL  string // the notification in the portal (after login, the link lands there)
	VerifyURL  string // the public page that confirms the ticket is genuine
	VerifyCode string // the short code to type on that page
	// FeedbackURLs are the one-click feedback links by kind: "useful", "not-useful",
	// "false-positive" and "resolved". Other kinds are ignored.
	FeedbackURLs map[string]string
	// TLP is the Traffic Light Protocol label of the message: CLEAR, GREEN, AMBER,
	// AMBER+STRICT or RED. When empty, the strictest label of the events is used.
	TLP string

	// CSV and JSON, when not nil, are the attachments (Attachments of Events and
	// Matched), made once for several messages.
	CSV, JSON []byte

	// Sections, when not nil, keeps what messages share rendered once, for the next
	// messages that share it.
	Sections *Sections
}

// Rendered is a notification ready to be sent.
type Rendered struct {
	Subject  string // one line, no control characters
	Text     string // the text/plain body
	HTML     string // the text/html body, with the same content
	CSV      []byte // the events as a CSV attachment
	JSON     []byte // the events as a JSON attachment: an array of IntelMQ field maps
	CSVName  string // the attachment's file name, e.g. "melding-20261122-00000042.csv"
	JSONName string
}

// Render writes the notification d describes.
func Render(d Data) (Rendered, error) {
	links, err := check(&d)
	if err != nil {
		return Rendered{}, err
	}
	v := newView(d, links)
	advice, err := d.Sections.advice(v.Courses)
	if err != nil {
		return Rendered{}, err
	}
	v.AdviceText, v.AdviceHTML = advice.text, advice.html
	var r Rendered
	r.Subject = v.Subject
	if r.Text, err = renderText(v); err != nil {
		return Rendered{}, err
	}
	if r.HTML, err = renderHTML(v); err != nil {
		return Rendered{}, err
	}
	r.CSV, r.JSON = d.CSV, d.JSON
	if r.CSV == nil || r.JSON == nil {
		if r.CSV, r.JSON, err = Attachments(d.Events, d.Matched); err != nil {
			return Rendered{}, err
		}
	}
	base := fileLabel.in(d.Language) + "-" + fileSafe(d.Ticket)
	r.CSVName, r.JSONName = base+".csv", base+".json"
	return r, nil
}

var fileLabel = text{"melding", "notification"}

// Attachments returns the CSV and JSON attachments of events, whose registered assets
// are matched (see Data).
func Attachments(events []event.Event, matched []string) (csv, json []byte, err error) {
	if csv, err = eventsCSV(events, matched); err != nil {
		return nil, nil, err
	}
	if json, err = eventsJSON(events); err != nil {
		return nil, nil, err
	}
	return csv, json, nil
}

// resolvedLinks are Data's links, made absolute.
type resolvedLinks struct {
	sender, verify, portal string
	feedback               map[string]string
}

// check reports what makes d unusable, and resolves its links.
func check(d *Data) (resolvedLinks, error) {
	var errs []error
	if strings.TrimSpace(d.Ticket) == "" || clean(d.Ticket) != d.Ticket {
		errs = append(errs, fmt.Errorf("ticket %q: empty or with control characters", d.Ticket))
	}
	if d.Language != Dutch && d.Language != English {
		errs = append(errs, fmt.Errorf("language %q: want %q or %q", d.Language, Dutch, English))
	}
	if clean(d.SenderName) == "" {
		errs = append(errs, errors.New("no sender name"))
	}
	if len(d.Events) == 0 {
		errs = append(errs, errors.New("no events"))
	}
	var l resolvedLinks
	var err error
	if l.sender, err = absolute(nil, d.SenderURL); err != nil {
		errs = append(errs, fmt.Errorf("sender URL: %w", err))
	}
	base, _ := url.Parse(l.sender)
	if l.verify, err = absolute(base, d.VerifyURL); err != nil {
		errs = append(errs, fmt.Errorf("verify URL: %w", err))
	}
	if l.portal, err = absolute(base, d.PortalURL); err != nil {
		errs = append(errs, fmt.Errorf("portal URL: %w", err))
	}
	l.feedback = make(map[string]string, len(d.FeedbackURLs))
	for kind, raw := range d.FeedbackURLs {
		if l.feedback[kind], err = absolute(base, raw); err != nil {
			errs = append(errs, fmt.Errorf("feedback URL %q: %w", kind, err))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return resolvedLinks{}, fmt.Errorf("message: %w", err)
	}
	return l, nil
}

// absolute resolves raw against base and requires an http or https URL; "" stays "".
func absolute(base *url.URL, raw string) (string, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return "", nil
	}
	u, err := url.Parse(raw)
	if err != nil {
		return "", err
	}
	if base != nil {
		u = base.ResolveReference(u)
	}
	if (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return "", fmt.Errorf("%q is not an absolute http(s) URL", raw)
	}
	return u.String(), nil
}

// fileSafe keeps the letters, digits, '-' and '_' of s, for a file name.
func fileSafe(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_':
			return r
		}
		return -1
	}, s)
}
