package shadowserver

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSamples parses every real sample report Shadowserver publishes, with the schema
// file and with the built-in schema: no row may be rejected, each must become an event
// with a time, and the cheap Subject must agree with the event's.
func TestSamples(t *testing.T) {
	t.Parallel()
	paths, err := filepath.Glob(filepath.Join(reference(t, "samples"), "*.csv"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no samples: %v", err)
	}
	schemas := map[string]*Schema{"file": referenceSchema(t), "builtin": Builtin()}
	for _, path := range paths {
		for name, schema := range schemas {
			t.Run(filepath.Base(path)+"/"+name, func(t *testing.T) {
				t.Parallel()
				rows := parseAll(t, path, schema)
				if rows == 0 {
					t.Error("no rows")
				}
			})
		}
	}
}

// parseAll parses a file, failing the test on any rejected row, and returns the row count.
func parseAll(t *testing.T, path string, schema *Schema) int {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	p, err := NewParser(f, filepath.Base(path), schema, WithRaw())
	if err != nil {
		t.Fatalf("NewParser: %v", err)
	}
	if want := strings.TrimSuffix(filepath.Base(path), ".csv"); p.Report().Type != want {
		t.Errorf("report type %s, want %s", p.Report().Type, want)
	}
	rows := 0
	for {
		err := p.Next()
		if errors.Is(err, io.EOF) {
			return rows
		}
		if err != nil {
			t.Errorf("Next: %v", err)
			continue
		}
		rows++
		e, err := p.Event()
		if err != nil {
			t.Errorf("Event: %v", err)
			continue
		}
		if e.TimeSource.IsZero() || e.FeedName == "" || e.Classification.Type == "" || e.Raw == "" {
			t.Errorf("line %d: incomplete event %+v", p.Line(), e)
		}
		if got, want := p.Subject(), e.Subject(); got != want {
			t.Errorf("line %d: Subject() = %+v, the event's subject is %+v", p.Line(), got, want)
		}
	}
}

// TestSamplesDetectByHeader checks that the report type of every sample is found from
// its header alone, when the file name says nothing. Some headers cannot tell: the
// columns of the event4_sinkhole sample are all columns of event4_honeypot_darknet too,
// which has fewer others. Those files need their names.
func TestSamplesDetectByHeader(t *testing.T) {
	t.Parallel()
	ambiguous := map[string]string{"event4_sinkhole": "event4_honeypot_darknet"}
	paths, _ := filepath.Glob(filepath.Join(reference(t, "samples"), "*.csv"))
	schema := referenceSchema(t)
	for _, path := range paths {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		first, _, _ := strings.Cut(string(data), "\n")
		header := strings.Split(strings.ReplaceAll(first, `"`, ""), ",")
		want := strings.TrimSuffix(filepath.Base(path), ".csv")
		if other, ok := ambiguous[want]; ok {
			want = other
		}
		if got, ok := schema.DetectType("report.csv", header); got != want {
			t.Errorf("%s: DetectType by header = %q, %v; want %q", filepath.Base(path), got, ok, want)
		}
	}
}
