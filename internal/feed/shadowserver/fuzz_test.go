package shadowserver

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/baken-cert/baken/internal/feed"
	"github.com/baken-cert/baken/internal/feed/source"
)

// FuzzParser feeds the parser arbitrary files, named like the testdata they are seeded
// from. It must not panic, every RowError must carry a positive line, rows must come in
// line order, and the cheap Subject must agree with the full Event's.
func FuzzParser(f *testing.F) {
	paths, err := filepath.Glob(filepath.Join("testdata", "*.csv*"))
	if err != nil || len(paths) == 0 {
		f.Fatalf("no seeds in testdata: %v", err)
	}
	for _, path := range paths {
		name, data := readSeed(f, path)
		f.Add(name, data)
	}
	schema := Builtin()
	f.Fuzz(func(t *testing.T, name string, data []byte) {
		p, err := NewParser(bytes.NewReader(data), name, schema, WithRaw())
		if err != nil {
			return
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

// readSeed returns the inner name and the content of a testdata file, unpacked.
func readSeed(f *testing.F, path string) (string, []byte) {
	file, err := os.Open(path)
	if err != nil {
		f.Fatal(err)
	}
	defer file.Close()
	sf, err := source.Open(path, file)
	if err != nil {
		f.Fatal(err)
	}
	defer sf.Close()
	data, err := io.ReadAll(sf)
	if err != nil {
		f.Fatal(err)
	}
	return sf.Name, data
}
