package cli

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/armor"
	"github.com/ProtonMail/go-crypto/openpgp/packet"

	"github.com/baken-cert/baken/internal/deliver/email/smtptest"
	"github.com/baken-cert/baken/internal/store/storetest"
)

const notifyRegistry = `organisation,org_ref,asset,contact_email,language
Customer,cust,192.0.2.0/28,soc@customer.example,nl
Customer,cust,192.0.2.0/28,it@customer.example,en
ISP,isp,192.0.2.0/24,abuse@isp.example,en
`

// notifySetup registers organisations with contacts in both languages and points
// Baken at an SMTP server on loopback.
func notifySetup(t *testing.T, engine string) (*bundle, *smtptest.Server) {
	b := setup(t, engine)
	srv := smtptest.NewServer(t)
	b.env["BAKEN_SMTP_URL"] = srv.URL()
	b.env["BAKEN_MAIL_FROM"] = "notify@cert.example"
	b.env["BAKEN_SENDER_NAME"] = "Digital Trust Center"
	if code, out, errOut := b.run("", "org", "import", b.file("reg.csv", notifyRegistry)); code != 0 {
		t.Fatalf("import: %s %s", out, errOut)
	}
	if code, out, errOut := b.run("", "rule", "set", "--taxonomy", "vulnerable", "--action", "notify", "--aggregation", "immediate", "--repeat", "7d"); code != 0 {
		t.Fatalf("rule: %s %s", out, errOut)
	}
	return b, srv
}

func TestNotifyByEmail(t *testing.T) {
	for _, engine := range storetest.Engines {
		t.Run(engine, func(t *testing.T) {
			b, srv := notifySetup(t, engine)
			report, _ := os.ReadFile("../ingest/testdata/2026-11-20-scan_smb-nl-asn.csv")
			path := b.file("2026-11-20-scan_smb-nl-asn.csv", string(report))
			if code, out, errOut := b.run("", "ingest", path); code != 1 { // two of its rows are bad
				t.Fatalf("ingest: %s %s", out, errOut)
			}
			code, out, errOut := b.run("", "work", "--until-idle")
			if code != 0 || !strings.Contains(out, "sent 3 notifications") {
				t.Fatalf("work: %d %s %s", code, out, errOut)
			}
			msgs := srv.Messages()
			byTo := map[string]smtptest.Received{}
			for _, m := range msgs {
				byTo[strings.Join(m.To, ",")] = m
			}
			// The customer's /28 is told about 192.0.2.10 (in both its contacts' languages);
			// the ISP only about 192.0.2.200, outside the customer's range.
			nl, en, isp := byTo["soc@customer.example"], byTo["it@customer.example"], byTo["abuse@isp.example"]
			if len(msgs) != 3 || nl.Data == nil || en.Data == nil || isp.Data == nil {
				t.Fatalf("recipients: %v", keys(byTo))
			}
			if s := nl.DecodedHeader("Subject"); !strings.Contains(s, "DTC #") || !strings.Contains(s, "SMB") {
				t.Errorf("Dutch subject %q", s)
			}
			nlText, _ := nl.Text("text/plain")
			enText, _ := en.Text("text/plain")
			if !strings.Contains(nlText, "192.0.2.10") || strings.Contains(nlText, "192.0.2.200") || !strings.Contains(nlText, "IT-leverancier") {
				t.Errorf("Dutch text:\n%s", nlText)
			}
			if !strings.Contains(enText, "IT supplier") {
				t.Errorf("English text:\n%s", enText)
			}
			// Each message says which registered asset matched, links to itself in the
			// portal, and names its source and kind.
			flat := strings.Join(strings.Fields(enText), " ")
			if en.DecodedHeader("X-Baken-Ticket") == "" {
				t.Error("no X-Baken-Ticket header")
			}
			for _, want := range []string{"your 192.0.2.0/28", "http://localhost:8080/notifications/" + en.DecodedHeader("X-Baken-Ticket"),
				"from their regular scans and lists"} {
				if !strings.Contains(flat, want) {
					t.Errorf("English text lacks %q:\n%s", want, enText)
				}
			}
			ispText, _ := isp.Text("text/plain")
			if !strings.Contains(ispText, "192.0.2.200") || strings.Contains(ispText, "192.0.2.10 ") {
				t.Errorf("ISP text:\n%s", ispText)
			}
			atts, err := nl.Attachments()
			if err != nil || len(atts) != 2 || !strings.HasSuffix(atts[0].Filename, ".csv") || !strings.Contains(string(atts[0].Body), "192.0.2.10") ||
				!strings.HasSuffix(atts[1].Filename, ".json") || !json.Valid(atts[1].Body) {
				t.Fatalf("attachments: %+v %v", atts, err)
			}
			if nl.Header.Get("Message-Id") == "" || nl.Header.Get("X-Baken-Ticket") == "" {
				t.Errorf("headers: %v", nl.Header)
			}

			// The same systems again, in a later report: within the repeat window nothing is sent.
			later := strings.ReplaceAll(string(report), "2026-11-20 01:", "2026-11-21 01:")
			if code, out, errOut := b.run("", "ingest", b.file("2026-11-21-scan_smb-nl-asn.csv", later)); code != 1 || !strings.Contains(out, "events stored    2") {
				t.Fatalf("second ingest: %s %s", out, errOut)
			}
			if code, out, _ := b.run("", "work", "--until-idle"); code != 0 || !strings.Contains(out, "sent 0 notifications") {
				t.Fatalf("second work: %s", out)
			}
			if n := len(srv.Messages()); n != 3 {
				t.Fatalf("%d messages after a repeat within the window, want still 3", n)
			}

			// The list and show commands tell what was sent.
			code, out, _ = b.run("", "notification", "list", "--json", "--org", "cust")
			var ns []struct {
				Ticket, State, Email, Language string
			}
			if err := json.Unmarshal([]byte(out), &ns); err != nil || len(ns) != 2 || ns[0].State != "sent" {
				t.Fatalf("notification list: %s %v", out, err)
			}
			if code, out, _ := b.run("", "notification", "show", ns[0].Ticket); code != 0 || !strings.Contains(out, "sent") || !strings.Contains(out, "192.0.2.10") {
				t.Fatalf("notification show: %s", out)
			}
		})
	}
}

func keys(m map[string]smtptest.Received) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

func TestIncidentalFeedIsHeldForReview(t *testing.T) {
	b, srv := notifySetup(t, "sqlite")
	if code, out, errOut := b.run("", "feed", "add", "--format", "csv", "--kind", "incidental", "--provider", "NCSC", "--taxonomy", "vulnerable",
		"--type", "vulnerable-system", "--identifier", "citrix-netscaler", "--column", "source.ip=ip", "--column", "time.source=seen", "citrix"); code != 0 {
		t.Fatalf("feed add: %s %s", out, errOut)
	}
	path := b.file("citrix.csv", "ip,seen\n192.0.2.5,2026-11-20 10:00:00\n")
	if code, out, errOut := b.run("", "ingest", "--feed", "citrix", path); code != 0 {
		t.Fatalf("ingest: %s %s", out, errOut)
	}
	if _, out, _ := b.run("", "work", "--until-idle"); !strings.Contains(out, "sent 0 notifications") {
		t.Fatalf("a held notification was sent: %s", out)
	}
	_, out, _ := b.run("", "review", "list")
	tickets := regexp.MustCompile(`(?m)^\d{8}-\d{8}`).FindAllString(out, -1)
	if len(tickets) != 2 || srv.Count() != 0 {
		t.Fatalf("review list: %s", out)
	}
	advice := b.file("advice.txt", "- Apply Citrix's fix CTX-123 today.\n- Check for web shells.\n")
	if code, out, errOut := b.run("", "review", "approve", "--advice", advice, tickets[0]); code != 0 || !strings.Contains(out, "Approved") {
		t.Fatalf("approve: %s %s", out, errOut)
	}
	if code, out, errOut := b.run("", "review", "reject", tickets[1]); code != 0 || !strings.Contains(out, "Rejected") {
		t.Fatalf("reject: %s %s", out, errOut)
	}
	if code, out, _ := b.run("", "review", "approve", tickets[1]); code == 0 {
		t.Fatalf("approving a rejected notification: %s", out)
	}
	b.run("", "work", "--until-idle")
	msgs := srv.Messages()
	if len(msgs) != 1 {
		t.Fatalf("%d messages after approving one and rejecting one", len(msgs))
	}
	text, _ := msgs[0].Text("text/plain")
	if !strings.Contains(text, "CTX-123") {
		t.Fatalf("the analyst's advice is missing:\n%s", text)
	}
	// Composed again with the analyst's advice, it still says which asset matched and
	// what kind of source told.
	flat := strings.Join(strings.Fields(text), " ")
	if !strings.Contains(flat, "192.0.2.0/28") || !strings.Contains(flat, "over één incident") && !strings.Contains(flat, "about one incident") {
		t.Fatalf("the approved message lost the matched asset or the kind of source:\n%s", text)
	}
}

func TestVerifyAndFeedbackPages(t *testing.T) {
	b, srv := notifySetup(t, "sqlite")
	report, _ := os.ReadFile("../ingest/testdata/2026-11-20-scan_smb-nl-asn.csv")
	b.run("", "ingest", b.file("2026-11-20-scan_smb-nl-asn.csv", string(report)))
	b.run("", "work", "--until-idle")
	msgs := srv.Messages()
	if len(msgs) == 0 {
		t.Fatal("no mail")
	}
	text, _ := msgs[0].Text("text/plain")
	verify := regexp.MustCompile(`http://localhost:8080/verify\?ticket=[0-9-]+`).FindString(text)
	code := regexp.MustCompile(`\b[A-Z2-7]{8}\b`).FindString(text)
	feedback := regexp.MustCompile(`http://localhost:8080/feedback/[A-Z2-7]+\?kind=useful`).FindString(text)
	if verify == "" || code == "" || feedback == "" {
		t.Fatalf("links missing in:\n%s", text)
	}
	base, stop := serveForTest(t, b)
	defer stop()
	get := func(u string) (int, string) {
		resp, err := http.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var sb strings.Builder
		buf := make([]byte, 4096)
		for {
			n, err := resp.Body.Read(buf)
			sb.Write(buf[:n])
			if err != nil {
				break
			}
		}
		return resp.StatusCode, sb.String()
	}
	local := func(u string) string { return strings.Replace(u, "http://localhost:8080", base, 1) } // the default public URL
	// The e-mail's link opens the form; the form checks the code.
	if st, body := get(local(verify)); st != 200 || !strings.Contains(body, `method="post" action="/verify"`) || strings.Contains(body, `class="bad"`) {
		t.Fatalf("the verify link: %d %s", st, body)
	}
	ticket := regexp.MustCompile(`ticket=([0-9-]+)`).FindStringSubmatch(verify)[1]
	check := func(code string) (int, string) {
		resp, err := http.PostForm(base+"/verify", url.Values{"ticket": {ticket}, "code": {code}})
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(body)
	}
	if st, body := check(code); st != 200 || !strings.Contains(body, "dit bericht is echt") || strings.Contains(body, "customer.example") {
		t.Fatalf("verify: %d %s", st, body)
	}
	if st, body := check("WRONGCODE"); st != 200 || strings.Contains(body, "dit bericht is echt") {
		t.Fatalf("verify with a wrong code: %d %s", st, body)
	}
	if st, _ := get(local(feedback)); st != 200 {
		t.Fatalf("feedback form: %d", st)
	}
	u, _ := url.Parse(local(feedback))
	resp, err := http.PostForm(base+u.Path, url.Values{"kind": {"useful"}})
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("feedback: %v %v", resp, err)
	}
	if st, _ := get(base + "/feedback/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA?kind=useful"); st != 404 {
		t.Fatalf("a guessed token: %d", st)
	}
	_, out, _ := b.run("", "notification", "show", "--json", ticket)
	if !strings.Contains(out, `"useful": 1`) {
		t.Fatalf("feedback not recorded: %s", out)
	}
	if !strings.Contains(out, `"source.port": 445`) || strings.Contains(out, `"source.port": "445"`) {
		t.Fatalf("the events' ports are not numbers: %s", out)
	}
}

func TestSignedNotifications(t *testing.T) {
	b, srv := notifySetup(t, "sqlite")
	key, err := openpgp.NewEntity("Baken CERT", "", "notify@cert.example", &packet.Config{Algorithm: packet.PubKeyAlgoEdDSA})
	if err != nil {
		t.Fatal(err)
	}
	var armored strings.Builder
	w, _ := armor.Encode(&armored, openpgp.PrivateKeyType, nil)
	key.SerializePrivate(w, nil)
	w.Close()
	b.env["BAKEN_PGP_KEY_FILE"] = b.file("key.asc", armored.String())
	report, _ := os.ReadFile("../ingest/testdata/2026-11-20-scan_smb-nl-asn.csv")
	b.run("", "ingest", b.file("2026-11-20-scan_smb-nl-asn.csv", string(report)))
	b.run("", "work", "--until-idle")
	msgs := srv.Messages()
	if len(msgs) == 0 {
		t.Fatal("no mail")
	}
	ct := msgs[0].Header.Get("Content-Type")
	if !strings.HasPrefix(ct, "multipart/signed") || !strings.Contains(ct, "application/pgp-signature") {
		t.Fatalf("Content-Type %q: want PGP/MIME", ct)
	}
	b.env["BAKEN_PGP_KEY_FILE"] = b.file("nokey.asc", "not a key")
	if code, _, errOut := b.run("", "work", "--until-idle"); code == 0 || !strings.Contains(errOut, "BAKEN_PGP_KEY_FILE") {
		t.Fatalf("a bad key must stop baken with a clear error: %d %s", code, errOut)
	}
}

func TestBounceShownPerContact(t *testing.T) {
	b, srv := notifySetup(t, "sqlite")
	srv.Refuse(550, "5.1.1 no such user")
	report, _ := os.ReadFile("../ingest/testdata/2026-11-20-scan_smb-nl-asn.csv")
	b.run("", "ingest", b.file("2026-11-20-scan_smb-nl-asn.csv", string(report)))
	b.run("", "work", "--until-idle")
	_, out, _ := b.run("", "org", "show", "cust")
	if !strings.Contains(out, "soc@customer.example  security, nl  REFUSED by the mail server") || !strings.Contains(out, "no such user") {
		t.Fatalf("org show does not tell the bounce:\n%s", out)
	}
	_, out, _ = b.run("", "notification", "list", "--state", "failed")
	if strings.Count(out, "failed") != 3 {
		t.Fatalf("failed notifications:\n%s", out)
	}
}

func TestAdviceOverride(t *testing.T) {
	b, srv := notifySetup(t, "sqlite")
	adv := b.file("smb.txt", "- Zet SMB uit op de firewall: regel 42.\n")
	if code, out, errOut := b.run("", "advice", "set", "--for", "open-smb", "--language", "nl", adv); code != 0 {
		t.Fatalf("advice set: %s %s", out, errOut)
	}
	if _, out, _ := b.run("", "advice", "list"); !strings.Contains(out, "regel 42") {
		t.Fatalf("advice list: %s", out)
	}
	report, _ := os.ReadFile("../ingest/testdata/2026-11-20-scan_smb-nl-asn.csv")
	b.run("", "ingest", b.file("2026-11-20-scan_smb-nl-asn.csv", string(report)))
	b.run("", "work", "--until-idle")
	for _, m := range srv.Messages() {
		text, _ := m.Text("text/plain")
		if nl := m.To[0] == "soc@customer.example"; nl != strings.Contains(text, "regel 42") {
			t.Errorf("%s: the Dutch advice override must appear in Dutch mail only:\n%s", m.To[0], text)
		}
	}
}
