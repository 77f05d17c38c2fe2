package csvfeed

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"testing"

	"github.com/baken-cert/baken/internal/event"
)

// benchRows is the number of rows in the generated feed.
const benchRows = 100_000

// blocklist generates a feed like c2-servers.csv: an address, a time, a port, a host
// name on one row in eight, a malware name, an AS number and a comment.
func blocklist(rows int) []byte {
	var b bytes.Buffer
	b.WriteString("ip,first_seen,port,host,malware,asn,comment\n")
	for i := range rows {
		host := ""
		if i%8 == 0 {
			host = fmt.Sprintf("host-%d.example.nl", i)
		}
		fmt.Fprintf(&b, "%d.%d.%d.%d,2024-07-04 %02d:%02d:%02d,443,%s,emotet,%d,\"seen, again\"\n",
			1+i>>24&0x7f, i>>16&0xff, i>>8&0xff, i&0xff, i/3600%24, i/60%60, i%60, host, 64496+i%1000)
	}
	return b.Bytes()
}

// benchParse runs each over b.N rows, reading the feed again as often as needed, and
// reports rows per second.
func benchParse(b *testing.B, each func(p *Parser) error) {
	data := blocklist(benchRows)
	b.SetBytes(int64(len(data) / benchRows))
	b.ReportAllocs()
	b.ResetTimer()
	var p *Parser
	for i := 0; i < b.N; i++ {
		if p == nil {
			var err error
			if p, err = NewParser(bytes.NewReader(data), c2Options); err != nil {
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
		if sink = p.Subject(); !sink.IP.IsValid() {
			return fmt.Errorf("line %d: no IP", p.Line())
		}
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
