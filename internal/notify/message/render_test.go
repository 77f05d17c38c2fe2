package message

import (
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/baken-cert/baken/internal/event"
)

// Builders of the events the tests use.

func smb(ip string) event.Event {
	return event.Event{
		FeedProvider: "Shadowserver Foundation", TimeSource: time.Date(2026, 11, 21, 2, 0, 0, 0, time.UTC),
		Source:         event.Endpoint{IP: netip.MustParseAddr(ip), Port: 445},
		Classification: event.Classification{Taxonomy: "vulnerable", Type: "vulnerable-system", Identifier: "open-smb"},
		TLP:            "AMBER",
	}
}

func leaked(account string) event.Event {
	return event.Event{
		FeedProvider: "Have I Been Pwned", TimeSource: time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC),
		Source:         event.Endpoint{Account: account},
		Classification: event.Classification{Taxonomy: "information-content-security", Type: "data-leak", Identifier: "leaked-credentials"},
	}
}

func phish(url string) event.Event {
	return event.Event{
		TimeSource:     time.Date(2026, 11, 21, 9, 30, 0, 0, time.UTC),
		Source:         event.Endpoint{URL: url, FQDN: event.URLHost(url)},
		Classification: event.Classification{Taxonomy: "fraud", Type: "phishing", Identifier: "phishing-url"},
	}
}

// parts names the parts of a rendered message for the scenario tables.
func parts(r Rendered) map[string]string {
	return map[string]string{
		"subject": r.Subject, "text": r.Text, "html": r.HTML, "csv": string(r.CSV), "json": string(r.JSON),
	}
}

// TestRenderScenarios renders messages and looks for what each part must and must
// not say. A part named "*" means every part.
func TestRenderScenarios(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		data  func(d *Data)
		has   map[string][]string
		hasNo map[string][]string
	}{{
		name: "a feed that names no provider is named by itself, with its kind",
		data: func(d *Data) {
			e := phish("https://login.example.nl/")
			e.FeedName = "partner-urls"
			d.Events, d.Kind = []event.Event{e}, "incidental"
		},
		has: map[string][]string{"html": {"deze informatie komt van partner-urls, over één incident."}},
	}, {
		name: "network owner, one threat",
		data: func(d *Data) {
			d.NetworkOwner, d.OrgName = true, ""
			d.Events = []event.Event{smb("192.0.2.1"), smb("192.0.2.2")}
		},
		has: map[string][]string{
			"subject": {"[DTC #20261122-00000042] Kwetsbaar systeem: SMB open vanaf internet (2 systemen in uw netwerk)"},
			"text": {"Geachte abuse-afdeling,", "Wilt u dit bericht doorsturen naar uw klant?",
				"Het gaat om een systeem van een van uw klanten.", "1. Stuur dit bericht door naar de klant",
				"Heeft uw klant zijn IT uitbesteed?"},
			"html": {"Geachte abuse-afdeling,", "<li style=\"margin-bottom:6px;\">Stuur dit bericht door naar de klant"},
		},
		hasNo: map[string][]string{"*": {"Geachte contactpersoon", "Neem contact op met uw IT-leverancier als u uw IT heeft uitbesteed."}},
	}, {
		name: "network owner, several threats, English",
		data: func(d *Data) {
			d.Language, d.NetworkOwner, d.OrgName = English, true, ""
			d.Events = []event.Event{smb("192.0.2.1"), leaked("a@example.nl"), phish("https://example.nl/x")}
		},
		has: map[string][]string{
			"subject": {"[DTC #20261122-00000042] 3 security issues in your network"},
			"text":    {"Dear abuse team,", "Please forward this message to your customer.", "If your customer outsources their IT"},
		},
	}, {
		name: "organisation, several threats in order of appearance",
		data: func(d *Data) {
			d.Events = []event.Event{phish("https://example.nl/x"), smb("192.0.2.1"), leaked("a@example.nl"), smb("192.0.2.2")}
		},
		has: map[string][]string{
			"subject": {"[DTC #20261122-00000042] 4 beveiligingsproblemen op uw systemen"},
			"text":    {"Geachte contactpersoon van Bakkerij De Vries B.V.,", "Wat: Phishingpagina", "Wat: Inloggegevens gelekt", "Phishingpagina\n---", "SMB open vanaf internet\n---", "Inloggegevens gelekt\n---"},
		},
	}, {
		name: "analyst advice by type replaces the table's",
		data: func(d *Data) {
			d.Advice = map[string]string{"vulnerable-system": "Dit is dringend.\n- Pas de noodfix toe.\n* Herstart het systeem."}
		},
		has: map[string][]string{
			"text": {"SMB open vanaf internet\n---", "Dit is dringend.", "1. Pas de noodfix toe.", "2. Herstart het systeem.",
				"3. Neem contact op met uw IT-leverancier als u uw IT heeft uitbesteed."},
			"html": {"<p>Dit is dringend.</p>", ">Pas de noodfix toe.</li>"},
		},
		hasNo: map[string][]string{"*": {"Windows-bestandsdeling is bedoeld", "- Pas de noodfix"}},
	}, {
		name: "analyst advice by identifier wins over type and over all",
		data: func(d *Data) {
			d.Events = []event.Event{smb("192.0.2.1"), leaked("a@example.nl")}
			d.Advice = map[string]string{"open-smb": "Advies voor SMB.", "vulnerable-system": "Advies per type.", "": "Advies voor alles."}
		},
		has:   map[string][]string{"text": {"Advies voor SMB.", "Advies voor alles."}},
		hasNo: map[string][]string{"*": {"Advies per type.", "De e-mailadressen in de tabel"}},
	}, {
		name: "TLP from the strictest event when Data has none",
		data: func(d *Data) {
			green, amber := smb("192.0.2.1"), smb("192.0.2.2")
			green.TLP, amber.TLP = "green", "amber+strict"
			d.TLP, d.Events = "", []event.Event{green, amber}
		},
		has: map[string][]string{"text": {"Vertrouwelijkheid: TLP:AMBER+STRICT", "alleen binnen uw eigen organisatie"}},
	}, {
		name: "no TLP, no verification page, no feedback",
		data: func(d *Data) {
			e := smb("192.0.2.1")
			e.TLP = ""
			d.TLP, d.Events, d.VerifyURL, d.FeedbackURLs = "", []event.Event{e}, "", nil
		},
		has:   map[string][]string{"text": {"Wij vragen nooit om wachtwoorden"}, "subject": {"(1 systeem)"}},
		hasNo: map[string][]string{"*": {"TLP:", "Vertrouwelijkheid", "ga naar", "Uw mening"}},
	}, {
		name: "passwords, hashes and raw lines never leave",
		data: func(d *Data) {
			e := leaked("a@example.nl")
			e.Raw = "a@example.nl:hunter2"
			e.Fields = map[string]string{"extra.password": "hunter2", "extra.password_hash": "5baa61e4", "extra.raw_line": "x:hunter2", "extra.breach": "ExampleShop"}
			d.Events = []event.Event{e}
		},
		has:   map[string][]string{"csv": {"extra.breach", "ExampleShop"}, "json": {`"extra.breach": "ExampleShop"`}},
		hasNo: map[string][]string{"*": {"hunter2", "5baa61e4", "password\"", "extra.raw"}},
	}, {
		name: "relative links resolve against the sender's site",
		data: func(d *Data) {
			d.VerifyURL, d.FeedbackURLs = "/verify?c=1", map[string]string{"useful": "/f/abc", "unknown-kind": "/f/zzz"}
		},
		has:   map[string][]string{"html": {`href="https://baken.example.nl/verify?c=1"`, `href="https://baken.example.nl/f/abc"`}},
		hasNo: map[string][]string{"*": {"/f/zzz"}},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d := sampleData(Dutch, smb("192.0.2.1"))
			tt.data(&d)
			r, err := Render(d)
			if err != nil {
				t.Fatal(err)
			}
			checkParts(t, parts(r), tt.has, true)
			checkParts(t, parts(r), tt.hasNo, false)
		})
	}
}

func checkParts(t *testing.T, got map[string]string, want map[string][]string, present bool) {
	t.Helper()
	for part, needles := range want {
		names := []string{part}
		if part == "*" {
			names = []string{"subject", "text", "html", "csv", "json"}
		}
		for _, name := range names {
			for _, s := range needles {
				// The text part wraps lines: compare with white space collapsed too.
				found := strings.Contains(got[name], s) || strings.Contains(squeeze(got[name]), squeeze(s))
				if found != present {
					if present {
						t.Errorf("%s does not contain %q:\n%s", name, s, got[name])
					} else {
						t.Errorf("%s contains %q", name, s)
					}
				}
			}
		}
	}
}

func TestRenderErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		data func(d *Data)
		want string
	}{
		{"no ticket", func(d *Data) { d.Ticket = "" }, "ticket"},
		{"ticket with a newline", func(d *Data) { d.Ticket = "1\r\nBcc: x@example.nl" }, "ticket"},
		{"unknown language", func(d *Data) { d.Language = "de" }, "language"},
		{"no sender", func(d *Data) { d.SenderName = " " }, "sender name"},
		{"no events", func(d *Data) { d.Events = nil }, "no events"},
		{"javascript link", func(d *Data) { d.FeedbackURLs = map[string]string{"useful": "javascript:alert(1)"} }, "feedback URL"},
		{"relative link without a base", func(d *Data) { d.SenderURL = "" }, "verify URL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d := sampleData(Dutch, smb("192.0.2.1"))
			tt.data(&d)
			if _, err := Render(d); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Render error = %v, want one about %q", err, tt.want)
			}
		})
	}
}

func TestRenderOrder(t *testing.T) {
	t.Parallel()
	late, early := smb("192.0.2.9"), smb("192.0.2.1")
	late.TimeSource = time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)
	events := []event.Event{late, leaked("z@example.nl"), early, leaked("a@example.nl")}
	r, err := Render(sampleData(English, events...))
	if err != nil {
		t.Fatal(err)
	}
	for name, part := range map[string]string{"text": r.Text, "html": r.HTML, "csv": string(r.CSV), "json": string(r.JSON)} {
		inOrder(t, name, part, "192.0.2.9", "z@example.nl", "192.0.2.1", "a@example.nl")
	}
	inOrder(t, "text", r.Text, "SMB open to the internet\n---", "Login details leaked\n---")
}

// inOrder fails unless every needle appears in s, each after the one before.
func inOrder(t *testing.T, name, s string, needles ...string) {
	t.Helper()
	at := 0
	for _, n := range needles {
		i := strings.Index(s[at:], n)
		if i < 0 {
			t.Errorf("%s: %q missing or out of order", name, n)
			return
		}
		at += i + len(n)
	}
}

func TestRenderTruncatesTheBody(t *testing.T) {
	t.Parallel()
	var events []event.Event
	for i := range MaxRows + 50 {
		events = append(events, smb(netip.AddrFrom4([4]byte{198, 51, byte(i / 256), byte(i)}).String()))
	}
	r, err := Render(sampleData(Dutch, events...))
	if err != nil {
		t.Fatal(err)
	}
	if want := "Deze lijst toont de eerste 100 van 150 meldingen."; !strings.Contains(r.Text, want) || !strings.Contains(r.HTML, want) {
		t.Errorf("body does not say %q", want)
	}
	if strings.Contains(r.Text, "198.51.0.100") || strings.Count(r.HTML, "<tr>") != MaxRows+1 {
		t.Errorf("body lists more than %d events", MaxRows)
	}
	if n := strings.Count(string(r.CSV), "\n"); n != 151 {
		t.Errorf("CSV has %d lines, want a header and 150 events", n)
	}
	if !strings.Contains(r.Subject, "(150 systemen)") {
		t.Errorf("subject %q does not count 150 systems", r.Subject)
	}
}

func TestSubjectTag(t *testing.T) {
	t.Parallel()
	tests := []struct{ tag, sender, want string }{
		{"", "Digital Trust Center", "DTC"},
		{"", "Nationaal Cyber Security Centrum", "NCSC"},
		{"", "Z-CERT", "Z-CERT"},
		{"", "Computer Emergency Response Team van de Verzekeraars", "CERTV"},
		{"", "i-CERT voor verzekeraars", "i-CERT voor verzekeraars"},
		{"DTC-TEST", "Digital Trust Center", "DTC-TEST"},
		{"A\r\nBcc: x", "Digital Trust Center", "A Bcc: x"},
	}
	for _, tt := range tests {
		if got := subjectTag(Data{SubjectTag: tt.tag, SenderName: tt.sender}); got != tt.want {
			t.Errorf("subjectTag(%q, %q) = %q, want %q", tt.tag, tt.sender, got, tt.want)
		}
	}
}
