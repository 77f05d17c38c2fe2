package collect

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"path"
	"strings"
)

// mailMessage is what the mailbox collector needs of a message.
type mailMessage struct {
	from, subject string
	attachments   []attachment
}

type attachment struct {
	name string
	data []byte
}

// attachmentTypes are the file kinds kept from messages, by extension.
var attachmentTypes = []string{".csv", ".gz", ".zip", ".json", ".jsonl"}

// byMediaType names an attachment that has no name, by its media type.
var byMediaType = map[string]string{"text/csv": "attachment.csv", "application/gzip": "attachment.gz",
	"application/x-gzip": "attachment.gz", "application/zip": "attachment.zip", "application/json": "attachment.json"}

var words = &mime.WordDecoder{}

// parseMail reads a message's sender, subject and attachments (MIME, nested multiparts).
func parseMail(raw []byte) (mailMessage, error) {
	m, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return mailMessage{}, fmt.Errorf("reading the message: %w", err)
	}
	var out mailMessage
	if a, err := mail.ParseAddress(m.Header.Get("From")); err == nil {
		out.from = a.Address
	}
	out.subject, err = words.DecodeHeader(m.Header.Get("Subject"))
	if err != nil {
		out.subject = m.Header.Get("Subject")
	}
	err = walkPart(&out, m.Header.Get("Content-Type"), m.Header.Get("Content-Transfer-Encoding"), m.Header.Get("Content-Disposition"), m.Body, 0)
	return out, err
}

func walkPart(out *mailMessage, ctype, encoding, disposition string, body io.Reader, depth int) error {
	if depth > 10 {
		return fmt.Errorf("MIME parts nested too deep")
	}
	mt, params, err := mime.ParseMediaType(ctype)
	if err != nil {
		mt, params = "text/plain", nil
	}
	if strings.HasPrefix(mt, "multipart/") {
		mr := multipart.NewReader(body, params["boundary"])
		for {
			p, err := mr.NextRawPart()
			if err == io.EOF {
				return nil
			}
			if err != nil {
				return fmt.Errorf("reading a MIME part: %w", err)
			}
			if err := walkPart(out, p.Header.Get("Content-Type"), p.Header.Get("Content-Transfer-Encoding"), p.Header.Get("Content-Disposition"), p, depth+1); err != nil {
				return err
			}
		}
	}
	name := attachmentName(mt, params, disposition)
	if name == "" {
		return nil
	}
	var r io.Reader = body
	switch strings.ToLower(strings.TrimSpace(encoding)) {
	case "base64":
		r = base64.NewDecoder(base64.StdEncoding, body)
	case "quoted-printable":
		r = quotedprintable.NewReader(body)
	}
	data, err := io.ReadAll(r)
	if err != nil {
		return fmt.Errorf("decoding the attachment %s: %w", name, err)
	}
	out.attachments = append(out.attachments, attachment{name, data})
	return nil
}

// attachmentName is the file name of a part that is a feed file, "" for other parts.
func attachmentName(mediaType string, params map[string]string, disposition string) string {
	name := params["name"]
	if _, dp, err := mime.ParseMediaType(disposition); err == nil && dp["filename"] != "" {
		name = dp["filename"]
	}
	if dec, err := words.DecodeHeader(name); err == nil {
		name = dec
	}
	name = path.Base(strings.ReplaceAll(name, `\`, "/"))
	if name == "." || name == "/" {
		name = ""
	}
	if name == "" {
		return byMediaType[mediaType]
	}
	for _, ext := range attachmentTypes {
		if strings.HasSuffix(strings.ToLower(name), ext) {
			return name
		}
	}
	return ""
}
