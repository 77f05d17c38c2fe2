package shadowserver

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"testing"

	"github.com/baken-cert/baken/internal/event"
)

// benchRows is the number of rows in the generated report.
const benchRows = 100_000

// smbReport generates a scan_smb report like Shadowserver's: quoted timestamps and
// strings, unquoted numbers, some empty columns, one row in eight with a host name.
func smbReport(rows int) []byte {
	var b bytes.Buffer
	b.WriteString(`"timestamp","ip","port","hostname","tag","asn","geo","region","city","naics","sic",` +
		`"smb_implant","arch","key","smbv1_support","smb_major_number","smb_minor_number","smb_revision",` +
		`"smb_version_string","severity","hostname_source","sector"` + "\n")
	for i := range rows {
		host := ""
		if i%8 == 0 {
			host = fmt.Sprintf("host-%d.example.nl", i)
		}
		fmt.Fprintf(&b, `"2024-07-04 %02d:%02d:%02d","%d.%d.%d.%d",445,"%s","smb",%d,"NL","NOORD-HOLLAND","AMSTERDAM",`+
			`517311,0,"N",,,"N",2,1,0,"SMB 2.1","medium",,"Communications, Service Provider, and Hosting Service"`+"\n",
			i/3600%24, i/60%60, i%60, 1+i>>24&0x7f, i>>16&0xff, i>>8&0xff, i&0xff, host, 64496+i%1000)
	}
	return b.Bytes()
}

// benchParse runs each over b.N rows, reading the report again as often as needed, and
// reports rows per second.
func benchParse(b *testing.B, each func(p *Parser) error) {
	data := smbReport(benchRows)
	schema := Builtin()
	b.SetBytes(int64(len(data) / benchRows))
	b.ReportAllocs()
	b.ResetTimer()
	var p *Parser
	for i := 0; i < b.N; i++ {
		if p == nil {
			var err error
			if p, err = NewParser(bytes.NewReader(data), "2024-07-04-scan_smb-bench.csv", schema); err != nil {
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
		if !sink.IP.IsValid() {
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
