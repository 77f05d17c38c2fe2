package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/crypto/argon2"
)

// Argon2id parameters for new hashes. RFC 9106 §4 recommends t=3, m=64 MiB
// when 2 GiB per hash is too much; OWASP's minimum is m=19 MiB, t=2, p=1.
// p=2 matches the two cores of the production server. On a 2-core AMD EPYC
// one hash takes 110-170 ms, ~200 ms under load (BenchmarkHashPassword;
// BenchmarkArgon2idParams compares alternatives), and allocates 64 MiB: a
// HashLimiter bounds how many run at once so that a burst cannot exhaust
// memory, and the Throttle keeps attackers off it.
// Raise these when the hardware grows: CheckPassword reports needsRehash for
// hashes made with weaker parameters, so the portal upgrades them at login.
const (
	argonTime    = 3
	argonMemory  = 64 * 1024 // KiB
	argonThreads = 2
	argonSaltLen = 16
	argonKeyLen  = 32
)

// Bounds accepted when parsing a stored hash, so that a corrupt or tampered
// row cannot make a login allocate gigabytes or run for minutes.
const (
	maxArgonMemory = 1 << 20 // KiB, 1 GiB
	maxArgonTime   = 16
	minArgonSalt   = 8
	maxArgonSalt   = 64
	minArgonKey    = 16
	maxArgonKey    = 64
)

var (
	// ErrMalformedHash means a stored password hash is not a well-formed
	// argon2id PHC string within the accepted parameter bounds.
	ErrMalformedHash = errors.New("auth: malformed password hash")
	// ErrUnsupportedHash means a stored password hash uses another algorithm
	// or argon2 version than argon2id v=19.
	ErrUnsupportedHash = errors.New("auth: unsupported password hash")
	// ErrEmptyPassword is returned by HashPassword for an empty password.
	ErrEmptyPassword = errors.New("auth: empty password")
)

// phcB64 is the PHC string format's base64: standard alphabet, no padding.
// Strict decoding rejects non-canonical trailing bits, so that every
// accepted string has exactly one spelling.
var phcB64 = base64.RawStdEncoding.Strict()

// argonParams are the cost parameters of one argon2id hash.
type argonParams struct {
	memory  uint32 // KiB
	time    uint32
	threads uint8
}

func currentParams() argonParams {
	return argonParams{memory: argonMemory, time: argonTime, threads: argonThreads}
}

// phcHash is a parsed "$argon2id$v=19$m=..,t=..,p=..$salt$key" string.
type phcHash struct {
	params argonParams
	salt   []byte
	key    []byte
}

func (h phcHash) String() string {
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version,
		h.params.memory, h.params.time, h.params.threads,
		phcB64.EncodeToString(h.salt), phcB64.EncodeToString(h.key))
}

// HashPassword hashes pw with argon2id and a fresh 16-byte random salt and
// returns it in the PHC string format, for example
// "$argon2id$v=19$m=65536,t=3,p=2$<salt>$<key>". Check the password against
// CheckPasswordPolicy before hashing it.
func HashPassword(pw string) (string, error) {
	return hashPassword(pw, currentParams())
}

func hashPassword(pw string, p argonParams) (string, error) {
	if pw == "" {
		return "", ErrEmptyPassword
	}
	salt := make([]byte, argonSaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("auth: read salt: %w", err)
	}
	key := argon2.IDKey([]byte(pw), salt, p.time, p.memory, p.threads, argonKeyLen)
	return phcHash{params: p, salt: salt, key: key}.String(), nil
}

// CheckPassword reports whether pw matches the PHC string encoded. The
// parameters are read from encoded, so hashes made before the parameters were
// raised keep working; needsRehash is true when pw matched but encoded uses
// weaker parameters than HashPassword does today: the caller should then store
// a fresh HashPassword(pw). A wrong password is ok == false with a nil error;
// err is only set when encoded cannot be used (ErrMalformedHash,
// ErrUnsupportedHash), which the caller should log and treat as a failed login.
//
// When the account does not exist, call SimulatePasswordCheck instead, so that
// the response time does not tell an attacker which accounts exist.
func CheckPassword(encoded, pw string) (ok, needsRehash bool, err error) {
	h, err := parsePHC(encoded)
	if err != nil {
		return false, false, err
	}
	key := argon2.IDKey([]byte(pw), h.salt, h.params.time, h.params.memory, h.params.threads, uint32(len(h.key)))
	if subtle.ConstantTimeCompare(key, h.key) != 1 {
		return false, false, nil
	}
	return true, h.weak(), nil
}

// SimulatePasswordCheck spends the same time as CheckPassword on a hash made
// with the current parameters, and always fails. Use it for logins naming an
// unknown account so that timing does not reveal which accounts exist.
func SimulatePasswordCheck(pw string) {
	var salt [argonSaltLen]byte
	p := currentParams()
	argon2.IDKey([]byte(pw), salt[:], p.time, p.memory, p.threads, argonKeyLen)
}

// weak reports whether h was made with weaker parameters than the current ones.
func (h phcHash) weak() bool {
	cur := currentParams()
	return h.params.memory < cur.memory || h.params.time < cur.time ||
		h.params.threads < cur.threads || len(h.salt) < argonSaltLen || len(h.key) < argonKeyLen
}

// parsePHC parses an argon2id PHC string. Errors never quote the input: it is
// a password hash.
func parsePHC(s string) (phcHash, error) {
	parts := strings.Split(s, "$")
	if len(parts) < 2 || parts[0] != "" {
		return phcHash{}, ErrMalformedHash
	}
	if parts[1] != "argon2id" {
		return phcHash{}, fmt.Errorf("%w: algorithm is not argon2id", ErrUnsupportedHash)
	}
	if len(parts) != 6 {
		return phcHash{}, fmt.Errorf("%w: want 5 fields, got %d", ErrMalformedHash, len(parts)-1)
	}
	if parts[2] != "v=19" {
		return phcHash{}, fmt.Errorf("%w: argon2 version is not 19", ErrUnsupportedHash)
	}
	p, err := parseArgonParams(parts[3])
	if err != nil {
		return phcHash{}, err
	}
	salt, ok := decodePHCBase64(parts[4])
	if !ok || len(salt) < minArgonSalt || len(salt) > maxArgonSalt {
		return phcHash{}, fmt.Errorf("%w: bad salt", ErrMalformedHash)
	}
	key, ok := decodePHCBase64(parts[5])
	if !ok || len(key) < minArgonKey || len(key) > maxArgonKey {
		return phcHash{}, fmt.Errorf("%w: bad key", ErrMalformedHash)
	}
	return phcHash{params: p, salt: salt, key: key}, nil
}

// decodePHCBase64 decodes s and accepts it only in its canonical spelling:
// the decoder alone would skip line breaks.
func decodePHCBase64(s string) ([]byte, bool) {
	b, err := phcB64.DecodeString(s)
	return b, err == nil && phcB64.EncodeToString(b) == s
}

// parseArgonParams parses "m=65536,t=3,p=2": exactly these keys, in this
// order, canonical decimals, within bounds.
func parseArgonParams(s string) (argonParams, error) {
	fields := strings.Split(s, ",")
	names := [3]string{"m", "t", "p"}
	var vals [3]uint64
	if len(fields) != len(names) {
		return argonParams{}, fmt.Errorf("%w: want parameters m, t and p", ErrMalformedHash)
	}
	for i, f := range fields {
		name, num, found := strings.Cut(f, "=")
		v, err := strconv.ParseUint(num, 10, 32)
		if !found || name != names[i] || err != nil || strconv.FormatUint(v, 10) != num {
			return argonParams{}, fmt.Errorf("%w: bad parameter %d", ErrMalformedHash, i+1)
		}
		vals[i] = v
	}
	m, t, p := vals[0], vals[1], vals[2]
	// Argon2 needs at least 8 KiB of memory per lane.
	if p < 1 || p > 255 || t < 1 || t > maxArgonTime || m < 8*p || m > maxArgonMemory {
		return argonParams{}, fmt.Errorf("%w: parameters out of range", ErrMalformedHash)
	}
	return argonParams{memory: uint32(m), time: uint32(t), threads: uint8(p)}, nil
}
