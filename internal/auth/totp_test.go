package auth

import (
	"encoding/base32"
	"net/url"
	"strings"
	"testing"
	"time"
)

// rfcKey is the SHA-1 key of RFC 4226 appendix D and RFC 6238 appendix B.
const rfcKey = "12345678901234567890"

// fixedSecret is a 160-bit secret for deterministic tests.
const fixedSecret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"

var rfcSecret = base32.StdEncoding.EncodeToString([]byte(rfcKey))

func TestHOTPVectors(t *testing.T) {
	t.Parallel()
	// RFC 4226 appendix D.
	want := []string{"755224", "287082", "359152", "969429", "338314",
		"254676", "287922", "162583", "399871", "520489"}
	for counter, w := range want {
		if got := hotp([]byte(rfcKey), uint64(counter), 6); got != w {
			t.Errorf("HOTP(%d) = %s, want %s", counter, got, w)
		}
	}
}

func TestTOTPVectors(t *testing.T) {
	t.Parallel()
	// RFC 6238 appendix B, SHA1 rows.
	tests := []struct {
		unix int64
		code string
	}{
		{59, "94287082"},
		{1111111109, "07081804"},
		{1111111111, "14050471"},
		{1234567890, "89005924"},
		{2000000000, "69279037"},
		{20000000000, "65353130"},
	}
	for _, tt := range tests {
		tm := time.Unix(tt.unix, 0)
		step, _ := totpStep(tm)
		if got := hotp([]byte(rfcKey), uint64(step), 8); got != tt.code {
			t.Errorf("8-digit TOTP at %d = %s, want %s", tt.unix, got, tt.code)
		}
		// The 6-digit code is the last six digits of the 8-digit one.
		got, err := TOTPCode(rfcSecret, tm)
		if err != nil || got != tt.code[2:] {
			t.Errorf("TOTPCode at %d = %s, %v; want %s", tt.unix, got, err, tt.code[2:])
		}
		if _, ok := CheckTOTP(rfcSecret, tt.code[2:], tm, 0); !ok {
			t.Errorf("CheckTOTP refused the RFC code at %d", tt.unix)
		}
	}
}

func TestCheckTOTP(t *testing.T) {
	t.Parallel()
	// A fixed secret keeps the test deterministic: with a random one, codes
	// of different steps collide about once in a million runs.
	const secret = fixedSecret
	now := time.Date(2026, 3, 1, 9, 0, 10, 0, time.UTC)
	cur, _ := totpStep(now)
	code := func(d time.Duration) string { return must(TOTPCode(secret, now.Add(d))) }
	tests := []struct {
		name     string
		secret   string
		code     string
		lastUsed int64
		wantStep int64
		wantOK   bool
	}{
		{"current", secret, code(0), 0, cur, true},
		{"with spaces", secret, code(0)[:3] + " " + code(0)[3:], 0, cur, true},
		{"lower-case secret", strings.ToLower(secret), code(0), 0, cur, true},
		{"one step late", secret, code(-30 * time.Second), 0, cur - 1, true},
		{"one step early", secret, code(30 * time.Second), 0, cur + 1, true},
		{"two steps late", secret, code(-60 * time.Second), 0, 0, false},
		{"two steps early", secret, code(60 * time.Second), 0, 0, false},
		{"replay of current", secret, code(0), cur, 0, false},
		{"replay of older", secret, code(-30 * time.Second), cur - 1, 0, false},
		{"next after last used", secret, code(30 * time.Second), cur, cur + 1, true},
		{"older than last used", secret, code(-30 * time.Second), cur, 0, false},
		{"wrong code", secret, wrongCode(code(0)), 0, 0, false},
		{"five digits", secret, code(0)[:5], 0, 0, false},
		{"letters", secret, "12345a", 0, 0, false},
		{"empty", secret, "", 0, 0, false},
		{"bad secret", "not base32!", code(0), 0, 0, false},
		{"short secret", "GEZDGNBVGY3TQOJQ", code(0), 0, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			step, ok := CheckTOTP(tt.secret, tt.code, now, tt.lastUsed)
			if ok != tt.wantOK || step != tt.wantStep {
				t.Errorf("CheckTOTP = %d, %v; want %d, %v", step, ok, tt.wantStep, tt.wantOK)
			}
		})
	}
}

func wrongCode(c string) string {
	b := []byte(c)
	b[0] = '0' + (b[0]-'0'+1)%10
	return string(b)
}

func TestCheckTOTPReplaySequence(t *testing.T) {
	t.Parallel()
	const secret = fixedSecret
	now := time.Unix(1_800_000_000, 0)
	var last int64
	c := must(TOTPCode(secret, now))
	step, ok := CheckTOTP(secret, c, now, last)
	if !ok {
		t.Fatal("first use refused")
	}
	last = step
	if _, ok := CheckTOTP(secret, c, now.Add(5*time.Second), last); ok {
		t.Error("same code accepted twice")
	}
	next := now.Add(30 * time.Second)
	if _, ok := CheckTOTP(secret, must(TOTPCode(secret, next)), next, last); !ok {
		t.Error("next step's code refused")
	}
}

func TestTOTPBeforeEpoch(t *testing.T) {
	t.Parallel()
	if _, err := TOTPCode(rfcSecret, time.Unix(-1, 0)); err == nil {
		t.Error("TOTPCode before 1970: no error")
	}
	if _, ok := CheckTOTP(rfcSecret, "000000", time.Unix(-100, 0), 0); ok {
		t.Error("CheckTOTP before 1970 succeeded")
	}
}

func TestNewTOTPSecret(t *testing.T) {
	t.Parallel()
	a, b := must(NewTOTPSecret()), must(NewTOTPSecret())
	if a == b {
		t.Error("two secrets are equal")
	}
	if len(a) != 32 || strings.ContainsAny(a, "=") {
		t.Errorf("secret %q: want 32 base32 characters without padding", a)
	}
	if key, err := decodeTOTPSecret(a); err != nil || len(key) != totpSecretLen {
		t.Errorf("decode: %d bytes, %v", len(key), err)
	}
}

func TestTOTPURI(t *testing.T) {
	t.Parallel()
	got := TOTPURI("JBSWY3DPEHPK3PXP", "Baken CERT", "jan+test@example.nl")
	want := "otpauth://totp/Baken%20CERT:jan%2Btest%40example.nl?secret=JBSWY3DPEHPK3PXP" +
		"&issuer=Baken%20CERT&algorithm=SHA1&digits=6&period=30"
	if got != want {
		t.Errorf("TOTPURI =\n%s\nwant\n%s", got, want)
	}
	u, err := url.Parse(TOTPURI("S", "A&B=C:D", "x?y#z"))
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	if u.Scheme != "otpauth" || u.Host != "totp" || u.Path != "/A&B=CD:x?y#z" ||
		q.Get("issuer") != "A&B=CD" || q.Get("secret") != "S" || u.Fragment != "" {
		t.Errorf("special characters not escaped: %q parsed as path %q query %v", u.String(), u.Path, q)
	}
}
