package intelmq

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"testing"

	"github.com/baken-cert/baken/internal/event"
)

// benchRows is the number of events in the generated file.
const benchRows = 50_000

// events generates IntelMQ output like its file output bot writes: flat keys, about
// fifteen fields, numbers as numbers, a host name on one line in eight.
func events(rows int) []byte {
	var b bytes.Buffer
	for i := range rows {
		host := ""
		if i%8 == 0 {
			host = fmt.Sprintf(`"source.fqdn": "host-%d.example.nl", `, i)
		}
		fmt.Fprintf(&b, `{"__type": "Event", "feed.name": "abusech-feodo-c2-tracker", "feed.accuracy": 100, `+
			`"classification.taxonomy": "malicious-code", "classification.type": "c2-server", "malware.name": "qakbot", `+
			`%s"source.ip": "%d.%d.%d.%d", "source.port": 443, "source.asn": %d, "source.as_name": "EXAMPLE-AS", `+
			`"source.geolocation.cc": "NL", "extra.status": "online", "time.source": "2024-07-04T%02d:%02d:%02d+00:00", `+
			`"time.observation": "2024-07-04T12:00:00+00:00", "raw": "MTkyLjAuMi4xLDQ0Mw=="}`+"\n",
			host, 1+i>>24&0x7f, i>>16&0xff, i>>8&0xff, i&0xff, 64496+i%1000, i/3600%24, i/60%60, i%60)
	}
	return b.Bytes()
}

// benchParse runs each over b.N events, reading the file again as often as needed,
// and reports rows per second.
func benchParse(b *testing.B, each func(p *Parser) error) {
	data := events(benchRows)
	b.SetBytes(int64(len(data) / benchRows))
	b.ReportAllocs()
	b.ResetTimer()
	var p *Parser
	for i := 0; i < b.N; i++ {
		if p == nil {
			var err error
			if p, err = NewParser(bytes.NewReader(data), Options{}); err != nil {
				b.Fatal(err)
			}
		}
		err := p.Next()
		if errors.Is(err, io.EOF) {
			p = nil
			i--
			continue
		}
		if err != nil {
			b.Fatal(err)
		}
		if err := each(p); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

var sink event.Subject

// BenchmarkParseSubject measures what every event costs: Next and Subject.
func BenchmarkParseSubject(b *testing.B) {
	benchParse(b, func(p *Parser) error {
		if sink = p.Subject(); !sink.IP.IsValid() {
			return fmt.Errorf("line %d: no IP", p.Line())
		}
		return nil
	})
}

// BenchmarkParseEvent measures what a matching event costs: Next, Subject and Event.
func BenchmarkParseEvent(b *testing.B) {
	benchParse(b, func(p *Parser) error {
		sink = p.Subject()
		_, err := p.Event()
		return err
	})
}
