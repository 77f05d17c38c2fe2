package verify

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/baken-cert/baken/internal/problem"
)

// SecurityTxt is what a security.txt file (RFC 9116) says. Fields keep the file's
// order, which for Contact is the order of preference.
type SecurityTxt struct {
	// URL is where Fetch found the file ("" from Parse).
	URL string
	// Contacts are the Contact URIs that are well-formed (mailto:, https: or tel:).
	Contacts []string
	// Emails are the addresses of the mailto: contacts, lower-cased, without
	// duplicates.
	Emails []string
	// Expires is the first Expires field; Expired says it lies in the past.
	Expires time.Time
	Expired bool
	// PreferredLanguages are language tags such as "en" or "nl-BE".
	PreferredLanguages []string
	Canonical          []string
	Encryption         []string
	Acknowledgments    []string
	Policy             []string
	Hiring             []string
	CSAF               []string
	// Signed says the file is an OpenPGP cleartext-signed message. Its armour is
	// checked; the signature itself is not verified.
	Signed bool
	// Valid says the file keeps every MUST of RFC 9116, as the DTC's validator
	// (used by internet.nl) judges them: no problem with Invalid set was found.
	// Other problems are recommendations and leave it valid.
	Valid bool
}

// Problem is one thing wrong with a security.txt file.
type Problem struct {
	Line    int // 1-based; 0 for the file as a whole
	Message string
	// Text is Message as a text the portal translates.
	Text *problem.Problem
	// Invalid says the file breaks a MUST of RFC 9116 and is not to be relied on;
	// a problem without it is a recommendation.
	Invalid bool
}

func (p Problem) String() string {
	if p.Line == 0 {
		return p.Message
	}
	return fmt.Sprintf("line %d: %s", p.Line, p.Message)
}

// line is one line of the file with its 1-based number.
type line struct {
	n    int
	text string
}

// parser collects a SecurityTxt and its problems.
type parser struct {
	now      time.Time
	st       SecurityTxt
	problems []Problem
	invalid  bool // a problem that makes the file unreliable was found

	expiresLine int // line of the first Expires field, 0 if none
	expiresSeen int
	langsSeen   int
}

// Parse reads a security.txt file as RFC 9116 describes it and returns what it says
// and what is wrong with it: problems of a line in line order, then those of the
// whole file. now decides whether it has expired.
// Parse never fails: a file that is garbage comes back with Valid false and
// problems saying why.
func Parse(body []byte, now time.Time) (SecurityTxt, []Problem) {
	p := &parser{now: now}
	text := string(body)
	if !utf8.ValidString(text) {
		p.fail(0, problem.New("the file is not valid UTF-8"))
		text = strings.ToValidUTF8(text, "\uFFFD")
	}
	text = strings.TrimPrefix(text, "\uFEFF") // a byte-order mark is harmless
	lines := p.splitLines(text)
	lines = p.unwrapSigned(lines)
	for _, l := range lines {
		p.parseLine(l)
	}
	p.finish()
	p.st.Valid = !p.invalid
	// Problems of a line in line order, then those of the whole file.
	slices.SortStableFunc(p.problems, func(a, b Problem) int {
		return cmp.Compare(sortKey(a), sortKey(b))
	})
	return p.st, p.problems
}

func sortKey(p Problem) int {
	if p.Line == 0 {
		return math.MaxInt
	}
	return p.Line
}

// splitLines splits text at LF or CRLF. RFC 9116 ends every line, the last one
// too, with one of them; a CR alone ends none.
func (p *parser) splitLines(text string) []line {
	raw := strings.Split(text, "\n")
	if len(raw) > 0 && raw[len(raw)-1] == "" {
		raw = raw[:len(raw)-1] // the file's final newline ends a line, it does not start one
	} else if len(raw) > 0 {
		p.fail(len(raw), problem.New("the last line does not end with a newline; RFC 9116 ends every line with one"))
	}
	lines := make([]line, len(raw))
	for i, r := range raw {
		lines[i] = line{n: i + 1, text: strings.TrimSuffix(r, "\r")}
		if strings.ContainsRune(lines[i].text, '\r') {
			p.fail(i+1, problem.New("the line holds a carriage return without a line feed; RFC 9116 ends lines with CRLF or LF"))
		}
	}
	return lines
}

// parseLine reads one line of the (unwrapped) file: blank, a comment, or a field
// "Name: value" with one space after the colon (RFC 9116 section 4).
func (p *parser) parseLine(l line) {
	text := strings.TrimSpace(l.text)
	if text == "" || strings.HasPrefix(text, "#") {
		return
	}
	name, value, ok := strings.Cut(text, ":")
	if ok && name != "" && strings.TrimRight(name, " \t") != name && isFieldName(strings.TrimRight(name, " \t")) {
		name = strings.TrimRight(name, " \t")
		p.fail(l.n, problem.New("the %s field has a space before its colon; RFC 9116 allows none", name))
	}
	if !ok || !isFieldName(name) || strings.HasPrefix(value, "//") {
		p.fail(l.n, problem.New("%q is not a \"Field: value\" line, a comment or blank", shorten(text)))
		return
	}
	if strings.TrimSpace(value) == "" {
		p.fail(l.n, problem.New("the %s field has no value", name))
		return
	}
	switch {
	case value[0] != ' ':
		p.fail(l.n, problem.New("the %s field has no space after its colon; RFC 9116 requires one", name))
	case value[1] == ' ' || value[1] == '\t':
		p.note(l.n, problem.New("the %s field has more than one space after its colon; RFC 9116 writes one", name))
	}
	p.field(l.n, name, strings.TrimSpace(value))
}

// finish checks what only the whole file can tell.
func (p *parser) finish() {
	if len(p.st.Contacts) == 0 {
		p.fail(0, problem.New("no usable Contact field: RFC 9116 requires at least one"))
	}
	if p.expiresSeen == 0 {
		p.fail(0, problem.New("no Expires field: RFC 9116 requires one"))
	}
	if p.st.Expires.IsZero() {
		return
	}
	switch {
	case p.st.Expires.Before(p.now):
		p.st.Expired = true
		p.fail(p.expiresLine, problem.New("the file expired on %s", p.st.Expires.UTC().Format(time.RFC3339)))
	case p.st.Expires.After(p.now.AddDate(1, 0, 0)):
		p.note(p.expiresLine, problem.New("Expires is more than a year ahead; RFC 9116 recommends less"))
	}
}

// note records a recommendation for line n: the file stays valid.
func (p *parser) note(n int, text *problem.Problem) {
	p.problems = append(p.problems, problemAt(n, text, false))
}

// fail records a broken MUST of line n: the file is invalid.
func (p *parser) fail(n int, text *problem.Problem) {
	p.problems = append(p.problems, problemAt(n, text, true))
	p.invalid = true
}

// problemAt returns the Problem of line n (0: the whole file) that text says.
func problemAt(n int, text *problem.Problem, invalid bool) Problem {
	return Problem{Line: n, Message: text.Error(), Text: text, Invalid: invalid}
}

// isFieldName reports whether s is a field name: letters, digits and hyphens.
func isFieldName(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-') {
			return false
		}
	}
	return true
}

// shorten cuts s for quoting in a problem.
func shorten(s string) string {
	const max = 60
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	return string([]rune(s)[:max]) + "…"
}
