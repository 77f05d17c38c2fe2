package csvfeed

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/baken-cert/baken/internal/feed"
)

// FuzzParser feeds the parser arbitrary files, read with the options of the testdata
// file each seed comes from (kind picks them). It must not panic, every RowError must
// carry a positive line, rows must come in line order, and the cheap Subject must
// agree with the full Event's.
func FuzzParser(f *testing.F) {
	files := []struct {
		name string
		opts Options
	}{
		{"c2-servers.csv", c2Options},
		{"phishing-noheader.txt", phishingOptions},
		{"accounts.tsv", accountOptions},
	}
	for i, file := range files {
		data, err := os.ReadFile(filepath.Join("testdata", file.name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(uint8(i), data)
	}
	f.Fuzz(func(t *testing.T, kind uint8, data []byte) {
		p, err := NewParser(bytes.NewReader(data), files[int(kind)%len(files)].opts)
		if err != nil {
			return
		}
		last := 0
		for {
			err := p.Next()
			if errors.Is(err, io.EOF) || errors.Is(err, ErrRowTooLong) {
				return
			}
			var re *feed.RowError
			switch {
			case errors.As(err, &re):
				if re.Line < 1 || re.Line <= last {
					t.Fatalf("RowError at line %d after line %d: %v", re.Line, last, re)
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
			if errors.As(err, &re) {
				if re.Line != p.Line() {
					t.Fatalf("Event RowError at line %d for the row at line %d", re.Line, p.Line())
				}
				continue
			}
			if err != nil {
				t.Fatalf("Event: %v", err)
			}
			if got, want := p.Subject(), e.Subject(); got != want {
				t.Fatalf("line %d: Subject() = %+v, the event's is %+v", p.Line(), got, want)
			}
		}
	})
}
