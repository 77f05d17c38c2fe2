package stix

import (
	"bytes"
	"testing"
	"time"

	"github.com/baken-cert/baken/internal/event"
)

// FuzzObjects sets random values on an event's fields, as a feed parser would, and checks
// that Objects never panics nor fails on event content, and that what it writes is valid
// STIX with no raw line in it.
func FuzzObjects(f *testing.F) {
	f.Add("192.0.2.1", "445", "host.example", "http://host.example/x", "a@host.example", "tcp", "smb", "open-smb", "CVE-2021-44228", "mirai", "203.0.113.1", "amber", int64(0))
	f.Add("2001:db8::1", "0", "_x.example", "[::1]/x", "a b@", "TCP/IP", "HTTP ", "", "cve-2021-0044228", "", "", "RED", int64(-62167219200))
	f.Add("", "", "", "", "", "", "", "", "", "", "", "", int64(253402300800))
	f.Fuzz(func(t *testing.T, ip, port, fqdn, url, account, transport, app, identifier, cves, malware, dst, tlp string, unix int64) {
		var e event.Event
		for _, kv := range [][2]string{
			{"source.ip", ip}, {"source.port", port}, {"source.fqdn", fqdn}, {"source.url", url},
			{"source.account", account}, {"protocol.transport", transport}, {"protocol.application", app},
			{"classification.identifier", identifier}, {"classification.taxonomy", identifier},
			{"product.vulnerabilities", cves}, {"product.product", malware}, {"malware.name", malware},
			{"destination.ip", dst}, {"destination.port", port}, {"tlp", tlp}, {"raw", "RAW-LINE-" + ip},
			{"source.network", ip}, {"source.asn", port},
		} {
			_ = e.Set(kv[0], kv[1]) // a value the event refuses is not set, as in a parser
		}
		e.TimeSource = time.Unix(unix, 0).UTC()
		n := notification(e, e)
		n.Feedback = []Feedback{{Kind: "false-positive", At: t1}}
		objs, err := Objects(n)
		if err != nil {
			t.Fatalf("Objects: %v", err)
		}
		checkObjects(t, stixSchemas(t), objs)
		for _, o := range objs {
			if bytes.Contains(o.JSON, []byte("RAW-LINE-")) {
				t.Errorf("%s holds the raw line", o.ID)
			}
		}
		if _, err := Bundle(objs); err != nil {
			t.Fatalf("Bundle: %v", err)
		}
	})
}
