package stix

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/baken-cert/baken/internal/feed"
)

// FuzzParser feeds the parser arbitrary input, seeded with testdata. It must not
// panic, every RowError must carry a positive object number, an error that ends the
// parse must stay, and Subject must agree with the Event's. Run it with
// -fuzzminimizetime 5s or so: minimising the whole bundle takes long otherwise.
func FuzzParser(f *testing.F) {
	paths, err := filepath.Glob(filepath.Join("testdata", "*.json*"))
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
	// Each object of the bundle alone, too: small seeds mutate (and minimise) faster.
	var b struct{ Objects []json.RawMessage }
	data, err := os.ReadFile(filepath.Join("testdata", "bundle.json"))
	if err != nil || json.Unmarshal(data, &b) != nil {
		f.Fatalf("testdata/bundle.json: %v", err)
	}
	for _, o := range b.Objects {
		f.Add([]byte(o))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := NewParser(bytes.NewReader(data), testOptions)
		if err != nil {
			t.Fatal(err)
		}
		for {
			err := p.Next()
			if errors.Is(err, io.EOF) {
				return
			}
			var re *feed.RowError
			switch {
			case errors.As(err, &re):
				if re.Line < 1 {
					t.Fatalf("RowError with line %d: %v", re.Line, re)
				}
				continue
			case err != nil:
				if again := p.Next(); again != err {
					t.Fatalf("Next after %v = %v", err, again)
				}
				return
			}
			if p.Line() < 1 {
				t.Fatalf("row with line %d", p.Line())
			}
			e, err := p.Event()
			if err != nil {
				t.Fatalf("Event: %v", err)
			}
			if got, want := p.Subject(), e.Subject(); got != want {
				t.Fatalf("line %d: Subject() = %+v, the event's is %+v", p.Line(), got, want)
			}
		}
	})
}
