package ingest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"sync/atomic"
	"time"

	"github.com/baken-cert/baken/internal/feed"
	"github.com/baken-cert/baken/internal/feed/credentials"
	"github.com/baken-cert/baken/internal/feed/csvfeed"
	"github.com/baken-cert/baken/internal/feed/intelmq"
	"github.com/baken-cert/baken/internal/feed/shadowserver"
	"github.com/baken-cert/baken/internal/feed/stix"
	"github.com/baken-cert/baken/internal/store"
)

// Options are the format options a feed definition may carry (store.Feed.Options).
type Options struct {
	// ReportType forces the Shadowserver report type instead of detecting it.
	ReportType string `json:"report_type,omitempty"`
	// Columns maps IntelMQ fields to the columns of a generic CSV feed ("source.ip": "ip").
	Columns map[string]string `json:"columns,omitempty"`
	// Delimiter of a generic CSV feed; default ",".
	Delimiter string `json:"delimiter,omitempty"`
	// NoHeader says a generic CSV feed has no header row; its columns are named 1, 2, ...
	NoHeader bool `json:"no_header,omitempty"`
	// TimeLayout is the Go layout of a generic CSV feed's time columns ("unix" for
	// seconds since 1970); empty reads the usual forms.
	TimeLayout string `json:"time_layout,omitempty"`
}

// ParseOptions reads a feed's options, refusing unknown fields.
func ParseOptions(raw []byte) (Options, error) {
	var o Options
	if len(raw) == 0 {
		return o, nil
	}
	dec := json.NewDecoder(strings.NewReader(string(raw)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&o); err != nil {
		return o, fmt.Errorf("feed options: %w", err)
	}
	return o, nil
}

// FileType is what a parser found out about the type of a file.
type FileType struct {
	// ReportType is the Shadowserver report type, "" for formats without types.
	ReportType string
	// Detected says, for a file whose name does not say its report type, which type
	// was chosen and why; "" when the name or the feed's report_type said it.
	Detected string
}

// parserFunc makes a parser for one file of a feed.
type parserFunc func(p *Parsers, f store.Feed, o Options, name string, r io.Reader) (feed.Parser, FileType, error)

// Parsers makes the parser of each feed format. It reads Shadowserver's reports with
// the schema in force: the one stored with `baken shadowserver schema update`, else the
// one Baken ships; Refresh follows updates.
type Parsers struct {
	schema  atomic.Pointer[SchemaInForce]
	formats map[string]parserFunc
}

// SchemaInForce is the Shadowserver schema parsers read reports with, and where it
// comes from.
type SchemaInForce struct {
	Schema *shadowserver.Schema
	// Stored is the file stored in the database; its zero value means the schema
	// Baken ships is in force.
	Stored  store.SchemaFile
	version int64 // of "shadowserver-schema" when Stored was read
}

// NewParsers returns the parsers, with the Shadowserver schema Baken ships.
func NewParsers() *Parsers {
	p := &Parsers{formats: formats()}
	p.schema.Store(&SchemaInForce{Schema: shadowserver.Builtin()})
	return p
}

// SchemaStore is what Refresh reads the stored schema from.
type SchemaStore interface {
	Version(ctx context.Context, name string) (int64, error)
	ShadowserverSchema(ctx context.Context) (store.SchemaFile, error)
}

// Refresh puts the Shadowserver schema stored in s in force, when it changed since the
// last Refresh; it costs one query when it did not.
func (p *Parsers) Refresh(ctx context.Context, s SchemaStore) error {
	v, err := s.Version(ctx, "shadowserver-schema")
	if err != nil {
		return fmt.Errorf("the Shadowserver schema's version: %w", err)
	}
	if cur := p.schema.Load(); cur.version == v {
		return nil
	}
	in := &SchemaInForce{Schema: shadowserver.Builtin(), version: v}
	f, err := s.ShadowserverSchema(ctx)
	switch {
	case errors.Is(err, store.ErrNotFound):
	case err != nil:
		return err
	default:
		if in.Schema, err = shadowserver.LoadSchema(bytes.NewReader(f.Data)); err != nil {
			return fmt.Errorf("the Shadowserver schema stored on %s: %w", f.StoredAt.Format(time.DateOnly), err)
		}
		in.Stored = f
	}
	p.schema.Store(in)
	return nil
}

// Schema returns the Shadowserver schema in force.
func (p *Parsers) Schema() *SchemaInForce { return p.schema.Load() }

// Formats lists the feed formats, sorted.
func (p *Parsers) Formats() []string {
	var out []string
	for f := range p.formats {
		out = append(out, f)
	}
	sort.Strings(out)
	return out
}

// New returns the parser for one file of feed f.
func (p *Parsers) New(f store.Feed, name string, r io.Reader) (feed.Parser, FileType, error) {
	newParser, ok := p.formats[f.Format]
	if !ok {
		return nil, FileType{}, fmt.Errorf("feed %s has format %q; the formats are %s", f.Name, f.Format, strings.Join(p.Formats(), ", "))
	}
	o, err := ParseOptions(f.Options)
	if err != nil {
		return nil, FileType{}, err
	}
	return newParser(p, f, o, name, r)
}

func formats() map[string]parserFunc {
	return map[string]parserFunc{
		"shadowserver": newShadowserver,
		"csv":          newCSV,
		"intelmq":      newIntelMQ,
		"stix":         newSTIX,
		"credentials":  newCredentials,
	}
}

func newCSV(_ *Parsers, f store.Feed, o Options, _ string, r io.Reader) (feed.Parser, FileType, error) {
	opts := csvfeed.Options{Mapping: csvfeed.Mapping(o.Columns), NoHeader: o.NoHeader, TimeLayout: o.TimeLayout,
		FeedName: f.Name, FeedProvider: f.Provider, Classification: f.Classification, TLP: f.TLP}
	if o.Delimiter != "" {
		d := []rune(o.Delimiter)
		if len(d) != 1 {
			return nil, FileType{}, fmt.Errorf("feed %s: the delimiter must be one character, not %q", f.Name, o.Delimiter)
		}
		opts.Delimiter = d[0]
	}
	p, err := csvfeed.NewParser(r, opts)
	return p, FileType{}, err
}

func newIntelMQ(_ *Parsers, f store.Feed, _ Options, _ string, r io.Reader) (feed.Parser, FileType, error) {
	p, err := intelmq.NewParser(r, intelmq.Options{FeedName: f.Name, FeedProvider: f.Provider, Classification: f.Classification, TLP: f.TLP})
	return p, FileType{}, err
}

func newSTIX(_ *Parsers, f store.Feed, _ Options, _ string, r io.Reader) (feed.Parser, FileType, error) {
	p, err := stix.NewParser(r, stix.Options{FeedName: f.Name, FeedProvider: f.Provider, Classification: f.Classification, TLP: f.TLP})
	return p, FileType{}, err
}

func newCredentials(_ *Parsers, f store.Feed, _ Options, _ string, r io.Reader) (feed.Parser, FileType, error) {
	p, err := credentials.NewParser(r, credentials.Options{FeedName: f.Name, FeedProvider: f.Provider, Classification: f.Classification, TLP: f.TLP})
	return p, FileType{}, err
}

func newShadowserver(p *Parsers, _ store.Feed, o Options, name string, r io.Reader) (feed.Parser, FileType, error) {
	var opts []shadowserver.Option
	if o.ReportType != "" {
		opts = append(opts, shadowserver.WithReportType(o.ReportType))
	}
	sp, err := shadowserver.NewParser(r, name, p.Schema().Schema, opts...)
	if err != nil {
		return nil, FileType{}, err
	}
	d := sp.Detection()
	ft := FileType{ReportType: d.Type}
	if d.How == shadowserver.ByHeader {
		ft.Detected = d.String()
	}
	return sp, ft, nil
}
