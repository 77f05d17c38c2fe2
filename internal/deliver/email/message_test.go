package email_test

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/baken-cert/baken/internal/deliver/email"
	"github.com/baken-cert/baken/internal/deliver/email/smtptest"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

var date = time.Date(2026, 3, 14, 9, 26, 53, 0, time.FixedZone("CET", 3600))

// sample is a notification with every feature Build supports.
func sample() email.Message {
	return email.Message{
		MessageID: "<20260314-00000042.n7@baken.example>",
		From:      "Baken CERT-Ö <cert@baken.example>",
		To:        []string{"Jörg Müller <abuse@example.nl>", "soc@example.nl"},
		Subject:   "[20260314-00000042] Kwetsbare Exchange-server gevonden op 192.0.2.7 – graag actie ondernemen binnen één werkdag",
		Text:      "Beste Jörg,\n\nWe zagen een kwetsbare server.\nTrailing space here \nEen regel die langer is dan achtenzeventig tekens, zodat quoted-printable hem moet afbreken met een zachte regeleinde.\n",
		HTML:      "<p>Beste J&ouml;rg,</p>\n<p>We zagen een <b>kwetsbare</b> server.</p>\n",
		Attachments: []email.Attachment{
			{Name: "events.csv", ContentType: "text/csv; charset=utf-8", Data: []byte("ip,port\n192.0.2.7,443\n")},
			{Name: "überblick 2026.json", ContentType: "application/json", Data: bytes.Repeat([]byte(`{"a":1}`), 30)},
		},
		Headers: map[string]string{"X-Baken-Ticket": "20260314-00000042", "X-Baken-Feed": "shadowserver – scan_exchange"},
	}
}

func TestBuildParses(t *testing.T) {
	t.Parallel()
	m := sample()
	raw, err := email.Build(m, date)
	if err != nil {
		t.Fatal(err)
	}
	r := smtptest.Parse(raw)
	if r.ParseErr != nil {
		t.Fatal(r.ParseErr)
	}
	for key, want := range map[string]string{
		"Subject":        m.Subject,
		"From":           "Baken CERT-Ö <cert@baken.example>",
		"To":             "Jörg Müller <abuse@example.nl>, <soc@example.nl>",
		"Message-Id":     "<20260314-00000042.n7@baken.example>",
		"Date":           "Sat, 14 Mar 2026 09:26:53 +0100",
		"Mime-Version":   "1.0",
		"Auto-Submitted": "auto-generated",
		"X-Baken-Ticket": "20260314-00000042",
		"X-Baken-Feed":   "shadowserver – scan_exchange",
	} {
		if got := r.DecodedHeader(key); got != want {
			t.Errorf("%s = %q, want %q", key, got, want)
		}
	}
	parts, err := r.Parts()
	if err != nil {
		t.Fatal(err)
	}
	want := []struct{ mediaType, filename, body string }{
		{"text/plain", "", strings.ReplaceAll(m.Text, "\n", "\r\n")},
		{"text/html", "", strings.ReplaceAll(m.HTML, "\n", "\r\n")},
		{"text/csv", "events.csv", string(m.Attachments[0].Data)},
		{"application/json", "überblick 2026.json", string(m.Attachments[1].Data)},
	}
	if len(parts) != len(want) {
		t.Fatalf("%d parts, want %d", len(parts), len(want))
	}
	for i, w := range want {
		p := parts[i]
		if p.MediaType != w.mediaType || p.Filename != w.filename || string(p.Body) != w.body {
			t.Errorf("part %d: %s %q %q, want %s %q %q", i, p.MediaType, p.Filename, p.Body, w.mediaType, w.filename, w.body)
		}
		if (w.filename != "") != p.Attachment {
			t.Errorf("part %d: attachment %v", i, p.Attachment)
		}
	}
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "multipart/mixed;") {
		t.Errorf("top Content-Type %q", ct)
	}
	if !bytes.Contains(raw, []byte("filename*=utf-8''%C3%BCberblick%202026.json")) {
		t.Error("non-ASCII file name not in RFC 2231 form")
	}
}

// TestBuildWire checks what relays need: 7-bit, CRLF only, short lines.
func TestBuildWire(t *testing.T) {
	t.Parallel()
	raw, err := email.Build(sample(), date)
	if err != nil {
		t.Fatal(err)
	}
	for i, line := range strings.Split(string(raw), "\r\n") {
		if strings.ContainsAny(line, "\r\n") {
			t.Errorf("line %d has a bare CR or LF: %q", i, line)
		}
		if len(line) > 998 {
			t.Errorf("line %d is %d long", i, len(line))
		}
		for _, c := range []byte(line) {
			if c >= 0x80 {
				t.Fatalf("line %d is not 7-bit: %q", i, line)
			}
		}
	}
}

// TestBuildDeterministic renders the same notification twice and compares
// it with the golden file; run with -update after an intended change.
func TestBuildDeterministic(t *testing.T) {
	t.Parallel()
	a, err := email.Build(sample(), date)
	if err != nil {
		t.Fatal(err)
	}
	b, err := email.Build(sample(), date)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a, b) {
		t.Fatal("two renderings differ")
	}
	golden := filepath.Join("testdata", "notification.eml")
	if *update {
		if err := os.WriteFile(golden, a, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a, want) {
		t.Errorf("output differs from %s; run go test -update if intended:\n%s", golden, a)
	}

	other := sample()
	other.MessageID = "20260314-00000043.n7@baken.example"
	c, err := email.Build(other, date)
	if err != nil {
		t.Fatal(err)
	}
	if boundary(t, a) == boundary(t, c) {
		t.Error("boundary does not depend on the Message-ID")
	}
}

func boundary(t *testing.T, raw []byte) string {
	t.Helper()
	_, after, ok := strings.Cut(string(raw), `boundary="`)
	if !ok {
		t.Fatal("no boundary")
	}
	b, _, _ := strings.Cut(after, `"`)
	return b
}

func TestBuildShapes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		edit    func(*email.Message)
		topType string
	}{
		{"text only", func(m *email.Message) { m.HTML, m.Attachments = "", nil }, "text/plain; charset=utf-8"},
		{"html only", func(m *email.Message) { m.Text, m.Attachments = "", nil }, "text/html; charset=utf-8"},
		{"both", func(m *email.Message) { m.Attachments = nil }, "multipart/alternative;"},
		{"text and attachment", func(m *email.Message) { m.HTML = "" }, "multipart/mixed;"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			m := sample()
			tt.edit(&m)
			raw, err := email.Build(m, date)
			if err != nil {
				t.Fatal(err)
			}
			r := smtptest.Parse(raw)
			if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, tt.topType) {
				t.Errorf("Content-Type %q, want %q...", ct, tt.topType)
			}
			if _, err := r.Parts(); err != nil {
				t.Error(err)
			}
		})
	}
}

func TestBuildRefuses(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		edit func(*email.Message)
	}{
		{"CRLF in subject", func(m *email.Message) { m.Subject = "hi\r\nBcc: victim@example.org" }},
		{"LF in subject", func(m *email.Message) { m.Subject = "hi\nX-Evil: 1" }},
		{"CR in from", func(m *email.Message) { m.From = "a@example.org\rBcc: b@example.org" }},
		{"LF in to", func(m *email.Message) { m.To = []string{"a@example.org\nBcc: b@example.org"} }},
		{"LF in display name", func(m *email.Message) { m.To = []string{"\"A\nB\" <a@example.org>"} }},
		{"CRLF in header value", func(m *email.Message) { m.Headers["X-Baken-Ticket"] = "1\r\nBcc: b@example.org" }},
		{"colon in header name", func(m *email.Message) { m.Headers["Bcc: b@example.org\r\nX"] = "1" }},
		{"header Build writes", func(m *email.Message) { m.Headers["subject"] = "two subjects" }},
		{"content header", func(m *email.Message) { m.Headers["Content-Type"] = "text/html" }},
		{"LF in attachment name", func(m *email.Message) { m.Attachments[0].Name = "a.csv\r\nX-Evil: 1" }},
		{"bad content type", func(m *email.Message) { m.Attachments[0].ContentType = "text/csv\r\nX-Evil: 1" }},
		{"nameless attachment", func(m *email.Message) { m.Attachments[0].Name = "" }},
		{"space in message id", func(m *email.Message) { m.MessageID = "a b@example.org" }},
		{"CRLF in message id", func(m *email.Message) { m.MessageID = "a@example.org>\r\nX: <b" }},
		{"message id without @", func(m *email.Message) { m.MessageID = "12345" }},
		{"no message id", func(m *email.Message) { m.MessageID = "" }},
		{"bad from", func(m *email.Message) { m.From = "not an address" }},
		{"no to", func(m *email.Message) { m.To = nil }},
		{"no body", func(m *email.Message) { m.Text, m.HTML = "", "" }},
		{"invalid UTF-8 body", func(m *email.Message) { m.Text = "\xff\xfe" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			m := sample()
			tt.edit(&m)
			if raw, err := email.Build(m, date); err == nil {
				t.Errorf("Build succeeded:\n%s", raw)
			}
		})
	}
	if _, err := email.Build(sample(), time.Time{}); err == nil {
		t.Error("Build with a zero date succeeded")
	}
}

func FuzzBuild(f *testing.F) {
	f.Add("subject", "Name <a@example.org>", "x-a", "value", "file.txt", "text")
	f.Add("ä\r\nb", "\"Ö\" <ö@example.org>", "X-B", "ü", "ü.txt", "\r\n.\r\n")
	f.Fuzz(func(t *testing.T, subject, to, hname, hvalue, fname, text string) {
		m := email.Message{
			MessageID: "id@example.org", From: "a@example.org", To: []string{to},
			Subject: subject, Text: text, Headers: map[string]string{hname: hvalue},
			Attachments: []email.Attachment{{Name: fname, Data: []byte(text)}},
		}
		raw, err := email.Build(m, date)
		if err != nil {
			return
		}
		// Whatever was accepted must parse back with no extra header field.
		r := smtptest.Parse(raw)
		if r.ParseErr != nil {
			t.Fatalf("output does not parse: %v\n%s", r.ParseErr, raw)
		}
		if n := len(r.Header); n != 9 {
			t.Fatalf("%d header fields, want 9:\n%s", n, raw)
		}
		// An ASCII subject that looks like an encoded word is sent as is and
		// decoded by readers: a known, cosmetic limitation.
		if strings.Contains(subject, "=?") {
			return
		}
		if got := r.DecodedHeader("Subject"); got != strings.TrimSpace(subject) {
			t.Fatalf("subject %q came back as %q", subject, got)
		}
	})
}
