package shadowserver

import (
	"strings"
	"testing"
)

func TestDetectType(t *testing.T) {
	t.Parallel()
	smb := strings.Split("timestamp,ip,port,hostname,tag,asn,geo,region,city,naics,sic,smb_implant,arch,key,"+
		"smbv1_support,smb_major_number,smb_minor_number,smb_revision,smb_version_string", ",")
	sinkhole := strings.Split("timestamp,protocol,src_ip,src_port,src_asn,src_geo,infection,family,tag,"+
		"dst_ip,dst_port,dst_asn,event_id,ssl_cipher,ssl_servername", ",")
	tests := []struct {
		name     string
		file     string
		header   []string
		want     string
		wantFail bool
	}{
		{"dated name", "2024-07-04-scan_smb-sample-asn.csv", nil, "scan_smb", false},
		{"dated name with a number", "2024-07-04-dns_openresolver-123-sample-asn.csv", nil, "", true}, // not built in
		{"delayed report", "/in/2020-04-03-scan_rdp-sample-asn-delayed.csv", nil, "scan_rdp", false},
		{"dated name, type only", "2024-07-04-scan_ssl.csv", nil, "scan_ssl", false},
		{"bare type", "scan_telnet.csv", nil, "scan_telnet", false},
		{"bare type, upper-case extension, gzip", `C:\x\blocklist.CSV.gz`, nil, "blocklist", false},
		{"schema key", "event_sinkhole.csv", nil, "event4_sinkhole", false},
		{"dated schema key", "2024-07-04-event_sinkhole_http-x.csv", nil, "event4_sinkhole_http", false},
		{"name fits the header", "2024-07-04-scan_smb-x.csv", smb, "scan_smb", false},
		{"name does not fit the header", "2024-07-04-scan_smb-x.csv", sinkhole, "event4_sinkhole", false},
		{"header only", "download", smb, "scan_smb", false},
		{"unknown name, no header", "report.csv", nil, "", true},
		{"a header that fits nothing", "report.csv", []string{"timestamp", "ip", "port", "a", "b", "c", "d", "e", "f", "g"}, "", true},
		{"bad date", "2024-7-04-scan_smb-x.csv", nil, "", true},
	}
	s := Builtin()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, ok := s.DetectType(tt.file, tt.header)
			if ok == tt.wantFail || got != tt.want {
				t.Errorf("DetectType(%q) = %q, %v; want %q", tt.file, got, ok, tt.want)
			}
		})
	}
}

// TestDetectTypeByHeaderReference checks, for every report type of the schema file,
// that a header of exactly its columns is detected as that type or as one with the
// very same columns (the IPv4 and IPv6 variants of a report often share them).
func TestDetectTypeByHeaderReference(t *testing.T) {
	t.Parallel()
	s := referenceSchema(t)
	for _, typ := range s.Types() {
		r, _ := s.Report(typ)
		got, ok := s.DetectType("", r.Columns())
		if !ok {
			t.Errorf("%s: not detected from its own columns", typ)
			continue
		}
		g, _ := s.Report(got)
		if got != typ && !sameColumns(g.Columns(), r.Columns()) {
			t.Errorf("%s: detected as %s from its own columns", typ, got)
		}
	}
}

func sameColumns(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	in := make(map[string]bool, len(a))
	for _, c := range a {
		in[c] = true
	}
	for _, c := range b {
		if !in[c] {
			return false
		}
	}
	return true
}
