package cli

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/netip"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/baken-cert/baken/internal/deliver/email/smtptest"
)

// pipeline is a test of the whole pipeline in real processes: organisations with
// contacts, Shadowserver-shaped reports that overlap in organisations, and a loopback
// SMTP server that records what it received.
type pipeline struct {
	t      *testing.T
	b      *bundle
	srv    *smtptest.Server
	bin    string
	engine string
	files  []string
	// findings maps each finding (a row's source.port: unique across the files) to
	// the addresses that must be told about it.
	findings map[string][]string
}

// pipelineOrgs is how many organisations the reports overlap in: a /26 each of the
// three documentation networks; the even ones have a second contact.
const pipelineOrgs = 12

var pipelineNets = []string{"192.0.2.0", "198.51.100.0", "203.0.113.0"}

// newPipeline sets up the organisations, a rule that tells every finding at once and
// every time, and files report files of rows rows each.
func newPipeline(t *testing.T, engine, bin string, files, rows int) *pipeline {
	p := &pipeline{t: t, b: setup(t, engine), srv: smtptest.NewServer(t), bin: bin, engine: engine, findings: map[string][]string{}}
	p.b.env["BAKEN_SMTP_URL"] = p.srv.URL()
	p.b.env["BAKEN_MAIL_FROM"] = "notify@cert.example"
	p.b.env["BAKEN_SENDER_NAME"] = "Digital Trust Center"
	p.b.env["BAKEN_JOB_LEASE"] = "1s"
	p.b.env["BAKEN_POLL_INTERVAL"] = "20ms"
	p.b.env["BAKEN_LOG_LEVEL"] = "error"
	p.b.env["BAKEN_SMTP_CONNECTIONS"] = "2"
	var reg strings.Builder
	reg.WriteString("organisation,org_ref,asset,contact_email,language\n")
	contacts := make([][]string, pipelineOrgs)
	for o := range pipelineOrgs {
		prefix := fmt.Sprintf("%s/26", orgAddr(o, 0))
		contacts[o] = []string{fmt.Sprintf("soc@org%d.example", o)}
		fmt.Fprintf(&reg, "Org %d,org%d,%s,%s,nl\n", o, o, prefix, contacts[o][0])
		if o%2 == 0 {
			contacts[o] = append(contacts[o], fmt.Sprintf("it@org%d.example", o))
			fmt.Fprintf(&reg, "Org %d,org%d,%s,%s,en\n", o, o, prefix, contacts[o][1])
		}
	}
	p.mustRun("org", "import", p.b.file("orgs.csv", reg.String()))
	p.mustRun("rule", "set", "--taxonomy", "vulnerable", "--action", "notify", "--aggregation", "immediate", "--repeat", "0")
	for f := range files {
		var sb strings.Builder
		sb.WriteString(`"timestamp","ip","port","hostname","tag","asn","geo","region","city","naics","sic","smb_implant","arch","key","smbv1_support","smb_major_number","smb_minor_number","smb_revision","smb_version_string"` + "\n")
		for r := range rows {
			o, host := (r*5+f*7)%pipelineOrgs, (r*11+f)%64
			port := strconv.Itoa(f*10000 + r + 1)
			fmt.Fprintf(&sb, "\"2026-11-2%d %02d:%02d:%02d\",%s,%s,,smb,64500,NL,Utrecht,Utrecht,0,0,N,,,Y,1,0,0,\"SMB 1\"\n",
				f, r/3600%24, r/60%60, r%60, orgAddr(o, host), port)
			p.findings[port] = contacts[o]
		}
		p.files = append(p.files, p.b.file(fmt.Sprintf("2026-11-2%d-scan_smb-nl-asn.csv", f), sb.String()))
	}
	return p
}

// orgAddr is the address host (0 to 63) of organisation o's /26.
func orgAddr(o, host int) netip.Addr {
	base := netip.MustParseAddr(pipelineNets[o/4]).As4()
	base[3] = byte(o%4*64 + host)
	return netip.AddrFrom4(base)
}

func (p *pipeline) mustRun(args ...string) string {
	p.t.Helper()
	code, out, errOut := p.b.run("", args...)
	if code != 0 {
		p.t.Fatalf("baken %s: exit %d\n%s%s", strings.Join(args, " "), code, out, errOut)
	}
	return out
}

// command is a baken process over the pipeline's database.
func (p *pipeline) command(args ...string) *exec.Cmd {
	cmd := exec.Command(p.bin, args...)
	cmd.Env = os.Environ()
	for k, v := range p.b.env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	return cmd
}

// finish runs work --until-idle until nothing is left, waiting for the leases of
// killed processes to run out.
func (p *pipeline) finish() {
	p.t.Helper()
	var out []byte
	for range 20 {
		var err error
		out, err = p.command("work", "--until-idle").CombinedOutput()
		if err != nil {
			p.t.Fatalf("work --until-idle: %v\n%s", err, out)
		}
		if bytes.Contains(out, []byte("Nothing is due now.")) {
			return
		}
		time.Sleep(1100 * time.Millisecond) // a lease of BAKEN_JOB_LEASE
	}
	p.t.Fatalf("work --until-idle does not get done:\n%s", out)
}

var (
	countInSubject = regexp.MustCompile(`\((\d[\d.,]*) (systemen|systems)\)`)
	countInText    = regexp.MustCompile(`(?:ontvangen over|information about) (\d[\d.,]*) (?:beveiligingsproblemen|security issues)`)
)

// number reads a count as a message writes it: "1.234" in Dutch, "1,234" in English.
func number(s string) int {
	n, _ := strconv.Atoi(strings.NewReplacer(".", "", ",", "").Replace(s))
	return n
}

// check asserts what must hold when the pipeline is done: every stored event decided
// and every notification sent; every e-mail lists each finding once and counts its
// systems right; every finding told once to each contact of its organisation; one
// e-mail per contact per aggregation window. It returns how many messages arrived
// twice or more (the same Message-ID), beyond the first.
func (p *pipeline) check() (duplicates int) {
	t := p.t
	t.Helper()
	s := openStore(t, p.b, p.engine)
	db := s.SQL()
	var stored, undecided, unsent int
	if err := db.QueryRow(`SELECT COUNT(*), COUNT(*) FILTER (WHERE NOT decided) FROM events`).Scan(&stored, &undecided); err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRow(`SELECT COUNT(*) FROM notifications WHERE state <> 'sent'`).Scan(&unsent); err != nil {
		t.Fatal(err)
	}
	if stored != len(p.findings) || undecided != 0 || unsent != 0 {
		t.Errorf("%d events stored of %d findings, %d undecided, %d notifications not sent", stored, len(p.findings), undecided, unsent)
	}
	var noItem, uncomposed int
	if err := db.QueryRow(`SELECT COUNT(*) FROM events e WHERE NOT EXISTS (SELECT 1 FROM items i WHERE i.event_id = e.id)`).Scan(&noItem); err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRow(`SELECT COUNT(*) FROM items WHERE NOT composed`).Scan(&uncomposed); err != nil {
		t.Fatal(err)
	}
	if noItem != 0 || uncomposed != 0 {
		t.Errorf("%d events decided without a notification, %d decided ones not composed", noItem, uncomposed)
	}
	// The same window of a recipient, in one notification per contact.
	rows, err := db.Query(`SELECT i.recipient, n.email, COUNT(DISTINCT n.id) FROM items i
		JOIN notification_events ne ON ne.event_id = i.event_id
		JOIN notifications n ON n.id = ne.notification_id AND n.recipient = i.recipient
		GROUP BY i.recipient, i.window_end, n.email HAVING COUNT(DISTINCT n.id) > 1`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var recipient, addr string
		var n int
		rows.Scan(&recipient, &addr, &n)
		t.Errorf("%s (%s): one aggregation window split over %d notifications", addr, recipient, n)
	}
	rows.Close()

	told := map[string]int{} // contact and finding: how many distinct e-mails
	seen := map[string]bool{}
	for _, m := range p.srv.Messages() {
		id := m.Header.Get("Message-Id")
		if seen[id] {
			duplicates++
			continue
		}
		seen[id] = true
		ports := p.checkMessage(m)
		for _, port := range ports {
			told[m.To[0]+" "+port]++
		}
	}
	for port, contacts := range p.findings {
		for _, c := range contacts {
			if n := told[c+" "+port]; n != 1 {
				t.Errorf("finding %s told to %s in %d e-mails, want 1", port, c, n)
			}
			delete(told, c+" "+port)
		}
	}
	for k := range told {
		t.Errorf("%s: told, but not to be told", k)
	}
	return duplicates
}

// checkMessage checks one e-mail: its CSV and JSON attachments list the same findings,
// each once, and the subject counts the systems of the CSV. It returns the findings.
func (p *pipeline) checkMessage(m smtptest.Received) []string {
	t := p.t
	t.Helper()
	atts, err := m.Attachments()
	if err != nil || len(atts) != 2 {
		t.Fatalf("%s: attachments %v", m.To, err)
	}
	records, err := csv.NewReader(bytes.NewReader(atts[0].Body)).ReadAll()
	if err != nil || len(records) < 2 {
		t.Fatalf("%s: CSV attachment: %v (%d records)", m.To, err, len(records))
	}
	col := map[string]int{}
	for i, h := range records[0] {
		col[h] = i
	}
	var ports []string
	inMessage, systems := map[string]bool{}, map[string]bool{}
	for _, r := range records[1:] {
		port := r[col["source.port"]]
		if inMessage[port] {
			t.Errorf("%s: finding %s twice in one e-mail", m.To[0], port)
		}
		inMessage[port] = true
		systems[r[col["source.ip"]]] = true
		ports = append(ports, port)
	}
	var events []map[string]any
	if err := json.Unmarshal(atts[1].Body, &events); err != nil {
		var wrapped struct{ Events []map[string]any }
		if err := json.Unmarshal(atts[1].Body, &wrapped); err != nil {
			t.Fatalf("%s: JSON attachment: %v", m.To, err)
		}
		events = wrapped.Events
	}
	for _, e := range events {
		if port := fmt.Sprint(e["source.port"]); !inMessage[port] {
			t.Errorf("%s: finding %s in the JSON attachment, not in the CSV", m.To[0], port)
		}
	}
	if len(events) != len(ports) {
		t.Errorf("%s: %d findings in the JSON attachment, %d in the CSV", m.To[0], len(events), len(ports))
	}
	subject := m.DecodedHeader("Subject")
	c := countInSubject.FindStringSubmatch(subject)
	if c == nil {
		t.Errorf("%s: no count in the subject %q", m.To[0], subject)
	} else if n := number(c[1]); n != len(systems) {
		t.Errorf("%s: the subject %q counts %d systems, the attachment has %d", m.To[0], subject, n, len(systems))
	}
	text, _ := m.Text("text/plain")
	if c := countInText.FindStringSubmatch(strings.Join(strings.Fields(text), " ")); c == nil || number(c[1]) != len(ports) {
		t.Errorf("%s: the text does not count the %d findings of the attachment:\n%.300s", m.To[0], len(ports), text)
	}
	return ports
}
