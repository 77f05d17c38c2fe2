package auth

import (
	"bytes"
	"testing"
)

func TestCSRF(t *testing.T) {
	t.Parallel()
	secret := bytes.Repeat([]byte{7}, 32)
	other := bytes.Repeat([]byte{8}, 32)
	tok := CSRFToken(secret, "session-a")
	flipped := []byte(tok)
	flipped[0] ^= 1 // either another MAC or no longer base64url
	tests := []struct {
		name    string
		secret  []byte
		session string
		token   string
		want    bool
	}{
		{"valid", secret, "session-a", tok, true},
		{"other session", secret, "session-b", tok, false},
		{"other secret", other, "session-a", tok, false},
		{"token of other session", secret, "session-a", CSRFToken(secret, "session-b"), false},
		{"tampered", secret, "session-a", string(flipped), false},
		{"truncated", secret, "session-a", tok[:len(tok)-1], false},
		{"padded", secret, "session-a", tok + "=", false},
		{"empty token", secret, "session-a", "", false},
		{"empty session", secret, "", CSRFToken(secret, ""), false},
		{"short secret", secret[:8], "session-a", CSRFToken(secret[:8], "session-a"), false},
		{"no secret", nil, "session-a", CSRFToken(nil, "session-a"), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := CheckCSRF(tt.secret, tt.session, tt.token); got != tt.want {
				t.Errorf("CheckCSRF = %v, want %v", got, tt.want)
			}
		})
	}
	if len(tok) != 43 {
		t.Errorf("token %q: want 43 characters", tok)
	}
	if CSRFToken(secret, "session-a") != tok {
		t.Error("token is not stable for a session")
	}
}
