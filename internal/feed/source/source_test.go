package source

import (
	"archive/zip"
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const csvText = "\"timestamp\",\"ip\"\n\"2024-07-04 00:00:00\",192.0.2.1\n"

func gzipped(t testing.TB, headerName, text string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Name = headerName
	if _, err := zw.Write([]byte(text)); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// zipped builds a zip archive; names ending in "/" are directories.
func zipped(t testing.TB, names ...string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, name := range names {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasSuffix(name, "/") {
			if _, err := w.Write([]byte(csvText)); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestOpen(t *testing.T) {
	tests := []struct {
		name     string // outer file name
		data     []byte
		wantName string
		want     Format
		wantErr  string // substring of the error; "" for none
	}{
		{name: "dir/2024-07-04-scan_smb-sample-asn.csv", data: []byte(csvText),
			wantName: "2024-07-04-scan_smb-sample-asn.csv", want: Plain},
		{name: "empty.csv", data: nil, wantName: "empty.csv", want: Plain},
		{name: "x.csv.gz", data: gzipped(t, "scan_smb.csv", csvText), wantName: "scan_smb.csv", want: Gzip},
		{name: `C:\feeds\scan_rdp.csv.GZ`, data: gzipped(t, "", csvText), wantName: "scan_rdp.csv", want: Gzip},
		{name: "evil.gz", data: gzipped(t, "../../etc/scan_ftp.csv", csvText), wantName: "scan_ftp.csv", want: Gzip},
		{name: "r.zip", data: zipped(t, "reports/", "reports/scan_ssl.csv", "__MACOSX/reports/._scan_ssl.csv"),
			wantName: "scan_ssl.csv", want: Zip},
		{name: "two.zip", data: zipped(t, "a.csv", "b.csv"), wantErr: "zip holds 2 files (a.csv, b.csv)"},
		{name: "none.zip", data: zipped(t, "dir/"), wantErr: "zip holds no file"},
		{name: "empty.zip", data: zipped(t), wantErr: "zip holds no file"},
		{name: "bad.gz", data: []byte{0x1f, 0x8b, 0, 0, 1, 2, 3}, wantErr: "gzip"},
		{name: "bad.zip", data: []byte("PK\x03\x04 not really a zip"), wantErr: "zip"},
		{name: "a.bz2", data: []byte("BZh91AY&SY"), wantErr: "bzip2 content is not supported"},
		{name: "a.bin", data: []byte("\x00\x01\x02garbage"), wantErr: "binary content"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f, err := Open(tt.name, bytes.NewReader(tt.data))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Open error = %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Open: %v", err)
			}
			defer f.Close()
			if f.Name != tt.wantName || f.Format != tt.want {
				t.Errorf("Open = %q %v, want %q %v", f.Name, f.Format, tt.wantName, tt.want)
			}
			got, err := io.ReadAll(f)
			if err != nil {
				t.Fatalf("read: %v", err)
			}
			want := csvText
			if len(tt.data) == 0 {
				want = ""
			}
			if string(got) != want {
				t.Errorf("content = %q, want %q", got, want)
			}
			if err := f.Close(); err != nil {
				t.Errorf("Close: %v", err)
			}
		})
	}
}

// TestOpenZipTempFile checks that a zip read from a stream is spooled to a temporary
// file that Close removes, and that a zip in an *os.File is read in place.
func TestOpenZipTempFile(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	data := zipped(t, "scan_smb.csv")

	f, err := Open("r.zip", io.MultiReader(bytes.NewReader(data))) // not an *os.File
	if err != nil {
		t.Fatal(err)
	}
	if n := countFiles(t, tmp); n != 1 {
		t.Errorf("%d temporary files while open, want 1", n)
	}
	if _, err := io.ReadAll(f); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	if n := countFiles(t, tmp); n != 0 {
		t.Errorf("%d temporary files after Close, want 0", n)
	}

	// An *os.File with some bytes before the archive: Open reads from the current offset.
	path := filepath.Join(t.TempDir(), "r.zip")
	if err := os.WriteFile(path, append([]byte("junk"), data...), 0o600); err != nil {
		t.Fatal(err)
	}
	osf, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer osf.Close()
	if _, err := osf.Seek(4, io.SeekStart); err != nil {
		t.Fatal(err)
	}
	f, err = Open(path, osf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if n := countFiles(t, tmp); n != 0 {
		t.Errorf("%d temporary files for an *os.File, want 0", n)
	}
	got, err := io.ReadAll(f)
	if err != nil || string(got) != csvText || f.Name != "scan_smb.csv" {
		t.Errorf("got %q %q %v", f.Name, got, err)
	}
}

func countFiles(t *testing.T, dir string) int {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	return len(entries)
}

func FuzzOpen(f *testing.F) {
	f.Add([]byte(csvText))
	f.Add(gzipped(f, "scan_smb.csv", csvText))
	f.Add(zipped(f, "scan_smb.csv"))
	f.Add(zipped(f, "a.csv", "b.csv"))
	f.Add([]byte{0x1f, 0x8b, 8, 0})
	f.Add([]byte("PK\x03\x04"))
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := Open("fuzz.csv", bytes.NewReader(data))
		if err != nil {
			return
		}
		_, _ = io.Copy(io.Discard, io.LimitReader(file, 1<<20))
		if err := file.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
}
