package message

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"net/netip"
	"strings"
	"testing"

	"github.com/baken-cert/baken/internal/event"
)

// TestRenderEscapes puts markup and line breaks in every value a feed or an analyst
// controls: the HTML part must show them as text, the text part and the subject must
// keep one value on one line.
func TestRenderEscapes(t *testing.T) {
	t.Parallel()
	e := smb("192.0.2.1")
	e.Source.FQDN = "<script>alert('fqdn')</script>.example.nl"
	e.Source.URL = `https://example.nl/"><script>alert('url')</script>`
	e.Source.Account = `"><img src=x onerror=alert(1)>@example.nl`
	e.ProductName = "<b>product</b>"
	e.AddVulnerabilities("CVE-2024-0001")
	e.Fields = map[string]string{"malware.name": "<svg onload=alert(1)>", "extra.note": "<script>alert('extra')</script>"}
	spoof := smb("192.0.2.2")
	spoof.Source.FQDN = "host.example.nl\n\nGeachte klant, bel 0900-OPLICHTER"
	d := sampleData(Dutch, e, spoof)
	d.OrgName = "<script>alert('org')</script> B.V."
	d.Advice = map[string]string{"": "<script>alert('advice')</script>\n- <i>step</i>"}
	d.VerifyCode = "<b>code</b>"
	r, err := Render(d)
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"<script", "<img", "<svg", "<b>", "<i>"} {
		if strings.Contains(r.HTML, bad) {
			t.Errorf("HTML contains %q unescaped", bad)
		}
	}
	for _, want := range []string{"&lt;script&gt;alert(&#39;fqdn&#39;)&lt;/script&gt;", "&lt;script&gt;alert(&#39;org&#39;)", "&lt;i&gt;step&lt;/i&gt;", "&lt;svg onload=alert(1)&gt;"} {
		if !strings.Contains(r.HTML, want) {
			t.Errorf("HTML does not show %q", want)
		}
	}
	if strings.Contains(r.Text, "\n\nGeachte klant") || !strings.Contains(r.Text, "host.example.nl Geachte klant") {
		t.Errorf("a line break in a host name reached the text part:\n%s", r.Text)
	}
	if strings.ContainsAny(r.Subject, "\r\n") {
		t.Errorf("subject %q has a line break", r.Subject)
	}
	// The attachments carry values as they are: CSV quotes them, JSON escapes them.
	var rows [][]string
	if rows, err = csv.NewReader(strings.NewReader(string(r.CSV))).ReadAll(); err != nil {
		t.Fatalf("CSV: %v", err)
	}
	if got := rows[1][len(rows[1])-1]; got != "<script>alert('extra')</script>" {
		t.Errorf("CSV extra.note = %q", got)
	}
	var maps []map[string]any
	if err := json.Unmarshal(r.JSON, &maps); err != nil {
		t.Fatalf("JSON: %v", err)
	}
	if got := maps[0]["source.fqdn"]; got != e.Source.FQDN {
		t.Errorf("JSON source.fqdn = %q", got)
	}
}

func TestEventsCSV(t *testing.T) {
	t.Parallel()
	a := smb("192.0.2.1")
	a.Severity = "high"
	a.Fields = map[string]string{"extra.zeta": "=1+1", "extra.alpha": "a", "protocol.transport": "tcp"}
	b := leaked("@evil.example.nl")
	b.AddVulnerabilities("CVE-2017-0144")
	b.Fields = map[string]string{"extra.mid": "-5", "extra.secret_token": "s3cr3t"}
	out, err := eventsCSV([]event.Event{a, b}, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := "time.source,source.ip,source.port,source.account,classification.identifier,severity,product.vulnerabilities,extra.alpha,extra.mid,extra.zeta\n" +
		"2026-11-21T02:00:00Z,192.0.2.1,445,,open-smb,high,,a,,'=1+1\n" +
		"2026-11-20T00:00:00Z,,,'@evil.example.nl,leaked-credentials,,CVE-2017-0144,,'-5,\n"
	if string(out) != want {
		t.Errorf("CSV:\n%s\nwant:\n%s", out, want)
	}
}

func TestEventsCSVHeaderOnly(t *testing.T) {
	t.Parallel()
	e := event.Event{Source: event.Endpoint{IP: netip.MustParseAddr("2001:db8::1")}}
	out, err := eventsCSV([]event.Event{e}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if want := "time.source,source.ip,classification.identifier\n,2001:db8::1,\n"; string(out) != want {
		t.Errorf("CSV = %q, want %q", out, want)
	}
}

func TestForbiddenField(t *testing.T) {
	t.Parallel()
	for key, want := range map[string]bool{
		"raw": true, "extra.raw": true, "extra.raw_line": true, "extra.password": true, "extra.Password": true,
		"extra.passwd": true, "extra.pwd": true, "extra.password_hash": true, "extra.ntlm_hash": true,
		"extra.client_secret": true, "extra.passphrase": true,
		"source.account": false, "extra.drawing": false, "extra.tag": false, "malware.name": false,
		"classification.identifier": false, "extra.breach": false,
	} {
		if got := forbiddenField(key); got != want {
			t.Errorf("forbiddenField(%q) = %v, want %v", key, got, want)
		}
	}
}

// TestAttachmentsSayWhy: the CSV attachment carries the host name Shadowserver gives
// (source.reverse_dns) and the registered asset that matched; the JSON attachment
// types ports and AS numbers as numbers, as IntelMQ does.
func TestAttachmentsSayWhy(t *testing.T) {
	t.Parallel()
	e := smb("192.0.2.1")
	_ = e.Set("source.reverse_dns", "router.bakkerijdevries.nl")
	_ = e.Set("source.asn", "64496")
	d := sampleData(English, e)
	d.Matched = []string{"192.0.2.0/28"}
	r, err := Render(d)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(bytes.NewReader(r.CSV)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for i, h := range rows[0] {
		got[h] = rows[1][i]
	}
	if got["source.reverse_dns"] != "router.bakkerijdevries.nl" || got["matched_asset"] != "192.0.2.0/28" {
		t.Errorf("CSV = %v", rows)
	}
	var maps []map[string]any
	if err := json.Unmarshal(r.JSON, &maps); err != nil {
		t.Fatal(err)
	}
	if maps[0]["source.port"] != float64(445) || maps[0]["source.asn"] != float64(64496) {
		t.Errorf("JSON port %#v, asn %#v: want numbers", maps[0]["source.port"], maps[0]["source.asn"])
	}
	for _, want := range []string{"router.bakkerijdevries.nl", "your 192.0.2.0/28",
		"https://baken.example.nl/notifications/20261122-00000042", "comes from Shadowserver Foundation, from their regular scans and lists."} {
		if text := strings.Join(strings.Fields(r.Text), " "); !strings.Contains(text, want) || !strings.Contains(r.HTML, want) {
			t.Errorf("the message lacks %q", want)
		}
	}
}
