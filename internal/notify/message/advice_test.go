package message

import (
	"slices"
	"strings"
	"testing"

	"github.com/baken-cert/baken/internal/event"
)

// sampleClass is a classification that takes e's advice.
func sampleClass(e *entry) event.Classification {
	if e.key == defaultKey {
		return event.Classification{Taxonomy: "other", Type: "other", Identifier: "example-unknown"}
	}
	return e.class
}

// TestAdviceEveryEntry checks every course in both languages and for both audiences:
// complete, every placeholder filled, and ending with the IT supplier.
func TestAdviceEveryEntry(t *testing.T) {
	t.Parallel()
	for _, e := range catalogue.entries {
		c := sampleClass(e)
		nl, en := Advice(Dutch, c), Advice(English, c)
		for lang, course := range map[Language]Course{Dutch: nl, English: en} {
			where := e.key + "." + string(lang)
			if course.Title == "" || course.Explanation == "" || len(course.Steps) < 2 {
				t.Errorf("%s: incomplete course %+v", where, course)
			}
			all := course.Title + course.Explanation + strings.Join(course.Steps, "")
			if strings.ContainsAny(all, "{}") {
				t.Errorf("%s: a placeholder is left: %q", where, all)
			}
			if last := course.Steps[len(course.Steps)-1]; last != stepITSupplier.in(lang) {
				t.Errorf("%s: last step %q, want the IT supplier", where, last)
			}
			for _, s := range append([]string{course.Explanation}, course.Steps...) {
				if !strings.HasSuffix(s, ".") && !strings.HasSuffix(s, "?") {
					t.Errorf("%s: %q does not end a sentence", where, s)
				}
			}
			owner := NetworkOwnerAdvice(lang, c)
			if owner.Steps[0] != stepForward.in(lang) || owner.Steps[len(owner.Steps)-1] != stepCustomerITSupplier.in(lang) {
				t.Errorf("%s: network-owner steps %q", where, owner.Steps)
			}
			if !strings.HasPrefix(owner.Explanation, networkOwnerPrefix.in(lang)) {
				t.Errorf("%s: network-owner explanation %q", where, owner.Explanation)
			}
		}
		if nl.Explanation == en.Explanation || slices.Equal(nl.Steps, en.Steps) {
			t.Errorf("%s: Dutch and English are the same", e.key)
		}
		if e.subject.nl == "" || e.subject.en == "" {
			t.Errorf("%s: no subject", e.key)
		}
	}
}

func TestAdviceLookup(t *testing.T) {
	t.Parallel()
	tests := []struct {
		class event.Classification
		want  string
	}{
		{event.Classification{Taxonomy: "vulnerable", Type: "vulnerable-system", Identifier: "open-smb"}, "open-smb"},
		{event.Classification{Taxonomy: "vulnerable", Type: "vulnerable-system", Identifier: "OPEN-RDP"}, "open-rdp"},
		{event.Classification{Taxonomy: "vulnerable", Type: "vulnerable-system", Identifier: "accessible-ftp"}, "open-ftp"},
		{event.Classification{Taxonomy: "other", Type: "other", Identifier: "open-ssh"}, "open-ssh"},
		{event.Classification{Taxonomy: "vulnerable", Type: "vulnerable-system", Identifier: "ntp-monitor"}, "ntp-monitor"},
		{event.Classification{Taxonomy: "vulnerable", Type: "vulnerable-system", Identifier: "cve-2023-3519"}, "vulnerable-system"},
		// Shadowserver's Exchange report classifies vulnerable servers as infected.
		{event.Classification{Taxonomy: "vulnerable", Type: "infected-system", Identifier: "vulnerable-exchange-server"}, "vulnerable-system"},
		{event.Classification{Taxonomy: "intrusions", Type: "system-compromise", Identifier: "exchange-server-webshell"}, "system-compromise"},
		{event.Classification{Taxonomy: "intrusions", Type: "system-compromise", Identifier: "compromised-website"}, "compromised-website"},
		{event.Classification{Taxonomy: "intrusions", Type: "burglary"}, "system-compromise"},
		{event.Classification{Taxonomy: "malicious-code", Type: "infected-system", Identifier: "andromeda"}, "infected-system"},
		{event.Classification{Taxonomy: "malicious-code", Type: "c2-server", Identifier: "cobaltstrike"}, "c2-server"},
		{event.Classification{Taxonomy: "malicious-code", Type: "malware"}, "infected-system"},
		{event.Classification{Taxonomy: "information-content-security", Type: "data-leak", Identifier: "leaked-credentials"}, "leaked-credentials"},
		{event.Classification{Taxonomy: "information-content-security", Type: "data-leak", Identifier: "combolist"}, "leaked-credentials"},
		{event.Classification{Taxonomy: "information-content-security", Type: "data-leak", Identifier: "open-bucket"}, "data-leak"},
		{event.Classification{Taxonomy: "fraud", Type: "phishing", Identifier: "phishing-url"}, "phishing"},
		{event.Classification{Taxonomy: "abusive-content", Type: "spam"}, "spam"},
		{event.Classification{Taxonomy: "availability", Type: "ddos"}, "ddos"},
		{event.Classification{Taxonomy: "vulnerable", Type: "ddos-amplifier", Identifier: "open-chargen"}, "ddos-amplifier"},
		{event.Classification{Taxonomy: "other", Type: "blacklist", Identifier: "blacklisted-ip"}, "blacklist"},
		{event.Classification{Taxonomy: "other", Type: "blacklist", Identifier: "malicious-activity"}, "blacklist"},
		{event.Classification{Taxonomy: "intrusion-attempts", Type: "brute-force", Identifier: "ssh"}, "brute-force"},
		{event.Classification{Taxonomy: "information-gathering", Type: "scanner", Identifier: "honeypot-http-scan"}, "scanner"},
		{event.Classification{Taxonomy: "other", Type: "undetermined", Identifier: "unknown"}, defaultKey},
		{event.Classification{Taxonomy: "test", Type: "test", Identifier: "test"}, defaultKey},
		{event.Classification{}, defaultKey},
	}
	for _, tt := range tests {
		if got := lookup(tt.class); got.key != tt.want {
			t.Errorf("lookup(%+v) = %s, want %s", tt.class, got.key, tt.want)
		}
	}
}

// TestAdviceConcrete checks that a course names what its events carry.
func TestAdviceConcrete(t *testing.T) {
	t.Parallel()
	rdp := lookup(event.Classification{Identifier: "open-rdp"})
	vuln := lookup(event.Classification{Type: "vulnerable-system"})
	tests := []struct {
		name  string
		lang  Language
		entry *entry
		facts courseFacts
		want  []string
	}{
		{"usual port", English, rdp, courseFacts{}, []string{"Close port 3389 in your firewall"}},
		{"ports the events name", Dutch, rdp, courseFacts{ports: []int{3389, 3390, 13389}}, []string{"Sluit poorten 3389, 3390 en 13389 in uw firewall"}},
		{"product and CVEs", English, vuln, courseFacts{products: []string{"Ivanti Connect Secure"}, cves: []string{"CVE-2023-46805", "CVE-2024-21887"}},
			[]string{"Vulnerable system: Ivanti Connect Secure", "This concerns Ivanti Connect Secure, with vulnerabilities CVE-2023-46805 and CVE-2024-21887.",
				"Install the update of Ivanti Connect Secure that fixes CVE-2023-46805 and CVE-2024-21887 as soon as possible."}},
		{"CVE only", Dutch, vuln, courseFacts{cves: []string{"CVE-2019-19781"}},
			[]string{"Het gaat om de kwetsbaarheid CVE-2019-19781.", "Installeer zo snel mogelijk de update die CVE-2019-19781 verhelpt."}},
		{"many CVEs", English, vuln, courseFacts{cves: strings.Fields("CVE-1-1 CVE-1-2 CVE-1-3 CVE-1-4 CVE-1-5 CVE-1-6 CVE-1-7 CVE-1-8 CVE-1-9 CVE-1-10")},
			[]string{"CVE-1-7, CVE-1-8 and 2 more"}},
		{"malware", Dutch, lookup(event.Classification{Type: "infected-system"}), courseFacts{malware: []string{"qakbot", "emotet"}},
			[]string{"De gevonden malware: qakbot en emotet."}},
		{"unknown classification", English, catalogue.fallback, courseFacts{class: "tor (exit-node)"},
			[]string{"The source describes it as: tor (exit-node)."}},
	}
	for _, tt := range tests {
		c := makeCourse(tt.lang, tt.entry, tt.facts, false)
		all := c.Title + "\n" + c.Explanation + "\n" + strings.Join(c.Steps, "\n")
		for _, w := range tt.want {
			if !strings.Contains(all, w) {
				t.Errorf("%s: course does not say %q:\n%s", tt.name, w, all)
			}
		}
	}
}

// TestLeakedCredentialsAdvice: the advice for leaked credentials asks for new
// passwords and two-step verification, and says we never ask for passwords.
func TestLeakedCredentialsAdvice(t *testing.T) {
	t.Parallel()
	class := event.Classification{Taxonomy: "information-content-security", Type: "data-leak", Identifier: "leaked-credentials"}
	for lang, want := range map[Language][]string{
		Dutch:   {"wachtwoord wijzigen", "tweestapsverificatie", "nooit naar vragen"},
		English: {"change their password", "two-step verification", "never ask you for them"},
	} {
		c := Advice(lang, class)
		all := c.Explanation + strings.Join(c.Steps, " ")
		for _, w := range want {
			if !strings.Contains(all, w) {
				t.Errorf("%s: advice does not say %q", lang, w)
			}
		}
	}
}

func TestParseLanguage(t *testing.T) {
	t.Parallel()
	for tag, want := range map[string]Language{"nl": Dutch, "NL": Dutch, "nl-BE": Dutch, "en": English, "en-GB": English, " en ": English, "de": "", "": ""} {
		got, ok := ParseLanguage(tag)
		if got != want || ok != (want != "") {
			t.Errorf("ParseLanguage(%q) = %q, %v", tag, got, ok)
		}
	}
}

func TestFormatInt(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		lang Language
		n    int
		want string
	}{{Dutch, 7, "7"}, {Dutch, 999, "999"}, {Dutch, 1000, "1.000"}, {English, 1234567, "1,234,567"}, {English, -1500, "-1500"}} {
		if got := formatInt(tt.lang, tt.n); got != tt.want {
			t.Errorf("formatInt(%s, %d) = %q, want %q", tt.lang, tt.n, got, tt.want)
		}
	}
}

func TestIdentifierTitle(t *testing.T) {
	t.Parallel()
	if got, ok := IdentifierTitle(English, "OPEN-SMB "); !ok || got == "" || strings.Contains(got, "{") {
		t.Errorf("open-smb in English: %q, %v", got, ok)
	}
	nl, _ := IdentifierTitle(Dutch, "open-smb")
	en, _ := IdentifierTitle(English, "open-smb")
	if nl == en {
		t.Errorf("the Dutch and English titles are the same: %q", nl)
	}
	if got, ok := IdentifierTitle(English, "no-such-report"); ok || got != "" {
		t.Errorf("an unknown identifier: %q, %v", got, ok)
	}
}

// TestKinds checks that Kinds names every entry but the general one, each by a
// classification that takes that entry's advice.
func TestKinds(t *testing.T) {
	t.Parallel()
	kinds := Kinds()
	if len(kinds) != len(catalogue.entries)-1 {
		t.Fatalf("%d kinds for %d entries and the general course", len(kinds), len(catalogue.entries))
	}
	for i, c := range kinds {
		if got := lookup(c); got != catalogue.entries[i] {
			t.Errorf("kind %d (%+v) takes the advice of %s, want %s", i, c, got.key, catalogue.entries[i].key)
		}
	}
}
