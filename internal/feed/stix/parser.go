// Package stix reads STIX 2.1 content: a bundle, a bare array of objects, or a single
// object, and turns what names a system into events.
//
//   - An indicator whose pattern is a comparison, or an OR of comparisons, of the value
//     of an ipv4-addr, ipv6-addr, domain-name, url or email-addr (with =, IN, or
//     ISSUBSET for addresses) gives one event per value: an address is source.ip, a
//     CIDR prefix source.network, a domain source.fqdn, a URL source.url and an e-mail
//     address source.account. The classification comes from indicator_types (see
//     indicatorClasses), else from Options; time.source from valid_from, else created.
//   - An observed-data gives one event per observable of those types, found in its
//     (deprecated) "objects" dictionary or through object_refs; time.source is
//     first_observed.
//
// What gives no event (an AND, a qualifier, another object type or operator, a
// revoked or benign indicator) is counted in Skipped and SkippedReasons, and is not
// an error. A well-known TLP marking (TLP 1.0 or 2.0) sets tlp.
//
// Memory: a bundle's "objects" are streamed one object at a time, but the parser keeps
// every ipv4-addr, ipv6-addr, domain-name, url and email-addr object of the bundle (its
// id, type and value), so that object_refs can be resolved; an observed-data whose refs
// come later in the bundle waits until its end.
package stix

import (
	"errors"
	"fmt"
	"io"
	"maps"

	"github.com/baken-cert/baken/internal/event"
	"github.com/baken-cert/baken/internal/feed"
)

// Options configure a Parser.
type Options struct {
	FeedName     string // feed.name
	FeedProvider string // feed.provider
	// Classification is that of observed-data and of indicators whose
	// indicator_types have none.
	Classification event.Classification
	// OverrideClassification uses Classification for indicators too, whatever their
	// indicator_types say.
	OverrideClassification bool
	// TLP is the tlp of objects without a TLP marking.
	TLP string
}

// Parser reads STIX content. It implements feed.Parser.
//
// A row is one value of an object, and Line is the 1-based number of that object in
// the bundle (or array, or file): an indicator with three values gives three rows
// with the same Line, and a *feed.RowError names the object by that number too. Rows
// of an observed-data that waited for its object_refs come at the end.
type Parser struct {
	w       *walker
	opts    Options
	base    event.Event
	obj     object
	queue   []item // the rows of the current object
	qi      int    // the next row in queue
	cur     item
	valid   bool
	scos    map[string]observable // id -> SCO of a supported type
	waiting []waitingRef
	skipped map[string]int
	nskip   int
	ended   bool  // the input was read to the end and waiting refs resolved
	err     error // sticky
}

// item is one row: an event, or a rejected value.
type item struct {
	line    int
	ev      event.Event
	subject event.Subject
	err     *feed.RowError
}

// waitingRef is an object_ref of an observed-data that was not in the bundle yet.
type waitingRef struct {
	line int
	base *event.Event
	ref  string
}

var _ feed.Parser = (*Parser)(nil)

// NewParser returns a parser for the STIX content in r. Nothing is read yet.
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
			return nil, fmt.Errorf("stix: options: %w", err)
		}
	}
	return &Parser{w: newWalker(r), opts: opts, base: base,
		scos: make(map[string]observable), skipped: make(map[string]int)}, nil
}

// Line returns the number of the object the current row comes from.
func (p *Parser) Line() int { return p.cur.line }

// Subject returns what the current row names.
func (p *Parser) Subject() event.Subject { return p.cur.subject }

// Event returns the current row's event.
func (p *Parser) Event() (event.Event, error) {
	if !p.valid {
		return event.Event{}, feed.Rejectf(max(p.cur.line, 1), "no current row: Next did not succeed")
	}
	e := p.cur.ev
	e.Fields = maps.Clone(e.Fields)
	return e, nil
}

// Skipped returns how many indicators, pattern alternatives and observables gave no
// event so far.
func (p *Parser) Skipped() int { return p.nskip }

// SkippedReasons returns how many were skipped so far, by reason (the Reason*
// constants).
func (p *Parser) SkippedReasons() map[string]int { return maps.Clone(p.skipped) }

// Next advances to the next row: see feed.Parser.
func (p *Parser) Next() error {
	p.valid = false
	for {
		if p.qi < len(p.queue) {
			p.cur, p.queue[p.qi] = p.queue[p.qi], item{}
			p.qi++
			if p.cur.err != nil {
				return p.cur.err
			}
			p.valid = true
			return nil
		}
		p.queue, p.qi = p.queue[:0], 0
		switch {
		case p.err != nil:
			return p.err
		case p.ended:
			return io.EOF
		}
		err := p.w.next(&p.obj)
		var re *rowError
		switch {
		case errors.Is(err, io.EOF):
			p.resolveWaiting()
			p.ended = true
		case errors.As(err, &re):
			p.reject(p.w.n, "object %d: %v", p.w.n, re.err)
		case err != nil:
			p.err = fmt.Errorf("stix: %w", err)
		default:
			p.object(&p.obj, p.w.n)
		}
	}
}

// object turns one STIX object into rows, or remembers it for object_refs.
func (p *Parser) object(o *object, line int) {
	switch {
	case o.Type == "indicator":
		p.indicator(o, line)
	case o.Type == "observed-data":
		p.observedData(o, line)
	case supported[o.Type] && o.ID != "" && o.Value != "":
		p.scos[o.ID] = observable{Type: o.Type, Value: o.Value}
	}
}

func (p *Parser) skip(reason string) {
	p.skipped[reason]++
	p.nskip++
}

func (p *Parser) reject(line int, format string, args ...any) {
	p.queue = append(p.queue, item{line: line, err: feed.Rejectf(line, format, args...)})
}

// emit queues the event for a value of objType, or a row error when the value is bad.
func (p *Parser) emit(line int, base *event.Event, id, objType, value string) {
	e := withFields(base)
	if err := setValue(&e, objType, value); err != nil {
		p.reject(line, "%s: %v", id, err)
		return
	}
	p.queue = append(p.queue, item{line: line, ev: e, subject: e.Subject()})
}
