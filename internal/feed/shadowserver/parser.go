package shadowserver

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"net/netip"
	"strings"

	"github.com/baken-cert/baken/internal/event"
	"github.com/baken-cert/baken/internal/feed"
)

// Provider is the feed.provider of every event this package makes.
const Provider = "Shadowserver"

// Option changes how a Parser works.
type Option func(*options)

type options struct {
	raw        bool
	reportType string
}

// WithRaw keeps each row's CSV text in Event.Raw. It is off by default: most rows never
// become events, and the copy costs.
func WithRaw() Option { return func(o *options) { o.raw = true } }

// WithReportType sets the report type (or schema key) of files whose name does not say
// it: the feed's report_type option. A file named for another type is refused.
func WithReportType(name string) Option { return func(o *options) { o.reportType = name } }

// Parser reads one Shadowserver CSV report. It implements feed.Parser.
//
// Columns are found by their names in the header, never by position. A row may lack
// trailing optional columns (Shadowserver's own samples do; IntelMQ reads them as
// empty), but not a required one, and may not have more fields than the header.
type Parser struct {
	rs        *records
	plan      *plan // nil for an empty file
	raw       bool
	detection Detection

	subject  event.Subject
	valid    bool   // Next succeeded: there is a current row
	consumed []bool // per column, during Event: a mapping took the value
	eof      bool
	err      error // sticky: the stream cannot be read further
}

var _ feed.Parser = (*Parser)(nil)

// NewParser reads the header of a report and returns a parser for its rows. fileName is
// the report's file name (see DetectType); schema nil means Builtin(). An empty file gives
// a parser whose Next returns io.EOF.
func NewParser(r io.Reader, fileName string, schema *Schema, opts ...Option) (*Parser, error) {
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	if schema == nil {
		schema = Builtin()
	}
	p := &Parser{rs: newRecords(r), raw: o.raw}
	err := p.rs.next()
	var re *rowErr
	switch {
	case errors.Is(err, io.EOF):
		p.eof = true
		return p, nil
	case errors.As(err, &re):
		return nil, fmt.Errorf("shadowserver %s: header: %v", fileName, re)
	case err != nil:
		return nil, fmt.Errorf("shadowserver %s: %w", fileName, err)
	}
	p.rs.width = len(p.rs.fields)
	header := make([]string, len(p.rs.fields))
	for i, f := range p.rs.fields {
		header[i] = strings.TrimSpace(string(f))
	}

	if p.detection, err = schema.Detect(fileName, o.reportType, header); err != nil {
		return nil, fmt.Errorf("shadowserver %s: %w", fileName, err)
	}
	rep, _ := schema.Report(p.detection.Type)
	if p.plan, err = compile(rep, header); err != nil {
		return nil, fmt.Errorf("shadowserver %s: %w", fileName, err)
	}
	p.consumed = make([]bool, len(header))
	return p, nil
}

// Report returns the report type the parser reads, nil for an empty file.
func (p *Parser) Report() *Report {
	if p.plan == nil {
		return nil
	}
	return p.plan.report
}

// Detection returns the report type the parser reads and how it was found; the zero
// Detection for an empty file.
func (p *Parser) Detection() Detection { return p.detection }

// Header returns the column names of the file, nil for an empty file.
func (p *Parser) Header() []string {
	if p.plan == nil {
		return nil
	}
	return p.plan.header
}

// Line returns the line on which the current row starts; the header is line 1.
func (p *Parser) Line() int { return p.rs.line }

// Subject returns what the current row names: source.ip and source.asn, and
// source.fqdn, source.url and source.account for the reports that have them.
func (p *Parser) Subject() event.Subject { return p.subject }

// Next advances to the next row: see feed.Parser. It checks the number of fields and
// the values that matching needs; Event checks the rest.
func (p *Parser) Next() error {
	p.subject, p.valid = event.Subject{}, false
	if p.err != nil {
		return p.err
	}
	if p.eof {
		return io.EOF
	}
	if err := p.rs.next(); err != nil {
		return p.fail(err)
	}
	pl, n := p.plan, len(p.rs.fields)
	switch {
	case n > pl.ncols:
		return feed.Rejectf(p.rs.line, "the row has %s, the header %d columns", plural(n), pl.ncols)
	case n < pl.minCols:
		return feed.Rejectf(p.rs.line, "the row has %s, too few to reach column %s (the header has %d columns)",
			plural(n), pl.header[pl.minCols-1], pl.ncols)
	case n < pl.ncols && !p.rs.complete:
		return feed.Rejectf(p.rs.line, "the row has %s, the header %d columns, and the file ends there: truncated?",
			plural(n), pl.ncols)
	}
	if err := p.readSubject(); err != nil {
		return err
	}
	p.valid = true
	return nil
}

// fail turns an error of the record reader into what Next returns.
func (p *Parser) fail(err error) error {
	var re *rowErr
	switch {
	case errors.As(err, &re) && re.field > 0 && re.field <= len(p.plan.header):
		return feed.Rejectf(p.rs.line, "column %s: %s", p.plan.header[re.field-1], re.reason)
	case errors.As(err, &re):
		return feed.Rejectf(p.rs.line, "%v", re)
	case errors.Is(err, io.EOF):
		p.eof = true
		return io.EOF
	}
	p.err = fmt.Errorf("shadowserver: %w", err)
	return p.err
}

// readSubject fills p.subject. The addresses and AS numbers of most reports are read
// straight from the row's bytes, without allocating.
func (p *Parser) readSubject() error {
	pl, fields := p.plan, p.rs.fields
	if pl.ipCol >= 0 && pl.ipCol < len(fields) {
		if b := fields[pl.ipCol]; len(b) > 0 {
			ip, ok := fastIPv4(b)
			if !ok {
				var err error
				if ip, ok, err = parseIP(string(bytes.TrimSpace(b))); err != nil {
					if pl.ipRequired {
						return feed.Rejectf(p.rs.line, "column %s: %v", pl.header[pl.ipCol], err)
					}
					ok = false
				}
			}
			if ok {
				p.subject.IP = ip
			} else if n, err := netip.ParsePrefix(string(bytes.TrimSpace(b))); err == nil {
				p.subject.Network = n.Masked()
			}
		}
	}
	if pl.asnCol >= 0 && pl.asnCol < len(fields) {
		p.subject.ASN = parseASN(fields[pl.asnCol])
	}
	if len(pl.named) > 0 {
		p.subject = p.namedSubject()
	}
	return nil
}

// namedSubject adds the names of a row to its subject, through the same conversions
// Event uses, so that both agree.
func (p *Parser) namedSubject() event.Subject {
	e := event.Event{Source: event.Endpoint{IP: p.subject.IP, ASN: p.subject.ASN}}
	row := values{p.plan, p.rs.fields}
	for _, st := range p.plan.named {
		if st.col >= len(p.rs.fields) {
			continue
		}
		if out, ok, err := st.conv(string(p.rs.fields[st.col]), row); ok && err == nil {
			_ = e.Set(st.field, out)
		}
	}
	return e.Subject()
}

func plural(n int) string {
	if n == 1 {
		return "1 field"
	}
	return fmt.Sprintf("%d fields", n)
}

// fastIPv4 reads a dotted-quad IPv4 address written the canonical way. It returns false
// for anything else, which parseIP then reads (or refuses) slowly.
func fastIPv4(b []byte) (netip.Addr, bool) {
	var ip [4]byte
	part, digits, val := 0, 0, 0
	for _, c := range b {
		switch {
		case c >= '0' && c <= '9':
			if digits == 1 && val == 0 {
				return netip.Addr{}, false // leading zero
			}
			val = val*10 + int(c-'0')
			digits++
			if val > 255 {
				return netip.Addr{}, false
			}
		case c == '.' && digits > 0 && part < 3:
			ip[part] = byte(val)
			part, digits, val = part+1, 0, 0
		default:
			return netip.Addr{}, false
		}
	}
	if part != 3 || digits == 0 {
		return netip.Addr{}, false
	}
	ip[3] = byte(val)
	if ip == [4]byte{} {
		return netip.Addr{}, false // 0.0.0.0 is no address; parseIP says so
	}
	return netip.AddrFrom4(ip), true
}

// parseASN reads an AS number as invalidate_zero does: 0, empty or malformed is none.
func parseASN(b []byte) uint32 {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '+' {
		b = b[1:]
	}
	var n uint64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0
		}
		if n = n*10 + uint64(c-'0'); n > math.MaxUint32 {
			return 0
		}
	}
	return uint32(n)
}
