// Package csvfeed reads generic CSV feeds: any delimited text file whose columns a
// Mapping assigns to IntelMQ fields. Columns the mapping does not name are kept as
// "extra.<column>".
//
// A Parser streams: it holds one row at a time, whatever the size of the file.
package csvfeed

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/baken-cert/baken/internal/event"
	"github.com/baken-cert/baken/internal/feed"
)

// Parser reads one CSV feed file. It implements feed.Parser.
//
// Next checks the number of fields and the columns that make the Subject (source.ip,
// source.network, source.asn, source.fqdn, source.url, source.account); Event converts
// the rest. Both report what is wrong with a row as a *feed.RowError.
type Parser struct {
	cr    *csv.Reader
	lim   *limiter
	plan  *plan // nil for an empty file
	row   []string
	line  int
	valid bool // Next succeeded: there is a current row
	eof   bool
	err   error // sticky: the stream cannot be read further

	subject event.Subject
}

var _ feed.Parser = (*Parser)(nil)

// NewParser reads the header (unless opts.NoHeader), checks opts.Mapping against it
// and returns a parser for the rows. A mapped column that is missing, or a constant
// that does not parse, is an error here. A file without even a header gives a parser
// whose Next returns io.EOF.
func NewParser(r io.Reader, opts Options) (*Parser, error) {
	if len(opts.Mapping) == 0 {
		return nil, errors.New("csv: the mapping is empty: map at least one field to a column")
	}
	lim := &limiter{r: r}
	cr := csv.NewReader(lim)
	cr.Comma = ','
	if opts.Delimiter != 0 {
		cr.Comma = opts.Delimiter
	}
	cr.Comment = opts.Comment
	cr.FieldsPerRecord = -1 // Next checks the count, to say more than csv does
	cr.ReuseRecord = true
	p := &Parser{cr: cr, lim: lim}

	var header []string
	if !opts.NoHeader {
		rec, err := cr.Read()
		switch {
		case errors.Is(err, io.EOF):
			p.eof = true
			if _, err := baseEvent(&opts); err != nil { // still check the constants
				return nil, fmt.Errorf("csv: %w", err)
			}
			return p, nil
		case err != nil:
			return nil, fmt.Errorf("csv: header: %w", err)
		}
		header = headerNames(rec)
	}
	pl, err := compile(&opts, header)
	if err != nil {
		return nil, fmt.Errorf("csv: %w", err)
	}
	p.plan = pl
	return p, nil
}

// headerNames trims the header's names, drops a byte order mark and names empty
// columns by their position.
func headerNames(rec []string) []string {
	out := make([]string, len(rec))
	for i, h := range rec {
		if i == 0 {
			h = strings.TrimPrefix(h, "\ufeff")
		}
		h = strings.TrimSpace(h)
		if h == "" {
			h = strconv.Itoa(i + 1)
		}
		out[i] = h
	}
	return out
}

// Header returns the column names: from the header line, or positions ("1", "2", ...)
// for a file without one (as many as the current row has). Nil for an empty file.
func (p *Parser) Header() []string {
	if p.plan == nil {
		return nil
	}
	if p.plan.header != nil {
		return p.plan.header
	}
	h := make([]string, len(p.row))
	for i := range h {
		h[i] = strconv.Itoa(i + 1)
	}
	return h
}

// Line returns the line on which the current row starts; with a header, the header is
// line 1.
func (p *Parser) Line() int { return p.line }

// Subject returns what the current row names.
func (p *Parser) Subject() event.Subject { return p.subject }

// Next advances to the next row: see feed.Parser.
func (p *Parser) Next() error {
	p.subject, p.valid, p.row = event.Subject{}, false, nil
	if p.err != nil {
		return p.err
	}
	if p.eof {
		return io.EOF
	}
	p.lim.reset()
	rec, err := p.cr.Read()
	var pe *csv.ParseError
	switch {
	case errors.Is(err, io.EOF):
		p.eof = true
		return io.EOF
	case errors.As(err, &pe):
		p.line = pe.StartLine
		return feed.Rejectf(pe.StartLine, "%s", parseReason(pe))
	case err != nil:
		p.err = fmt.Errorf("csv: after line %d: %w", p.line, err)
		return p.err
	}
	p.line, _ = p.cr.FieldPos(0)
	pl := p.plan
	switch {
	case pl.ncols > 0 && len(rec) != pl.ncols:
		return feed.Rejectf(p.line, "the row has %s, the header %d columns", plural(len(rec)), pl.ncols)
	case len(rec) < pl.minCols:
		return feed.Rejectf(p.line, "the row has %s, too few to reach mapped column %d", plural(len(rec)), pl.minCols)
	}
	p.row = rec
	e := event.Event{Source: pl.base.Source}
	if err := p.apply(&e, pl.subject); err != nil {
		return err
	}
	p.subject, p.valid = e.Subject(), true
	return nil
}

// Event converts the current row: the Options, the Constants, the mapped columns, and
// every other non-empty column as "extra.<column>".
func (p *Parser) Event() (event.Event, error) {
	if !p.valid {
		return event.Event{}, feed.Rejectf(max(p.line, 1), "no current row: Next did not succeed")
	}
	pl := p.plan
	e := pl.base
	e.Vulnerabilities = slices.Clone(pl.base.Vulnerabilities)
	e.Fields = make(map[string]string, len(p.row)+len(pl.base.Fields))
	maps.Copy(e.Fields, pl.base.Fields)
	if err := p.apply(&e, pl.subject); err != nil {
		return event.Event{}, err
	}
	if err := p.apply(&e, pl.rest); err != nil {
		return event.Event{}, err
	}
	for i, v := range p.row {
		key := ""
		switch {
		case pl.extras != nil:
			key = pl.extras[i]
		case !pl.isMapped(i):
			key = "extra." + strconv.Itoa(i+1)
		}
		if key != "" && v != "" {
			e.Fields[key] = v
		}
	}
	return e, nil
}

// apply sets the mapped columns cols of the current row on e.
func (p *Parser) apply(e *event.Event, cols []column) error {
	for _, c := range cols {
		v := strings.TrimSpace(p.row[c.index])
		if v == "" {
			continue
		}
		if c.time {
			t, err := parseTime(p.plan.layout, v)
			if err != nil {
				return feed.Rejectf(p.line, "column %q: %s: %v", c.name, c.field, err)
			}
			v = t
		}
		if err := e.Set(c.field, v); err != nil {
			return feed.Rejectf(p.line, "column %q: %v", c.name, err)
		}
	}
	return nil
}

// isMapped reports whether column i (of a file without header) is mapped.
func (pl *plan) isMapped(i int) bool {
	for _, cols := range [][]column{pl.subject, pl.rest} {
		for _, c := range cols {
			if c.index == i {
				return true
			}
		}
	}
	return false
}

// parseReason says what encoding/csv found wrong, and where when the row spans lines.
func parseReason(pe *csv.ParseError) string {
	if pe.Line != pe.StartLine {
		return fmt.Sprintf("line %d, column %d: %v", pe.Line, pe.Column, pe.Err)
	}
	return fmt.Sprintf("character %d: %v", pe.Column, pe.Err)
}

func plural(n int) string {
	if n == 1 {
		return "1 field"
	}
	return fmt.Sprintf("%d fields", n)
}
