package smtptest

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"net/textproto"
	"strings"
)

// Received is one message the server accepted.
type Received struct {
	// From and To are the envelope: MAIL FROM and every accepted RCPT TO.
	From string
	To   []string
	// Data is the message as sent after DATA, with CRLF line endings.
	Data []byte
	// Header and Body are Data parsed with net/mail; Header is nil and
	// ParseErr says why when Data does not parse.
	Header   mail.Header
	Body     []byte
	ParseErr error
	// TLS tells whether the message came over TLS; User is the
	// authenticated user, if any.
	TLS  bool
	User string
}

// Part is a leaf of a message's MIME tree, with its body decoded.
type Part struct {
	Header textproto.MIMEHeader
	// MediaType and Params come from Content-Type ("text/plain" and
	// charset=utf-8, say); a part without Content-Type is text/plain.
	MediaType string
	Params    map[string]string
	// Attachment is true for Content-Disposition: attachment; Filename is
	// its filename parameter (RFC 2231 decoded), or the Content-Type name.
	Attachment bool
	Filename   string
	// Body is the content with its transfer encoding (quoted-printable or
	// base64) undone.
	Body []byte
}

// Parse parses a message as the server does on receipt, for tests of
// messages that were built but not sent; the envelope fields stay empty.
func Parse(data []byte) Received {
	r := Received{Data: data}
	msg, err := mail.ReadMessage(bytes.NewReader(data))
	if err != nil {
		r.ParseErr = err
		return r
	}
	r.Header = msg.Header
	r.Body, r.ParseErr = io.ReadAll(msg.Body)
	return r
}

// DecodedHeader returns the header field key with RFC 2047 encoded words
// decoded, as a mail reader would show it.
func (r Received) DecodedHeader(key string) string {
	v := r.Header.Get(key)
	dec := mime.WordDecoder{}
	if d, err := dec.DecodeHeader(v); err == nil {
		return d
	}
	return v
}

// Parts returns the leaves of the message's MIME tree in order, descending
// into every multipart part.
func (r Received) Parts() ([]Part, error) {
	if r.ParseErr != nil {
		return nil, r.ParseErr
	}
	var parts []Part
	err := walk(textproto.MIMEHeader(r.Header), bytes.NewReader(r.Body), &parts)
	return parts, err
}

// Attachments returns the parts with Content-Disposition: attachment.
func (r Received) Attachments() ([]Part, error) {
	parts, err := r.Parts()
	var out []Part
	for _, p := range parts {
		if p.Attachment {
			out = append(out, p)
		}
	}
	return out, err
}

// Text returns the decoded body of the first part of mediaType
// ("text/plain", "text/html") that is not an attachment.
func (r Received) Text(mediaType string) (string, error) {
	parts, err := r.Parts()
	if err != nil {
		return "", err
	}
	for _, p := range parts {
		if p.MediaType == mediaType && !p.Attachment {
			return string(p.Body), nil
		}
	}
	return "", fmt.Errorf("smtptest: no %s part", mediaType)
}

// walk appends the leaves under the entity with header h and body to out.
func walk(h textproto.MIMEHeader, body io.Reader, out *[]Part) error {
	mediaType, params := "text/plain", map[string]string{}
	if ct := h.Get("Content-Type"); ct != "" {
		var err error
		if mediaType, params, err = mime.ParseMediaType(ct); err != nil {
			return fmt.Errorf("smtptest: Content-Type %q: %w", ct, err)
		}
	}
	if strings.HasPrefix(mediaType, "multipart/") {
		// NextRawPart, so that quoted-printable is decoded here like base64
		// and the header stays as sent.
		mr := multipart.NewReader(body, params["boundary"])
		for {
			p, err := mr.NextRawPart()
			if errors.Is(err, io.EOF) {
				return nil
			}
			if err != nil {
				return fmt.Errorf("smtptest: %s: %w", mediaType, err)
			}
			if err := walk(p.Header, p, out); err != nil {
				return err
			}
		}
	}
	data, err := decode(h.Get("Content-Transfer-Encoding"), body)
	if err != nil {
		return err
	}
	p := Part{Header: h, MediaType: mediaType, Params: params, Body: data, Filename: params["name"]}
	if cd := h.Get("Content-Disposition"); cd != "" {
		disp, dparams, err := mime.ParseMediaType(cd)
		if err != nil {
			return fmt.Errorf("smtptest: Content-Disposition %q: %w", cd, err)
		}
		p.Attachment = disp == "attachment"
		if name, ok := dparams["filename"]; ok {
			p.Filename = name
		}
	}
	*out = append(*out, p)
	return nil
}

// decode undoes a Content-Transfer-Encoding.
func decode(cte string, r io.Reader) ([]byte, error) {
	switch strings.ToLower(strings.TrimSpace(cte)) {
	case "", "7bit", "8bit", "binary":
	case "quoted-printable":
		r = quotedprintable.NewReader(r)
	case "base64":
		// The decoder skips the CRLF between lines itself.
		r = base64.NewDecoder(base64.StdEncoding, r)
	default:
		return nil, fmt.Errorf("smtptest: unknown Content-Transfer-Encoding %q", cte)
	}
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("smtptest: decode %s: %w", cte, err)
	}
	return data, nil
}
