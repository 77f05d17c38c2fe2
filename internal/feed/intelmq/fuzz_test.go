package intelmq

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/baken-cert/baken/internal/feed"
)

// FuzzParser feeds the parser arbitrary files, seeded with the whole of testdata and
// each of its lines. It must not panic, every RowError must carry a positive line,
// lines must come in order, and the cheap Subject must agree with the full Event's.
func FuzzParser(f *testing.F) {
	data, err := os.ReadFile(filepath.Join("testdata", "events.jsonl"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data)
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		f.Add(bytes.Clone(sc.Bytes()))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := NewParser(bytes.NewReader(data), testOptions)
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
