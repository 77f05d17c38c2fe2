package ingest

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

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

// parserFunc makes a parser for one file of a feed; it returns the report type, if the
// format has such a thing.
type parserFunc func(p *Parsers, f store.Feed, o Options, name string, r io.Reader) (feed.Parser, string, error)

// Parsers makes the parser of each feed format.
type Parsers struct {
	shadowserver *shadowserver.Schema
	formats      map[string]parserFunc
}

// NewParsers returns the parsers. schemaFile, when not "", is Shadowserver's schema
// (intelmq.json), used instead of the built-in report types.
func NewParsers(schemaFile string) (*Parsers, error) {
	p := &Parsers{shadowserver: shadowserver.Builtin(), formats: formats()}
	if schemaFile != "" {
		f, err := os.Open(schemaFile)
		if err != nil {
			return nil, fmt.Errorf("Shadowserver schema: %w", err)
		}
		defer f.Close()
		if p.shadowserver, err = shadowserver.LoadSchema(f); err != nil {
			return nil, fmt.Errorf("Shadowserver schema %s: %w", schemaFile, err)
		}
	}
	return p, nil
}

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
func (p *Parsers) New(f store.Feed, name string, r io.Reader) (feed.Parser, string, error) {
	newParser, ok := p.formats[f.Format]
	if !ok {
		return nil, "", fmt.Errorf("feed %s has format %q; the formats are %s", f.Name, f.Format, strings.Join(p.Formats(), ", "))
	}
	o, err := ParseOptions(f.Options)
	if err != nil {
		return nil, "", err
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

func newCSV(_ *Parsers, f store.Feed, o Options, _ string, r io.Reader) (feed.Parser, string, error) {
	opts := csvfeed.Options{Mapping: csvfeed.Mapping(o.Columns), NoHeader: o.NoHeader, TimeLayout: o.TimeLayout,
		FeedName: f.Name, FeedProvider: f.Provider, Classification: f.Classification, TLP: f.TLP}
	if o.Delimiter != "" {
		d := []rune(o.Delimiter)
		if len(d) != 1 {
			return nil, "", fmt.Errorf("feed %s: the delimiter must be one character, not %q", f.Name, o.Delimiter)
		}
		opts.Delimiter = d[0]
	}
	p, err := csvfeed.NewParser(r, opts)
	return p, "", err
}

func newIntelMQ(_ *Parsers, f store.Feed, _ Options, _ string, r io.Reader) (feed.Parser, string, error) {
	p, err := intelmq.NewParser(r, intelmq.Options{FeedName: f.Name, FeedProvider: f.Provider, Classification: f.Classification, TLP: f.TLP})
	return p, "", err
}

func newSTIX(_ *Parsers, f store.Feed, _ Options, _ string, r io.Reader) (feed.Parser, string, error) {
	p, err := stix.NewParser(r, stix.Options{FeedName: f.Name, FeedProvider: f.Provider, Classification: f.Classification, TLP: f.TLP})
	return p, "", err
}

func newCredentials(_ *Parsers, f store.Feed, _ Options, _ string, r io.Reader) (feed.Parser, string, error) {
	p, err := credentials.NewParser(r, credentials.Options{FeedName: f.Name, FeedProvider: f.Provider, Classification: f.Classification, TLP: f.TLP})
	return p, "", err
}

func newShadowserver(p *Parsers, _ store.Feed, o Options, name string, r io.Reader) (feed.Parser, string, error) {
	var opts []shadowserver.Option
	if o.ReportType != "" {
		opts = append(opts, shadowserver.WithReportType(o.ReportType))
	}
	sp, err := shadowserver.NewParser(r, name, p.shadowserver, opts...)
	if err != nil {
		return nil, "", err
	}
	rt := ""
	if rep := sp.Report(); rep != nil {
		rt = rep.Type
	}
	return sp, rt, nil
}
