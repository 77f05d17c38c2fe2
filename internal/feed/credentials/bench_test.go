package credentials

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"testing"

	"github.com/baken-cert/baken/internal/event"
	"github.com/baken-cert/baken/internal/feed"
)

// benchRows is the number of lines in the generated list.
const benchRows = 100_000

// combolist generates a list like those found on paste sites: "address:password",
// one domain in ten with non-ASCII letters, one line in fifty without an address.
func combolist(rows int) []byte {
	var b bytes.Buffer
	for i := range rows {
		switch {
		case i%50 == 49:
			fmt.Fprintf(&b, "user%d:hunter%d\n", i, i)
		case i%10 == 0:
			fmt.Fprintf(&b, "User.%d@Bücher-%d.example:Winter%d!\n", i, i%100, i)
		default:
			fmt.Fprintf(&b, "user.%d@example-%d.nl:Zomer%d!\n", i, i%1000, i)
		}
	}
	return b.Bytes()
}

// benchParse runs each over b.N lines, reading the list again as often as needed,
// and reports rows per second. Rejected lines count as rows.
func benchParse(b *testing.B, each func(p *Parser) error) {
	data := combolist(benchRows)
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
		var re *feed.RowError
		switch {
		case errors.Is(err, io.EOF):
			p = nil
			i--
			continue
		case errors.As(err, &re):
			continue
		case err != nil:
			b.Fatal(err)
		}
		if err := each(p); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}

var sink event.Subject

// BenchmarkParseSubject measures what every line costs: Next and Subject.
func BenchmarkParseSubject(b *testing.B) {
	benchParse(b, func(p *Parser) error {
		if sink = p.Subject(); sink.EmailDomain == "" {
			return fmt.Errorf("line %d: no e-mail domain", p.Line())
		}
		return nil
	})
}

// BenchmarkParseEvent measures what a matching line costs: Next, Subject and Event.
func BenchmarkParseEvent(b *testing.B) {
	benchParse(b, func(p *Parser) error {
		sink = p.Subject()
		_, err := p.Event()
		return err
	})
}
