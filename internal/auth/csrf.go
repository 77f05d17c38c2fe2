package auth

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
)

// csrfLabel separates CSRF MACs from any other use of the same key.
const csrfLabel = "baken/csrf/v1\x00"

// MinCSRFSecretLen is the shortest sessionSecret CheckCSRF accepts: 128 bits.
const MinCSRFSecretLen = 16

// csrfB64 is base64url without padding, strict so each token has one spelling.
var csrfB64 = base64.RawURLEncoding.Strict()

// CSRFToken returns the synchronizer token for a session: the base64url
// HMAC-SHA256 of sessionID under sessionSecret. Put it in a hidden form field
// or a request header, never in a URL. sessionSecret is a server-side random
// key of at least MinCSRFSecretLen bytes (32 recommended), from configuration
// or stored with the session; it never reaches the browser.
//
// The token lives as long as the session ID, so the portal must issue a new
// session ID at login (which also prevents session fixation). SameSite
// cookies and an Origin check are useful in addition, not instead.
func CSRFToken(sessionSecret []byte, sessionID string) string {
	return csrfB64.EncodeToString(csrfMAC(sessionSecret, sessionID))
}

// CheckCSRF reports whether token is the CSRF token of sessionID, in constant
// time. It fails closed: an empty session ID or a sessionSecret shorter than
// MinCSRFSecretLen never checks, so a misconfiguration is noticed at once.
// Check every state-changing request (anything but GET, HEAD and OPTIONS).
func CheckCSRF(sessionSecret []byte, sessionID, token string) bool {
	if len(sessionSecret) < MinCSRFSecretLen || sessionID == "" {
		return false
	}
	got, err := csrfB64.DecodeString(token)
	if err != nil {
		return false
	}
	return hmac.Equal(got, csrfMAC(sessionSecret, sessionID))
}

func csrfMAC(key []byte, sessionID string) []byte {
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(csrfLabel))
	mac.Write([]byte(sessionID))
	return mac.Sum(nil)
}
