package auth

import (
	_ "embed"
	"errors"
	"strings"
	"sync"
	"unicode/utf8"
)

// Password policy limits. The rules follow NIST SP 800-63B: a minimum
// length and a check against known-bad passwords, no composition rules
// (they make passwords harder to remember, not harder to guess).
const (
	// MinPasswordLength is the minimum password length in characters.
	MinPasswordLength = 12
	// MaxPasswordLength is the maximum password length in characters; long
	// enough for any passphrase or password manager.
	MaxPasswordLength = 256
	// minContextPart is the shortest part of an e-mail address that the
	// password may not contain: shorter parts ("jan", "nl") are too common.
	minContextPart = 4
)

// Errors returned by CheckPasswordPolicy. Their texts are shown to the
// person choosing the password; the portal translates them with errors.Is.
var (
	ErrPasswordTooShort     = errors.New("this password is too short: use at least 12 characters")
	ErrPasswordTooLong      = errors.New("this password is too long: use at most 256 characters")
	ErrPasswordRepeated     = errors.New("this password repeats a single character: choose one that is harder to guess")
	ErrPasswordContainsName = errors.New("this password contains your e-mail address or user name: choose one that does not")
	ErrPasswordTooCommon    = errors.New("this password is one of the most used passwords: choose one that is harder to guess")
	ErrPasswordInvalidUTF8  = errors.New("this password contains characters that cannot be read: type it again")
)

//go:embed common_passwords.txt
var commonPasswordsText string

// commonPasswords is the embedded list as a set, built once on first use.
var commonPasswords = sync.OnceValue(func() map[string]struct{} {
	set := make(map[string]struct{})
	for line := range strings.Lines(commonPasswordsText) {
		line = strings.TrimSpace(line)
		if line != "" && !strings.HasPrefix(line, "#") {
			set[strings.ToLower(line)] = struct{}{}
		}
	}
	return set
})

// CheckPasswordPolicy returns nil when pw is acceptable as a new password,
// or the first rule it breaks as one of the ErrPassword* errors. context holds
// strings the password must not contain, such as the user's e-mail address and
// name; for an e-mail address, the part before the @ counts too. Comparisons
// ignore case. Apply the policy when a password is set, not at login.
func CheckPasswordPolicy(pw string, context ...string) error {
	if !utf8.ValidString(pw) {
		return ErrPasswordInvalidUTF8
	}
	n := utf8.RuneCountInString(pw)
	switch {
	case n < MinPasswordLength:
		return ErrPasswordTooShort
	case n > MaxPasswordLength:
		return ErrPasswordTooLong
	}
	lower := strings.ToLower(pw)
	if onlyRepeats(lower) {
		return ErrPasswordRepeated
	}
	for _, c := range context {
		for _, part := range contextParts(c) {
			if strings.Contains(lower, part) {
				return ErrPasswordContainsName
			}
		}
	}
	if _, ok := commonPasswords()[lower]; ok {
		return ErrPasswordTooCommon
	}
	return nil
}

// onlyRepeats reports whether s is one character repeated.
func onlyRepeats(s string) bool {
	first, _ := utf8.DecodeRuneInString(s)
	return strings.Trim(s, string(first)) == ""
}

// contextParts returns the lower-cased strings of c that a password may not
// contain: c itself and, for an e-mail address, its local part.
func contextParts(c string) []string {
	c = strings.ToLower(strings.TrimSpace(c))
	var parts []string
	if utf8.RuneCountInString(c) >= minContextPart {
		parts = append(parts, c)
	}
	if local, _, ok := strings.Cut(c, "@"); ok && utf8.RuneCountInString(local) >= minContextPart {
		parts = append(parts, local)
	}
	return parts
}
