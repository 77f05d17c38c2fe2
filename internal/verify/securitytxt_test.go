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
		problems  []string // as checkProblems wants them
	}{
		{
			file: "valid.txt", valid: true, contacts: 4,
			emails:    []string{"security@voorbeeld-waterschap.nl", "cert@voorbeeld-waterschap.nl"},
			languages: []string{"nl", "en"},
		},
		{
			file: "expired.txt", expired: true, contacts: 1,
			emails: []string{"security@example.com"}, languages: []string{"en"},
			problems: []string{"error: line 2: the file expired on 2025-03-31T20:00:00Z"},
		},
		{
			file: "signed.txt", valid: true, signed: true, contacts: 1,
			emails: []string{"security@securitytxt.example.org"},
		},
		{
			// Made by gpg --clearsign, with a lower-case z in Expires.
			file: "signed-gpg.txt", valid: true, signed: true, contacts: 2,
			emails: []string{"security@signed.example"}, languages: []string{"nl", "en"},
		},
		{
			file: "missing-contact.txt", languages: []string{"en", "de"},
			problems: []string{"error: no usable Contact field"},
		},
		{
			file: "garbage.html",
			problems: []string{
				`error: line 1: "<!DOCTYPE html>" is not a "Field: value" line, a comment or blank`,
				"error: line 2: ", "error: line 3: ", "error: line 4: ",
				`error: line 5: "<h1>Oops: we could not find that page</h1>" is not`,
				`error: line 6: "<p>Try https://example.org/ instead.</p>" is not`,
				"error: line 7: ", "error: line 8: ",
				"error: no usable Contact field", "error: no Expires field",
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
			file: "far-future.txt", contacts: 1, languages: []string{"en"},
			problems: []string{
				"note: line 2: Expires is more than a year ahead",
				`error: line 3: "x_klingon" is not a language tag (BCP 47)`,
			},
		},
		{
			file: "problems.txt", contacts: 1,
			emails: []string{"cert@example.edu"}, languages: []string{"en"},
			problems: []string{
				`error: line 1: Contact "security@example.edu" is not a URI: write mailto:security@example.edu`,
				`error: line 2: Contact "http://example.edu/security" must use https`,
				`note: line 4: Contact "ftp://example.edu/report": a mailto:, https:, tel URI is expected, not ftp:`,
				`error: line 5: Expires "31 December 2026" is not an RFC 3339`,
				"error: line 6: Expires appears more than once",
				"error: line 8: Preferred-Languages appears more than once; RFC 9116 allows one",
				`note: line 9: unknown field "X-Bug-Bounty"`,
				`error: line 10: "this line has no colon" is not a "Field: value" line`,
				`error: line 11: "https://example.edu/security" is not a "Field: value" line`,
				"error: line 12: the Policy field has no value",
			},
		},
		{
			file:     "latin1.txt",
			problems: []string{"line 1: ", "error: the file is not valid UTF-8", "error: no usable Contact"},
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

// checkProblems checks that got are, in order, the problems want describes: each a
// substring of the problem's String, after "error: " if the problem makes the file
// invalid or "note: " if it is a recommendation (without either, its kind is not
// checked). Every problem must carry its text for the portal.
func checkProblems(t *testing.T, got []Problem, want []string) {
	t.Helper()
	ok := len(got) == len(want)
	for i := 0; ok && i < len(got); i++ {
		w := want[i]
		if rest, found := strings.CutPrefix(w, "error: "); found {
			w, ok = rest, got[i].Invalid
		} else if rest, found := strings.CutPrefix(w, "note: "); found {
			w, ok = rest, !got[i].Invalid
		}
		ok = ok && strings.Contains(got[i].String(), w)
	}
	for _, p := range got {
		if p.Text == nil || p.Text.Error() != p.Message {
			t.Errorf("problem %q comes with the text %#v, for the portal to translate", p.Message, p.Text)
		}
	}
	if !ok {
		var lines []string
		for _, p := range got {
			kind := "note: "
			if p.Invalid {
				kind = "error: "
			}
			lines = append(lines, "\t"+kind+p.String())
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

// TestParseRFC9116 holds a file to each MUST of RFC 9116 (and the DTC validator's
// reading of it): breaking one makes the file invalid, while what the RFC only
// recommends leaves it valid with a note.
func TestParseRFC9116(t *testing.T) {
	t.Parallel()
	const (
		contact = "Contact: mailto:a@x.example\n"
		expires = "Expires: 2026-12-01T00:00:00Z\n"
		good    = contact + expires
	)
	tests := []struct {
		name     string
		body     string
		valid    bool
		emails   []string
		problems []string // as checkProblems wants them
	}{
		{"minimal", good, true, []string{"a@x.example"}, nil},
		{"empty", "", false, nil, []string{"error: no usable Contact", "error: no Expires"}},

		// Contact: one or more, each a URI; web URIs https.
		{"no contact", expires, false, nil, []string{"error: no usable Contact"}},
		{"several addresses", "Contact: mailto:a@x.example,%20B@X.example\n" + expires, true, []string{"a@x.example", "b@x.example"}, nil},
		{"duplicate address", contact + "Contact: mailto:A@X.EXAMPLE\n" + expires, true, []string{"a@x.example"}, nil},
		{"contact tel and https", "Contact: tel:+31-70-123-4567\nContact: https://x.example/report\n" + expires, true, nil, nil},
		{"contact not a URI", "Contact: a@x.example\n" + contact + expires, false, []string{"a@x.example"},
			[]string{`error: line 1: Contact "a@x.example" is not a URI: write mailto:a@x.example`}},
		{"contact http", "Contact: http://x.example/report\n" + good, false, []string{"a@x.example"},
			[]string{`error: line 1: Contact "http://x.example/report" must use https, not http`}},
		{"contact HTTP in capitals", "Contact: HTTP://x.example/report\n" + good, false, []string{"a@x.example"},
			[]string{"error: line 1: Contact \"HTTP://x.example/report\" must use https"}},
		{"contact of another scheme", "Contact: ftp://x.example/\n" + good, true, []string{"a@x.example"},
			[]string{"note: line 1: Contact \"ftp://x.example/\": a mailto:, https:, tel URI is expected, not ftp:"}},
		{"https without host", "Contact: https:/relative\n" + expires, false, nil, []string{"error: line 1: Contact \"https:/relative\" has no host", "error: no usable Contact"}},
		{"mailto without address", "Contact: mailto:\n" + expires, false, nil, []string{"note: line 1: Contact \"mailto:\": no e-mail address", "error: no usable Contact"}},
		{"local domain", "Contact: mailto:root@localhost\n" + expires, false, nil, []string{"note: line 1: Contact \"mailto:root@localhost\": \"root@localhost\" has no internet domain", "error: no usable Contact"}},

		// Expires: exactly once, RFC 3339, not past; a year ahead at most is advised.
		{"no expires", contact, false, []string{"a@x.example"}, []string{"error: no Expires field"}},
		{"expires twice", good + expires, false, []string{"a@x.example"}, []string{"error: line 3: Expires appears more than once"}},
		{"expires lower-case t and z", contact + "Expires: 2026-12-01t00:00:00z\n", true, []string{"a@x.example"}, nil},
		{"expires with an offset and fraction", contact + "Expires: 2026-12-01T00:00:00.5+02:00\n", true, []string{"a@x.example"}, nil},
		{"expires with a space for T", contact + "Expires: 2026-12-01 00:00:00Z\n", false, []string{"a@x.example"},
			[]string{`error: line 2: Expires "2026-12-01 00:00:00Z" is not an RFC 3339 date and time`}},
		{"expires offset without colon", contact + "Expires: 2026-12-01T00:00:00+0100\n", false, []string{"a@x.example"},
			[]string{"error: line 2: Expires \"2026-12-01T00:00:00+0100\" is not an RFC 3339"}},
		{"expires a date only", contact + "Expires: 2026-12-01\n", false, []string{"a@x.example"}, []string{"error: line 2: Expires \"2026-12-01\" is not"}},
		{"expired", contact + "Expires: 2026-05-31T23:59:59Z\n", false, []string{"a@x.example"}, []string{"error: line 2: the file expired on 2026-05-31T23:59:59Z"}},
		{"more than a year ahead", contact + "Expires: 2027-06-02T00:00:00Z\n", true, []string{"a@x.example"}, []string{"note: line 2: Expires is more than a year ahead"}},

		// Preferred-Languages: at most once, comma-separated BCP 47 tags.
		{"languages", good + "Preferred-Languages: nl-BE, en, zh-Hant-TW, de-CH-1901, x-klingon\n", true, []string{"a@x.example"}, nil},
		{"languages twice", good + "Preferred-Languages: nl\nPreferred-Languages: en\n", false, []string{"a@x.example"},
			[]string{"error: line 4: Preferred-Languages appears more than once; RFC 9116 allows one"}},
		{"language with underscore", good + "Preferred-Languages: en_US\n", false, []string{"a@x.example"}, []string{`error: line 3: "en_US" is not a language tag (BCP 47)`}},
		{"language name", good + "Preferred-Languages: english\n", false, []string{"a@x.example"}, []string{`error: line 3: "english" is not a language tag`}},
		{"unregistered language", good + "Preferred-Languages: xx\n", false, []string{"a@x.example"}, []string{`error: line 3: "xx" is not a language tag`}},
		{"empty language in list", good + "Preferred-Languages: en,,nl\n", false, []string{"a@x.example"}, []string{`error: line 3: "" is not a language tag`}},
		{"languages separated by spaces", good + "Preferred-Languages: en nl\n", false, []string{"a@x.example"}, []string{`error: line 3: "en nl" is not a language tag`}},

		// Other URIs: https for web URIs; CSAF names a provider-metadata.json.
		{"encryption openpgp4fpr", good + "Encryption: openpgp4fpr:5F2DE5521C63A801AB59CCB603D49DE44B29100F\n", true, []string{"a@x.example"}, nil},
		{"canonical http", good + "Canonical: http://x.example/.well-known/security.txt\n", false, []string{"a@x.example"}, []string{"error: line 3: Canonical \"http://x.example/.well-known/security.txt\" must use https"}},
		{"encryption http", good + "Encryption: http://x.example/key.asc\n", false, []string{"a@x.example"}, []string{"error: line 3: Encryption \"http://x.example/key.asc\" must use https"}},
		{"policy http", good + "Policy: http://x.example/cvd\n", false, []string{"a@x.example"}, []string{"error: line 3: Policy \"http://x.example/cvd\" must use https"}},
		{"hiring http", good + "Hiring: http://x.example/jobs\n", false, []string{"a@x.example"}, []string{"error: line 3: Hiring \"http://x.example/jobs\" must use https"}},
		{"acknowledgments http", good + "Acknowledgments: http://x.example/thanks\n", false, []string{"a@x.example"}, []string{"error: line 3: Acknowledgments \"http://x.example/thanks\" must use https"}},
		{"policy not a URI", good + "Policy: see our website\n", false, []string{"a@x.example"}, []string{"error: line 3: Policy \"see our website\" is not a URI"}},
		{"csaf", good + "CSAF: https://x.example/.well-known/csaf/provider-metadata.json\n", true, []string{"a@x.example"}, nil},
		{"csaf http", good + "CSAF: http://x.example/.well-known/csaf/provider-metadata.json\n", false, []string{"a@x.example"}, []string{"error: line 3: CSAF \"http://x.example/.well-known/csaf/provider-metadata.json\" must use https"}},
		{"csaf other file", good + "CSAF: https://x.example/.well-known/csaf/other.json\n", false, []string{"a@x.example"},
			[]string{"error: line 3: CSAF \"https://x.example/.well-known/csaf/other.json\" does not name a provider-metadata.json file"}},
		{"csaf a directory", good + "CSAF: https://x.example/.well-known/csaf/provider-metadata.json/\n", false, []string{"a@x.example"}, []string{"error: line 3: CSAF"}},
		{"two csaf", good + "CSAF: https://x.example/provider-metadata.json\nCSAF: https://y.example/provider-metadata.json\n", true, []string{"a@x.example"},
			[]string{"note: line 4: more than one CSAF field"}},
		{"unknown field", good + "X-Bug-Bounty: https://bounty.x.example/\n", true, []string{"a@x.example"}, []string{`note: line 3: unknown field "X-Bug-Bounty" (allowed, and ignored)`}},

		// Lines: "Name: value" with one space after the colon, comments, blank
		// lines; every line ends with CRLF or LF.
		{"comments and blank lines", "# Contact: mailto:old@x.example\n\n" + good + "\n#\n", true, []string{"a@x.example"}, nil},
		{"CRLF", "Contact: mailto:a@x.example\r\nExpires: 2026-12-01T00:00:00Z\r\n", true, []string{"a@x.example"}, nil},
		{"not a field", good + "this line has no colon\n", false, []string{"a@x.example"}, []string{`error: line 3: "this line has no colon" is not a "Field: value" line, a comment or blank`}},
		{"a bare URI", good + "https://x.example/security\n", false, []string{"a@x.example"}, []string{`error: line 3: "https://x.example/security" is not a "Field: value" line`}},
		{"field name with a space", good + "Bug Bounty: https://x.example/\n", false, []string{"a@x.example"}, []string{`error: line 3: "Bug Bounty: https://x.example/" is not`}},
		{"no space after the colon", "Contact:mailto:a@x.example\n" + expires, false, []string{"a@x.example"},
			[]string{"error: line 1: the Contact field has no space after its colon; RFC 9116 requires one"}},
		{"tab after the colon", "Contact:\tmailto:a@x.example\n" + expires, false, []string{"a@x.example"}, []string{"error: line 1: the Contact field has no space after its colon"}},
		{"space before the colon", "Contact : mailto:a@x.example\n" + expires, false, []string{"a@x.example"},
			[]string{"error: line 1: the Contact field has a space before its colon; RFC 9116 allows none"}},
		{"two spaces after the colon", "Contact:  mailto:a@x.example\n" + expires, true, []string{"a@x.example"},
			[]string{"note: line 1: the Contact field has more than one space after its colon"}},
		{"no value", good + "Policy:\n", false, []string{"a@x.example"}, []string{"error: line 3: the Policy field has no value"}},
		{"only spaces as value", good + "Policy:   \n", false, []string{"a@x.example"}, []string{"error: line 3: the Policy field has no value"}},
		{"no final newline", contact + "Expires: 2026-12-01T00:00:00Z", false, []string{"a@x.example"},
			[]string{"error: line 2: the last line does not end with a newline"}},
		{"a CR alone ends no line", "Contact: mailto:a@x.example\rExpires: 2026-12-01T00:00:00Z\n", false, nil,
			[]string{"error: line 1: the line holds a carriage return without a line feed", "error: line 1: Contact", "error: no usable Contact", "error: no Expires"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			st, problems := Parse([]byte(tt.body), testNow)
			if st.Valid != tt.valid {
				t.Errorf("Valid = %v, want %v", st.Valid, tt.valid)
			}
			if !slices.Equal(st.Emails, tt.emails) {
				t.Errorf("Emails = %q, want %q", st.Emails, tt.emails)
			}
			checkProblems(t, problems, tt.problems)
		})
	}
}

func TestParseExpiresLowerCase(t *testing.T) {
	t.Parallel()
	st, _ := Parse([]byte("Contact: mailto:a@x.example\nExpires: 2026-12-01t10:20:30.25z\n"), testNow)
	if want := time.Date(2026, 12, 1, 10, 20, 30, 250_000_000, time.UTC); !st.Expires.Equal(want) || st.Expired {
		t.Errorf("Expires, Expired = %v, %v; want %v, false", st.Expires, st.Expired, want)
	}
}
