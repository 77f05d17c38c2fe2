package csvfeed

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/baken-cert/baken/internal/event"
	"github.com/baken-cert/baken/internal/feed"
)

// result is what happened to one row.
type result struct {
	line   int
	err    string            // the RowError reason from Next or Event, "" for a good row
	fields map[string]string // Event().Map() of a good row
}

// collect reads every row of p. A RowError must carry a positive line, and the cheap
// Subject must agree with the full Event's.
func collect(t testing.TB, p *Parser) []result {
	t.Helper()
	var out []result
	for {
		err := p.Next()
		if errors.Is(err, io.EOF) {
			return out
		}
		var re *feed.RowError
		if errors.As(err, &re) {
			if re.Line < 1 {
				t.Errorf("RowError %q has line %d", re.Reason, re.Line)
			}
			out = append(out, result{line: re.Line, err: re.Reason})
			continue
		}
		if err != nil {
			t.Fatalf("Next: %v", err)
		}
		r := result{line: p.Line()}
		e, err := p.Event()
		switch {
		case errors.As(err, &re):
			r.err = re.Reason
		case err != nil:
			t.Fatalf("Event: %v", err)
		default:
			r.fields = e.Map()
			if got, want := p.Subject(), e.Subject(); got != want {
				t.Errorf("line %d: Subject() = %+v, the event's is %+v", r.line, got, want)
			}
		}
		out = append(out, r)
	}
}

// row is what a test expects of one row.
type row struct {
	line int
	err  string            // substring of the reason; "" for a good row
	want map[string]string // fields the event must have; "" means absent
}

// check compares what collect returned with want, row by row.
func check(t *testing.T, got []result, want []row) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("got %d rows, want %d: %+v", len(got), len(want), got)
	}
	for i := 0; i < len(got) && i < len(want); i++ {
		g, w := got[i], want[i]
		if g.line != w.line {
			t.Errorf("row %d: line %d, want %d", i, g.line, w.line)
		}
		if w.err != "" || g.err != "" {
			if w.err == "" || !strings.Contains(g.err, w.err) {
				t.Errorf("line %d: error %q, want one containing %q", g.line, g.err, w.err)
			}
			continue
		}
		for k, v := range w.want {
			if g.fields[k] != v {
				t.Errorf("line %d: %s = %q, want %q", g.line, k, g.fields[k], v)
			}
		}
	}
}

func openTestdata(t *testing.T, name string, opts Options) *Parser {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	p, err := NewParser(f, opts)
	if err != nil {
		t.Fatalf("NewParser: %v", err)
	}
	return p
}

// c2Options, phishingOptions and accountOptions read the files of testdata/.
var (
	c2Options = Options{
		Mapping: Mapping{"source.ip": "ip", "time.source": "first_seen", "source.port": "port",
			"source.fqdn": "host", "malware.name": "malware", "source.asn": "asn"},
		Constants: map[string]string{"classification.taxonomy": "malicious-code",
			"classification.type": "c2-server", "classification.identifier": "c2-server"},
		FeedName: "C2 servers", FeedProvider: "Example CERT", TLP: "amber",
		Classification: event.Classification{Taxonomy: "other", Type: "blacklist"},
	}
	phishingOptions = Options{
		Mapping:   Mapping{"time.source": "1", "source.ip": "2", "source.url": "3"},
		Delimiter: ';', NoHeader: true, TimeLayout: "unix",
		Classification: event.Classification{Taxonomy: "fraud", Type: "phishing", Identifier: "phishing-url"},
	}
	accountOptions = Options{
		Mapping:   Mapping{"time.source": "when", "source.ip": "address", "source.account": "account"},
		Delimiter: '\t', Comment: '#', TimeLayout: "02/01/2006 15:04",
	}
)

func TestParserTestdata(t *testing.T) {
	t.Parallel()
	tests := []struct {
		file string
		opts Options
		rows []row
	}{
		{"c2-servers.csv", c2Options, []row{
			{line: 2, want: map[string]string{"source.ip": "192.0.2.10", "time.source": "2024-07-04T10:00:00Z",
				"source.port": "443", "source.fqdn": "c2.example.nl", "malware.name": "emotet", "source.asn": "64496",
				"extra.comment": "seen twice", "feed.name": "C2 servers", "feed.provider": "Example CERT", "tlp": "AMBER",
				"classification.taxonomy": "malicious-code", "classification.type": "c2-server",
				"classification.identifier": "c2-server", "extra.ip": "", "extra.malware": ""}},
			{line: 3, want: map[string]string{"source.ip": "198.51.100.7", "time.source": "2024-07-04T09:30:00Z",
				"source.fqdn": "", "source.asn": "", "extra.comment": ""}},
			{line: 4, want: map[string]string{"source.ip": "2001:db8::5", "time.source": "2024-07-04T00:00:00Z",
				"source.asn": "64497", "source.port": "", "extra.comment": "quoted, with comma"}},
			{line: 5, err: `column "ip": source.ip: not an IP address: "300.1.1.1"`},
			{line: 6, err: `column "first_seen": time.source: not a timestamp: "yesterday"`},
			{line: 7, err: "the row has 5 fields, the header 7 columns"},
			{line: 8, err: `column "port": source.port: not a port number: "99999"`},
			{line: 9, err: `extraneous or missing " in quoted-field`},
			{line: 10, want: map[string]string{"source.ip": "192.0.2.15", "source.fqdn": "xn--bcher-kva.example",
				"source.asn": "64496", "extra.comment": "multi\nline"}},
			{line: 12, want: map[string]string{"source.ip": "192.0.2.16"}},
			{line: 13, err: `column "ip": source.ip: not an IP address: "10.0.0.0/8"`},
		}},
		{"phishing-noheader.txt", phishingOptions, []row{
			{line: 1, want: map[string]string{"time.source": "2024-07-04T10:00:00Z", "source.ip": "192.0.2.20",
				"source.url": "http://phish.example.nl/login", "classification.type": "phishing",
				"classification.identifier": "phishing-url", "extra.1": "", "extra.3": ""}},
			{line: 2, want: map[string]string{"source.ip": "", "source.url": "https://198.51.100.30/x"}},
			{line: 3, err: `column "1": time.source: not a unix timestamp: "notanumber"`},
			{line: 4, err: "the row has 2 fields, too few to reach mapped column 3"},
			{line: 6, want: map[string]string{"source.ip": "192.0.2.23", "source.url": "", "extra.4": "extra column"}},
		}},
		{"accounts.tsv", accountOptions, []row{
			{line: 3, want: map[string]string{"time.source": "2024-07-04T09:15:00Z", "source.ip": "192.0.2.30",
				"source.account": "Alice@Example.NL", "feed.name": ""}},
			{line: 5, want: map[string]string{"source.account": "bob", "time.source": "2024-07-05T23:59:00Z"}},
			{line: 6, err: `column "when": time.source: not a timestamp in the layout "02/01/2006 15:04": "31/02/2024 00:00"`},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			t.Parallel()
			check(t, collect(t, openTestdata(t, tt.file, tt.opts)), tt.rows)
		})
	}
}

func TestSubject(t *testing.T) {
	t.Parallel()
	p := openTestdata(t, "accounts.tsv", accountOptions)
	if err := p.Next(); err != nil {
		t.Fatal(err)
	}
	if s := p.Subject(); s.EmailDomain != "example.nl" || s.IP.String() != "192.0.2.30" {
		t.Errorf("Subject() = %+v, want the e-mail domain example.nl and the IP 192.0.2.30", s)
	}
	p = openTestdata(t, "phishing-noheader.txt", phishingOptions)
	for range 2 {
		if err := p.Next(); err != nil {
			t.Fatal(err)
		}
	}
	if s := p.Subject(); s.IP.String() != "198.51.100.30" || s.URLHost != "" {
		t.Errorf("Subject() = %+v, want the URL's IP 198.51.100.30 and no URL host", s)
	}
}
