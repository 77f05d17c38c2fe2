package auth

import (
	"errors"
	"strings"
	"testing"
)

func TestCheckPasswordPolicy(t *testing.T) {
	t.Parallel()
	ctx := []string{"jan.jansen@example.nl", "Jan Jansen"}
	tests := []struct {
		name string
		pw   string
		want error
	}{
		{"good passphrase", "paarse olifant danst zacht", nil},
		{"good random", "k9#Tq2!vLx0z", nil},
		{"exactly 12", "abcdefgh1234", nil},
		{"empty", "", ErrPasswordTooShort},
		{"11 characters", "abcdefgh123", ErrPasswordTooShort},
		{"12 runes, more bytes", "ééééééééééé1", nil},
		{"11 runes, many bytes", "ééééééééééé", ErrPasswordTooShort},
		{"too long", strings.Repeat("ab", 129), ErrPasswordTooLong},
		{"one character", "aaaaaaaaaaaaaaa", ErrPasswordRepeated},
		{"one character, mixed case", "aAaAaAaAaAaAaA", ErrPasswordRepeated},
		{"one multibyte character", "€€€€€€€€€€€€", ErrPasswordRepeated},
		{"equals e-mail", "jan.jansen@example.nl", ErrPasswordContainsName},
		{"contains e-mail, other case", "xxJAN.JANSEN@EXAMPLE.NLxx", ErrPasswordContainsName},
		{"contains local part", "jan.jansen2024!", ErrPasswordContainsName},
		{"contains name", "ik ben jan jansen", ErrPasswordContainsName},
		{"common", "password123456", ErrPasswordTooCommon},
		{"common, other case", "Welkom123456", ErrPasswordTooCommon},
		{"common keyboard", "qwertyuiop12", ErrPasswordTooCommon},
		{"invalid utf-8", "abcdefghijk\xff", ErrPasswordInvalidUTF8},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if err := CheckPasswordPolicy(tt.pw, ctx...); !errors.Is(err, tt.want) {
				t.Errorf("CheckPasswordPolicy(%q) = %v, want %v", tt.pw, err, tt.want)
			}
		})
	}
}

func TestCheckPasswordPolicyContext(t *testing.T) {
	t.Parallel()
	// Short or empty context strings must not reject ordinary passwords.
	if err := CheckPasswordPolicy("a good long password", "", "a", "jo@x.nl"); err != nil {
		t.Errorf("short context: %v", err)
	}
	if err := CheckPasswordPolicy("no context at all!"); err != nil {
		t.Errorf("no context: %v", err)
	}
}

func TestCommonPasswordsList(t *testing.T) {
	t.Parallel()
	set := commonPasswords()
	if len(set) < 100 {
		t.Errorf("common password list has %d entries, want at least 100", len(set))
	}
	for pw := range set {
		// Shorter entries would be dead weight: the length rule refuses them.
		if len([]rune(pw)) < MinPasswordLength {
			t.Errorf("common password %q is shorter than %d", pw, MinPasswordLength)
		}
	}
}

func TestPolicyMessages(t *testing.T) {
	t.Parallel()
	for _, err := range []error{ErrPasswordTooShort, ErrPasswordTooLong, ErrPasswordRepeated,
		ErrPasswordContainsName, ErrPasswordTooCommon, ErrPasswordInvalidUTF8} {
		msg := err.Error()
		// Shown to people: no package prefix, no jargon.
		if strings.HasPrefix(msg, "auth:") || !strings.HasPrefix(msg, "this password") {
			t.Errorf("message %q is not written for a person", msg)
		}
	}
}
