package message

import (
	"bytes"
	"flag"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/baken-cert/baken/internal/event"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

const goldenDir = "testdata/golden"

// goldenParts are the files each golden notification is compared with.
var goldenParts = []string{"subject", "txt", "html", "csv", "json"}

// TestGolden renders a representative notification for every advice entry in both
// languages and compares it with testdata/golden/<entry>.<lang>.<part>.
func TestGolden(t *testing.T) {
	for _, e := range catalogue.entries {
		for _, lang := range []Language{Dutch, English} {
			name := e.key + "." + string(lang)
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				d := sampleData(lang, sampleEvents(e)...)
				if got := lookup(d.Events[0].Classification); got != e {
					t.Fatalf("the sample's classification %+v takes the advice of %s", d.Events[0].Classification, got.key)
				}
				r, err := Render(d)
				if err != nil {
					t.Fatal(err)
				}
				checkLines(t, r.Text)
				parts := map[string][]byte{
					"subject": []byte(r.Subject + "\n"), "txt": []byte(r.Text), "html": []byte(r.HTML),
					"csv": r.CSV, "json": r.JSON,
				}
				for _, part := range goldenParts {
					compareGolden(t, filepath.Join(goldenDir, name+"."+part), parts[part])
				}
			})
		}
	}
}

// goldenScenarios are notifications beyond one per advice entry, to review by eye:
// the network-owner variant and a message about several threats.
var goldenScenarios = map[string]func(lang Language) Data{
	"scenario-network-owner": func(lang Language) Data {
		d := sampleData(lang, smb("192.0.2.1"), smb("192.0.2.7"))
		d.NetworkOwner, d.OrgName = true, ""
		return d
	},
	"scenario-several": func(lang Language) Data {
		vuln := smb("192.0.2.3")
		vuln.Classification = event.Classification{Taxonomy: "vulnerable", Type: "infected-system", Identifier: "vulnerable-exchange-server"}
		vuln.ProductVendor, vuln.ProductName = "Microsoft", "Exchange Server"
		vuln.AddVulnerabilities("CVE-2021-26855, CVE-2021-27065")
		vuln.Source.Port = 443
		router := smb("192.0.2.1")
		_ = router.Set("source.reverse_dns", "router.bakkerijdevries.nl")
		d := sampleData(lang, router, vuln, leaked("j.devries@bakkerijdevries.nl"),
			phish("https://www.bakkerijdevries.nl/.well-known/pki/o365/login.php"), smb("192.0.2.2"))
		d.Matched = []string{"192.0.2.0/28", "192.0.2.0/28", "@bakkerijdevries.nl", "*.bakkerijdevries.nl", "AS64496"}
		return d
	},
}

func TestGoldenScenarios(t *testing.T) {
	for name, data := range goldenScenarios {
		for _, lang := range []Language{Dutch, English} {
			name := name + "." + string(lang)
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				r, err := Render(data(lang))
				if err != nil {
					t.Fatal(err)
				}
				checkLines(t, r.Text)
				parts := map[string][]byte{
					"subject": []byte(r.Subject + "\n"), "txt": []byte(r.Text), "html": []byte(r.HTML),
					"csv": r.CSV, "json": r.JSON,
				}
				for _, part := range goldenParts {
					compareGolden(t, filepath.Join(goldenDir, name+"."+part), parts[part])
				}
			})
		}
	}
}

// TestGoldenNoStrays fails on golden files no entry renders, such as those of an
// entry that was renamed.
func TestGoldenNoStrays(t *testing.T) {
	if *update {
		t.Skip("rewriting golden files")
	}
	want := map[string]bool{}
	names := make([]string, 0, len(catalogue.entries)+len(goldenScenarios))
	for _, e := range catalogue.entries {
		names = append(names, e.key)
	}
	for name := range goldenScenarios {
		names = append(names, name)
	}
	for _, name := range names {
		for _, lang := range []string{"nl", "en"} {
			for _, part := range goldenParts {
				want[name+"."+lang+"."+part] = true
			}
		}
	}
	files, err := os.ReadDir(goldenDir)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if !want[f.Name()] {
			t.Errorf("%s: no advice entry or scenario renders this file; remove it", f.Name())
		}
	}
}

func compareGolden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./internal/notify/message -update to write it)", err)
	}
	if bytes.Equal(got, want) {
		return
	}
	gl, wl := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
	for i := 0; i < max(len(gl), len(wl)); i++ {
		var g, w string
		if i < len(gl) {
			g = gl[i]
		}
		if i < len(wl) {
			w = wl[i]
		}
		if g != w {
			t.Errorf("%s differs at line %d:\n got: %q\nwant: %q\n(run go test ./internal/notify/message -update after checking the change)", path, i+1, g, w)
			return
		}
	}
}

// checkLines fails on a text line longer than 78 characters, unless it holds a word
// too long to wrap (a URL).
func checkLines(t *testing.T, text string) {
	t.Helper()
	for _, line := range strings.Split(text, "\n") {
		if utf8.RuneCountInString(line) <= 78 {
			continue
		}
		long := false
		for _, word := range strings.Fields(line) {
			long = long || utf8.RuneCountInString(word) > 40
		}
		if !long {
			t.Errorf("text line longer than 78 characters: %q", line)
		}
	}
}

// sampleData is the notification the golden files show, around events.
func sampleData(lang Language, events ...event.Event) Data {
	return Data{
		Ticket:       "20261122-00000042",
		Language:     lang,
		SenderName:   "Digital Trust Center",
		SenderURL:    "https://baken.example.nl",
		OrgName:      "Bakkerij De Vries B.V.",
		Events:       events,
		Kind:         "periodic",
		PortalURL:    "/notifications/20261122-00000042",
		VerifyURL:    "/verify",
		VerifyCode:   "K7Q-4MZ",
		FeedbackURLs: sampleFeedback(),
		TLP:          "AMBER",
	}
}

func sampleFeedback() map[string]string {
	m := map[string]string{}
	for _, kind := range feedbackKinds {
		m[kind] = "https://baken.example.nl/f/20261122-00000042/" + kind + "?t=Zm9vYmFy"
	}
	return m
}

// sampleEvents are three events that fit entry e: systems, accounts, websites or
// addresses, with a product for update entries and malware for infections. Each
// carries a raw line and a password-like field that no output may show.
func sampleEvents(e *entry) []event.Event {
	class := e.class
	if e.key == defaultKey {
		class = event.Classification{Taxonomy: "other", Type: "other", Identifier: "example-unknown"}
	}
	base := func(i int) event.Event {
		ev := event.Event{
			FeedName: "sample", FeedProvider: "Shadowserver Foundation",
			TimeSource:     time.Date(2026, 11, 21, 3, 14+i, 5, 0, time.UTC),
			Classification: class, TLP: "AMBER",
			Fields: map[string]string{"extra.tag": e.key, "extra.password": "hunter2", "extra.hash": "5baa61e4"},
			Raw:    "raw line with secrets",
		}
		return ev
	}
	ips := []string{"192.0.2.10", "192.0.2.11", "2001:db8::15"}
	var out []event.Event
	for i := range 3 {
		ev := base(i)
		switch e.unit.one {
		case unitAccounts.one:
			ev.Source.Account = []string{"j.devries@bakkerijdevries.nl", "info@bakkerijdevries.nl", "boekhouding@bakkerijdevries.nl"}[i]
		case unitWebsites.one:
			ev.Source.URL = []string{
				"https://www.bakkerijdevries.nl/wp-content/uploads/2026/login.php",
				"https://shop.bakkerijdevries.nl/",
				"http://192.0.2.11/x/",
			}[i]
			ev.Source.FQDN = event.URLHost(ev.Source.URL)
		default:
			ev.Source.IP = netip.MustParseAddr(ips[i])
			ev.Source.Port = uint16(e.port)
			if e.port == 0 && e.key != "blacklist" {
				ev.Source.Port = 443
			}
		}
		if i == 0 && e.unit.one == unitSystems.one {
			ev.Source.FQDN = "mail.bakkerijdevries.nl"
		}
		if e.update {
			ev.ProductVendor, ev.ProductName, ev.ProductVersion = "Citrix", "NetScaler ADC", "13.1-48.47"
			ev.AddVulnerabilities("CVE-2023-3519")
			ev.Severity = "critical"
		}
		if e.class.Taxonomy == "malicious-code" && e.unit.one == unitSystems.one {
			ev.Fields["malware.name"] = "qakbot"
		}
		out = append(out, ev)
	}
	return out
}
