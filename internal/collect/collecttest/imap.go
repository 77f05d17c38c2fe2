package collecttest

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"io"
	"log"
	"mime"
	"mime/multipart"
	"net"
	"net/textproto"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"
)

// Keyword is the keyword the mailbox collector marks handled messages with.
const Keyword = "$BakenCollected"

// Mailbox is a real IMAP server on loopback (go-imap's in-memory server), with one user
// and an INBOX, plain text (no TLS).
type Mailbox struct {
	Addr           string
	user, password string
	u              *imapmemserver.User
	t              testing.TB
}

// NewMailbox starts the server until the test ends.
func NewMailbox(t testing.TB, user, password string) *Mailbox {
	t.Helper()
	mem := imapmemserver.New()
	u := imapmemserver.NewUser(user, password)
	if err := u.Create("INBOX", nil); err != nil {
		t.Fatal(err)
	}
	mem.AddUser(u)
	srv := imapserver.New(&imapserver.Options{
		NewSession: func(*imapserver.Conn) (imapserver.Session, *imapserver.GreetingData, error) {
			return mem.NewSession(), nil, nil
		},
		Caps:         imap.CapSet{imap.CapIMAP4rev1: {}, imap.CapIMAP4rev2: {}},
		InsecureAuth: true,
		Logger:       log.New(io.Discard, "", 0),
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return &Mailbox{Addr: ln.Addr().String(), user: user, password: password, u: u, t: t}
}

// Attachment is a file attached to a delivered message.
type Attachment struct {
	Name, ContentType string
	Data              []byte
}

// Deliver appends a MIME message (a text part, then each attachment in base64) to INBOX.
func (m *Mailbox) Deliver(from, subject string, attachments ...Attachment) {
	m.t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	text, _ := w.CreatePart(textproto.MIMEHeader{"Content-Type": {"text/plain; charset=utf-8"}})
	fmt.Fprint(text, "Dear CERT,\r\nplease find the report attached.\r\n")
	for _, a := range attachments {
		h := textproto.MIMEHeader{}
		h.Set("Content-Type", a.ContentType)
		h.Set("Content-Transfer-Encoding", "base64")
		h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": a.Name}))
		pw, _ := w.CreatePart(h)
		enc := base64.StdEncoding.EncodeToString(a.Data)
		for len(enc) > 76 {
			fmt.Fprint(pw, enc[:76]+"\r\n")
			enc = enc[76:]
		}
		fmt.Fprint(pw, enc+"\r\n")
	}
	w.Close()
	msg := fmt.Sprintf("From: %s\r\nTo: %s\r\nSubject: %s\r\nDate: %s\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=%s\r\n\r\n%s",
		from, m.user, mime.QEncoding.Encode("utf-8", subject), time.Now().Format(time.RFC1123Z), w.Boundary(), body.String())
	if _, err := m.u.Append("INBOX", bytes.NewReader([]byte(msg)), &imap.AppendOptions{}); err != nil {
		m.t.Fatal(err)
	}
}

// Folder maps the subjects of a folder's messages to whether they carry Keyword; nil
// when the folder does not exist.
func (m *Mailbox) Folder(name string) map[string]bool {
	m.t.Helper()
	c := m.client()
	defer c.Close()
	sel, err := c.Select(name, nil).Wait()
	if err != nil {
		return nil
	}
	out := map[string]bool{}
	if sel.NumMessages == 0 {
		return out
	}
	msgs, err := c.Fetch(imap.SeqSet{imap.SeqRange{Start: 1, Stop: sel.NumMessages}}, &imap.FetchOptions{Envelope: true, Flags: true}).Collect()
	if err != nil {
		m.t.Fatal(err)
	}
	for _, msg := range msgs {
		marked := false
		for _, f := range msg.Flags {
			// Keywords are case-insensitive; servers may change their case.
			marked = marked || strings.EqualFold(string(f), Keyword)
		}
		out[msg.Envelope.Subject] = marked
	}
	return out
}

// Unmark removes Keyword from the n-th message of INBOX, as if the collector had died
// before marking it.
func (m *Mailbox) Unmark(n uint32) {
	m.t.Helper()
	c := m.client()
	defer c.Close()
	if _, err := c.Select("INBOX", nil).Wait(); err != nil {
		m.t.Fatal(err)
	}
	if err := c.Store(imap.SeqSetNum(n), &imap.StoreFlags{Op: imap.StoreFlagsDel, Flags: []imap.Flag{Keyword}}, nil).Close(); err != nil {
		m.t.Fatal(err)
	}
}

func (m *Mailbox) client() *imapclient.Client {
	c, err := imapclient.DialInsecure(m.Addr, nil)
	if err != nil {
		m.t.Fatal(err)
	}
	if err := c.Login(m.user, m.password).Wait(); err != nil {
		m.t.Fatal(err)
	}
	return c
}
