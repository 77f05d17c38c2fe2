package stix

import (
	"errors"
	"strings"
)

// tokKind is the kind of a token of the STIX patterning language.
type tokKind int

const (
	tEOF     tokKind = iota
	tLBrack          // [
	tRBrack          // ]
	tLParen          // (
	tRParen          // )
	tComma           // ,
	tOp              // = != < <= > >=
	tString          // '...' (text holds the value, unescaped)
	tLiteral         // a number, or a typed literal: t'...', h'...', b'...'
	tWord            // a keyword or an object path such as ipv4-addr:value
)

type token struct {
	kind tokKind
	text string
}

var errSyntax = errors.New("pattern syntax")

// lex splits a pattern into tokens. It knows enough of the grammar to get through
// every pattern: object paths with quoted components (file:hashes.'SHA-256') and list
// indices (email-message:to_refs[*].value), and every kind of literal.
func lex(s string) ([]token, error) {
	var toks []token
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case strings.IndexByte("[]()", c) >= 0 || c == ',':
			toks = append(toks, token{kind: punct[c], text: s[i : i+1]})
			i++
		case c == '\'':
			v, n, err := lexString(s[i:])
			if err != nil {
				return nil, err
			}
			toks = append(toks, token{tString, v})
			i += n
		case c == '=' || c == '!' || c == '<' || c == '>':
			n := 1
			if i+1 < len(s) && s[i+1] == '=' {
				n = 2
			}
			if c == '!' && n == 1 {
				return nil, errSyntax
			}
			toks = append(toks, token{tOp, s[i : i+n]})
			i += n
		case (c == 't' || c == 'h' || c == 'b') && i+1 < len(s) && s[i+1] == '\'':
			v, n, err := lexString(s[i+1:])
			if err != nil {
				return nil, err
			}
			toks = append(toks, token{tLiteral, v})
			i += 1 + n
		case c >= '0' && c <= '9' || c == '-' || c == '+':
			j := i + 1
			for j < len(s) && strings.IndexByte("0123456789.eE+-", s[j]) >= 0 {
				j++
			}
			toks = append(toks, token{tLiteral, s[i:j]})
			i = j
		case isWordStart(c):
			n, err := lexWord(s[i:])
			if err != nil {
				return nil, err
			}
			toks = append(toks, token{tWord, s[i : i+n]})
			i += n
		default:
			return nil, errSyntax
		}
	}
	return append(toks, token{kind: tEOF}), nil
}

var punct = map[byte]tokKind{'[': tLBrack, ']': tRBrack, '(': tLParen, ')': tRParen, ',': tComma}

func isWordStart(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_'
}

func isWordByte(c byte) bool {
	return isWordStart(c) || c >= '0' && c <= '9' || c == '-' || c == ':' || c == '.'
}

// lexString reads a quoted string at the start of s, whose first byte is the quote,
// and returns its value and length. \' and \\ are the only escapes.
func lexString(s string) (string, int, error) {
	var b strings.Builder
	for j := 1; j < len(s); j++ {
		switch s[j] {
		case '\\':
			if j+1 >= len(s) || (s[j+1] != '\'' && s[j+1] != '\\') {
				return "", 0, errSyntax
			}
			j++
			b.WriteByte(s[j])
		case '\'':
			return b.String(), j + 1, nil
		default:
			b.WriteByte(s[j])
		}
	}
	return "", 0, errSyntax // not closed
}

// lexWord reads a keyword or an object path at the start of s and returns its length.
// In a path, a quoted component may follow a dot, and a list index ([*] or [0])
// may follow a component.
func lexWord(s string) (int, error) {
	j := 0
	for j < len(s) {
		c := s[j]
		switch {
		case isWordByte(c):
			j++
		case c == '\'' && j > 0 && s[j-1] == '.':
			_, n, err := lexString(s[j:])
			if err != nil {
				return 0, err
			}
			j += n
		case c == '[' && strings.IndexByte(s[:j], ':') >= 0:
			end := strings.IndexByte(s[j:], ']')
			if end < 0 {
				return 0, errSyntax
			}
			if idx := s[j+1 : j+end]; idx != "*" && strings.Trim(idx, "0123456789") != "" || idx == "" {
				return 0, errSyntax
			}
			j += end + 1
		default:
			return j, nil
		}
	}
	return j, nil
}
