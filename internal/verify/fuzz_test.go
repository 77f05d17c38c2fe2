package verify

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// FuzzParse checks that Parse never panics and keeps its promises on any input:
// problem lines exist in the file, each problem has its text to translate, Valid implies a contact, an unexpired
// Expires and a final newline, a file is Valid exactly when none of its problems is Invalid, every e-mail address is lower-case and came from a Contact, and
// parsing is deterministic. Run: go test -fuzz=FuzzParse -fuzztime=30s ./internal/verify
func FuzzParse(f *testing.F) {
	files, err := filepath.Glob(filepath.Join("testdata", "*"))
	if err != nil {
		f.Fatal(err)
	}
	for _, name := range files {
		if b, err := os.ReadFile(name); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte("-----BEGIN PGP SIGNED MESSAGE-----\n\n- Contact: mailto:a@b.c\n-----BEGIN PGP SIGNATURE-----\n"))
	f.Add([]byte("Contact: mailto:%41@b.c,%zz\nExpires: 2026-01-01T00:00:00Z\r\n"))
	f.Add([]byte("-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\nContact: mailto:a@b.example\nExpires: 2026-12-01t00:00:00z\n-----BEGIN PGP SIGNATURE-----\n\niHUE\n=AAAA\n-----END PGP SIGNATURE-----\n"))
	now := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, body []byte) {
		st, problems := Parse(body, now)
		lines := strings.Count(string(body), "\n") + 1
		for _, p := range problems {
			if p.Line < 0 || p.Line > lines {
				t.Errorf("problem on line %d of a %d-line file: %s", p.Line, lines, p.Message)
			}
			if !utf8.ValidString(p.Message) {
				t.Errorf("problem message is not UTF-8: %q", p.Message)
			}
			if p.Text == nil || p.Text.Error() != p.Message {
				t.Errorf("problem %q comes with the text %#v", p.Message, p.Text)
			}
		}
		if st.Valid {
			if len(st.Contacts) == 0 || st.Expires.IsZero() || st.Expired || !utf8.Valid(body) {
				t.Errorf("Valid file without contact, with bad Expires, or not UTF-8: %+v", st)
			}
			if len(body) > 0 && body[len(body)-1] != '\n' {
				t.Errorf("Valid file whose last line has no newline")
			}
		}
		if invalid := slices.ContainsFunc(problems, func(p Problem) bool { return p.Invalid }); invalid == st.Valid {
			t.Errorf("Valid = %v, but a problem with Invalid set is there: %v", st.Valid, invalid)
		}
		for _, e := range st.Emails {
			if e != strings.ToLower(e) || !strings.Contains(e, "@") {
				t.Errorf("e-mail address %q is not normalised", e)
			}
		}
		if len(st.Emails) > 0 && !slices.ContainsFunc(st.Contacts, func(c string) bool {
			return strings.HasPrefix(strings.ToLower(c), "mailto:")
		}) {
			t.Errorf("e-mail addresses %q without a mailto: contact", st.Emails)
		}
		st2, problems2 := Parse(body, now)
		if !slices.EqualFunc(problems, problems2, sameProblem) || !slices.Equal(st.Emails, st2.Emails) || st.Valid != st2.Valid {
			t.Error("Parse is not deterministic")
		}
	})
}

// sameProblem reports whether a and b say the same of the same line.
func sameProblem(a, b Problem) bool {
	return a.Line == b.Line && a.Message == b.Message && a.Text.Format == b.Text.Format && a.Invalid == b.Invalid
}
