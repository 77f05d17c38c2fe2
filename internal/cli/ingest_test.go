package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/baken-cert/baken/internal/store/storetest"
)

func TestIngestAndLookup(t *testing.T) {
	for _, engine := range storetest.Engines {
		t.Run(engine, func(t *testing.T) {
			b := setup(t, engine)
			reg := b.file("reg.csv", "organisation,org_ref,asset\nISP,isp,192.0.2.0/24\nCustomer,cust,192.0.2.0/28\nCustomer,cust,*.customer.example\nCustomer,cust,@customer.example\nCustomer,cust,AS64500\nV6,v6,2001:db8::/32\n")
			if code, out, errOut := b.run("", "org", "import", reg); code != 0 {
				t.Fatalf("import: %d %s %s", code, out, errOut)
			}
			report, err := os.ReadFile("../ingest/testdata/2026-11-20-scan_smb-nl-asn.csv")
			if err != nil {
				t.Fatal(err)
			}
			path := b.file("2026-11-20-scan_smb-nl-asn.csv", string(report))
			code, out, errOut := b.run("", "ingest", "--json", path)
			var rep map[string]any
			// Two rows of the report are bad: they are named, the others stored, and the
			// status is 1, as for baken org import.
			if err := json.Unmarshal([]byte(out), &rep); err != nil || code != 1 {
				t.Fatalf("ingest: %d %v\n%s%s", code, err, out, errOut)
			}
			for key, want := range map[string]float64{"rows": 7, "events": 3, "rejected": 2, "matched_events": 3, "organisations": 3} {
				if rep[key] != want {
					t.Errorf("%s = %v, want %v (%s)", key, rep[key], want, out)
				}
			}
			code, out, _ = b.run("", "ingest", path)
			if code != 1 || !strings.Contains(out, "events stored    0 (3 already known)") {
				t.Fatalf("second ingest: %d\n%s", code, out)
			}

			for value, want := range map[string][2]string{
				"192.0.2.3":            {"cust", "192.0.2.0/28"},
				"2001:db8::1":          {"v6", "2001:db8::/32"},
				"www.customer.example": {"cust", "*.customer.example"},
				"Jan@Customer.example": {"cust", "@customer.example"},
				"AS64500":              {"cust", "AS64500"},
			} {
				code, out, errOut := b.run("", "lookup", "--json", value)
				var res struct {
					Organisations []struct {
						OrgRef string `json:"org_ref"`
						Asset  string `json:"asset"`
					} `json:"organisations"`
				}
				if err := json.Unmarshal([]byte(out), &res); err != nil || code != 0 || len(res.Organisations) == 0 {
					t.Errorf("lookup %s: %d %v %s %s", value, code, err, out, errOut)
					continue
				}
				if got := res.Organisations[0]; got.OrgRef != want[0] || got.Asset != want[1] {
					t.Errorf("lookup %s: first owner %+v, want %v", value, got, want)
				}
			}
			code, out, _ = b.run("", "lookup", "192.0.2.200")
			if code != 0 || !strings.Contains(out, "* ISP (isp)") || strings.Contains(out, "Customer") {
				t.Errorf("lookup outside the customer's /28:\n%s", out)
			}
			code, out, _ = b.run("", "lookup", "203.0.113.1")
			if code != 0 || !strings.Contains(out, "no registered organisation") {
				t.Errorf("lookup of an unregistered address:\n%s", out)
			}
		})
	}
}

func TestFeedCommands(t *testing.T) {
	b := setup(t, "sqlite")
	code, out, errOut := b.run("", "feed", "add", "--format", "shadowserver", "--kind", "periodic", "--tlp", "tlp:green", "ss")
	if code != 0 || !strings.Contains(out, "Feed ss saved (shadowserver, periodic, TLP:GREEN)") {
		t.Fatalf("feed add: %d %s %s", code, out, errOut)
	}
	for _, args := range [][]string{
		{"feed", "add", "--format", "xml", "x"},
		{"feed", "add", "--format", "shadowserver", "--kind", "sometimes", "x"},
		{"feed", "add", "--format", "shadowserver", "--tlp", "purple", "x"},
		{"feed", "add", "--format", "shadowserver", "--report-type", "scan_nothing", "x"},
	} {
		if code, _, errOut := b.run("", args...); code == 0 || errOut == "" {
			t.Errorf("%v: exit %d; want a clear error", args, code)
		}
	}
	defs := b.file("feeds.json", `[{"name":"smb","format":"shadowserver","options":{"report_type":"scan_smb"}},
		{"name":"bad","format":"shadowserver","tlp":"PURPLE"}]`)
	if code, _, errOut := b.run("", "feed", "apply", defs); code == 0 || !strings.Contains(errOut, "feed 2") {
		t.Fatalf("apply with a bad feed: %d %s", code, errOut)
	}
	if _, out, _ := b.run("", "feed", "list"); strings.Contains(out, "smb ") {
		t.Fatalf("a file with a bad feed must save none:\n%s", out)
	}
	os.WriteFile(defs, []byte(`[{"name":"smb","format":"shadowserver","options":{"report_type":"scan_smb"}}]`), 0o600)
	if code, out, errOut := b.run("", "feed", "apply", defs); code != 0 || !strings.Contains(out, "1 feeds saved") {
		t.Fatalf("apply: %d %s %s", code, out, errOut)
	}
	code, out, _ = b.run("", "feed", "list", "--json")
	var feeds []feedFile
	if err := json.Unmarshal([]byte(out), &feeds); err != nil || code != 0 || len(feeds) != 2 || feeds[0].Name != "smb" || feeds[0].Kind != "periodic" {
		t.Fatalf("feed list: %v %s", err, out)
	}
	// A report without Shadowserver's file name goes through a feed that names its type.
	report, _ := os.ReadFile("../ingest/testdata/2026-11-20-scan_smb-nl-asn.csv")
	path := filepath.Join(b.dir, "upload.csv")
	os.WriteFile(path, report, 0o600)
	if code, out, errOut := b.run("", "ingest", "--feed", "smb", path); code != 1 || !strings.Contains(out, "scan_smb") {
		t.Fatalf("ingest --feed smb: %d %s %s", code, out, errOut)
	}
	if code, _, errOut := b.run("", "ingest", "--feed", "nope", path); code != 1 || !strings.Contains(errOut, `no feed "nope"`) {
		t.Fatalf("unknown feed: %d %s", code, errOut)
	}
}

func TestRIPEFallback(t *testing.T) {
	for _, engine := range storetest.Engines {
		t.Run(engine, func(t *testing.T) {
			b := setup(t, engine)
			code, out, errOut := b.run("", "ripe", "import", "../ripe/testdata")
			if code != 0 || !strings.Contains(out, "RIPE data from ../ripe/testdata imported") {
				t.Fatalf("ripe import: %d %s %s", code, out, errOut)
			}
			for value, want := range map[string]string{
				"192.0.2.70":       "abuse@alloc.example", // no abuse-c, no org: the parent's
				"192.0.2.130":      "abuse@cust2.example", // the organisation's abuse-c
				"198.51.100.1":     "abuse@alloc.example", // its own abuse-c wins over its organisation's
				"2001:db8:1000::1": "abuse@cust2.example",
				"AS64496":          "abuse@alloc.example",
			} {
				code, out, errOut := b.run("", "lookup", "--json", value)
				var res struct {
					Organisations []any `json:"organisations"`
					NetworkOwner  *struct {
						AbuseMailbox string
					} `json:"network_owner"`
				}
				if err := json.Unmarshal([]byte(out), &res); err != nil || code != 0 || res.NetworkOwner == nil || res.NetworkOwner.AbuseMailbox != want || len(res.Organisations) != 0 {
					t.Errorf("lookup %s: %d %v %s %s; want network owner %s", value, code, err, out, errOut, want)
				}
			}
			// An ingested row that no organisation registered goes to its network owner.
			report, _ := os.ReadFile("../ingest/testdata/2026-11-20-scan_smb-nl-asn.csv")
			path := b.file("2026-11-20-scan_smb-nl-asn.csv", string(report))
			code, out, _ = b.run("", "ingest", "--json", path)
			var rep map[string]any
			json.Unmarshal([]byte(out), &rep)
			if code != 1 || rep["fallback_events"] != float64(4) || rep["matched_events"] != float64(0) {
				t.Fatalf("ingest with only RIPE data: %d %s", code, out)
			}
		})
	}
}
