package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
)

// tokenLen is 256 bits: enough that tokens cannot be guessed, even online
// and at scale.
const tokenLen = 32

// NewToken returns a new random token and its hash. plain is 32 random bytes
// in base64url without padding (43 characters), safe in URLs and cookies: give
// it to the user (session cookie, invitation or password-reset link, API
// token) and never store it. hash is what the store keeps and looks tokens up
// by: HashToken(plain).
//
// Looking tokens up by their hash means a copy of the database holds no
// usable token, and the lookup compares hashes, so its timing reveals nothing
// about valid tokens. A fast hash is right here: the token has 256 bits of
// entropy, there is nothing to brute-force.
func NewToken() (plain, hash string) {
	b := make([]byte, tokenLen)
	// Since Go 1.24, crypto/rand.Read never returns an error: it crashes
	// the program if the system cannot supply randomness.
	_, _ = rand.Read(b)
	plain = base64.RawURLEncoding.EncodeToString(b)
	return plain, HashToken(plain)
}

// HashToken returns the lower-case hex SHA-256 of a token presented by a
// user, to look it up in the store.
func HashToken(plain string) string {
	sum := sha256.Sum256([]byte(plain))
	return hex.EncodeToString(sum[:])
}
