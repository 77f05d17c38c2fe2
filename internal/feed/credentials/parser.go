// Package credentials reads lists of leaked credentials and keeps only the e-mail
// addresses: one event per address, for the organisation that owns its domain.
//
// A list has one address per line, optionally followed by more columns separated by
// ',', ';', ':' or a tab ("alice@example.nl:secret", "bob@example.nl;5baa61e4..."),
// or is a CSV file whose header names the address column (email, e-mail, mail,
// username or account). Passwords, hashes and every other column are dropped as the
// line is read: they never reach an Event, its Fields or Raw, nor a RowError. Blank
// lines and lines starting with '#' are skipped. An address is kept in lower case,
// its domain in IDNA A-labels; one whose domain could not be registered (a single
// label, an IP address) is a *feed.RowError.
//
// A Parser streams: it holds one line at a time (at most MaxLine bytes).
package credentials

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/baken-cert/baken/internal/event"
	"github.com/baken-cert/baken/internal/feed"
)

// The classification of leaked credentials, unless Options say otherwise.
const (
	DefaultTaxonomy   = "information-content-security"
	DefaultType       = "data-leak"
	DefaultIdentifier = "leaked-credentials"
)

// Options configure a Parser.
type Options struct {
	FeedName     string // feed.name
	FeedProvider string // feed.provider
	// Classification overrides DefaultTaxonomy, DefaultType and DefaultIdentifier,
	// field by field when not empty.
	Classification event.Classification
	TLP            string    // tlp
	TimeSource     time.Time // time.source of every event, such as when the leak was found; zero for none
}

// MaxLine is the longest line a Parser reads; a longer one is a *feed.RowError, and the
// parse goes on at the next line.
const MaxLine = 1 << 20

// Parser reads one list of leaked credentials. It implements feed.Parser.
type Parser struct {
	lr      *feed.LineReader
	base    event.Event
	layout  layout
	started bool // the first line that is not blank or a comment was read
	ev      event.Event
	valid   bool
	err     error // sticky: the stream cannot be read further
}

var _ feed.Parser = (*Parser)(nil)

// NewParser returns a parser for the list in r. Nothing is read yet.
func NewParser(r io.Reader, opts Options) (*Parser, error) {
	class := event.Classification{Taxonomy: DefaultTaxonomy, Type: DefaultType, Identifier: DefaultIdentifier}
	if c := opts.Classification; c.Taxonomy != "" {
		class.Taxonomy = c.Taxonomy
	}
	if c := opts.Classification; c.Type != "" {
		class.Type = c.Type
	}
	if c := opts.Classification; c.Identifier != "" {
		class.Identifier = c.Identifier
	}
	base := event.Event{FeedName: opts.FeedName, FeedProvider: opts.FeedProvider, Classification: class}
	if err := base.Set("tlp", opts.TLP); err != nil {
		return nil, fmt.Errorf("credentials: options: %w", err)
	}
	if !opts.TimeSource.IsZero() {
		base.TimeSource = opts.TimeSource.UTC()
	}
	return &Parser{lr: feed.NewLineReader(r, MaxLine), base: base}, nil
}

// Line returns the number of the current line.
func (p *Parser) Line() int { return p.lr.Line() }

// Subject returns the current address's domain (EmailDomain).
func (p *Parser) Subject() event.Subject { return p.ev.Subject() }

// Event returns the event for the current address: source.account and the Options.
func (p *Parser) Event() (event.Event, error) {
	if !p.valid {
		return event.Event{}, feed.Rejectf(max(p.lr.Line(), 1), "no current row: Next did not succeed")
	}
	return p.ev, nil
}

// Next advances to the next address: see feed.Parser. A line whose address column
// holds no valid e-mail address is a *feed.RowError; its reason quotes nothing of
// the line, which may hold a password.
func (p *Parser) Next() error {
	p.ev, p.valid = event.Event{}, false
	if p.err != nil {
		return p.err
	}
	for {
		raw, tooLong, err := p.lr.Next()
		switch {
		case errors.Is(err, io.EOF):
			return io.EOF
		case err != nil:
			p.err = fmt.Errorf("credentials: after line %d: %w", p.lr.Line(), err)
			return p.err
		case tooLong:
			return feed.Rejectf(p.lr.Line(), "the line is longer than %d bytes", MaxLine)
		}
		line := string(bytes.TrimSpace(raw))
		if line == "" || line[0] == '#' {
			continue
		}
		if !p.started {
			p.started = true
			if l, ok := findHeader(line); ok {
				p.layout = l
				continue
			}
		}
		addr, ok := normaliseEmail(p.layout.field(line))
		if !ok {
			return feed.Rejectf(p.lr.Line(), "no valid e-mail address in column %d", p.layout.column+1)
		}
		p.ev = p.base
		p.ev.Source.Account = addr
		p.valid = true
		return nil
	}
}
