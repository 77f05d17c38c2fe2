package ripe

import (
	"bytes"
	"unicode/utf8"
)

// isBlank reports whether line separates objects: empty or only spaces and tabs.
func isBlank(line []byte) bool {
	for _, c := range line {
		if c != ' ' && c != '\t' {
			return false
		}
	}
	return true
}

// isComment reports whether line is a comment line.
func isComment(line []byte) bool {
	return len(line) > 0 && (line[0] == '%' || line[0] == '#')
}

// validName reports whether name is an RPSL attribute name: a letter, then letters,
// digits, '-' and '_'.
func validName(name []byte) bool {
	if len(name) == 0 || !isLetter(name[0]) {
		return false
	}
	for _, c := range name[1:] {
		if !isLetter(c) && (c < '0' || c > '9') && c != '-' && c != '_' {
			return false
		}
	}
	return true
}

func isLetter(c byte) bool { return 'a' <= lower(c) && lower(c) <= 'z' }

func lower(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// clean returns the part of a value before any '#' comment, trimmed of white space and
// of the control characters that appendText would drop.
func clean(v []byte) []byte {
	if i := bytes.IndexByte(v, '#'); i >= 0 {
		v = v[:i]
	}
	for len(v) > 0 && (v[0] <= ' ' || v[0] == 0x7f) {
		v = v[1:]
	}
	for len(v) > 0 && (v[len(v)-1] <= ' ' || v[len(v)-1] == 0x7f) {
		v = v[:len(v)-1]
	}
	return v
}

// appendText appends v to dst as UTF-8, reading v as Latin-1 if it is not valid UTF-8,
// and drops ASCII control characters other than tab.
func appendText(dst, v []byte) []byte {
	plain := true
	for _, c := range v {
		if c >= utf8.RuneSelf || isControl(c) {
			plain = false
			break
		}
	}
	if plain {
		return append(dst, v...)
	}
	latin1 := !utf8.Valid(v)
	for _, c := range v {
		switch {
		case isControl(c):
		case c >= utf8.RuneSelf && latin1:
			dst = utf8.AppendRune(dst, rune(c))
		default:
			dst = append(dst, c)
		}
	}
	return dst
}

func isControl(c byte) bool { return (c < ' ' && c != '\t') || c == 0x7f }
