package credentials

import (
	"strings"

	"github.com/baken-cert/baken/internal/asset"
)

// separators are the characters that may separate an e-mail address from the rest
// of a line. None of them can appear in an address without quotes.
const separators = ",;:\t"

// headerNames are the names of the column that holds the address in a header.
var headerNames = map[string]bool{
	"email": true, "e-mail": true, "mail": true, "username": true, "account": true,
	"email_address": true, "email address": true, "e-mail address": true, "emailaddress": true,
}

// layout is where the address is on a line.
type layout struct {
	column int  // 0-based column of the address
	delim  byte // the separator, when column > 0
}

// findHeader reports whether line is a header naming the address column, and where
// that column is. A line with an '@' is never a header.
func findHeader(line string) (layout, bool) {
	if strings.IndexByte(line, '@') >= 0 {
		return layout{}, false
	}
	for i := 0; i < len(separators); i++ {
		for col, name := range splitFields(line, separators[i]) {
			if headerNames[strings.ToLower(unquote(name))] {
				return layout{column: col, delim: separators[i]}, true
			}
		}
	}
	return layout{}, false
}

// field returns the text of the address column of line. The first column ends at
// the first separator of any kind; a later column is found with the header's
// separator. Separators inside double quotes do not count, as in CSV.
func (l layout) field(line string) string {
	if l.column == 0 {
		quoted := false
		for i := 0; i < len(line); i++ {
			switch c := line[i]; {
			case c == '"':
				quoted = !quoted
			case !quoted && strings.IndexByte(separators, c) >= 0:
				return line[:i]
			}
		}
		return line
	}
	f := splitFields(line, l.delim)
	if l.column >= len(f) {
		return ""
	}
	return f[l.column]
}

// splitFields splits line at delim, keeping delimiters inside double quotes.
func splitFields(line string, delim byte) []string {
	var out []string
	start, quoted := 0, false
	for i := 0; i < len(line); i++ {
		switch c := line[i]; {
		case c == '"':
			quoted = !quoted
		case c == delim && !quoted:
			out = append(out, line[start:i])
			start = i + 1
		}
	}
	return append(out, line[start:])
}

// unquote trims spaces and one pair of double quotes.
func unquote(s string) string {
	s = strings.TrimSpace(s)
	if len(s) >= 2 && s[0] == '"' && s[len(s)-1] == '"' {
		s = strings.ReplaceAll(s[1:len(s)-1], `""`, `"`)
	}
	return strings.TrimSpace(s)
}

// normaliseEmail checks an e-mail address and returns it in lower case, its domain
// as IDNA A-labels. It accepts the dot-atom addresses that leaks hold (no quoted
// local parts, no comments, no display names).
func normaliseEmail(s string) (string, bool) {
	s = unquote(s)
	at := strings.LastIndexByte(s, '@')
	if at <= 0 || at > 64 {
		return "", false
	}
	local := s[:at]
	if local[0] == '.' || local[len(local)-1] == '.' || strings.Contains(local, "..") {
		return "", false
	}
	for i := 0; i < len(local); i++ {
		c := local[i]
		if c <= ' ' || c == 0x7f || strings.IndexByte(`()<>[]\,;:@"`, c) >= 0 {
			return "", false
		}
	}
	domain, err := asset.NormaliseDomain(s[at+1:])
	if err != nil || strings.Trim(domain[strings.LastIndexByte(domain, '.')+1:], "0123456789") == "" {
		return "", false // not a name, or an all-numeric top-level label (an IP address)
	}
	return strings.ToLower(local) + "@" + domain, true
}
