package stix

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"testing"

	"github.com/baken-cert/baken/internal/event"
)

// benchObjects is the number of objects in the generated bundle.
const benchObjects = 20_000

// bundle generates a bundle like a threat-intelligence platform exports: indicators
// with one address, two addresses or a domain and a URL, in turn, and one file hash
// indicator in eight, which is skipped.
func bundle(objects int) []byte {
	var b bytes.Buffer
	b.WriteString(`{"type": "bundle", "id": "bundle--5d0092c5-5f74-4287-9642-33f4c354e56d", "objects": [`)
	for i := range objects {
		if i > 0 {
			b.WriteString(",\n")
		}
		ip := fmt.Sprintf("%d.%d.%d.%d", 1+i>>24&0x7f, i>>16&0xff, i>>8&0xff, i&0xff)
		var pattern string
		switch {
		case i%8 == 7:
			pattern = `[file:hashes.'SHA-256' = 'aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f']`
		case i%3 == 0:
			pattern = fmt.Sprintf(`[ipv4-addr:value = '%s']`, ip)
		case i%3 == 1:
			pattern = fmt.Sprintf(`[ipv4-addr:value = '%s' OR ipv4-addr:value = '%s/32']`, ip, ip)
		default:
			pattern = fmt.Sprintf(`[domain-name:value = 'host-%d.example.nl'] OR [url:value = 'http://host-%d.example.nl/x']`, i, i)
		}
		fmt.Fprintf(&b, `{"type": "indicator", "spec_version": "2.1", "id": "indicator--%08d-0000-4000-8000-000000000000", `+
			`"created": "2024-07-04T10:00:00.000Z", "modified": "2024-07-04T10:00:00.000Z", "name": "C2 server", `+
			`"indicator_types": ["malicious-activity"], "pattern": "%s", "pattern_type": "stix", `+
			`"valid_from": "2024-07-04T10:00:00Z", "object_marking_refs": ["marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421"]}`,
			i, pattern)
	}
	b.WriteString("]}\n")
	return b.Bytes()
}

// benchParse runs each over b.N rows, reading the bundle again as often as needed,
// and reports rows per second.
func benchParse(b *testing.B, each func(p *Parser) error) {
	data := bundle(benchObjects)
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

// BenchmarkParseSubject measures what every row costs: Next and Subject.
func BenchmarkParseSubject(b *testing.B) {
	benchParse(b, func(p *Parser) error {
		sink = p.Subject()
		return nil
	})
}

// BenchmarkParseEvent measures what a matching row costs: Next, Subject and Event.
func BenchmarkParseEvent(b *testing.B) {
	benchParse(b, func(p *Parser) error {
		sink = p.Subject()
		_, err := p.Event()
		return err
	})
}
