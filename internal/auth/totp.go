package auth

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha1"
	"crypto/subtle"
	"encoding/base32"
	"encoding/binary"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"
)

// TOTP parameters (RFC 6238): the defaults every authenticator app supports.
const (
	totpPeriod = 30 // seconds per step
	totpDigits = 6
	// totpSkew is how many steps a code may be early or late, for clocks
	// that drift and users who type slowly.
	totpSkew = 1
	// totpSecretLen is 160 bits, the length RFC 4226 §4 recommends.
	totpSecretLen = 20
	// minTOTPSecretLen is the 128 bits RFC 4226 §4 requires.
	minTOTPSecretLen = 16
)

// ErrInvalidTOTPSecret means a TOTP secret is not base32 or is shorter than
// 128 bits.
var ErrInvalidTOTPSecret = errors.New("auth: invalid TOTP secret")

// totpB32 is the secret encoding of the otpauth URI format: RFC 4648 base32
// without padding.
var totpB32 = base32.StdEncoding.WithPadding(base32.NoPadding)

// NewTOTPSecret returns a new random 160-bit TOTP secret in base32 without
// padding, as authenticator apps expect it. Store it encrypted or at least
// out of reach of the portal's read-only paths: unlike a password hash, it
// lets anyone who reads it generate codes.
func NewTOTPSecret() (string, error) {
	b := make([]byte, totpSecretLen)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("auth: read TOTP secret: %w", err)
	}
	return totpB32.EncodeToString(b), nil
}

// TOTPCode returns the 6-digit code for secret at time t. The portal needs it
// only in tests and demos; logins use CheckTOTP.
func TOTPCode(secret string, t time.Time) (string, error) {
	key, err := decodeTOTPSecret(secret)
	if err != nil {
		return "", err
	}
	step, ok := totpStep(t)
	if !ok {
		return "", fmt.Errorf("auth: TOTP time %v is before 1970", t)
	}
	return hotp(key, uint64(step), totpDigits), nil
}

// CheckTOTP reports whether code is the TOTP code of secret at time t, or one
// step (30 s) before or after it. Spaces in code are ignored. lastUsedStep is
// the step returned by the last successful check for this secret (0 if none):
// a code for that step or an earlier one is refused, so an observed code
// cannot be replayed. On success the caller must store the returned step as
// the new lastUsedStep before completing the login, atomically with the check
// if logins can run concurrently. An invalid secret fails the check.
func CheckTOTP(secret, code string, t time.Time, lastUsedStep int64) (step int64, ok bool) {
	key, err := decodeTOTPSecret(secret)
	if err != nil {
		return 0, false
	}
	code = strings.ReplaceAll(code, " ", "")
	if len(code) != totpDigits || strings.Trim(code, "0123456789") != "" {
		return 0, false
	}
	now, valid := totpStep(t)
	if !valid {
		return 0, false
	}
	// Compare against every step in the window, not stopping at a match, so
	// the time taken does not depend on which step matched.
	for s := now - totpSkew; s <= now+totpSkew; s++ {
		if s < 0 {
			continue
		}
		match := subtle.ConstantTimeCompare([]byte(hotp(key, uint64(s), totpDigits)), []byte(code)) == 1
		if match && s > lastUsedStep && !ok {
			step, ok = s, true
		}
	}
	return step, ok
}

// TOTPURI returns the otpauth:// URI that authenticator apps read from a QR
// code (Google Authenticator key URI format). issuer names the service, for
// example "Baken" or the CERT's name; account names the user, usually the
// e-mail address. Colons are removed from both because the label uses a
// colon to separate them.
func TOTPURI(secret, issuer, account string) string {
	issuer = strings.ReplaceAll(issuer, ":", "")
	account = strings.ReplaceAll(account, ":", "")
	return "otpauth://totp/" + uriEscape(issuer) + ":" + uriEscape(account) +
		"?secret=" + uriEscape(secret) +
		"&issuer=" + uriEscape(issuer) +
		fmt.Sprintf("&algorithm=SHA1&digits=%d&period=%d", totpDigits, totpPeriod)
}

// uriEscape percent-encodes s for a URI path segment or query value. Spaces
// become %20, not "+": several authenticator apps show a "+" literally.
func uriEscape(s string) string {
	return strings.ReplaceAll(url.QueryEscape(s), "+", "%20")
}

// decodeTOTPSecret decodes a base32 secret, tolerating lower case, spaces
// and padding, as users and apps write it in several ways.
func decodeTOTPSecret(secret string) ([]byte, error) {
	s := strings.ToUpper(strings.ReplaceAll(secret, " ", ""))
	key, err := totpB32.DecodeString(strings.TrimRight(s, "="))
	if err != nil || len(key) < minTOTPSecretLen {
		return nil, ErrInvalidTOTPSecret
	}
	return key, nil
}

// totpStep returns the RFC 6238 time step of t, and false before the epoch.
func totpStep(t time.Time) (int64, bool) {
	sec := t.Unix()
	if sec < 0 {
		return 0, false
	}
	return sec / totpPeriod, true
}

// hotp computes an RFC 4226 HOTP value with HMAC-SHA1 and dynamic
// truncation. digits must be at most 9.
func hotp(key []byte, counter uint64, digits int) string {
	var msg [8]byte
	binary.BigEndian.PutUint64(msg[:], counter)
	mac := hmac.New(sha1.New, key)
	mac.Write(msg[:])
	sum := mac.Sum(nil)
	off := sum[len(sum)-1] & 0x0f
	bin := binary.BigEndian.Uint32(sum[off:off+4]) & 0x7fffffff
	mod := uint32(1)
	for range digits {
		mod *= 10
	}
	return fmt.Sprintf("%0*d", digits, bin%mod)
}
