package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/baken-cert/baken/internal/collect/collecttest"
	"github.com/baken-cert/baken/internal/deliver/email/smtptest"
	"github.com/baken-cert/baken/internal/store/storetest"
)

// hadoopIP is the address in the sample scan_hadoop report.
const hadoopIP = "192.0.2.23"

// taxiiIP is the address of the partner's TAXII indicator.
const taxiiIP = "192.0.2.29"

const collectRegistry = `organisation,org_ref,asset,contact_email,language
Customer,cust,192.0.2.16/28,soc@customer.example,en
`

// TestServeCollectsEveryFeed: with a feed for each collector (the Shadowserver API, an
// HTTP download, a watched directory, an IMAP mailbox, a TAXII collection), `baken serve` collects, ingests, decides and
// delivers, and nobody runs a command; feed status then shows what happened.
func TestServeCollectsEveryFeed(t *testing.T) {
	for _, engine := range storetest.Engines {
		t.Run(engine, func(t *testing.T) {
			b := setup(t, engine)
			mail := smtptest.NewServer(t)
			b.env["BAKEN_SMTP_URL"] = mail.URL()
			b.env["BAKEN_MAIL_FROM"] = "notify@cert.example"
			b.env["BAKEN_COLLECT_ALLOW_PRIVATE"] = "true"
			b.env["BAKEN_POLL_INTERVAL"] = "50ms"
			b.env["BAKEN_LISTEN_ADDR"] = "127.0.0.1:0"
			if code, out, errOut := b.run("", "org", "import", b.file("reg.csv", collectRegistry)); code != 0 {
				t.Fatalf("import: %s %s", out, errOut)
			}
			sample := func(name string) []byte {
				data, err := os.ReadFile("../feed/shadowserver/testdata/" + name)
				if err != nil {
					t.Fatal(err)
				}
				return data
			}
			today := time.Now().UTC().Format(time.DateOnly)
			api := collecttest.NewShadowserver(t, "the-key", "the-secret")
			api.Add(today, "scan_adb", "nl", sample("2026-03-24-scan_adb-nl-asn.csv"))
			web := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Write(sample("2026-03-24-scan_db2-nl-asn.csv"))
			}))
			defer web.Close()
			drop := filepath.Join(b.dir, "drop")
			os.MkdirAll(drop, 0o755)
			dropped := filepath.Join(drop, "2026-03-24-scan_exchange-nl-asn.csv")
			os.WriteFile(dropped, sample("2026-03-24-scan_exchange-nl-asn.csv"), 0o644)
			old := time.Now().Add(-time.Hour)
			os.Chtimes(dropped, old, old)
			key, secret := b.file("ss-key", "the-key\n"), b.file("ss-secret", "the-secret\n")
			mailbox := collecttest.NewMailbox(t, "reports@cert.example", "mail-pw")
			mailbox.Deliver("Partner CERT <reports@partner.example>", "[partner] scan report",
				collecttest.Attachment{Name: "2026-03-24-scan_hadoop-nl-asn.csv", ContentType: "text/csv", Data: sample("2026-03-24-scan_hadoop-nl-asn.csv")})
			mailPassword := b.file("mail-pw", "mail-pw")
			taxii := collecttest.NewTAXII(t, "cert", "taxii-pw")
			taxii.Add(time.Now().Add(-time.Hour), taxiiIP)
			taxiiPassword := b.file("taxii-pw", "taxii-pw")

			feeds := []map[string]any{
				{"name": "ss-api", "format": "shadowserver", "collect": map[string]any{"daily": "00:00",
					"shadowserver": map[string]any{"url": api.URL, "api_key": "file:" + key, "secret": "file:" + secret, "reports": []string{"nl"}}}},
				{"name": "ss-http", "format": "shadowserver", "collect": map[string]any{"every": "1h",
					"http": map[string]any{"url": web.URL + "/reports/2026-03-24-scan_db2-nl-asn.csv"}}},
				{"name": "ss-drop", "format": "shadowserver", "collect": map[string]any{"every": "1m", "expect_within": "24h",
					"dir": map[string]any{"path": drop}}},
				{"name": "ss-mail", "format": "shadowserver", "collect": map[string]any{"every": "5m",
					"imap": map[string]any{"server": mailbox.Addr, "tls": "none", "username": "reports@cert.example",
						"password": "file:" + mailPassword, "move_to": "Done"}}},
				{"name": "partner-taxii", "format": "stix", "collect": map[string]any{"every": "15m",
					"taxii": map[string]any{"url": taxii.CollectionURL, "username": "cert", "password": "file:" + taxiiPassword}}},
			}
			raw, _ := json.Marshal(feeds)
			if code, out, errOut := b.run("", "feed", "apply", b.file("feeds.json", string(raw))); code != 0 {
				t.Fatalf("feed apply: %s %s", out, errOut)
			}
			for _, f := range []string{"ss-api", "ss-http", "ss-drop", "ss-mail", "partner-taxii"} {
				if code, out, errOut := b.run("", "rule", "set", "--feed", f, "--action", "notify", "--aggregation", "immediate"); code != 0 {
					t.Fatalf("rule: %s %s", out, errOut)
				}
			}

			ctx, cancel := context.WithCancel(context.Background())
			out := &syncBuffer{}
			env := Env{Stdin: strings.NewReader(""), Stdout: out, Stderr: io.Discard, Getenv: func(k string) string { return b.env[k] }}
			done := make(chan int)
			go func() { done <- Run(ctx, env, []string{"serve"}) }()
			waitForURL(t, out)
			// Each feed's report names one address of the customer's; the notifications
			// (one or several, as the aggregation window groups them) name all three.
			named := func() map[string]bool {
				ips := map[string]bool{}
				for _, m := range mail.Messages() {
					text, _ := m.Text("text/plain")
					for _, ip := range []string{"192.0.2.21", "192.0.2.24", "192.0.2.26", hadoopIP, taxiiIP} {
						if strings.Contains(text, ip) {
							ips[ip] = true
						}
					}
				}
				return ips
			}
			for deadline := time.Now().Add(30 * time.Second); len(named()) < 5 && time.Now().Before(deadline); {
				time.Sleep(50 * time.Millisecond)
			}
			cancel()
			if code := <-done; code != 0 {
				t.Fatalf("serve exited %d", code)
			}
			if ips := named(); len(ips) != 5 {
				t.Errorf("the notifications name %v, want the five addresses of the five feeds", ips)
			}
			if _, err := os.Stat(filepath.Join(drop, "done", filepath.Base(dropped))); err != nil {
				t.Errorf("the dropped file is not in done: %v", err)
			}

			code, status, errOut := b.run("", "feed", "status")
			if code != 0 {
				t.Fatalf("feed status: %s", errOut)
			}
			if done := mailbox.Folder("Done"); len(done) != 1 {
				t.Errorf("the mail was not moved to Done: %v", done)
			}
			for _, want := range []string{"ss-api  ", "ss-http ", "ss-drop ", "ss-mail ", "partner-taxii ", "2026-03-24-scan_exchange-nl-asn.csv  ingested: 2 rows",
				today + "-scan_adb-nl-asn.csv  ingested: 1 rows"} {
				if !strings.Contains(status, want) {
					t.Errorf("feed status has no %q:\n%s", want, status)
				}
			}
			if strings.Contains(status, "the-secret") || strings.Contains(status, "the-key") {
				t.Error("feed status shows a secret")
			}
			_, list, _ := b.run("", "feed", "list", "--json")
			if strings.Contains(list, "the-secret") || !strings.Contains(list, "file:"+secret) {
				t.Errorf("feed list --json:\n%s", list)
			}
			code, files, _ := b.run("", "feed", "files", "--feed", "ss-http")
			if code != 0 || !strings.Contains(files, "ingested") {
				t.Errorf("feed files:\n%s", files)
			}
			code, rerun, errOut := b.run("", "feed", "rerun", "1")
			if code != 0 || !strings.Contains(rerun, "will be ingested again") {
				t.Errorf("feed rerun: %d %s %s", code, rerun, errOut)
			}
		})
	}
}

// TestFeedCollectRefusesLiteralSecrets: a secret written into the feed definition is
// refused, with a message that says how to give it.
func TestFeedCollectRefusesLiteralSecrets(t *testing.T) {
	b := setup(t, "sqlite")
	code, _, errOut := b.run("", "feed", "add", "--format", "shadowserver", "--collect",
		`{"daily": "06:00", "shadowserver": {"api_key": "abc", "secret": "def"}}`, "ss")
	if code == 0 || !strings.Contains(errOut, "env:NAME") || strings.Contains(errOut, "def") {
		t.Errorf("literal secrets: %d %s", code, errOut)
	}
	code, out, errOut := b.run("", "feed", "add", "--format", "csv", "--column", "source.ip=ip", "--collect",
		fmt.Sprintf(`{"every": "1h", "dir": {"path": %q}}`, b.dir), "drop")
	if code != 0 || !strings.Contains(out, "collects it") {
		t.Errorf("feed add with a collector: %d %s %s", code, out, errOut)
	}
	if _, out, _ := b.run("", "feed", "list"); !strings.Contains(out, "dir, every 1h0m0s") {
		t.Errorf("feed list:\n%s", out)
	}
}
