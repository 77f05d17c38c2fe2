package collect

import (
	"archive/zip"
	"bytes"
	"compress/gzip"
	"context"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/baken-cert/baken/internal/collect/collecttest"
	"github.com/baken-cert/baken/internal/store"
)

func att(name, contentType string, data []byte) collecttest.Attachment {
	return collecttest.Attachment{Name: name, ContentType: contentType, Data: data}
}

func gzipped(t *testing.T, s string) []byte {
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	w.Write([]byte(s))
	w.Close()
	return b.Bytes()
}

func zipped(t *testing.T, name, s string) []byte {
	var b bytes.Buffer
	w := zip.NewWriter(&b)
	f, _ := w.Create(name)
	f.Write([]byte(s))
	w.Close()
	return b.Bytes()
}

// TestIMAPCollector: the attachments (CSV, gzip, zip) of new messages are kept under
// the feed their sender or subject routes them to, the messages are marked and not read
// again; a message whose marking was lost (a crash) is read again but not ingested twice.
func TestIMAPCollector(t *testing.T) {
	b := setup(t, "sqlite")
	ctx := context.Background()
	mb := collecttest.NewMailbox(t, "reports@cert.example", "mail-pw")
	pw := filepath.Join(t.TempDir(), "pw")
	writeFile(t, pw, "mail-pw\n")
	partner := b.feed("partner", "csv", csvOptions, Config{Every: Duration(time.Hour), HTTP: &HTTPConfig{URL: "https://unused.example/"}})
	ss, err := b.store.PutFeed(ctx, store.Feed{Name: "shadowserver", Format: "shadowserver", Kind: "periodic", TLP: "AMBER"})
	if err != nil {
		t.Fatal(err)
	}
	mail := b.feed("mail", "csv", csvOptions, Config{Every: Duration(5 * time.Minute), IMAP: &IMAPConfig{
		Server: mb.Addr, TLS: "none", Username: "reports@cert.example", Password: Secret("file:" + pw),
		Routes: []IMAPRoute{{From: "@shadowserver.org", Feed: "shadowserver"}, {Subject: `(?i)^\[partner\]`, Feed: "partner"}}}})

	report := sample(t, "2026-04-01")
	mb.Deliver("Shadowserver <autoreports@shadowserver.org>", "Shadowserver NL report 2026-04-01",
		att("2026-04-01-scan_smb-nl-asn.csv", "text/csv", report))
	mb.Deliver("feeds@partner.example", "[Partner] daily list",
		att("list.csv.gz", "application/gzip", gzipped(t, "ip\n192.0.2.5\n")),
		att("more.zip", "application/zip", zipped(t, "more.csv", "ip\n192.0.2.6\n")),
		att("logo.png", "image/png", []byte("\x89PNG")))
	mb.Deliver("someone@elsewhere.example", "Überblick", att("other.csv", "text/csv", []byte("ip\n192.0.2.7\n")))
	b.tick()

	kept := map[string][]string{}
	for _, f := range []store.Feed{partner, ss, mail} {
		for _, c := range b.files(f) {
			kept[f.Name] = append(kept[f.Name], c.Name)
			if c.State != store.FileIngested {
				t.Errorf("%s/%s: %s %s", f.Name, c.Name, c.State, c.LastError)
			}
		}
		slices.Sort(kept[f.Name])
	}
	want := map[string][]string{"shadowserver": {"2026-04-01-scan_smb-nl-asn.csv"}, "partner": {"list.csv.gz", "more.zip"}, "mail": {"other.csv"}}
	for feed, names := range want {
		if !slices.Equal(kept[feed], names) {
			t.Errorf("feed %s kept %v, want %v", feed, kept[feed], names)
		}
	}
	if st := b.state(mail); st.LastError != "" {
		t.Errorf("state: %s", st.LastError)
	}
	inbox := mb.Folder("INBOX")
	if len(inbox) != 3 || !inbox["Überblick"] || !inbox["[Partner] daily list"] {
		t.Errorf("INBOX after the run (subject: marked): %v", inbox)
	}

	// A crash lost the marking of one message: it is read again, nothing is kept twice.
	mb.Unmark(2)
	b.advance(5 * time.Minute)
	b.tick()
	if n := len(b.files(partner)); n != 2 {
		t.Errorf("partner has %d files after the message was read again, want 2", n)
	}
	if st := b.state(mail); st.LastFiles != 0 || !mb.Folder("INBOX")["[Partner] daily list"] {
		t.Errorf("after reading again: %d new files, INBOX %v", st.LastFiles, mb.Folder("INBOX"))
	}
	// The feeds the routes deliver to have a status too.
	status, err := b.svc.Status(ctx)
	if err != nil {
		t.Fatal(err)
	}
	sources := map[string]string{}
	for _, st := range status {
		sources[st.Feed] = st.Source
	}
	if sources["shadowserver"] != "routed" || sources["mail"] != "imap" || sources["partner"] != "http" {
		t.Errorf("status sources %v", sources)
	}
	if strings.Contains(string(mail.Collect), "mail-pw") {
		t.Error("the password is stored with the feed")
	}
}

// mailSetup starts a mailbox and a feed that reads it with password, as change says.
func mailSetup(t *testing.T, password string, change func(*IMAPConfig)) (*bundle, *collecttest.Mailbox, store.Feed) {
	b := setup(t, "sqlite")
	mb := collecttest.NewMailbox(t, "reports@cert.example", "mail-pw")
	pw := filepath.Join(t.TempDir(), "pw")
	writeFile(t, pw, password)
	c := &IMAPConfig{Server: mb.Addr, TLS: "none", Username: "reports@cert.example", Password: Secret("file:" + pw)}
	change(c)
	return b, mb, b.feed("mail", "csv", csvOptions, Config{Every: Duration(5 * time.Minute), IMAP: c})
}

// TestIMAPCollectorMoves: with move_to, handled messages go to that folder (made when
// missing); nothing is deleted.
func TestIMAPCollectorMoves(t *testing.T) {
	b, mb, f := mailSetup(t, "mail-pw", func(c *IMAPConfig) { c.MoveTo = "Baken/Done" })
	mb.Deliver("a@partner.example", "one", att("a.csv", "text/csv", []byte("ip\n192.0.2.1\n")))
	mb.Deliver("a@partner.example", "two", att("b.csv", "text/csv", []byte("ip\n192.0.2.2\n")))
	b.tick()
	if inbox, done := mb.Folder("INBOX"), mb.Folder("Baken/Done"); len(inbox) != 0 || len(done) != 2 {
		t.Errorf("INBOX %v, Baken/Done %v", inbox, done)
	}
	if n := len(b.files(f)); n != 2 || b.events() != 2 {
		t.Errorf("%d files, %d events", n, b.events())
	}
}

// TestIMAPCollectorBadPassword: a refused login is the run's error; nothing is kept.
func TestIMAPCollectorBadPassword(t *testing.T) {
	b, mb, f := mailSetup(t, "wrong", func(*IMAPConfig) {})
	mb.Deliver("a@partner.example", "one", att("a.csv", "text/csv", []byte("ip\n192.0.2.1\n")))
	b.tick()
	if st := b.state(f); !strings.Contains(st.LastError, "logging in") || strings.Contains(st.LastError, "wrong") {
		t.Errorf("state %q", st.LastError)
	}
}
