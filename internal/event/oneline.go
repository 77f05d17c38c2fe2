package event

import (
	"strings"
	"unicode"
)

// OneLine makes a value from a feed safe to show on one line, in a message or a STIX
// object: control and bidirectional formatting characters become spaces, runs of white
// space one space, and the ends are trimmed.
func OneLine(s string) string {
	return strings.Join(strings.Fields(strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r) || r == '\u2028' || r == '\u2029' {
			return ' '
		}
		return r
	}, s)), " ")
}
