package intelmq

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

// result is what happened to one line.
type result struct {
	line   int
	err    string            // the RowError reason from Next or Event, "" for a good line
	fields map[string]string // Event().Map() of a good line
}

// collect reads every event of p. A RowError must carry a positive line, and the
// cheap Subject must agree with the full Event's.
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

// row is what a test expects of one line.
type row struct {
	line int
	err  string            // substring of the reason; "" for a good line
	want map[string]string // fields the event must have; "" means absent
}

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

// testOptions are defaults that the events' own fields override.
var testOptions = Options{FeedName: "IntelMQ relay", FeedProvider: "Example CERT", TLP: "amber",
	Classification: event.Classification{Taxonomy: "other", Type: "undetermined", Identifier: "intelmq"}}

func TestParserTestdata(t *testing.T) {
	t.Parallel()
	f, err := os.Open(filepath.Join("testdata", "events.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	p, err := NewParser(f, testOptions)
	if err != nil {
		t.Fatal(err)
	}
	check(t, collect(t, p), []row{
		{line: 1, want: map[string]string{"source.ip": "192.0.2.188", "source.asn": "64496", "source.port": "443",
			"source.network": "192.0.2.0/24", "source.geolocation.cc": "JO", "source.geolocation.latitude": "31.9522",
			"feed.accuracy": "100", "malware.name": "qakbot", "classification.type": "c2-server",
			"classification.taxonomy": "malicious-code", "classification.identifier": "intelmq",
			"time.source": "2023-02-15T14:19:09Z", "time.observation": "2023-02-16T09:55:12Z",
			"feed.name": "abusech-feodo-c2-tracker", "feed.provider": "Example CERT", "tlp": "AMBER",
			"extra.status": "offline", "__type": ""}},
		{line: 2, want: map[string]string{"source.fqdn": "phish.example.nl", "source.url": "https://phish.example.nl/login",
			"classification.taxonomy": "fraud", "classification.type": "phishing", "time.source": "2024-07-04T10:00:00Z",
			"extra.urlscan.verdict": "malicious", "extra.urlscan.score": "97", "extra.tags": `["phish","<kit>"]`,
			"tlp": "GREEN", "feed.name": "IntelMQ relay"}},
		{line: 4, err: "not valid JSON: the line ends inside the object"},
		{line: 5, err: `source.ip: not an IP address: "192.0.2.300"`},
		{line: 6, err: "a JSON array, not a JSON object"},
		{line: 7, err: `time.source: not a timestamp: "yesterday"`},
		{line: 8, want: map[string]string{"source.account": "alice@example.nl", "raw": "alice@example.nl,leak-2024",
			"product.vulnerabilities": "CVE-2021-44228,CVE-2021-45046", "severity": "high",
			"time.source": "2024-07-04T10:00:00Z", "__type": ""}},
		{line: 9, err: "field source.ip is given twice, with different values"},
		{line: 10, want: map[string]string{"source.ip": "192.0.2.5", "source.port": "8080",
			"extra.tag": "old-intelmq", "extra.count": "3", "extra": ""}},
		{line: 11, err: "null, not a JSON object"},
		{line: 12, err: "text after the JSON object"},
		{line: 13, want: map[string]string{"source.ip": "2001:db8::1", "destination.ip": "198.51.100.1",
			"source.port": "", "extra.flag": "true", "extra.none": ""}},
	})
}

func TestParserEdges(t *testing.T) {
	t.Parallel()
	long := `{"source.ip": "192.0.2.1", "extra.x": "` + strings.Repeat("x", MaxLine) + `"}`
	tests := []struct {
		name, text string
		rows       []row
	}{
		{"empty file", "", nil},
		{"blank lines only", "\n \n\t\r\n", nil},
		{"BOM and no newline at the end", "\ufeff{\"source.ip\": \"192.0.2.1\"}", []row{{line: 1,
			want: map[string]string{"source.ip": "192.0.2.1"}}}},
		{"line longer than MaxLine", "{}\n" + long + "\n{\"source.ip\": \"192.0.2.2\"}\n", []row{
			{line: 1}, {line: 2, err: "the line is longer than 1048576 bytes"},
			{line: 3, want: map[string]string{"source.ip": "192.0.2.2"}}}},
		{"long line at the end", long, []row{{line: 1, err: "longer than"}}},
		{"line just at MaxLine", `{"extra.x":"` + strings.Repeat("y", MaxLine-14) + `"}` + "\r\n", []row{{line: 1}}},
		{"same field flat and nested", `{"source.ip": "192.0.2.1", "source": {"ip": "192.0.2.1"}}`,
			[]row{{line: 1, want: map[string]string{"source.ip": "192.0.2.1"}}}},
		{"empty field name", `{"source": {"": 1}}`, []row{{line: 1, err: `"source." is not a field name`}}},
		{"syntax error", `{"a" 1}`, []row{{line: 1, err: "not valid JSON: invalid character '1' after object key (at byte 6)"}}},
		{"string", `"source.ip"`, []row{{line: 1, err: "a JSON string, not a JSON object"}}},
		{"raw that is not base64", `{"raw": "a,b,c"}`, []row{{line: 1, want: map[string]string{"raw": "a,b,c"}}}},
		{"bad field after the subject", `{"source.ip": "192.0.2.1", "destination.port": "x"}`,
			[]row{{line: 1, err: `destination.port: not a port number: "x"`}}},
		{"bad subject field", `{"source.asn": "ASX"}`, []row{{line: 1, err: `source.asn: not an AS number: "ASX"`}}},
		{"URL with an IP host", `{"source.url": "http://198.51.100.9:8080/x"}`, []row{{line: 1,
			want: map[string]string{"source.url": "http://198.51.100.9:8080/x", "source.ip": ""}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p, err := NewParser(strings.NewReader(tt.text), Options{})
			if err != nil {
				t.Fatal(err)
			}
			check(t, collect(t, p), tt.rows)
		})
	}
}

func TestSubject(t *testing.T) {
	t.Parallel()
	p, err := NewParser(strings.NewReader(`{"source": {"url": "http://198.51.100.9/x", "asn": "AS64496"}, "source.account": "x@Example.NL"}`), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Next(); err != nil {
		t.Fatal(err)
	}
	s := p.Subject()
	if s.IP.String() != "198.51.100.9" || s.ASN != 64496 || s.EmailDomain != "example.nl" {
		t.Errorf("Subject() = %+v, want the URL's IP, AS64496 and example.nl", s)
	}
}

func TestEventWithoutRow(t *testing.T) {
	t.Parallel()
	p, err := NewParser(strings.NewReader("x\n"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Event(); err == nil {
		t.Error("Event before Next: no error")
	}
	if err := p.Next(); err == nil {
		t.Fatal("Next on a bad line: no error")
	}
	if _, err := p.Event(); err == nil {
		t.Error("Event after a rejected line: no error")
	}
}

// failing returns data, then err.
type failing struct {
	data string
	err  error
}

func (f *failing) Read(p []byte) (int, error) {
	if f.data == "" {
		return 0, f.err
	}
	n := copy(p, f.data)
	f.data = f.data[n:]
	return n, nil
}

func TestReadError(t *testing.T) {
	t.Parallel()
	boom := errors.New("boom")
	p, err := NewParser(&failing{data: "{}\n{\"a\":", err: boom}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Next(); err != nil {
		t.Fatalf("first line: %v", err)
	}
	if err := p.Next(); !errors.Is(err, boom) {
		t.Fatalf("Next = %v, want the read error", err)
	}
	if err := p.Next(); !errors.Is(err, boom) {
		t.Errorf("Next after the read error = %v, want it again", err)
	}
}
