package registry

import (
	"bytes"
	"context"
	"io"
	"runtime"
	"strings"
	"testing"

	"github.com/baken-cert/baken/internal/store"
	"github.com/baken-cert/baken/internal/store/storetest"
)

// endless is an io.Reader of n bytes of 'x', made as they are read.
type endless struct{ n int64 }

func (e *endless) Read(p []byte) (int, error) {
	if e.n <= 0 {
		return 0, io.EOF
	}
	p = p[:min(int64(len(p)), e.n)]
	for i := range p {
		p[i] = 'x'
	}
	e.n -= int64(len(p))
	return len(p), nil
}

// TestImportRejectsAnOverlongLineAndGoesOn: a line of 256 MiB (the same holds for 2 GiB)
// in a CSV or JSON Lines file is rejected with its number and reason, without being held
// in memory, and the rows after it are imported.
func TestImportRejectsAnOverlongLineAndGoesOn(t *testing.T) {
	for _, tt := range []struct {
		format       Format
		head, before string
		after        string
	}{
		{CSV, "organisation,asset\n", "Acme,a.example\n", "\nAcme,b.example\n"},
		{JSONL, "", `{"organisation":"Acme","asset":"a.example"}` + "\n", "\n" + `{"organisation":"Acme","asset":"b.example"}` + "\n"},
	} {
		t.Run(string(tt.format), func(t *testing.T) {
			s := storetest.Open(t, "sqlite")
			in := io.MultiReader(strings.NewReader(tt.head+tt.before), &endless{n: 256 << 20}, strings.NewReader(tt.after))
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			rep, err := New(s).Import(context.Background(), in, ImportOptions{Format: tt.format})
			runtime.ReadMemStats(&after)
			if err != nil {
				t.Fatal(err)
			}
			line := strings.Count(tt.head+tt.before, "\n") + 1
			if len(rep.Rejected) != 1 || rep.Rejected[0].Line != line || !strings.Contains(rep.Rejected[0].Reason, "longer than 1 MiB") {
				t.Fatalf("rejected %+v, want line %d as too long", rep.Rejected, line)
			}
			if rep.AssetsAdded != 2 {
				t.Fatalf("the rows around the long line: %+v", rep)
			}
			if grown := after.TotalAlloc - before.TotalAlloc; grown > 64<<20 {
				t.Fatalf("the import allocated %d MiB for a 256 MiB line", grown>>20)
			}
			assets, _ := s.Assets(context.Background(), store.AssetFilter{})
			if len(assets) != 2 {
				t.Fatalf("assets: %+v", assets)
			}
		})
	}
}

// TestImportRefusesBinaryFiles: a binary file is refused as a whole, and the refusal does
// not echo its bytes.
func TestImportRefusesBinaryFiles(t *testing.T) {
	s := storetest.Open(t, "sqlite")
	junk := append([]byte("PK\x03\x04\x14\x00\x06\x00secret-bytes\xff\xfe"), bytes.Repeat([]byte{0, 1, 2}, 100)...)
	for _, f := range []Format{CSV, JSONL} {
		_, err := New(s).Import(context.Background(), bytes.NewReader(junk), ImportOptions{Format: f})
		if err == nil || !strings.Contains(err.Error(), "not a text file") || strings.Contains(err.Error(), "secret-bytes") {
			t.Errorf("%s: %v", f, err)
		}
	}
	// Text with a character cut at the end of the probe is still text.
	text := "organisation,asset\n" + strings.Repeat("Ä", binaryProbe) + ",a.example\n"
	if _, err := New(s).Import(context.Background(), strings.NewReader(text), ImportOptions{Format: CSV}); err != nil {
		t.Errorf("UTF-8 text: %v", err)
	}
}

// TestImportStopsOnARowWithoutEnd: a quote that is never closed makes one row of the rest
// of the file; beyond 4 MiB the import stops, without holding the file in memory.
func TestImportStopsOnARowWithoutEnd(t *testing.T) {
	s := storetest.Open(t, "sqlite")
	long := strings.Repeat("short line\n", 1<<20) // 11 MiB of lines in one quoted field
	_, err := New(s).Import(context.Background(), strings.NewReader("organisation,asset\nAcme,\""+long), ImportOptions{Format: CSV})
	if err == nil || !strings.Contains(err.Error(), "never closed") {
		t.Fatalf("got %v", err)
	}
}
