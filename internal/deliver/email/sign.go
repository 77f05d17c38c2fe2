package email

import (
	"bytes"
	"crypto"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"mime"
	"strconv"
	"strings"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/armor"
	"github.com/ProtonMail/go-crypto/openpgp/packet"
)

// micalgs names the hashes RFC 3156 and RFC 4880 know, as micalg values.
var micalgs = map[crypto.Hash]string{
	crypto.SHA256:   "pgp-sha256",
	crypto.SHA384:   "pgp-sha384",
	crypto.SHA512:   "pgp-sha512",
	crypto.SHA224:   "pgp-sha224",
	crypto.SHA3_256: "pgp-sha3-256",
	crypto.SHA3_512: "pgp-sha3-512",
}

// Sign turns a message from Build into a PGP/MIME signed message (RFC
// 3156): multipart/signed holding the original body entity, byte for byte,
// and a detached ASCII-armored signature over it made with signer's signing
// key, which must be decrypted. The header fields other than Content-* and
// MIME-Version stay on the outside, unsigned, as RFC 3156 prescribes.
//
// The message must be 7-bit with CRLF line endings, as Build's output is,
// so that no relay changes the signed bytes. The signature carries the
// current time and a random salt, so unlike Build's output two signings of
// the same message differ.
func Sign(message []byte, signer *openpgp.Entity) ([]byte, error) {
	if signer == nil {
		return nil, errors.New("email: sign: no key")
	}
	head, body, ok := bytes.Cut(message, []byte("\r\n\r\n"))
	if !ok {
		return nil, errors.New("email: sign: no blank line after the header")
	}
	for i, b := range message {
		if b >= 0x80 || (b == '\n' && (i == 0 || message[i-1] != '\r')) {
			return nil, errors.New("email: sign: the message must be 7-bit with CRLF line endings")
		}
	}
	var outer, inner []string
	for _, f := range splitFields(string(head)) {
		name, _, _ := strings.Cut(f, ":")
		switch lower := strings.ToLower(strings.TrimSpace(name)); {
		case strings.HasPrefix(lower, "content-"):
			inner = append(inner, f)
		case lower != "mime-version":
			outer = append(outer, f)
		}
	}
	if len(inner) == 0 {
		inner = []string{"Content-Type: text/plain; charset=us-ascii"}
	}
	signed := []byte(strings.Join(inner, "\r\n") + "\r\n\r\n" + string(body))

	var raw bytes.Buffer
	if err := openpgp.DetachSign(&raw, signer, bytes.NewReader(signed), nil); err != nil {
		return nil, fmt.Errorf("email: sign: %w", err)
	}
	micalg, err := signatureMicalg(raw.Bytes())
	if err != nil {
		return nil, err
	}
	var armored bytes.Buffer
	w, err := armor.Encode(&armored, openpgp.SignatureType, nil)
	if err == nil {
		_, _ = w.Write(raw.Bytes())
		err = w.Close()
	}
	if err != nil {
		return nil, fmt.Errorf("email: sign: armor: %w", err)
	}
	sig := strings.ReplaceAll(strings.TrimRight(armored.String(), "\n"), "\n", "\r\n")

	sum := sha256.Sum256(signed)
	boundary := "=_" + hex.EncodeToString(sum[:12]) + ".s"
	for n := 1; bytes.Contains(signed, []byte("--"+boundary)); n++ {
		boundary = "=_" + hex.EncodeToString(sum[:12]) + ".s." + strconv.Itoa(n)
	}
	ct := mime.FormatMediaType("multipart/signed", map[string]string{
		"boundary": boundary, "micalg": micalg, "protocol": "application/pgp-signature",
	})

	var b bytes.Buffer
	for _, f := range outer {
		b.WriteString(f + "\r\n")
	}
	h := header{{"MIME-Version", "1.0"}, {"Content-Type", ct}}
	if err := h.write(&b); err != nil {
		return nil, fmt.Errorf("email: sign: %w", err)
	}
	b.WriteString("\r\n--" + boundary + "\r\n")
	b.Write(signed)
	b.WriteString("\r\n--" + boundary + "\r\n")
	b.WriteString("Content-Type: application/pgp-signature; name=\"signature.asc\"\r\n")
	b.WriteString("Content-Description: OpenPGP digital signature\r\n")
	b.WriteString("Content-Disposition: attachment; filename=\"signature.asc\"\r\n\r\n")
	b.WriteString(sig + "\r\n--" + boundary + "--\r\n")
	return b.Bytes(), nil
}

// splitFields splits a header into fields, each with its continuation
// lines.
func splitFields(head string) []string {
	var fields []string
	for _, line := range strings.Split(head, "\r\n") {
		if len(fields) > 0 && (strings.HasPrefix(line, " ") || strings.HasPrefix(line, "\t")) {
			fields[len(fields)-1] += "\r\n" + line
			continue
		}
		fields = append(fields, line)
	}
	return fields
}

// signatureMicalg reads the hash the signature packet used; the library
// may pick another than asked for when the key says so.
func signatureMicalg(raw []byte) (string, error) {
	p, err := packet.Read(bytes.NewReader(raw))
	if err != nil {
		return "", fmt.Errorf("email: sign: read back the signature: %w", err)
	}
	sig, ok := p.(*packet.Signature)
	if !ok {
		return "", fmt.Errorf("email: sign: unexpected packet %T", p)
	}
	name, ok := micalgs[sig.Hash]
	if !ok {
		return "", fmt.Errorf("email: sign: hash %v has no micalg name", sig.Hash)
	}
	return name, nil
}
