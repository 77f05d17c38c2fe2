package shadowserver

import (
	"fmt"
	"strings"
	"testing"
)

func TestDetect(t *testing.T) {
	t.Parallel()
	smb := strings.Split("timestamp,ip,port,hostname,tag,asn,geo,region,city,naics,sic,smb_implant,arch,key,"+
		"smbv1_support,smb_major_number,smb_minor_number,smb_revision,smb_version_string", ",")
	sinkhole := strings.Split("timestamp,protocol,src_ip,src_port,src_asn,src_geo,infection,family,tag,"+
		"dst_ip,dst_port,dst_asn,event_id,ssl_cipher,ssl_servername", ",")
	tests := []struct {
		name, file, forced string
		header             []string
		want, how          string
		wantErr            string // a part of the error; "" for none
	}{
		{"dated name", "2024-07-04-scan_smb-sample-asn.csv", "", nil, "scan_smb", ByName, ""},
		{"dated name with a number", "2024-07-04-scan_ssl-123-sample-asn.csv", "", nil, "scan_ssl", ByName, ""},
		{"delayed report", "/in/2020-04-03-scan_rdp-sample-asn-delayed.csv", "", nil, "scan_rdp", ByName, ""},
		{"dated name, type only", "2024-07-04-scan_ssl.csv", "", nil, "scan_ssl", ByName, ""},
		{"bare type", "scan_telnet.csv", "", nil, "scan_telnet", ByName, ""},
		{"bare type, upper-case extension, gzip", `C:\x\blocklist.CSV.gz`, "", nil, "blocklist", ByName, ""},
		{"schema key", "event_sinkhole.csv", "", nil, "event4_sinkhole", ByName, ""},
		{"dated schema key", "2024-07-04-event_sinkhole_http-x.csv", "", nil, "event4_sinkhole_http", ByName, ""},
		{"name fits the header", "2024-07-04-scan_smb-x.csv", "", smb, "scan_smb", ByName, ""},
		{"formerly read as scan_exchange", "2026-03-24-scan_db2-nl-asn.csv", "", smb, "scan_db2", ByName, ""},
		{"name and option agree", "2024-07-04-scan_smb-x.csv", "scan_smb", smb, "scan_smb", ByName, ""},
		{"option for a name that says nothing", "download.csv", "scan_smb", smb, "scan_smb", ByOption, ""},
		{"option over an unknown dated name", "2024-07-04-nl-report.csv", "scan_smb", smb, "scan_smb", ByOption, ""},
		{"header only", "download", "", smb, "scan_smb", ByHeader, ""},

		{"name does not fit the header", "2024-07-04-scan_smb-x.csv", "", sinkhole, "", "",
			`the file name says report type scan_smb, but the header lacks column "ip", which scan_smb requires`},
		{"unknown dated name", "2026-03-24-phish_url-nl-asn.csv", "", smb, "", "",
			`the file name says report type "phish_url", which is not in the schema (of 2026-03-24T15:31:20Z)`},
		{"unknown undated type", "scan_nothing.csv", "", smb, "", "", `report type "scan_nothing"`},
		{"name and option disagree", "2024-07-04-scan_smb-x.csv", "scan_rdp", smb, "", "",
			"the file name says report type scan_smb, the feed's report_type scan_rdp"},
		{"unknown option", "download.csv", "scan_nothing", smb, "", "", `the feed's report type "scan_nothing" is not in the schema`},
		{"option lacks a column", "download.csv", "event4_sinkhole", smb, "", "",
			`the header lacks column "src_ip", which report type event4_sinkhole (the feed's report_type) requires`},
		{"unknown name, no header", "report.csv", "", nil, "", "", "the file name does not say the report type"},
		{"a header that fits nothing", "report.csv", "", []string{"timestamp", "ip", "port", "a", "b", "c", "d", "e", "f", "g"}, "", "",
			"the header fits none of the 170"},
		{"bad date", "2024-7-04-scan_smb-x.csv", "", nil, "", "", "the file name does not say"},
	}
	s := Builtin()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d, err := s.Detect(tt.file, tt.forced, tt.header)
			switch {
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Errorf("Detect(%q) error = %v, want one containing %q", tt.file, err, tt.wantErr)
			case tt.wantErr == "" && err != nil:
				t.Errorf("Detect(%q) error = %v", tt.file, err)
			case tt.wantErr == "" && (d.Type != tt.want || d.How != tt.how):
				t.Errorf("Detect(%q) = %+v, want %s by %s", tt.file, d, tt.want, tt.how)
			}
		})
	}
}

// TestDetectByHeaderSaysWhy: a file whose name says nothing is read as the type its
// header fits, and the detection says which and why for the person reading.
func TestDetectByHeaderSaysWhy(t *testing.T) {
	t.Parallel()
	r, _ := Builtin().Report("scan_smb")
	d, err := Builtin().Detect("download.csv", "", r.Columns())
	if err != nil {
		t.Fatal(err)
	}
	if got := d.String(); !strings.HasPrefix(got, "scan_smb (from the header: the file name says nothing; ") ||
		!strings.Contains(got, "columns are columns of scan_smb") {
		t.Errorf("Detection = %q", got)
	}
}

// TestEveryReportTypeByName reads, for every report type of the shipped schema, a
// generated file named as Shadowserver names it, with the type's columns and one row:
// it must be read as that type, and its row must become an event of that type's feed.
// The same file under the name of another type whose required columns it lacks, or of
// a type the schema does not know, is refused with that name.
func TestEveryReportTypeByName(t *testing.T) {
	t.Parallel()
	s := Builtin()
	if n := len(s.Types()); n != 170 {
		t.Errorf("the shipped schema has %d report types, want 170", n)
	}
	if u := s.UnknownConversions(); len(u) != 0 {
		t.Errorf("the shipped schema uses conversions this package lacks: %v", u)
	}
	for _, typ := range s.Types() {
		t.Run(typ, func(t *testing.T) {
			t.Parallel()
			r, _ := s.Report(typ)
			file := generatedReport(r)
			name := "2026-03-24-" + typ + "-nl-asn.csv"
			p, err := NewParser(strings.NewReader(file), name, s)
			if err != nil {
				t.Fatalf("NewParser(%s): %v", name, err)
			}
			if d := p.Detection(); d.Type != typ || d.How != ByName {
				t.Errorf("%s read as %+v", name, d)
			}
			if err := p.Next(); err != nil {
				t.Fatalf("Next: %v", err)
			}
			e, err := p.Event()
			if err != nil {
				t.Fatalf("Event: %v", err)
			}
			if e.FeedName != r.FeedName || e.TimeSource.IsZero() {
				t.Errorf("event %+v, want feed %s with a time", e, r.FeedName)
			}

			other := otherType(s, r)
			_, err = NewParser(strings.NewReader(file), "2026-03-24-"+other+"-nl-asn.csv", s)
			if err == nil || !strings.Contains(err.Error(), "report type "+other+",") {
				t.Errorf("%s's file named for %s: error %v, want a refusal that names %s", typ, other, err, other)
			}
			_, err = NewParser(strings.NewReader(file), "2026-03-24-"+typ+"_v9-nl-asn.csv", s)
			if err == nil || !strings.Contains(err.Error(), `"`+typ+`_v9"`) {
				t.Errorf("%s's file named for an unknown type: error %v, want a refusal that names it", typ, err)
			}
		})
	}
}

// generatedReport is a report of r's columns with one row: a value its conversion
// takes in every required column, the others empty.
func generatedReport(r *Report) string {
	cols := r.Columns()
	row := make([]string, len(cols))
	for i, c := range cols {
		for _, m := range r.Required {
			if m.Column != c {
				continue
			}
			switch m.Conversion {
			case AddUTCToTimestamp, ConvertDate, ConvertDateUTC:
				row[i] = `"2026-03-24 02:13:45"`
			case ValidateIP:
				row[i] = `"192.0.2.10"`
			case ConvertInt, InvalidateZero:
				row[i] = "443"
			default:
				row[i] = `"x"`
			}
		}
	}
	return `"` + strings.Join(cols, `","`) + "\"\n" + strings.Join(row, ",") + "\n"
}

// otherType returns a report type with a required column r's columns lack.
func otherType(s *Schema, r *Report) string {
	cols := r.Columns()
	for _, t := range s.Types() {
		o, _ := s.Report(t)
		if col, missing := missingRequired(o, cols); missing && col != "" {
			return t
		}
	}
	panic(fmt.Sprintf("every type's required columns are among those of %s", r.Type))
}
