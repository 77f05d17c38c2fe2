package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"fmt"
	"strings"
)

// Recovery codes look like "k7gq-2xwp-m9ds": 12 symbols from an alphabet
// without look-alikes (no 0/o, 1/l/i), grouped by four. With 31 symbols that
// is 12·log2(31) ≈ 59 bits per code.
const (
	recoveryAlphabet = "23456789abcdefghjkmnpqrstuvwxyz"
	recoveryLen      = 12
	recoveryGroup    = 4
	recoverySaltLen  = 16
	maxRecoveryCodes = 100
	recoveryHashTag  = "sha256"
)

// NewRecoveryCodes returns n new recovery codes: plain to show the user once,
// and hashed, in the same order, to store.
//
// The codes are random with ~59 bits each, so a fast hash is enough: unlike a
// password there is no dictionary to try, and each guess against a stolen
// hash costs a SHA-256 over a search space of 2^59. A slow hash such as
// argon2id would add little and cost ~100 ms for each stored code at every
// use. Each code gets its own random salt ("sha256$<salt>$<hash>", hex), so
// that an attacker with a stolen database cannot attack all users' codes at
// once with one computation per guess. A recovery code only replaces the
// second factor: the password is still needed.
func NewRecoveryCodes(n int) (plain, hashed []string, err error) {
	if n < 1 || n > maxRecoveryCodes {
		return nil, nil, fmt.Errorf("auth: %d recovery codes requested, want 1 to %d", n, maxRecoveryCodes)
	}
	seen := make(map[string]bool, n)
	for len(plain) < n {
		raw, err := randomString(recoveryAlphabet, recoveryLen)
		if err != nil {
			return nil, nil, err
		}
		if seen[raw] {
			continue // astronomically unlikely, but two equal codes would be one
		}
		seen[raw] = true
		salt := make([]byte, recoverySaltLen)
		if _, err := rand.Read(salt); err != nil {
			return nil, nil, fmt.Errorf("auth: read recovery code salt: %w", err)
		}
		sum := recoveryHash(salt, raw)
		plain = append(plain, raw[0:4]+"-"+raw[4:8]+"-"+raw[8:12])
		hashed = append(hashed, recoveryHashTag+"$"+hex.EncodeToString(salt)+"$"+hex.EncodeToString(sum[:]))
	}
	return plain, hashed, nil
}

// MatchRecoveryCode looks code up among the stored hashes and returns the
// index of the one it matches. Case, spaces and dashes in code are ignored.
// A recovery code works once: on success the caller must delete hashed[index]
// from the store, atomically with the check if logins can run concurrently.
// Entries that are not well-formed hashes, such as empty strings standing for
// used codes, never match.
func MatchRecoveryCode(hashed []string, code string) (index int, ok bool) {
	norm := normalizeRecoveryCode(code)
	if len(norm) != recoveryLen {
		return -1, false
	}
	index = -1
	// Compare against every entry, not stopping at a match, so the time
	// taken does not depend on which code matched.
	for i, h := range hashed {
		salt, want, valid := parseRecoveryHash(h)
		if !valid {
			continue
		}
		got := recoveryHash(salt, norm)
		if subtle.ConstantTimeCompare(got[:], want) == 1 && index < 0 {
			index = i
		}
	}
	return index, index >= 0
}

// normalizeRecoveryCode lower-cases code and removes spaces and dashes, the
// ways people retype a code from paper.
func normalizeRecoveryCode(code string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == '-' || r == ' ' || r == '\t' || r == '\u2010' || r == '\u2013':
			return -1
		case 'A' <= r && r <= 'Z':
			return r + ('a' - 'A')
		}
		return r
	}, code)
}

func recoveryHash(salt []byte, code string) [sha256.Size]byte {
	return sha256.Sum256(append(append([]byte{}, salt...), code...))
}

// parseRecoveryHash splits a stored "sha256$<salt hex>$<hash hex>".
func parseRecoveryHash(h string) (salt, sum []byte, ok bool) {
	tag, rest, found := strings.Cut(h, "$")
	saltHex, sumHex, found2 := strings.Cut(rest, "$")
	if !found || !found2 || tag != recoveryHashTag {
		return nil, nil, false
	}
	salt, err := hex.DecodeString(saltHex)
	if err != nil || len(salt) != recoverySaltLen {
		return nil, nil, false
	}
	sum, err = hex.DecodeString(sumHex)
	if err != nil || len(sum) != sha256.Size {
		return nil, nil, false
	}
	return salt, sum, true
}

// randomString returns n symbols drawn uniformly from alphabet (at most 256
// symbols), rejecting bytes that would bias the draw.
func randomString(alphabet string, n int) (string, error) {
	limit := 256 - 256%len(alphabet)
	out := make([]byte, 0, n)
	buf := make([]byte, 2*n)
	for len(out) < n {
		if _, err := rand.Read(buf); err != nil {
			return "", fmt.Errorf("auth: read random: %w", err)
		}
		for _, b := range buf {
			if int(b) < limit && len(out) < n {
				out = append(out, alphabet[int(b)%len(alphabet)])
			}
		}
	}
	return string(out), nil
}
