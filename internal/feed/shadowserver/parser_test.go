package shadowserver

import (
	"errors"
	"io"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/baken-cert/baken/internal/event"
	"github.com/baken-cert/baken/internal/feed"
	"github.com/baken-cert/baken/internal/feed/source"
)

// result is what happened to one row.
type result struct {
	line    int
	err     string // the RowError reason from Next or Event, "" for a good row
	subject event.Subject
	fields  map[string]string // Event().Map() of a good row
}

// collect reads every row of p. A RowError must carry a positive line.
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
		r := result{line: p.Line(), subject: p.Subject()}
		e, err := p.Event()
		if errors.As(err, &re) {
			r.err = re.Reason
		} else if err != nil {
			t.Fatalf("Event: %v", err)
		} else {
			r.fields = e.Map()
			if s := e.Subject(); s != r.subject {
				t.Errorf("line %d: Subject() = %+v, the event's is %+v", r.line, r.subject, s)
			}
		}
		out = append(out, r)
	}
}

// openTestdata opens a file of testdata/ as Baken would: through source.Open.
func openTestdata(t *testing.T, name string, opts ...Option) *Parser {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	sf, err := source.Open(name, f)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sf.Close() })
	p, err := NewParser(sf, sf.Name, nil, opts...)
	if err != nil {
		t.Fatalf("NewParser: %v", err)
	}
	return p
}

func TestParserTestdata(t *testing.T) {
	t.Parallel()
	type row struct {
		line int
		err  string            // substring of the reason; "" for a good row
		want map[string]string // fields the event must have; "" means absent
	}
	tests := []struct {
		file, wantType string
		rows           []row
	}{
		{"2024-07-04-scan_smb-sample-asn.csv", "scan_smb", []row{
			{line: 2, want: map[string]string{"source.ip": "192.0.2.10", "source.port": "445", "source.asn": "64496",
				"time.source": "2024-07-04T00:00:01Z", "classification.identifier": "open-smb", "severity": "high",
				"product.vulnerabilities": "CVE-2017-0144", "extra.tag": "smb;cve-2017-0144", "extra.naics": "517311",
				"extra.smbv1_support": "Y", "extra.sic": "", "feed.name": "Accessible-SMB", "feed.provider": "Shadowserver"}},
			{line: 3, want: map[string]string{"source.ip": "198.51.100.7", "extra.sic": "0", "extra.naics": ""}},
			{line: 4, want: map[string]string{"source.ip": "2001:db8::1", "source.geolocation.city": ""}},
			{line: 5, want: map[string]string{"source.geolocation.city": "DEN HAAG, CENTRUM",
				"extra.key": `key with "quotes", and commas`}},
			{line: 6, want: map[string]string{"extra.key": "a key\non two lines", "source.asn": "", "severity": ""}},
		}},
		{"2024-07-04-scan_smb-bad-rows.csv", "scan_smb", []row{
			{line: 2, want: map[string]string{"source.ip": "192.0.2.10"}},
			{line: 3, err: `column ip: "300.1.1.1" is not an IP address`},
			{line: 4, err: "the row has 21 fields, the header 20 columns"},
			{line: 5, err: "the row has 1 field, too few to reach column port"},
			{line: 6, want: map[string]string{"source.ip": "192.0.2.12"}},
			{line: 7, err: `column timestamp: "yesterday" is not a timestamp`},
			{line: 8, err: `column port: not a port number: "99999"`},
			{line: 9, err: "column ip: text after the closing quote"},
			{line: 10, err: "column timestamp: empty"},
			{line: 12, want: map[string]string{"source.asn": "", "extra.asn": "AS64496"}},
			{line: 13, err: "the row has 17 fields, the header 20 columns, and the file ends there: truncated?"},
		}},
		{"2024-07-04-event4_sinkhole-sample-asn.csv.gz", "event4_sinkhole", []row{
			{line: 2, want: map[string]string{"source.ip": "192.0.2.20", "source.port": "49152",
				"destination.ip": "198.51.100.80", "classification.identifier": "andromeda", "malware.name": "andromeda",
				"classification.taxonomy": "malicious-code", "feed.name": "Sinkhole-Events IPv4"}},
			{line: 3, want: map[string]string{"product.vulnerabilities": "CVE-2021-44228"}},
			{line: 4, want: map[string]string{"destination.ip": "", "extra.dst_ip": "not-an-ip", "source.asn": ""}},
		}},
		{"2024-07-04-compromised_website-sample-asn.csv", "compromised_website", []row{
			{line: 2, want: map[string]string{"source.url": "https://Shop.Example.NL/checkout?a=1,b=2",
				"source.fqdn": "shop.example.nl", "event_description.text": "skimmer", "malware.name": "magecart"}},
			{line: 3, want: map[string]string{"source.url": "http://bank.example.nl/login",
				"event_description.text": `credential phishing, kit "16shop"`}},
		}},
		{"blocklist.csv", "blocklist", []row{
			{line: 2, want: map[string]string{"source.ip": "192.0.2.40", "extra.source_name": "Example List"}},
			{line: 3, want: map[string]string{"source.ip": "", "source.network": "192.0.2.0/28"}},
			{line: 4, want: map[string]string{"source.ip": "", "source.network": "", "extra.ip": ""}},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			t.Parallel()
			p := openTestdata(t, tt.file)
			if got := p.Report().Type; got != tt.wantType {
				t.Errorf("report type %s, want %s", got, tt.wantType)
			}
			got := collect(t, p)
			if len(got) != len(tt.rows) {
				t.Fatalf("got %d rows, want %d: %+v", len(got), len(tt.rows), got)
			}
			for i, want := range tt.rows {
				g := got[i]
				if g.line != want.line || !strings.Contains(g.err, want.err) || (want.err == "") != (g.err == "") {
					t.Errorf("row %d: line %d error %q, want line %d error %q", i, g.line, g.err, want.line, want.err)
				}
				for k, v := range want.want {
					if g.fields[k] != v {
						t.Errorf("line %d: %s = %q, want %q", g.line, k, g.fields[k], v)
					}
				}
			}
		})
	}
}

func TestParserSubject(t *testing.T) {
	t.Parallel()
	p := openTestdata(t, "2024-07-04-compromised_website-sample-asn.csv")
	got := collect(t, p)
	want := event.Subject{IP: netip.MustParseAddr("192.0.2.30"), ASN: 64496,
		FQDN: "shop.example.nl", URLHost: "shop.example.nl"}
	if got[0].subject != want {
		t.Errorf("Subject = %+v, want %+v", got[0].subject, want)
	}
}
