package shadowserver

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// referenceDir holds Shadowserver's schema and samples, outside the repository.
const referenceDir = "../../../../shared/reference/shadowserver"

// reference returns the path of a reference file, skipping the test when it is absent.
func reference(t testing.TB, name string) string {
	t.Helper()
	path := filepath.Join(referenceDir, name)
	if _, err := os.Stat(path); err != nil {
		t.Skipf("reference file %s not found (%v): skipping", path, err)
	}
	return path
}

// referenceSchema loads Shadowserver's schema file, skipping the test when it is absent.
func referenceSchema(t testing.TB) *Schema {
	t.Helper()
	f, err := os.Open(reference(t, "intelmq.json"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	s, err := LoadSchema(f)
	if err != nil {
		t.Fatalf("LoadSchema: %v", err)
	}
	return s
}

func TestLoadSchemaReference(t *testing.T) {
	t.Parallel()
	s := referenceSchema(t)
	if got := len(s.Types()); got != 170 {
		t.Errorf("loaded %d report types, want 170", got)
	}
	if u := s.UnknownConversions(); len(u) != 0 {
		t.Errorf("conversions the schema uses but this package lacks: %v", u)
	}
	r, ok := s.Report("event_sinkhole")
	if !ok || r.Type != "event4_sinkhole" || r.FeedName != "Sinkhole-Events IPv4" {
		t.Errorf(`Report("event_sinkhole") = %+v, %v`, r, ok)
	}
	if r2, ok := s.Report("event4_sinkhole"); !ok || r2 != r {
		t.Errorf(`Report("event4_sinkhole") is not the same report as by key`)
	}
	for _, typ := range s.Types() {
		r, _ := s.Report(typ)
		if len(r.Required) == 0 || r.Required[0].Field != "time.source" {
			t.Errorf("%s: first required mapping is %+v, want time.source", typ, r.Required)
		}
	}
}

func TestLoadSchemaErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, json, wantErr string
	}{
		{"not json", `{`, "read shadowserver schema"},
		{"short mapping", `{"a": {"file_name": "a", "required_fields": [["time.source"]]}}`,
			"report a: required_fields: entry 0 has 1 elements"},
		{"numeric column", `{"a": {"file_name": "a", "optional_fields": [["extra.", 5]]}}`,
			"report a: optional_fields: entry 0: column is 5"},
		{"no file name", `{"a": {"feed_name": "A"}}`, `report "a" has no type`},
		{"duplicate type", `{"a": {"file_name": "x"}, "b": {"file_name": "x"}}`, `report type "x" appears twice`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := LoadSchema(strings.NewReader(tt.json))
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("LoadSchema error = %v, want one containing %q", err, tt.wantErr)
			}
		})
	}
}

func TestLoadSchemaUnknownConversion(t *testing.T) {
	t.Parallel()
	s, err := LoadSchema(strings.NewReader(`{"_meta": {"x": 1}, "a": {"file_name": "a", "feed_name": "A",
		"required_fields": [["time.source", "timestamp", "add_UTC_to_timestamp"]],
		"optional_fields": [["extra.", "x", "rot13"], ["extra.", "y", "rot13", true]]}}`))
	if err != nil {
		t.Fatal(err)
	}
	if got := s.UnknownConversions(); len(got) != 1 || got[0] != "rot13" {
		t.Errorf("UnknownConversions = %v, want [rot13]", got)
	}
	// An unknown conversion passes values through.
	p, err := NewParser(strings.NewReader("timestamp,x\n2024-07-04 00:00:00,abc\n"), "a.csv", s)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Next(); err != nil {
		t.Fatal(err)
	}
	e, err := p.Event()
	if err != nil || e.Fields["extra.x"] != "abc" {
		t.Errorf("Event = %v, %v; want extra.x = abc", e.Fields, err)
	}
}
