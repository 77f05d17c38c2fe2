package verify

import (
	"encoding/base64"
	"strings"

	"github.com/baken-cert/baken/internal/problem"
)

// Markers of an OpenPGP cleartext-signed message (RFC 4880 section 7).
const (
	pgpSignedHeader = "-----BEGIN PGP SIGNED MESSAGE-----"
	pgpSigBegin     = "-----BEGIN PGP SIGNATURE-----"
	pgpSigEnd       = "-----END PGP SIGNATURE-----"
)

// armourText is a line of the armour without the spaces a line may end with.
func armourText(l line) string { return strings.TrimRight(l.text, " \t") }

// unwrapSigned returns the signed text of a cleartext-signed message, dash-escapes
// removed, or lines as they are if the file is not signed. It checks the armour
// that RFC 9116 section 2.3 asks for: the header on the first line, Hash armour
// headers, an empty line, the dash-escaped text, then one signature block that
// decodes, and nothing after it.
func (p *parser) unwrapSigned(lines []line) []line {
	first := 0
	for first < len(lines) && strings.TrimSpace(lines[first].text) == "" {
		first++
	}
	if first == len(lines) || strings.TrimSpace(lines[first].text) != pgpSignedHeader {
		return lines
	}
	p.st.Signed = true
	if first > 0 {
		p.fail(lines[first].n, problem.New("a signed file must begin with %s on its first line", pgpSignedHeader))
	}
	i := p.hashHeaders(lines, first)
	var signed []line
	for ; i < len(lines) && armourText(lines[i]) != pgpSigBegin; i++ {
		l := lines[i]
		switch {
		case strings.HasPrefix(l.text, "- "):
			l.text = l.text[2:]
		case strings.HasPrefix(l.text, "-"):
			// Unescaped, such a line could pass for armour.
			p.fail(l.n, problem.New("a signed line that begins with a dash must be dash-escaped as \"- \""))
		}
		signed = append(signed, l)
	}
	if i == len(lines) {
		p.fail(lines[first].n, problem.New("the signed message has no %s line", pgpSigBegin))
		return signed
	}
	end := p.signatureBlock(lines, i)
	if end < 0 {
		return signed
	}
	for _, l := range lines[end+1:] {
		if strings.TrimSpace(l.text) != "" {
			p.fail(l.n, problem.New("text after the signature: a signed file must end with it (the text is ignored)"))
			break
		}
	}
	return signed
}

// hashHeaders checks the armour headers after the header line at first, which
// RFC 4880 requires to be one or more "Hash:" lines, and the empty line that ends
// them. It returns the index of the first signed line; a line that is neither
// ends the headers too, and is read as signed text.
func (p *parser) hashHeaders(lines []line, first int) int {
	i := first + 1
	for i < len(lines) && isHashHeader(armourText(lines[i])) {
		i++
	}
	if i == first+1 {
		p.fail(lines[first].n, problem.New("the signed message has no Hash armour header"))
	}
	switch {
	case i == len(lines): // the missing signature says enough
	case armourText(lines[i]) == "":
		i++
	default:
		p.fail(lines[i].n, problem.New("%q is not a Hash armour header, nor the empty line that must end them", shorten(lines[i].text)))
	}
	return i
}

// isHashHeader reports whether s is an armour header "Hash: SHA512".
func isHashHeader(s string) bool {
	name, value, ok := strings.Cut(s, ": ")
	return ok && strings.EqualFold(name, "Hash") && value != ""
}

// signatureBlock checks the ASCII armour of the signature that begins at lines[begin]
// (RFC 4880 section 6): headers, an empty line, base64 data that holds an OpenPGP
// signature packet, an optional checksum, and the end line. It returns the index
// of the end line, or -1 if there is none.
func (p *parser) signatureBlock(lines []line, begin int) int {
	i := begin + 1
	for i < len(lines) && isArmourHeader(armourText(lines[i])) {
		i++
	}
	if i < len(lines) && armourText(lines[i]) == "" {
		i++
	} else {
		p.fail(lines[begin].n, problem.New("the signature's armour has no empty line before its data"))
	}
	var data strings.Builder
	checksum, checksumLine, broken := "", 0, false
	for ; i < len(lines) && armourText(lines[i]) != pgpSigEnd; i++ {
		text := armourText(lines[i])
		switch {
		case checksumLine == 0 && strings.HasPrefix(text, "=") && data.Len() > 0:
			checksum, checksumLine = text[1:], lines[i].n
		case checksumLine != 0 || !isBase64Line(text):
			if !broken {
				p.fail(lines[i].n, problem.New("the signature's armour has a line that is not base64: %q", shorten(text)))
			}
			broken = true
		default:
			data.WriteString(text)
		}
	}
	if i == len(lines) {
		p.fail(lines[begin].n, problem.New("the signature has no %s line", pgpSigEnd))
		return -1
	}
	if broken {
		return i
	}
	packets, err := base64.StdEncoding.DecodeString(data.String())
	switch {
	case err != nil || len(packets) == 0:
		p.fail(lines[begin].n, problem.New("the signature's armour does not decode as base64"))
	case checksumLine != 0 && !checksumMatches(checksum, packets):
		p.fail(checksumLine, problem.New("the signature's armour checksum does not match its data"))
	case !isSignaturePacket(packets[0]):
		p.fail(lines[begin].n, problem.New("the signature's armour holds no OpenPGP signature"))
	}
	return i
}

// isArmourHeader reports whether s is an armour header such as "Version: GnuPG".
func isArmourHeader(s string) bool {
	name, value, ok := strings.Cut(s, ": ")
	return ok && value != "" && isFieldName(name)
}

// isBase64Line reports whether s is a non-empty line of base64.
func isBase64Line(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !(r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '+' || r == '/' || r == '=') {
			return false
		}
	}
	return true
}

// checksumMatches reports whether sum, four base64 characters, is the CRC-24 of
// data (RFC 4880 section 6.1).
func checksumMatches(sum string, data []byte) bool {
	b, err := base64.StdEncoding.DecodeString(sum)
	if err != nil || len(b) != 3 {
		return false
	}
	return uint32(b[0])<<16|uint32(b[1])<<8|uint32(b[2]) == crc24(data)
}

// crc24 is the checksum of ASCII armour (RFC 4880 section 6.1).
func crc24(data []byte) uint32 {
	const (
		crcInit = 0xB704CE
		poly    = 0x1864CFB
	)
	crc := uint32(crcInit)
	for _, b := range data {
		crc ^= uint32(b) << 16
		for range 8 {
			crc <<= 1
			if crc&0x1000000 != 0 {
				crc ^= poly
			}
		}
	}
	return crc & 0xFFFFFF
}

// isSignaturePacket reports whether b, the first byte of an OpenPGP packet, starts
// a signature packet (tag 2) in the old or the new format (RFC 4880 section 4.2).
func isSignaturePacket(b byte) bool {
	switch {
	case b&0x80 == 0:
		return false
	case b&0x40 != 0:
		return b&0x3F == 2
	default:
		return (b>>2)&0x0F == 2
	}
}
