package credentials

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/baken-cert/baken/internal/feed"
)

// FuzzParser feeds the parser arbitrary lists, seeded with testdata. It must not
// panic, every RowError must carry a positive line, lines must come in order,
// Subject must agree with the Event's, and nothing after the address column may
// reach an event: the fuzz marks it by appending a secret to every line.
func FuzzParser(f *testing.F) {
	paths, err := filepath.Glob(filepath.Join("testdata", "*"))
	if err != nil || len(paths) == 0 {
		f.Fatalf("no seeds in testdata: %v", err)
	}
	for _, path := range paths {
		data, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	const secret = "S3CR3T-PASSWORD"
	f.Fuzz(func(t *testing.T, data []byte) {
		if bytes.Contains(bytes.ToLower(data), []byte("s3cr3t")) {
			return // the input would mark itself
		}
		// A secret column after every line, with the separator its first line uses.
		sep := ":"
		if i := bytes.IndexAny(data, ",;\t"); i >= 0 && (bytes.IndexByte(data, ':') < 0 || i < bytes.IndexByte(data, ':')) {
			sep = string(data[i])
		}
		marked := bytes.ReplaceAll(data, []byte("\n"), []byte(sep+secret+"\n"))
		p, err := NewParser(bytes.NewReader(marked), Options{})
		if err != nil {
			t.Fatal(err)
		}
		last := 0
		for {
			err := p.Next()
			if errors.Is(err, io.EOF) {
				return
			}
			var re *feed.RowError
			switch {
			case errors.As(err, &re):
				if re.Line < 1 || re.Line <= last || strings.Contains(re.Error(), secret) {
					t.Fatalf("RowError after line %d: %v", last, re)
				}
				last = re.Line
				continue
			case err != nil:
				t.Fatalf("Next: %v", err)
			}
			if p.Line() <= last {
				t.Fatalf("row at line %d after line %d", p.Line(), last)
			}
			last = p.Line()
			e, err := p.Event()
			if err != nil {
				t.Fatalf("Event: %v", err)
			}
			if got, want := p.Subject(), e.Subject(); got != want || got.EmailDomain == "" {
				t.Fatalf("line %d: Subject() = %+v, the event's is %+v", p.Line(), got, want)
			}
			if s := fmt.Sprintf("%+v", e); strings.Contains(strings.ToLower(s), strings.ToLower(secret)) {
				t.Fatalf("line %d: the secret reached the event: %s", p.Line(), s)
			}
		}
	})
}
