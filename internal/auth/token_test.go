package auth

import (
	"encoding/base64"
	"regexp"
	"testing"
)

func TestNewToken(t *testing.T) {
	t.Parallel()
	hexSHA256 := regexp.MustCompile(`^[0-9a-f]{64}$`)
	seen := make(map[string]bool)
	for range 1000 {
		plain, hash := NewToken()
		if seen[plain] {
			t.Fatalf("token %q issued twice", plain)
		}
		seen[plain] = true
		raw, err := base64.RawURLEncoding.DecodeString(plain)
		if err != nil || len(raw) != tokenLen || len(plain) != 43 {
			t.Fatalf("token %q: %d bytes, %v; want 32 bytes in 43 base64url characters", plain, len(raw), err)
		}
		if !hexSHA256.MatchString(hash) || HashToken(plain) != hash {
			t.Fatalf("hash %q of %q is not HashToken(plain)", hash, plain)
		}
	}
}

func TestHashToken(t *testing.T) {
	t.Parallel()
	// SHA-256("abc"), FIPS 180-2 appendix B.1.
	const want = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
	if got := HashToken("abc"); got != want {
		t.Errorf("HashToken(abc) = %s, want %s", got, want)
	}
}
