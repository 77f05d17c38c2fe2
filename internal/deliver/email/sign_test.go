package email_test

import (
	"bytes"
	"mime"
	"strings"
	"testing"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/packet"

	"github.com/baken-cert/baken/internal/deliver/email"
	"github.com/baken-cert/baken/internal/deliver/email/smtptest"
)

func TestSign(t *testing.T) {
	t.Parallel()
	key, err := openpgp.NewEntity("Baken CERT", "", "cert@baken.example", &packet.Config{Algorithm: packet.PubKeyAlgoEdDSA})
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name string
		edit func(*email.Message)
	}{
		{"multipart", func(*email.Message) {}},
		{"text only", func(m *email.Message) { m.HTML, m.Attachments = "", nil }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			m := sample()
			tt.edit(&m)
			plain, err := email.Build(m, date)
			if err != nil {
				t.Fatal(err)
			}
			signed, err := email.Sign(plain, key)
			if err != nil {
				t.Fatal(err)
			}
			r := smtptest.Parse(signed)
			if r.ParseErr != nil {
				t.Fatal(r.ParseErr)
			}
			mediaType, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
			if err != nil || mediaType != "multipart/signed" || params["protocol"] != "application/pgp-signature" || params["micalg"] != "pgp-sha256" {
				t.Fatalf("Content-Type %q", r.Header.Get("Content-Type"))
			}
			if r.DecodedHeader("Subject") != m.Subject || r.Header.Get("X-Baken-Ticket") != m.Headers["X-Baken-Ticket"] {
				t.Error("outer header fields lost")
			}

			// The first part, byte for byte, is what the signature covers
			// (RFC 3156 section 5): split by hand, as a verifier would.
			delim := "--" + params["boundary"]
			chunks := strings.Split(string(r.Body), "\r\n"+delim)
			if len(chunks) != 3 || !strings.HasPrefix(chunks[0], delim+"\r\n") {
				t.Fatalf("want two parts, got %d chunks", len(chunks))
			}
			content := strings.TrimPrefix(chunks[0], delim+"\r\n")
			_, sig, _ := strings.Cut(chunks[1], "\r\n\r\n")
			keyring := openpgp.EntityList{key}
			if _, err := openpgp.CheckArmoredDetachedSignature(keyring, strings.NewReader(content), strings.NewReader(sig), nil); err != nil {
				t.Fatalf("signature does not verify: %v", err)
			}
			if _, err := openpgp.CheckArmoredDetachedSignature(keyring, strings.NewReader(strings.Replace(content, "kwetsbare", "veilige", 1)), strings.NewReader(sig), nil); err == nil {
				t.Error("signature verifies over changed content")
			}
			_, origBody, _ := bytes.Cut(plain, []byte("\r\n\r\n"))
			if !strings.HasSuffix(content, string(origBody)) {
				t.Error("signed part does not hold the original body unchanged")
			}

			parts, err := r.Parts()
			if err != nil {
				t.Fatal(err)
			}
			if parts[0].MediaType != "text/plain" || parts[len(parts)-1].MediaType != "application/pgp-signature" {
				t.Errorf("parts from %s to %s", parts[0].MediaType, parts[len(parts)-1].MediaType)
			}
		})
	}
}

func TestSignRefuses(t *testing.T) {
	t.Parallel()
	key, err := openpgp.NewEntity("Baken CERT", "", "cert@baken.example", &packet.Config{Algorithm: packet.PubKeyAlgoEdDSA})
	if err != nil {
		t.Fatal(err)
	}
	for name, msg := range map[string]string{
		"8-bit":     "Subject: x\r\n\r\ncafé\r\n",
		"bare LF":   "Subject: x\n\nbody\n",
		"no header": "just text",
	} {
		if _, err := email.Sign([]byte(msg), key); err == nil {
			t.Errorf("%s: Sign succeeded", name)
		}
	}
	if _, err := email.Sign([]byte("Subject: x\r\n\r\nbody\r\n"), nil); err == nil {
		t.Error("Sign without a key succeeded")
	}
}
