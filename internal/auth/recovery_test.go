package auth

import (
	"regexp"
	"slices"
	"strings"
	"testing"
)

func TestNewRecoveryCodes(t *testing.T) {
	t.Parallel()
	plain, hashed, err := NewRecoveryCodes(10)
	if err != nil {
		t.Fatal(err)
	}
	if len(plain) != 10 || len(hashed) != 10 {
		t.Fatalf("got %d plain, %d hashed codes; want 10 each", len(plain), len(hashed))
	}
	format := regexp.MustCompile(`^[` + recoveryAlphabet + `]{4}-[` + recoveryAlphabet + `]{4}-[` + recoveryAlphabet + `]{4}$`)
	for i, p := range plain {
		if !format.MatchString(p) {
			t.Errorf("code %q does not look like k7gq-2xwp-m9ds", p)
		}
		if strings.Contains(hashed[i], strings.ReplaceAll(p, "-", "")) {
			t.Errorf("hash %q contains its code", hashed[i])
		}
		if idx, ok := MatchRecoveryCode(hashed, p); !ok || idx != i {
			t.Errorf("code %d matched as %d, %v", i, idx, ok)
		}
	}
	if len(slices.Compact(slices.Sorted(slices.Values(plain)))) != len(plain) {
		t.Error("duplicate codes")
	}
	for _, n := range []int{0, -1, maxRecoveryCodes + 1} {
		if _, _, err := NewRecoveryCodes(n); err == nil {
			t.Errorf("NewRecoveryCodes(%d): no error", n)
		}
	}
}

func TestMatchRecoveryCode(t *testing.T) {
	t.Parallel()
	plain, hashed := must2(NewRecoveryCodes(3))
	code := plain[1]
	raw := strings.ReplaceAll(code, "-", "")
	tests := []struct {
		name   string
		hashed []string
		code   string
		want   int
	}{
		{"as issued", hashed, code, 1},
		{"upper case", hashed, strings.ToUpper(code), 1},
		{"no dashes", hashed, raw, 1},
		{"spaces", hashed, raw[:4] + " " + raw[4:8] + " " + raw[8:], 1},
		{"surrounding spaces", hashed, "  " + code + " ", 1},
		{"mixed", hashed, " " + strings.ToUpper(raw[:6]) + "-" + raw[6:], 1},
		{"unicode dash", hashed, raw[:4] + "\u2013" + raw[4:8] + "\u2010" + raw[8:], 1},
		{"wrong code", hashed, wrongRecoveryCode(code), -1},
		{"one symbol short", hashed, code[:len(code)-1], -1},
		{"one symbol extra", hashed, code + "a", -1},
		{"empty", hashed, "", -1},
		{"no codes", nil, code, -1},
		{"used codes blanked", []string{hashed[0], "", hashed[2]}, code, -1},
		{"garbage entries", []string{"", "sha256$", "sha256$zz$zz", "md5$00$00", hashed[1]}, code, 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			idx, ok := MatchRecoveryCode(tt.hashed, tt.code)
			if idx != tt.want || ok != (tt.want >= 0) {
				t.Errorf("MatchRecoveryCode(%q) = %d, %v; want %d", tt.code, idx, ok, tt.want)
			}
		})
	}
}

func TestRecoveryCodeOneTimeUse(t *testing.T) {
	t.Parallel()
	plain, hashed := must2(NewRecoveryCodes(5))
	// The caller deletes the matched entry; every code then works exactly once.
	for _, i := range []int{3, 0, 4, 1, 2} {
		idx, ok := MatchRecoveryCode(hashed, plain[i])
		if !ok {
			t.Fatalf("code %d refused on first use", i)
		}
		hashed = slices.Delete(hashed, idx, idx+1)
		if _, ok := MatchRecoveryCode(hashed, plain[i]); ok {
			t.Fatalf("code %d accepted twice", i)
		}
	}
}

func wrongRecoveryCode(c string) string {
	b := []byte(c)
	b[0] = recoveryAlphabet[(strings.IndexByte(recoveryAlphabet, b[0])+1)%len(recoveryAlphabet)]
	return string(b)
}

func must2[T, U any](a T, b U, err error) (T, U) {
	if err != nil {
		panic(err)
	}
	return a, b
}

func FuzzMatchRecoveryCode(f *testing.F) {
	plain, hashed := must2(NewRecoveryCodes(4))
	norm := make([]string, len(plain))
	for i, p := range plain {
		norm[i] = strings.ReplaceAll(p, "-", "")
		f.Add(p)
		f.Add(strings.ToUpper(norm[i]))
	}
	f.Add("")
	f.Add("k7gq-2xwp-m9ds")
	f.Add("\u2013\u2013\u2013")
	f.Fuzz(func(t *testing.T, code string) {
		idx, ok := MatchRecoveryCode(hashed, code)
		want := slices.Index(norm, normalizeRecoveryCode(code))
		if ok != (want >= 0) || idx != want {
			t.Fatalf("MatchRecoveryCode(%q) = %d, %v; normalised %q, want index %d",
				code, idx, ok, normalizeRecoveryCode(code), want)
		}
	})
}
