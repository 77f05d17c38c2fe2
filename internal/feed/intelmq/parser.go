// Package intelmq reads IntelMQ events written as JSON Lines: one JSON object per
// line, keyed by IntelMQ field names ("source.ip", "classification.type", ...), as
// IntelMQ's file output and its API write them. The nested form that IntelMQ can also
// write ({"source": {"ip": ...}}) is flattened to the same names.
//
// Every field goes through event.Event.Set, so IntelMQ output is read exactly as
// Baken's own fields are. IntelMQ writes "raw" in base64; it is decoded when it is
// valid base64 of UTF-8 text.
//
// A Parser streams: it holds one line at a time (at most MaxLine bytes).
package intelmq

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"unicode/utf8"

	"github.com/baken-cert/baken/internal/event"
	"github.com/baken-cert/baken/internal/feed"
)

// Options fill in what the events leave out: a field an event has wins.
type Options struct {
	FeedName       string               // feed.name
	FeedProvider   string               // feed.provider
	Classification event.Classification // classification.*, field by field when not empty
	TLP            string               // tlp
}

// subjectKeys are the fields of event.Subject: Next checks them.
var subjectKeys = map[string]bool{
	"source.ip": true, "source.network": true, "source.asn": true,
	"source.fqdn": true, "source.url": true, "source.account": true,
}

// MaxLine is the longest line a Parser reads; a longer one is a *feed.RowError, and the
// parse goes on at the next line.
const MaxLine = 1 << 20

// Parser reads one file of IntelMQ events. It implements feed.Parser.
//
// Next decodes a line and checks the fields that make the Subject; Event sets the
// rest. A line that is not a JSON object, or a field that does not parse, is a
// *feed.RowError with the line's number. Blank lines are skipped.
type Parser struct {
	lr      *feed.LineReader
	base    event.Event // the Options applied
	pairs   []pair      // the current line's fields
	subject event.Subject
	valid   bool  // Next succeeded: there is a current row
	err     error // sticky: the stream cannot be read further
}

var _ feed.Parser = (*Parser)(nil)

// NewParser returns a parser for the events in r. Nothing is read yet; it fails only
// when the Options do not go through event.Event.Set.
func NewParser(r io.Reader, opts Options) (*Parser, error) {
	var base event.Event
	for _, kv := range [][2]string{
		{"feed.name", opts.FeedName}, {"feed.provider", opts.FeedProvider},
		{"classification.taxonomy", opts.Classification.Taxonomy},
		{"classification.type", opts.Classification.Type},
		{"classification.identifier", opts.Classification.Identifier},
		{"tlp", opts.TLP},
	} {
		if err := base.Set(kv[0], kv[1]); err != nil {
			return nil, fmt.Errorf("intelmq: options: %w", err)
		}
	}
	return &Parser{lr: feed.NewLineReader(r, MaxLine), base: base}, nil
}

// Line returns the number of the current line.
func (p *Parser) Line() int { return p.lr.Line() }

// Subject returns what the current line names.
func (p *Parser) Subject() event.Subject { return p.subject }

// Next advances to the next event: see feed.Parser.
func (p *Parser) Next() error {
	p.subject, p.valid = event.Subject{}, false
	if p.err != nil {
		return p.err
	}
	for {
		line, tooLong, err := p.lr.Next()
		switch {
		case errors.Is(err, io.EOF):
			return io.EOF
		case err != nil:
			p.err = fmt.Errorf("intelmq: after line %d: %w", p.lr.Line(), err)
			return p.err
		case tooLong:
			return feed.Rejectf(p.lr.Line(), "the line is longer than %d bytes", MaxLine)
		case len(bytes.TrimSpace(line)) == 0:
			continue
		}
		if p.pairs, err = decode(line, p.pairs[:0]); err != nil {
			return feed.Rejectf(p.lr.Line(), "%v", err)
		}
		var e event.Event
		for _, f := range p.pairs {
			if subjectKeys[f.key] {
				if err := e.Set(f.key, f.value); err != nil {
					return feed.Rejectf(p.lr.Line(), "%v", err)
				}
			}
		}
		p.subject, p.valid = e.Subject(), true
		return nil
	}
}

// Event converts the current line: the Options, then every field of the line.
func (p *Parser) Event() (event.Event, error) {
	if !p.valid {
		return event.Event{}, feed.Rejectf(max(p.lr.Line(), 1), "no current row: Next did not succeed")
	}
	e := p.base
	for _, f := range p.pairs {
		v := f.value
		if f.key == "raw" {
			v = decodeRaw(v)
		}
		if err := e.Set(f.key, v); err != nil {
			return event.Event{}, feed.Rejectf(p.lr.Line(), "%v", err)
		}
	}
	return e, nil
}

// decodeRaw returns IntelMQ's base64 "raw" as text, or v itself when it is not
// base64 of UTF-8 text.
func decodeRaw(v string) string {
	b, err := base64.StdEncoding.DecodeString(v)
	if err != nil || !utf8.Valid(b) {
		return v
	}
	return string(b)
}
