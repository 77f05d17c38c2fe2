package ripe

import (
	"bytes"
	"compress/gzip"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// dumps are the test dumps in testdata/.
var dumps = []string{"ripe.db.inetnum", "ripe.db.inet6num", "ripe.db.aut-num", "ripe.db.organisation", "ripe.db.role"}

// testBundle is what setup returns: a directory of dumps and the Dataset loaded from it.
type testBundle struct {
	dir string
	d   *Dataset
}

// setup writes the test dumps to a temporary directory as an operator would download
// them, some gzipped: inetnum and role as .gz, organisation gzipped under its plain name
// (to show that content, not name, decides), the others plain. Then it loads them.
func setup(t *testing.T) testBundle {
	t.Helper()
	dir := t.TempDir()
	for _, name := range dumps {
		data, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		switch name {
		case "ripe.db.inetnum", "ripe.db.role":
			writeFile(t, filepath.Join(dir, name+".gz"), gzipped(t, data))
		case "ripe.db.organisation":
			writeFile(t, filepath.Join(dir, name), gzipped(t, data))
		default:
			writeFile(t, filepath.Join(dir, name), data)
		}
	}
	d, err := Load(dir)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	return testBundle{dir: dir, d: d}
}

func gzipped(t *testing.T, data []byte) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	if _, err := zw.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func writeFile(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestLoadStats(t *testing.T) {
	t.Parallel()
	b := setup(t)
	s := b.d.Stats()
	want := Stats{Inetnums: 9, Inet6nums: 4, AutNums: 3, Organisations: 4, Roles: 2, Skipped: 4}
	got := s
	got.Problems = nil
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Stats = %+v, want %+v", got, want)
	}
	// The malformed object, the reversed range, the prefix with host bits, the bad AS.
	wantProblems := []string{
		"ripe.db.inetnum.gz:77: line is neither",
		"ripe.db.inetnum.gz:97: inetnum \"198.51.101.255 - 198.51.101.0\": range ends before it starts",
		"ripe.db.inet6num:32: inet6num \"2001:db8:1::1/48\": prefix 2001:db8:1::1/48 has host bits set",
		"ripe.db.aut-num:24: aut-num \"ASX\"",
	}
	if len(s.Problems) != len(wantProblems) {
		t.Fatalf("Problems = %v, want %d", s.Problems, len(wantProblems))
	}
	for i, p := range s.Problems {
		if got := strings.TrimPrefix(p.Error(), b.dir+string(filepath.Separator)); !strings.HasPrefix(got, wantProblems[i]) {
			t.Errorf("problem %d = %q, want it to start with %q", i, got, wantProblems[i])
		}
	}
}

func TestLoadMissingFiles(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		present []string
		wantErr error
	}{
		{"inetnum only", []string{"ripe.db.inetnum"}, nil},
		{"inet6num only", []string{"ripe.db.inet6num"}, nil},
		{"no networks", []string{"ripe.db.aut-num", "ripe.db.organisation", "ripe.db.role"}, ErrNoNetworks},
		{"empty directory", nil, ErrNoNetworks},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			for _, name := range tt.present {
				data, err := os.ReadFile(filepath.Join("testdata", name))
				if err != nil {
					t.Fatal(err)
				}
				writeFile(t, filepath.Join(dir, name), data)
			}
			if _, err := Load(dir); !errors.Is(err, tt.wantErr) {
				t.Errorf("Load error = %v, want %v", err, tt.wantErr)
			}
		})
	}
}

func TestLoadPrefersGzipAndFailsOnCorruptGzip(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "ripe.db.inetnum"), []byte("inetnum: 192.0.2.0 - 192.0.2.255\nnetname: PLAIN\n"))
	writeFile(t, filepath.Join(dir, "ripe.db.inetnum.gz"),
		gzipped(t, []byte("inetnum: 192.0.2.0 - 192.0.2.255\nnetname: GZIPPED\n")))
	d, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if ns := d.Networks(); len(ns) != 1 || ns[0].Netname != "GZIPPED" {
		t.Errorf("Networks = %+v, want only GZIPPED", ns)
	}

	corrupt := gzipped(t, bytes.Repeat([]byte("inetnum: 192.0.2.0 - 192.0.2.255\n\n"), 100))
	writeFile(t, filepath.Join(dir, "ripe.db.inetnum.gz"), corrupt[:len(corrupt)/2])
	if _, err := Load(dir); err == nil || !strings.Contains(err.Error(), "ripe.db.inetnum.gz") {
		t.Errorf("Load of a truncated gzip: error = %v, want one naming the file", err)
	}
}
