package email

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"mime"
	"net/mail"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Message is an e-mail for Build.
type Message struct {
	// MessageID is the Message-ID, with or without angle brackets. The
	// caller keeps it stable per notification: receivers deduplicate on it,
	// and Build derives the MIME boundaries from it.
	MessageID string
	// From is the author, "Name <addr>" or "addr"; the name may be non-ASCII.
	From string
	// To lists the recipients shown in the To field, in the same forms.
	To []string
	// Subject is plain text, possibly non-ASCII.
	Subject string
	// Text and HTML are the two renderings of the body, UTF-8; at least one
	// is required, and with both a reader shows the one it prefers.
	Text, HTML string
	// Attachments follow the body.
	Attachments []Attachment
	// Headers are extra unstructured fields such as X-Baken-Ticket, written
	// in name order; non-ASCII values are RFC 2047 encoded. They may not
	// replace a field Build writes, a Content-* field or an address field.
	Headers map[string]string
}

// Attachment is a file attached to a Message.
type Attachment struct {
	// Name is the file name shown to the recipient; it may be non-ASCII.
	Name string
	// ContentType is the media type, such as "text/csv; charset=utf-8";
	// empty means application/octet-stream.
	ContentType string
	Data        []byte
}

// reserved are the fields that Build writes itself, in lower case; any
// Content-* field is reserved too.
var reserved = []string{"date", "from", "to", "cc", "bcc", "subject", "message-id", "mime-version", "auto-submitted"}

// Build renders m as an RFC 5322 message with CRLF line endings, dated date.
//
// The body is text/plain or text/html alone, or multipart/alternative with
// both (plain first), all UTF-8 in quoted-printable; with attachments it is
// wrapped in multipart/mixed, followed by each attachment in base64. Every
// line is 7-bit: non-ASCII header text is RFC 2047 encoded and non-ASCII
// file names RFC 2231 encoded. The header carries Auto-Submitted:
// auto-generated so that receivers do not auto-reply.
//
// Build is deterministic: the same m and date give the same bytes, so a
// notification rendered again is identical. It refuses CR and LF in any
// header value or address, so no input can add a header field.
func Build(m Message, date time.Time) ([]byte, error) {
	if date.IsZero() {
		return nil, errors.New("email: build: zero date")
	}
	id, err := messageID(m.MessageID)
	if err != nil {
		return nil, err
	}
	from, err := formatAddress(m.From)
	if err != nil {
		return nil, fmt.Errorf("email: build: From: %w", err)
	}
	if len(m.To) == 0 {
		return nil, errors.New("email: build: no To address")
	}
	to := make([]string, len(m.To))
	for i, a := range m.To {
		if to[i], err = formatAddress(a); err != nil {
			return nil, fmt.Errorf("email: build: To: %w", err)
		}
	}
	if err := checkValue(m.Subject); err != nil {
		return nil, fmt.Errorf("email: build: Subject: %w", err)
	}
	body, err := buildBody(m, id)
	if err != nil {
		return nil, err
	}

	var h header
	h.add("Date", date.Format(time.RFC1123Z))
	h.add("From", from)
	h.add("To", strings.Join(to, ", "))
	h.add("Subject", mime.QEncoding.Encode("utf-8", m.Subject))
	h.add("Message-ID", "<"+id+">")
	h.add("MIME-Version", "1.0")
	h.add("Auto-Submitted", "auto-generated")
	names := make([]string, 0, len(m.Headers))
	for name := range m.Headers {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		if err := checkExtra(name, m.Headers[name]); err != nil {
			return nil, err
		}
		h.add(name, mime.QEncoding.Encode("utf-8", m.Headers[name]))
	}
	h = append(h, body.header...)

	var b bytes.Buffer
	b.Grow(len(body.body) + 1024)
	if err := h.write(&b); err != nil {
		return nil, fmt.Errorf("email: build: %w", err)
	}
	b.WriteString("\r\n")
	b.Write(body.body)
	return b.Bytes(), nil
}

// buildBody renders the body entity: the text renderings, wrapped with the
// attachments when there are any.
func buildBody(m Message, id string) (entity, error) {
	var alts []entity
	for _, r := range []struct{ subtype, text string }{{"plain", m.Text}, {"html", m.HTML}} {
		if r.text == "" {
			continue
		}
		if !utf8.ValidString(r.text) {
			return entity{}, fmt.Errorf("email: build: %s body is not valid UTF-8", r.subtype)
		}
		alts = append(alts, textEntity(r.subtype, r.text))
	}
	if len(alts) == 0 {
		return entity{}, errors.New("email: build: neither Text nor HTML")
	}
	sum := sha256.Sum256([]byte(id))
	seed := hex.EncodeToString(sum[:12])
	body := alts[0]
	if len(alts) > 1 {
		var err error
		if body, err = multipartEntity("alternative", seed+".a", alts); err != nil {
			return entity{}, err
		}
	}
	if len(m.Attachments) == 0 {
		return body, nil
	}
	parts := []entity{body}
	for _, a := range m.Attachments {
		p, err := attachmentEntity(a)
		if err != nil {
			return entity{}, err
		}
		parts = append(parts, p)
	}
	return multipartEntity("mixed", seed+".m", parts)
}

// messageID checks a Message-ID and returns it without angle brackets.
func messageID(id string) (string, error) {
	id = strings.TrimSuffix(strings.TrimPrefix(id, "<"), ">")
	if id == "" {
		return "", errors.New("email: build: empty MessageID")
	}
	for _, r := range id {
		if r <= ' ' || r >= 0x7f || r == '<' || r == '>' {
			return "", fmt.Errorf("email: build: MessageID %q: only printable ASCII without spaces or angle brackets", id)
		}
	}
	if strings.Count(id, "@") != 1 || strings.HasPrefix(id, "@") || strings.HasSuffix(id, "@") {
		return "", fmt.Errorf("email: build: MessageID %q: want left@right", id)
	}
	return id, nil
}

// formatAddress parses "Name <addr>" or "addr" and renders it for a header,
// RFC 2047 encoding a non-ASCII display name.
func formatAddress(s string) (string, error) {
	if err := checkValue(s); err != nil {
		return "", err
	}
	a, err := mail.ParseAddress(s)
	if err != nil {
		return "", fmt.Errorf("address %q: %w", s, err)
	}
	return a.String(), nil
}

// checkValue refuses control characters, CR and LF above all, in a header
// value: they could end the field and start another.
func checkValue(s string) error {
	for _, r := range s {
		if (r < ' ' && r != '\t') || r == 0x7f {
			return fmt.Errorf("control character %U in %q", r, s)
		}
	}
	if !utf8.ValidString(s) {
		return fmt.Errorf("invalid UTF-8 in %q", s)
	}
	return nil
}

// checkExtra checks an extra header field's name and value.
func checkExtra(name, value string) error {
	if name == "" || len(name) > 76 {
		return fmt.Errorf("email: build: header name %q: empty or too long", name)
	}
	for i := 0; i < len(name); i++ {
		if c := name[i]; c <= ' ' || c >= 0x7f || c == ':' {
			return fmt.Errorf("email: build: header name %q: invalid character", name)
		}
	}
	lower := strings.ToLower(name)
	if slices.Contains(reserved, lower) || strings.HasPrefix(lower, "content-") {
		return fmt.Errorf("email: build: header %s is written by Build", name)
	}
	if err := checkValue(value); err != nil {
		return fmt.Errorf("email: build: header %s: %w", name, err)
	}
	return nil
}
