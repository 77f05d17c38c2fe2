package shadowserver

import (
	"errors"
	"io"
	"strconv"
	"strings"
	"testing"

	"github.com/baken-cert/baken/internal/feed"
)

const smbHeader = `"timestamp","ip","port","hostname","tag","asn","geo"` + "\n"

func TestNewParserErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, file, text string
		opts             []Option
		wantErr          string
	}{
		{"unknown type", "report.csv", "a,b\n1,2\n", nil, "the file name does not say the report type"},
		{"forced unknown type", "report.csv", smbHeader, []Option{WithReportType("scan_nothing")}, `report type "scan_nothing" is not in the schema`},
		{"missing required column", "scan_smb.csv", "timestamp,ip,asn\n", []Option{WithReportType("scan_smb")}, `the header lacks column "port"`},
		{"column twice", "scan_smb.csv", "timestamp,ip,port,ip\n", nil, `the header names column "ip" twice`},
		{"bad header quote", "scan_smb.csv", `"timestamp"x,ip,port` + "\n", nil, "header: field 1: text after the closing quote"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := NewParser(strings.NewReader(tt.text), tt.file, nil, tt.opts...)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("NewParser error = %v, want one containing %q", err, tt.wantErr)
			}
		})
	}
}

func TestParserEdges(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, file, text string
		want             []string // per row: "ok <line>" or "<line>: <reason substring>"
	}{
		{"empty file", "report.csv", "", nil},
		{"header only", "scan_smb.csv", smbHeader, nil},
		{"header and blank lines", "scan_smb.csv", smbHeader + "\n\r\n\n", nil},
		{"BOM and CRLF", "2024-07-04-scan_smb-x.csv",
			"\ufeff" + strings.ReplaceAll(smbHeader, "\n", "\r\n") + "2024-07-04 00:00:00,192.0.2.1,445,,smb,1,NL\r\n",
			[]string{"ok 2"}},
		{"no newline at the end", "scan_smb.csv", smbHeader + "2024-07-04 00:00:00,192.0.2.1,445,,smb,1,NL",
			[]string{"ok 2"}},
		{"short row keeps going", "scan_smb.csv", smbHeader + "2024-07-04 00:00:00,192.0.2.1,445,,smb\n" +
			"2024-07-04 00:00:00,192.0.2.2,445,,smb,1,NL\n", []string{"ok 2", "ok 3"}},
		{"quote never closed", "scan_smb.csv", smbHeader + "2024-07-04 00:00:00,192.0.2.1,445,\"open\n",
			[]string{"2: column hostname: the quoted text is not closed at the end of the file"}},
		// A quote left open in one row costs that row only: the rows after it are read.
		{"quote left open mid-file", "scan_smb.csv", smbHeader + "2024-07-04 00:00:00,192.0.2.1,445,,smb,1,NL\n" +
			"2024-07-04 00:00:00,192.0.2.2,445,\"open,smb,1,NL\n2024-07-04 00:00:00,192.0.2.3,445,,smb,1,NL\n" +
			"2024-07-04 00:00:00,192.0.2.4,445,\"x\",smb,1,NL\n",
			[]string{"ok 2", "3: column hostname: a quote opened in this field is not closed on its line", "ok 4", "ok 5"}},
		{"line numbers after a multi-line field", "scan_smb.csv", smbHeader +
			"2024-07-04 00:00:00,192.0.2.1,445,\"a\nb\nc\",smb,1,NL\n2024-07-04 00:00:00,x,445,,smb,1,NL\n",
			[]string{"ok 2", `5: column ip: "x" is not an IP address`}},
		{"IPv4-mapped and zero addresses", "scan_smb.csv", smbHeader +
			"2024-07-04 00:00:00,::ffff:192.0.2.1,445,,smb,1,NL\n2024-07-04 00:00:00,0.0.0.0,445,,smb,1,NL\n" +
			"2024-07-04 00:00:00,010.0.0.1,445,,smb,1,NL\n",
			[]string{"ok 2", "ok 3", `4: column ip: "010.0.0.1" is not an IP address`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p, err := NewParser(strings.NewReader(tt.text), tt.file, nil)
			if err != nil {
				t.Fatalf("NewParser: %v", err)
			}
			var got []string
			for _, r := range collect(t, p) {
				if r.err == "" {
					got = append(got, "ok "+strconv.Itoa(r.line))
				} else {
					got = append(got, strconv.Itoa(r.line)+": "+r.err)
				}
			}
			if len(got) != len(tt.want) {
				t.Fatalf("rows = %q, want %q", got, tt.want)
			}
			for i := range got {
				if !strings.Contains(got[i], tt.want[i]) {
					t.Errorf("row %d = %q, want %q", i, got[i], tt.want[i])
				}
			}
			if err := p.Next(); !errors.Is(err, io.EOF) {
				t.Errorf("Next after the end = %v, want io.EOF", err)
			}
		})
	}
}

func TestParserRawAndState(t *testing.T) {
	t.Parallel()
	line := `"2024-07-04 00:00:00","192.0.2.1",445,"a ""b""",smb,1,NL`
	p, err := NewParser(strings.NewReader(smbHeader+line+"\n"), "scan_smb.csv", nil, WithRaw())
	if err != nil {
		t.Fatal(err)
	}
	var re *feed.RowError
	if _, err := p.Event(); !errors.As(err, &re) {
		t.Errorf("Event before Next = %v, want a RowError", err)
	}
	if err := p.Next(); err != nil {
		t.Fatal(err)
	}
	e, err := p.Event()
	if err != nil {
		t.Fatal(err)
	}
	if e.Raw != line {
		t.Errorf("Raw = %q, want %q", e.Raw, line)
	}
	if e.Fields["source.reverse_dns"] != `a "b"` {
		t.Errorf("source.reverse_dns = %q", e.Fields["source.reverse_dns"])
	}
	if p.Report().Type != "scan_smb" || len(p.Header()) != 7 {
		t.Errorf("Report, Header = %v, %v", p.Report().Type, p.Header())
	}
}

// TestOneBadRowInALargeReport: an unclosed quote and a line of more than 4 MiB in a
// report of 100,000 rows cost those two rows, with their lines; every other row is read.
func TestOneBadRowInALargeReport(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	b.WriteString(smbHeader)
	const rows = 100_000
	for i := range rows {
		switch i {
		case 40_000:
			b.WriteString("2024-07-04 00:00:00,192.0.2.9,445,\"never closed,smb,1,NL\n")
		case 70_000:
			b.WriteString("2024-07-04 00:00:00,192.0.2.9,445," + strings.Repeat("x", 5<<20) + ",smb,1,NL\n")
		default:
			b.WriteString("2024-07-04 00:00:00,192.0.2." + strconv.Itoa(i%250+1) + ",445,,smb,1,NL\n")
		}
	}
	p, err := NewParser(strings.NewReader(b.String()), "scan_smb.csv", nil)
	if err != nil {
		t.Fatal(err)
	}
	ok, rejected := 0, map[int]string{}
	for {
		err := p.Next()
		var re *feed.RowError
		switch {
		case errors.Is(err, io.EOF):
			if ok != rows-2 || len(rejected) != 2 || !strings.Contains(rejected[40_002], "not closed on its line") ||
				!strings.Contains(rejected[70_002], "longer than 4 MiB") {
				t.Fatalf("%d rows read, rejected %v; want %d read and lines 40002 and 70002 rejected", ok, rejected, rows-2)
			}
			return
		case errors.As(err, &re):
			rejected[re.Line] = re.Reason
		case err != nil:
			t.Fatalf("after %d rows: %v", ok, err)
		default:
			ok++
		}
	}
}
