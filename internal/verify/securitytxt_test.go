package verify

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// testNow is the moment the parse tests pretend it is.
var testNow = time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)

func TestParseFiles(t *testing.T) {
	t.Parallel()
	tests := []struct {
		file      string
		valid     bool
		signed    bool
		expired   bool
		contacts  int
		emails    []string
		languages []string
		problems  []string // each a substring of one problem, in order; exactly these
	}{
		{
			file: "valid.txt", valid: true, contacts: 4,
			emails:    []string{"security@voorbeeld-waterschap.nl", "cert@voorbeeld-waterschap.nl"},
			languages: []string{"nl", "en"},
		},
		{
			file: "expired.txt", expired: true, contacts: 1,
			emails: []string{"security@example.com"}, languages: []string{"en"},
			problems: []string{"line 2: the file expired on 2025-03-31T20:00:00Z"},
		},
		{
			file: "signed.txt", valid: true, signed: true, contacts: 1,
			emails: []string{"security@securitytxt.example.org"},
		},
		{
			file: "missing-contact.txt", languages: []string{"en", "de"},
			problems: []string{"no usable Contact field"},
		},
		{
			file: "garbage.html",
			problems: []string{
				`line 1: "<!DOCTYPE html>" is not a "Field: value" line`,
				"line 2: ", "line 3: ", "line 4: ",
				`line 5: "<h1>Oops: we could not find that page</h1>" is not`,
				`line 6: "<p>Try https://example.org/ instead.</p>" is not`,
				"line 7: ", "line 8: ",
				"no usable Contact field", "no Expires field",
			},
		},
		{
			file: "mixed-case.txt", valid: true, contacts: 2,
			emails: []string{"security@example.org"}, languages: []string{"EN", "Nl-be"},
		},
		{
			file: "crlf.txt", valid: true, contacts: 1,
			emails: []string{"cert@gemeente.example"}, languages: []string{"nl"},
		},
		{
			file: "far-future.txt", valid: true, contacts: 1, languages: []string{"en"},
			problems: []string{
				"line 2: Expires is more than a year ahead",
				`line 3: "x_klingon" is not a language tag`,
			},
		},
		{
			file: "problems.txt", contacts: 1,
			emails: []string{"cert@example.edu"}, languages: []string{"en"},
			problems: []string{
				`line 1: Contact "security@example.edu" is not a URI: write mailto:security@example.edu`,
				`line 2: Contact "http://example.edu/security" must use https`,
				`line 4: Contact "ftp://example.edu/report": a mailto:, https:, tel URI is expected, not ftp:`,
				`line 5: Expires "31 December 2026" is not an RFC 3339`,
				"line 6: Expires appears more than once",
				"line 8: Preferred-Languages appears more than once",
				`line 9: unknown field "X-Bug-Bounty"`,
				`line 10: "this line has no colon" is not a "Field: value" line`,
				`line 11: "https://example.edu/security" is not a "Field: value" line`,
				"line 12: the Policy field has no value",
			},
		},
		{
			file:     "latin1.txt",
			problems: []string{"line 1: ", "not valid UTF-8", "no usable Contact"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			t.Parallel()
			body, err := os.ReadFile(filepath.Join("testdata", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			st, problems := Parse(body, testNow)
			if st.Valid != tt.valid || st.Signed != tt.signed || st.Expired != tt.expired {
				t.Errorf("Valid, Signed, Expired = %v, %v, %v; want %v, %v, %v",
					st.Valid, st.Signed, st.Expired, tt.valid, tt.signed, tt.expired)
			}
			if len(st.Contacts) != tt.contacts {
				t.Errorf("Contacts = %q, want %d of them", st.Contacts, tt.contacts)
			}
			if !slices.Equal(st.Emails, tt.emails) {
				t.Errorf("Emails = %q, want %q", st.Emails, tt.emails)
			}
			if !slices.Equal(st.PreferredLanguages, tt.languages) {
				t.Errorf("PreferredLanguages = %q, want %q", st.PreferredLanguages, tt.languages)
			}
			checkProblems(t, problems, tt.problems)
		})
	}
}

func checkProblems(t *testing.T, got []Problem, want []string) {
	t.Helper()
	ok := len(got) == len(want)
	for i := 0; ok && i < len(got); i++ {
		ok = strings.Contains(got[i].String(), want[i])
	}
	for _, p := range got {
		if p.Text == nil || p.Text.Error() != p.Message {
			t.Errorf("problem %q comes with the text %#v, for the portal to translate", p.Message, p.Text)
		}
	}
	if !ok {
		var lines []string
		for _, p := range got {
			lines = append(lines, "\t"+p.String())
		}
		t.Errorf("problems:\n%s\nwant, in order, ones containing:\n\t%s",
			strings.Join(lines, "\n"), strings.Join(want, "\n\t"))
	}
}

func TestParseValidFields(t *testing.T) {
	t.Parallel()
	body, err := os.ReadFile("testdata/valid.txt")
	if err != nil {
		t.Fatal(err)
	}
	st, _ := Parse(body, testNow)
	if want := time.Date(2026, 12, 31, 23, 0, 0, 0, time.UTC); !st.Expires.Equal(want) {
		t.Errorf("Expires = %v, want %v", st.Expires, want)
	}
	for name, got := range map[string][]string{
		"Canonical": st.Canonical, "Encryption": st.Encryption, "Policy": st.Policy,
		"Hiring": st.Hiring, "CSAF": st.CSAF, "Acknowledgments": st.Acknowledgments,
	} {
		if len(got) == 0 {
			t.Errorf("%s is empty", name)
		}
	}
	if st.Encryption[1] != "openpgp4fpr:5F2DE5521C63A801AB59CCB603D49DE44B29100F" {
		t.Errorf("Encryption = %q", st.Encryption)
	}
}

func TestParseSigned(t *testing.T) {
	t.Parallel()
	body, err := os.ReadFile("testdata/signed.txt")
	if err != nil {
		t.Fatal(err)
	}
	st, _ := Parse(body, testNow)
	// "- Hiring: ..." is dash-escaped in the signed text.
	if !slices.Equal(st.Hiring, []string{"https://securitytxt.example.org/jobs"}) {
		t.Errorf("Hiring = %q", st.Hiring)
	}
	tests := []struct {
		name     string
		body     string
		valid    bool
		problems []string
	}{
		{"no signature", "-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\nContact: mailto:a@b.example\nExpires: 2026-12-01T00:00:00Z\n",
			false, []string{"line 1: the signed message has no -----BEGIN PGP SIGNATURE----- line"}},
		{"no end", "-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\nContact: mailto:a@b.example\nExpires: 2026-12-01T00:00:00Z\n-----BEGIN PGP SIGNATURE-----\nabc\n",
			false, []string{"line 6: the signature has no -----END PGP SIGNATURE----- line"}},
		{"text after", "-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\nContact: mailto:a@b.example\nExpires: 2026-12-01T00:00:00Z\n-----BEGIN PGP SIGNATURE-----\nabc\n-----END PGP SIGNATURE-----\n\nContact: mailto:evil@attacker.example\n",
			true, []string{"line 10: text after the signature is ignored"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st, problems := Parse([]byte(tt.body), testNow)
			if !st.Signed || st.Valid != tt.valid {
				t.Errorf("Signed, Valid = %v, %v; want true, %v", st.Signed, st.Valid, tt.valid)
			}
			if slices.Contains(st.Emails, "evil@attacker.example") {
				t.Error("a contact outside the signed text was used")
			}
			checkProblems(t, problems, tt.problems)
		})
	}
}

func TestParseSmall(t *testing.T) {
	t.Parallel()
	const expires = "Expires: 2026-12-01T00:00:00Z\n"
	tests := []struct {
		name     string
		body     string
		emails   []string
		problems []string
	}{
		{"empty", "", nil, []string{"no usable Contact", "no Expires"}},
		{"several addresses", "Contact: mailto:a@x.example,%20B@X.example\n" + expires, []string{"a@x.example", "b@x.example"}, nil},
		{"duplicate address", "Contact: mailto:a@x.example\nContact: mailto:A@X.EXAMPLE\n" + expires, []string{"a@x.example"}, nil},
		{"mailto without address", "Contact: mailto:\n" + expires, nil, []string{"line 1: Contact \"mailto:\": no e-mail address", "no usable Contact"}},
		{"local domain", "Contact: mailto:root@localhost\n" + expires, nil, []string{"has no internet domain", "no usable Contact"}},
		{"no space after colon", "Contact:mailto:a@x.example\n" + expires, []string{"a@x.example"}, nil},
		{"comment with colon", "# Contact: mailto:old@x.example\nContact: mailto:a@x.example\n" + expires, []string{"a@x.example"}, nil},
		{"no final newline", "Contact: mailto:a@x.example\nExpires: 2026-12-01T00:00:00Z", []string{"a@x.example"}, nil},
		{"https without host", "Contact: https:/relative\n" + expires, nil, []string{"has no host", "no usable Contact"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			st, problems := Parse([]byte(tt.body), testNow)
			if !slices.Equal(st.Emails, tt.emails) {
				t.Errorf("Emails = %q, want %q", st.Emails, tt.emails)
			}
			checkProblems(t, problems, tt.problems)
		})
	}
}
