package cli

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/baken-cert/baken/internal/feed/shadowserver"
)

// TestShadowserverSchemaCommands: the shipped schema is in force until an update stores
// another, which every later process uses; a file that is no schema is refused.
func TestShadowserverSchemaCommands(t *testing.T) {
	b := setup(t, "sqlite")
	code, out, errOut := b.run("", "shadowserver", "schema", "show")
	if code != 0 || !strings.Contains(out, "the one Baken ships, of 2026-03-24T15:31:20Z, 170 report types") {
		t.Fatalf("show: %d %s %s", code, out, errOut)
	}

	// A newer schema that drops scan_smb and renames nothing else.
	var raw map[string]any
	if err := json.Unmarshal(shadowserver.BuiltinSchemaFile(), &raw); err != nil {
		t.Fatal(err)
	}
	delete(raw, "scan_smb")
	raw["_meta"] = map[string]any{"date_created": "2026-04-01T00:00:00Z", "change_log": []string{"Removed scan_smb."}}
	newer, _ := json.Marshal(raw)
	code, out, errOut = b.run("", "shadowserver", "schema", "update", b.file("intelmq.json", string(newer)))
	if code != 0 || !strings.Contains(out, "Stored the Shadowserver schema of 2026-04-01T00:00:00Z, 169 report types") ||
		!strings.Contains(out, "It lacks 1 report types the shipped one has: scan_smb.") {
		t.Fatalf("update: %d %s %s", code, out, errOut)
	}
	code, out, _ = b.run("", "shadowserver", "schema", "show", "--json")
	var shown schemaShown
	if err := json.Unmarshal([]byte(out), &shown); err != nil || code != 0 {
		t.Fatalf("show --json: %d %v %s", code, err, out)
	}
	if shown.Source != "database" || shown.Version != "2026-04-01T00:00:00Z" || shown.Types != 169 || len(shown.SHA256) != 64 {
		t.Errorf("show --json = %+v", shown)
	}
	// Another process (a new command) reads with the stored schema.
	report, err := os.ReadFile("../ingest/testdata/2026-11-20-scan_smb-nl-asn.csv")
	if err != nil {
		t.Fatal(err)
	}
	code, _, errOut = b.run("", "ingest", b.file("2026-11-20-scan_smb-nl-asn.csv", string(report)))
	if code != 1 || !strings.Contains(errOut, `report type "scan_smb", which is not in the schema (of 2026-04-01T00:00:00Z)`) {
		t.Errorf("ingest with the stored schema: %d %s", code, errOut)
	}

	code, _, errOut = b.run("", "shadowserver", "schema", "update", b.file("bad.json", `{"x": 1}`))
	if code != 1 || !strings.Contains(errOut, "read shadowserver schema") {
		t.Errorf("update with a bad file: %d %s", code, errOut)
	}
}

// TestIngestNamedTypeOrRefused: a file named for a report type is read as that type or
// refused with a message naming it, exit status 1; a file whose name says nothing is
// read as the type its header fits, and standard error says which and why.
func TestIngestNamedTypeOrRefused(t *testing.T) {
	b := setup(t, "sqlite")
	exchange, err := os.ReadFile("../feed/shadowserver/testdata/2026-03-24-scan_exchange-nl-asn.csv")
	if err != nil {
		t.Fatal(err)
	}
	// The header has every column scan_db2 requires: the name is what says the type,
	// so it is read as scan_db2, never as a vulnerable Exchange server.
	code, out, errOut := b.run("", "ingest", "--json", b.file("2026-03-24-scan_db2-nl-asn.csv", string(exchange)))
	if code != 0 || !strings.Contains(out, `"report_type": "scan_db2"`) {
		t.Errorf("scan_db2 name: %d %s %s", code, out, errOut)
	}
	sinkhole := "timestamp,protocol,src_ip,src_port,src_asn\n2026-03-24 00:00:00,tcp,192.0.2.1,4444,64496\n"
	code, _, errOut = b.run("", "ingest", b.file("2026-03-24-scan_radmin-nl-asn.csv", sinkhole))
	if code != 1 || !strings.Contains(errOut, `the file name says report type scan_radmin, but the header lacks column "ip"`) {
		t.Errorf("mismatched header: %d %s", code, errOut)
	}
	code, _, errOut = b.run("", "ingest", b.file("2026-03-24-phish_url-nl-asn.csv", string(exchange)))
	if code != 1 || !strings.Contains(errOut, `report type "phish_url", which is not in the schema`) {
		t.Errorf("unknown type: %d %s", code, errOut)
	}
	code, _, errOut = b.run("", "ingest", b.file("download.csv", string(exchange)))
	if code != 0 || !strings.Contains(errOut, "download.csv: read as scan_exchange (from the header: the file name says nothing;") {
		t.Errorf("name says nothing: %d %s", code, errOut)
	}

	// The feed's report_type option types the files whose name says nothing, and a file
	// named for another type is refused.
	if code, out, errOut := b.run("", "feed", "add", "--format", "shadowserver", "--report-type", "scan_exchange", "exchange"); code != 0 {
		t.Fatalf("feed add: %d %s %s", code, out, errOut)
	}
	code, out, errOut = b.run("", "ingest", "--feed", "exchange", "--json", b.file("export.csv", string(exchange)))
	if code != 0 || !strings.Contains(out, `"report_type": "scan_exchange"`) || strings.Contains(errOut, "read as") {
		t.Errorf("report_type option: %d %s %s", code, out, errOut)
	}
	code, _, errOut = b.run("", "ingest", "--feed", "exchange", b.file("2026-03-24-scan_db2-nl-asn.csv", string(exchange)))
	if code != 1 || !strings.Contains(errOut, "the file name says report type scan_db2, the feed's report_type scan_exchange") {
		t.Errorf("name against report_type: %d %s", code, errOut)
	}
}
