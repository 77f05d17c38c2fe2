package collect

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/baken-cert/baken/internal/collect/collecttest"
	"github.com/baken-cert/baken/internal/store"
)

// TestTAXIICollector: a run reads the objects added since the last, page by page; each
// page is kept as a bundle and ingested with the STIX parser; a run with nothing new
// keeps nothing; a wrong password is the run's error.
func TestTAXIICollector(t *testing.T) {
	b := setup(t, "sqlite")
	srv := collecttest.NewTAXII(t, "cert", "taxii-pw")
	base := time.Date(2026, 4, 1, 12, 0, 0, 0, time.UTC)
	for i := range 5 {
		srv.Add(base.Add(time.Duration(i)*time.Minute), fmt.Sprintf("192.0.2.%d", i+1))
	}
	pw := filepath.Join(t.TempDir(), "pw")
	writeFile(t, pw, "taxii-pw")
	f := b.feed("partner-taxii", "stix", "", Config{Every: Duration(time.Hour), TAXII: &TAXIIConfig{
		URL:      srv.CollectionURL,
		Username: "cert", Password: Secret("file:" + pw), Limit: 2, Since: "2026-03-01T00:00:00Z"}})

	b.tick()
	files := b.files(f)
	if len(files) != 3 || b.events() != 5 {
		t.Fatalf("%d files, %d events after the first run; want 3 pages and 5 events", len(files), b.events())
	}
	for _, c := range files {
		if c.State != store.FileIngested || !strings.HasSuffix(c.Name, ".json") {
			t.Errorf("%s: %s %s", c.Name, c.State, c.LastError)
		}
	}
	if st := b.state(f); !strings.Contains(string(st.Cursor), "2026-04-01T12:04:00Z") {
		t.Errorf("cursor %s", st.Cursor)
	}

	b.advance(time.Hour)
	b.tick()
	if len(b.files(f)) != 3 {
		t.Errorf("a run with nothing new kept %d files", len(b.files(f))-3)
	}
	srv.Add(base.Add(time.Hour), "192.0.2.10")
	srv.Add(base.Add(time.Hour+time.Second), "192.0.2.11")
	b.advance(time.Hour)
	b.tick()
	if len(b.files(f)) != 4 || b.events() != 7 {
		t.Errorf("%d files, %d events after two new objects", len(b.files(f)), b.events())
	}
	want := []string{"2026-03-01T00:00:00Z", "2026-03-01T00:00:00Z", "2026-03-01T00:00:00Z", "2026-04-01T12:04:00Z", "2026-04-01T12:04:00Z"}
	if got := srv.Asked()[:5]; strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("added_after asked: %v, want %v", got, want)
	}

	writeFile(t, pw, "not-the-password")
	b.advance(time.Hour)
	b.tick()
	if st := b.state(f); !strings.Contains(st.LastError, "401") || strings.Contains(st.LastError, "not-the-password") {
		t.Errorf("with a wrong password: %q", st.LastError)
	}
}
