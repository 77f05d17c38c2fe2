package csvfeed

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"
)

func TestNewParserErrors(t *testing.T) {
	t.Parallel()
	ip := Mapping{"source.ip": "ip"}
	tests := []struct {
		name, text string
		opts       Options
		wantErr    string
	}{
		{"empty mapping", "ip\n", Options{}, "the mapping is empty"},
		{"mapped column missing", "addr,port\n", Options{Mapping: ip},
			`mapping source.ip: the header has no column "ip" (it has "addr", "port")`},
		{"column twice", "ip,port,ip\n", Options{Mapping: ip}, `the header names column "ip" twice (columns 1 and 3)`},
		{"constant and mapping", "ip\n", Options{Mapping: ip, Constants: map[string]string{"source.ip": "192.0.2.1"}},
			`field source.ip is both a constant and mapped to column "ip"`},
		{"bad constant", "ip\n", Options{Mapping: ip, Constants: map[string]string{"source.asn": "ASX"}},
			`constant source.asn: not an AS number: "ASX"`},
		{"bad constant, empty file", "", Options{Mapping: ip, Constants: map[string]string{"source.port": "-1"}},
			`constant source.port: not a port number`},
		{"name without header", "192.0.2.1\n", Options{Mapping: ip, NoHeader: true},
			`columns are named by position ("1", "2", ...), not "ip"`},
		{"position zero", "192.0.2.1\n", Options{Mapping: Mapping{"source.ip": "0"}, NoHeader: true}, `not "0"`},
		{"bad field name", "ip\n", Options{Mapping: Mapping{" source.ip": "ip"}}, `mapping: " source.ip" is not a field name`},
		{"bad header", "\"ip\"x\n", Options{Mapping: ip}, "csv: header:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := NewParser(strings.NewReader(tt.text), tt.opts)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("NewParser error = %v, want one containing %q", err, tt.wantErr)
			}
		})
	}
}

func TestParserEdges(t *testing.T) {
	t.Parallel()
	ip := Options{Mapping: Mapping{"source.ip": "ip"}}
	tests := []struct {
		name, text string
		opts       Options
		rows       []row
	}{
		{"empty file", "", ip, nil},
		{"header only", "ip,port\n", ip, nil},
		{"blank lines", "ip\n\n192.0.2.1\n\r\n\n192.0.2.2\n", ip, []row{{line: 3}, {line: 6}}},
		{"BOM, CRLF, spaces in the header", "\ufeff ip , Port \r\n192.0.2.1,80\r\n", ip,
			[]row{{line: 2, want: map[string]string{"source.ip": "192.0.2.1", "extra.port": "80"}}}},
		{"no newline at the end", "ip\n192.0.2.1", ip, []row{{line: 2}}},
		{"empty mapped value", "ip,x\n,1\n", ip, []row{{line: 2, want: map[string]string{"source.ip": "", "extra.x": "1"}}}},
		{"quote never closed", "ip,x\n192.0.2.1,\"open\n", ip, []row{{line: 2, err: `extraneous or missing " in quoted-field`}}},
		{"extra names", "ip,First Seen,first_seen,,ÄÖ,extra.ip\n192.0.2.1,a,b,c,d,e\n",
			Options{Mapping: Mapping{"source.ip": "ip", "extra.first_seen": "extra.ip"}},
			[]row{{line: 2, want: map[string]string{"extra.first_seen": "e", "extra.first_seen_2": "a",
				"extra.first_seen_3": "b", "extra.4": "c", "extra.5": "d"}}}},
		{"one column feeds two fields", "url\nhttp://x.example.nl/a\n",
			Options{Mapping: Mapping{"source.url": "url", "extra.link": "url"}},
			[]row{{line: 2, want: map[string]string{"source.url": "http://x.example.nl/a", "extra.link": "http://x.example.nl/a"}}}},
		{"network and mapped IP host", "net,url\n192.0.2.0/24,http://192.0.2.1/\n",
			Options{Mapping: Mapping{"source.network": "net", "source.url": "url"}},
			[]row{{line: 2, want: map[string]string{"source.network": "192.0.2.0/24"}}}},
		{"unixmilli", "t,ip\n1720087200123,192.0.2.1\n",
			Options{Mapping: Mapping{"time.source": "t", "source.ip": "ip"}, TimeLayout: "unixmilli"},
			[]row{{line: 2, want: map[string]string{"time.source": "2024-07-04T10:00:00.123Z"}}}},
		{"layout with zone", "t,ip\n2024-07-04 12:00 +0200,192.0.2.1\n",
			Options{Mapping: Mapping{"time.source": "t", "source.ip": "ip"}, TimeLayout: "2006-01-02 15:04 -0700"},
			[]row{{line: 2, want: map[string]string{"time.source": "2024-07-04T10:00:00Z"}}}},
		{"constants win over options", "ip\n192.0.2.1\n",
			Options{Mapping: Mapping{"source.ip": "ip"}, TLP: "green", Constants: map[string]string{"tlp": "red",
				"product.vulnerabilities": "cve-2024-3094"}},
			[]row{{line: 2, want: map[string]string{"tlp": "RED", "product.vulnerabilities": "CVE-2024-3094"}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p, err := NewParser(strings.NewReader(tt.text), tt.opts)
			if err != nil {
				t.Fatalf("NewParser: %v", err)
			}
			check(t, collect(t, p), tt.rows)
		})
	}
}

func TestHeader(t *testing.T) {
	t.Parallel()
	p, err := NewParser(strings.NewReader("ip,,port\n"), Options{Mapping: Mapping{"source.ip": "ip"}})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := p.Header(), []string{"ip", "2", "port"}; !slices.Equal(got, want) {
		t.Errorf("Header() = %q, want %q", got, want)
	}
	p, err = NewParser(strings.NewReader("192.0.2.1;x\n"), Options{Mapping: Mapping{"source.ip": "1"}, Delimiter: ';', NoHeader: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Next(); err != nil {
		t.Fatal(err)
	}
	if got, want := p.Header(), []string{"1", "2"}; !slices.Equal(got, want) {
		t.Errorf("Header() without a header = %q, want %q", got, want)
	}
}

func TestEventWithoutRow(t *testing.T) {
	t.Parallel()
	p, err := NewParser(strings.NewReader("ip\nx\n"), Options{Mapping: Mapping{"source.ip": "ip"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Event(); err == nil {
		t.Error("Event before Next: no error")
	}
	if err := p.Next(); err == nil {
		t.Fatal("Next on a bad IP: no error")
	}
	if _, err := p.Event(); err == nil {
		t.Error("Event after a rejected row: no error")
	}
}

// TestRowTooLong checks that a huge row ends the parse instead of filling memory,
// and that the rows before it come through.
func TestRowTooLong(t *testing.T) {
	t.Parallel()
	text := "ip,x\n192.0.2.1,a\n192.0.2.2,\"" + strings.Repeat("y", 2*MaxRow) + "\"\n192.0.2.3,b\n"
	p, err := NewParser(strings.NewReader(text), Options{Mapping: Mapping{"source.ip": "ip"}})
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Next(); err != nil {
		t.Fatalf("first row: %v", err)
	}
	err = p.Next()
	if !errors.Is(err, ErrRowTooLong) {
		t.Fatalf("long row: %v, want ErrRowTooLong", err)
	}
	if err2 := p.Next(); err2 != err {
		t.Errorf("Next after the error = %v, want the same error again", err2)
	}
}

// TestLongRowsUnderTheLimit checks that the limit counts one row, not the file.
func TestLongRowsUnderTheLimit(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	b.WriteString("ip,x\n")
	long := strings.Repeat("z", MaxRow/2)
	for i := range 5 {
		fmt.Fprintf(&b, "192.0.2.%d,%s\n", i+1, long)
	}
	p, err := NewParser(strings.NewReader(b.String()), Options{Mapping: Mapping{"source.ip": "ip"}})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for {
		err := p.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("row %d: %v", n+1, err)
		}
		n++
	}
	if n != 5 {
		t.Errorf("read %d rows, want 5", n)
	}
}
