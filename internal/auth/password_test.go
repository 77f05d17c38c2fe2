package auth

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

// cheapParams keep tests fast; the real parameters are covered by
// TestHashPasswordCurrentParams and the benchmark.
var cheapParams = argonParams{memory: 64, time: 1, threads: 1}

func TestHashPasswordCurrentParams(t *testing.T) {
	t.Parallel()
	h, err := HashPassword("correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=65536,t=3,p=2$") {
		t.Errorf("hash %q has unexpected prefix", h)
	}
	ok, rehash, err := CheckPassword(h, "correct horse battery")
	if !ok || rehash || err != nil {
		t.Errorf("CheckPassword = %v, %v, %v; want true, false, nil", ok, rehash, err)
	}
	if _, err := HashPassword(""); !errors.Is(err, ErrEmptyPassword) {
		t.Errorf("HashPassword(\"\") error = %v, want ErrEmptyPassword", err)
	}
}

func TestHashPasswordSalted(t *testing.T) {
	t.Parallel()
	a, _ := hashPassword("same password", cheapParams)
	b, _ := hashPassword("same password", cheapParams)
	if a == b {
		t.Error("two hashes of the same password are equal: salt missing")
	}
}

func TestCheckPassword(t *testing.T) {
	t.Parallel()
	const pw = "Tr0ub4dour&3 horse"
	h, err := hashPassword(pw, cheapParams)
	if err != nil {
		t.Fatal(err)
	}
	fields := strings.Split(h, "$") // "", alg, version, params, salt, key
	with := func(i int, v string) string {
		f := append([]string(nil), fields...)
		f[i] = v
		return strings.Join(f, "$")
	}
	// A well-formed key of the right length that is not the key of pw.
	otherKey := strings.Split(must(hashPassword(pw, cheapParams)), "$")[5]

	tests := []struct {
		name        string
		encoded, pw string
		ok, rehash  bool
		err         error
	}{
		{"right password, weak params", h, pw, true, true, nil},
		{"wrong password", h, pw + "!", false, false, nil},
		{"empty password", h, "", false, false, nil},
		{"case differs", h, strings.ToUpper(pw), false, false, nil},
		{"other key", with(5, otherKey), pw, false, false, nil},
		{"time changed", with(3, "m=64,t=2,p=1"), pw, false, false, nil},
		{"memory changed", with(3, "m=72,t=1,p=1"), pw, false, false, nil},
		{"argon2i", with(1, "argon2i"), pw, false, false, ErrUnsupportedHash},
		{"bcrypt", "$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW", pw, false, false, ErrUnsupportedHash},
		{"version 16", with(2, "v=16"), pw, false, false, ErrUnsupportedHash},
		{"empty", "", pw, false, false, ErrMalformedHash},
		{"no leading dollar", strings.TrimPrefix(h, "$"), pw, false, false, ErrMalformedHash},
		{"missing key", strings.Join(fields[:5], "$"), pw, false, false, ErrMalformedHash},
		{"extra field", h + "$", pw, false, false, ErrMalformedHash},
		{"params reordered", with(3, "t=1,m=64,p=1"), pw, false, false, ErrMalformedHash},
		{"leading zero", with(3, "m=064,t=1,p=1"), pw, false, false, ErrMalformedHash},
		{"plus sign", with(3, "m=+64,t=1,p=1"), pw, false, false, ErrMalformedHash},
		{"not a number", with(3, "m=abc,t=1,p=1"), pw, false, false, ErrMalformedHash},
		{"missing param", with(3, "m=64,t=1"), pw, false, false, ErrMalformedHash},
		{"zero threads", with(3, "m=64,t=0,p=1"), pw, false, false, ErrMalformedHash},
		{"memory below 8 KiB per lane", with(3, "m=8,t=1,p=2"), pw, false, false, ErrMalformedHash},
		{"huge memory", with(3, "m=4194304,t=1,p=1"), pw, false, false, ErrMalformedHash},
		{"huge time", with(3, "m=64,t=1000000,p=1"), pw, false, false, ErrMalformedHash},
		{"256 threads", with(3, "m=4096,t=1,p=256"), pw, false, false, ErrMalformedHash},
		{"salt not base64", with(4, "!!!!"), pw, false, false, ErrMalformedHash},
		{"salt padded", with(4, fields[4]+"=="), pw, false, false, ErrMalformedHash},
		{"salt too short", with(4, "AAAA"), pw, false, false, ErrMalformedHash},
		{"line break in salt", with(4, fields[4][:4]+"\r\n"+fields[4][4:]), pw, false, false, ErrMalformedHash},
		{"key too short", with(5, "AAAA"), pw, false, false, ErrMalformedHash},
		{"key truncated", with(5, fields[5][:len(fields[5])-2]), pw, false, false, ErrMalformedHash},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ok, rehash, err := CheckPassword(tt.encoded, tt.pw)
			if ok != tt.ok || rehash != tt.rehash || !errors.Is(err, tt.err) {
				t.Errorf("CheckPassword = %v, %v, %v; want %v, %v, %v", ok, rehash, err, tt.ok, tt.rehash, tt.err)
			}
			if err != nil && strings.Contains(err.Error(), fields[5]) {
				t.Errorf("error %q quotes the hash", err)
			}
		})
	}
}

func TestNeedsRehash(t *testing.T) {
	t.Parallel()
	cur := currentParams()
	tests := []struct {
		name string
		p    argonParams
		want bool
	}{
		{"current", cur, false},
		{"stronger", argonParams{memory: cur.memory * 2, time: cur.time + 1, threads: cur.threads}, false},
		{"less memory", argonParams{memory: cur.memory / 2, time: cur.time, threads: cur.threads}, true},
		{"less time", argonParams{memory: cur.memory, time: cur.time - 1, threads: cur.threads}, true},
		{"fewer threads", argonParams{memory: cur.memory, time: cur.time, threads: 1}, true},
	}
	for _, tt := range tests {
		h := phcHash{params: tt.p, salt: make([]byte, argonSaltLen), key: make([]byte, argonKeyLen)}
		if got := h.weak(); got != tt.want {
			t.Errorf("%s: weak() = %v, want %v", tt.name, got, tt.want)
		}
	}
	short := phcHash{params: cur, salt: make([]byte, 8), key: make([]byte, argonKeyLen)}
	if !short.weak() {
		t.Error("8-byte salt: weak() = false, want true")
	}
}

func TestSimulatePasswordCheck(t *testing.T) {
	t.Parallel()
	SimulatePasswordCheck("anything") // must not panic; timing is the benchmark's job
}

func FuzzParsePHC(f *testing.F) {
	f.Add(must(hashPassword("seed password", cheapParams)))
	f.Add("$argon2id$v=19$m=65536,t=3,p=2$c2FsdHNhbHRzYWx0c2FsdA$a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2U")
	f.Add("$argon2i$v=19$m=65536,t=3,p=2$c2FsdA$a2V5")
	f.Add("$argon2id$v=19$m=1,t=1,p=1$$")
	f.Add("")
	f.Fuzz(func(t *testing.T, s string) {
		h, err := parsePHC(s)
		if err != nil {
			if !errors.Is(err, ErrMalformedHash) && !errors.Is(err, ErrUnsupportedHash) {
				t.Fatalf("parsePHC error %v is neither malformed nor unsupported", err)
			}
			return
		}
		p := h.params
		if p.memory > maxArgonMemory || p.time < 1 || p.time > maxArgonTime || p.threads < 1 ||
			p.memory < 8*uint32(p.threads) || len(h.salt) < minArgonSalt || len(h.key) < minArgonKey {
			t.Fatalf("parsePHC accepted out-of-bounds %+v, salt %d, key %d", p, len(h.salt), len(h.key))
		}
		// Accepted strings are canonical: they encode back to themselves.
		if got := h.String(); got != s {
			t.Fatalf("round trip: %q became %q", s, got)
		}
	})
}

func BenchmarkHashPassword(b *testing.B) {
	for b.Loop() {
		if _, err := HashPassword("benchmark password"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkArgon2idParams times candidate parameters, to choose new ones
// when the hardware changes: go test -bench=Argon2idParams ./internal/auth/
func BenchmarkArgon2idParams(b *testing.B) {
	for _, p := range []argonParams{
		{memory: 19 * 1024, time: 2, threads: 1}, // OWASP minimum
		{memory: 64 * 1024, time: 1, threads: 2},
		{memory: 64 * 1024, time: 2, threads: 2},
		{memory: 64 * 1024, time: 3, threads: 2},
		{memory: 64 * 1024, time: 3, threads: 4}, // RFC 9106 second recommendation
	} {
		b.Run(fmt.Sprintf("m=%d,t=%d,p=%d", p.memory, p.time, p.threads), func(b *testing.B) {
			for b.Loop() {
				if _, err := hashPassword("benchmark password", p); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}
