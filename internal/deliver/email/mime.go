package email

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"mime"
	"mime/quotedprintable"
	"strconv"
	"strings"
)

// Line lengths from RFC 5322 section 2.1.1: fold at 78, never exceed 998.
const (
	foldAt      = 78
	maxLine     = 998
	base64Width = 76
)

// field is one header field; its value holds no CR or LF.
type field struct{ name, value string }

// header is an ordered list of fields.
type header []field

func (h *header) add(name, value string) { *h = append(*h, field{name, value}) }

// write writes the fields, folding long values at spaces.
func (h header) write(b *bytes.Buffer) error {
	for _, f := range h {
		line := f.name + ":"
		for i, word := range strings.Split(f.value, " ") {
			// Fold before a word that would make the line too long, but never
			// leave a line that is only whitespace.
			if i > 0 && word != "" && len(line)+1+len(word) > foldAt && strings.TrimSpace(line) != "" {
				if err := writeLine(b, line); err != nil {
					return err
				}
				line = ""
			}
			line += " " + word
		}
		if err := writeLine(b, line); err != nil {
			return err
		}
	}
	return nil
}

func writeLine(b *bytes.Buffer, line string) error {
	if len(line) > maxLine {
		return fmt.Errorf("header line longer than %d characters: %.40q...", maxLine, line)
	}
	b.WriteString(line)
	b.WriteString("\r\n")
	return nil
}

// entity is a MIME entity: its Content-* fields and its encoded body.
type entity struct {
	header header
	body   []byte
}

// write writes the entity's header, the blank line and the body.
func (e entity) write(b *bytes.Buffer) error {
	if err := e.header.write(b); err != nil {
		return err
	}
	b.WriteString("\r\n")
	b.Write(e.body)
	return nil
}

// textEntity encodes text as a quoted-printable UTF-8 text/subtype part. The
// encoder turns LF and CRLF alike into CRLF and keeps every line 7-bit.
func textEntity(subtype, text string) entity {
	var b bytes.Buffer
	w := quotedprintable.NewWriter(&b)
	_, _ = w.Write([]byte(text)) // a bytes.Buffer does not fail
	_ = w.Close()
	return entity{
		header: header{
			{"Content-Type", "text/" + subtype + "; charset=utf-8"},
			{"Content-Transfer-Encoding", "quoted-printable"},
		},
		body: b.Bytes(),
	}
}

// attachmentEntity encodes a as a base64 attachment part.
func attachmentEntity(a Attachment) (entity, error) {
	if a.Name == "" {
		return entity{}, fmt.Errorf("email: build: attachment without a name")
	}
	if err := checkValue(a.Name); err != nil {
		return entity{}, fmt.Errorf("email: build: attachment name: %w", err)
	}
	ct := a.ContentType
	if ct == "" {
		ct = "application/octet-stream"
	}
	mediaType, params, err := mime.ParseMediaType(ct)
	if err != nil {
		return entity{}, fmt.Errorf("email: build: attachment %q: content type %q: %w", a.Name, ct, err)
	}
	// Formatting again from the parsed form leaves no room for injected
	// parameters or line breaks; FormatMediaType uses RFC 2231 for non-ASCII.
	ctValue := mime.FormatMediaType(mediaType, params)
	disposition := mime.FormatMediaType("attachment", map[string]string{"filename": a.Name})
	if ctValue == "" || disposition == "" {
		return entity{}, fmt.Errorf("email: build: attachment %q: cannot format its header", a.Name)
	}
	return entity{
		header: header{
			{"Content-Type", ctValue},
			{"Content-Transfer-Encoding", "base64"},
			{"Content-Disposition", disposition},
		},
		body: base64Lines(a.Data),
	}, nil
}

// base64Lines encodes data in lines of 76 characters joined by CRLF.
func base64Lines(data []byte) []byte {
	enc := base64.StdEncoding.EncodeToString(data)
	out := make([]byte, 0, len(enc)+len(enc)/base64Width*2+2)
	for len(enc) > base64Width {
		out = append(out, enc[:base64Width]...)
		out = append(out, '\r', '\n')
		enc = enc[base64Width:]
	}
	return append(out, enc...)
}

// multipartEntity joins parts as multipart/subtype. The boundary starts with
// "=_", which quoted-printable and base64 bodies cannot contain; should a
// part's header contain it all the same, a numbered variant is tried, so the
// result stays deterministic.
func multipartEntity(subtype, seed string, parts []entity) (entity, error) {
	rendered := make([][]byte, len(parts))
	for i, p := range parts {
		var b bytes.Buffer
		if err := p.write(&b); err != nil {
			return entity{}, fmt.Errorf("email: build: %w", err)
		}
		rendered[i] = b.Bytes()
	}
	boundary := "=_" + seed
	for n := 1; collides(rendered, boundary); n++ {
		boundary = "=_" + seed + "." + strconv.Itoa(n)
	}
	var b bytes.Buffer
	for _, r := range rendered {
		b.WriteString("--" + boundary + "\r\n")
		b.Write(r)
		b.WriteString("\r\n")
	}
	b.WriteString("--" + boundary + "--\r\n")
	ct := mime.FormatMediaType("multipart/"+subtype, map[string]string{"boundary": boundary})
	return entity{header: header{{"Content-Type", ct}}, body: b.Bytes()}, nil
}

func collides(parts [][]byte, boundary string) bool {
	delim := []byte("--" + boundary)
	for _, p := range parts {
		if bytes.Contains(p, delim) {
			return true
		}
	}
	return false
}
