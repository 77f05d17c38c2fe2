package shadowserver

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/baken-cert/baken/internal/event"
)

// readReport parses a file of testdata as ingestion does, failing on any rejected row.
func readReport(t *testing.T, name string) (Detection, []event.Event) {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	p, err := NewParser(f, name, nil)
	if err != nil {
		t.Fatalf("NewParser: %v", err)
	}
	var events []event.Event
	for p.Next() == nil {
		e, err := p.Event()
		if err != nil {
			t.Fatalf("line %d: %v", p.Line(), err)
		}
		events = append(events, e)
	}
	return p.Detection(), events
}

// TestRealReports reads rows shaped like those of real reports that Baken used to read
// as another type or to refuse, and checks the fields the advice depends on.
func TestRealReports(t *testing.T) {
	t.Parallel()
	tests := []struct {
		file, typ string
		want      []map[string]string // per event: field → value; "" means not set
	}{
		// Formerly read as scan_exchange: a vulnerable Exchange server.
		{"2026-03-24-scan_db2-nl-asn.csv", "scan_db2", []map[string]string{{
			"classification.identifier": "open-db2-discovery-service", "protocol.application": "db2",
			"protocol.transport": "udp", "source.port": "523", "source.reverse_dns": "db.example.nl",
		}}},
		{"2026-03-24-scan_radmin-nl-asn.csv", "scan_radmin", []map[string]string{{
			"classification.identifier": "accessible-radmin", "source.port": "4899", "extra.version": "3.X",
		}}},
		{"2026-03-24-scan_hadoop-nl-asn.csv", "scan_hadoop", []map[string]string{{
			"classification.identifier": "accessible-hadoop", "source.port": "50070",
		}}},
		// Formerly read as scan_snmp.
		{"2026-03-24-scan_adb-nl-asn.csv", "scan_adb", []map[string]string{{
			"classification.identifier": "accessible-adb", "source.port": "5555", "extra.model": "Redmi Note 7",
		}}},
		// A backslash-escaped quote, as in real http_proxy, http_vulnerable and mdns
		// reports, and a day name that Go's layouts do not know.
		{"2026-03-24-scan_http_proxy-nl-asn.csv", "scan_http_proxy", []map[string]string{{
			"extra.proxy_authenticate": `Basic realm="OpenWebif"`, "extra.http_date": "2026-03-24T06:05:55Z",
		}}},
		// A web shell whatever else the tag lists; a bare path is no URL.
		{"2026-03-24-scan_exchange-nl-asn.csv", "scan_exchange", []map[string]string{{
			"classification.taxonomy": "intrusions", "classification.type": "system-compromise",
			"classification.identifier": "exchange-server-webshell", "product.vulnerabilities": "CVE-2021-26855",
			"destination.url": "", "extra.url": "/owa/auth/shell.aspx", "protocol.application": "exchange",
		}, {
			"classification.taxonomy": "vulnerable", "classification.type": "infected-system",
			"classification.identifier": "vulnerable-exchange-server",
		}}},
	}
	for _, tt := range tests {
		t.Run(tt.typ, func(t *testing.T) {
			t.Parallel()
			d, events := readReport(t, tt.file)
			if d.Type != tt.typ || d.How != ByName {
				t.Errorf("read as %v, want %s from the file name", d, tt.typ)
			}
			if len(events) != len(tt.want) {
				t.Fatalf("%d events, want %d", len(events), len(tt.want))
			}
			for i, want := range tt.want {
				for k, v := range want {
					if got := events[i].Get(k); got != v {
						t.Errorf("event %d: %s = %q, want %q", i+1, k, got, v)
					}
				}
			}
		})
	}
}

// TestLowerCaseApplication: the schema writes some protocol.application constants in
// capitals ("CouchDB"); IntelMQ holds the field in lower case.
func TestLowerCaseApplication(t *testing.T) {
	t.Parallel()
	r, _ := Builtin().Report("scan_couchdb")
	if r.Constants["protocol.application"] != "CouchDB" {
		t.Skip("the schema's scan_couchdb constant changed")
	}
	p, err := NewParser(strings.NewReader(generatedReport(r)), "2026-03-24-scan_couchdb-nl-asn.csv", nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Next(); err != nil {
		t.Fatal(err)
	}
	e, err := p.Event()
	if err != nil || e.Get("protocol.application") != "couchdb" {
		t.Errorf("protocol.application = %q (%v), want couchdb", e.Get("protocol.application"), err)
	}
}

// TestLDAPOverTCPAndUDP: scan_ldap_tcp and scan_ldap_udp share the identifier
// open-ldap; the same server found over both at the same time is two events.
func TestLDAPOverTCPAndUDP(t *testing.T) {
	t.Parallel()
	_, tcp := readReport(t, "2026-03-24-scan_ldap_tcp-nl-asn.csv")
	_, udp := readReport(t, "2026-03-24-scan_ldap_udp-nl-asn.csv")
	if len(tcp) != 1 || len(udp) != 1 {
		t.Fatalf("%d and %d events", len(tcp), len(udp))
	}
	tcp[0].FeedName, udp[0].FeedName = "shadowserver", "shadowserver" // one Baken feed
	if tcp[0].Classification.Identifier != udp[0].Classification.Identifier {
		t.Skip("the schema now tells them apart by identifier")
	}
	if tcp[0].Fingerprint() == udp[0].Fingerprint() {
		t.Error("LDAP over TCP and over UDP at the same time are one event")
	}
}
