package collect

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/baken-cert/baken/internal/store"
)

func names(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		if e.Type().IsRegular() {
			out = append(out, e.Name())
		}
	}
	return out
}

// TestDirCollector: complete files are kept, ingested and moved to done; files still
// being written wait; a file too large goes to failed; a file whose content was kept
// before is moved without being ingested again.
func TestDirCollector(t *testing.T) {
	b := setup(t, "sqlite")
	dir := t.TempDir()
	f := b.feed("drop", "csv", csvOptions, Config{Every: Duration(time.Minute), MaxSize: 100,
		Dir: &DirConfig{Path: dir, Pattern: "*.csv", Settle: Duration(time.Minute)}})
	old := b.now().Add(-2 * time.Minute)
	for name, content := range map[string]string{
		"a.csv":       "ip\n192.0.2.1\n",
		"b.csv":       "ip\n192.0.2.2\n",
		"a-again.csv": "ip\n192.0.2.1\n",
		"big.csv":     "ip\n" + string(make([]byte, 200)),
		"c.csv.part":  "ip\n192.0.2.9\n",
		".d.csv":      "ip\n192.0.2.9\n",
		"notes.txt":   "not a feed file",
		"fresh.csv":   "ip\n192.0.2.3\n",
	} {
		path := filepath.Join(dir, name)
		writeFile(t, path, content)
		if name == "fresh.csv" {
			os.Chtimes(path, b.now(), b.now())
		} else {
			os.Chtimes(path, old, old)
		}
	}
	// A file with the same name is waiting in done already.
	writeFile(t, filepath.Join(dir, "done", "a.csv"), "earlier")
	b.tick()

	if got, want := names(t, dir), []string{".d.csv", "c.csv.part", "fresh.csv", "notes.txt"}; !slices.Equal(got, want) {
		t.Errorf("left in the directory: %v, want %v", got, want)
	}
	if got, want := names(t, filepath.Join(dir, "done")), []string{"a-again.csv", "a.1.csv", "a.csv", "b.csv"}; !slices.Equal(got, want) {
		t.Errorf("done: %v, want %v", got, want)
	}
	if got := names(t, filepath.Join(dir, "failed")); !slices.Equal(got, []string{"big.csv"}) {
		t.Errorf("failed: %v", got)
	}
	files := b.files(f)
	if len(files) != 2 || b.events() != 2 {
		t.Errorf("%d files kept, %d events; want 2 and 2", len(files), b.events())
	}
	if st := b.state(f); st.LastError == "" {
		t.Error("the file too large is not reported in the state")
	}

	// Once settled, the fresh file is taken in the next period.
	b.advance(2 * time.Minute)
	b.tick()
	if len(b.files(f)) != 3 || len(names(t, dir)) != 3 {
		t.Errorf("after settling: %d files, left %v", len(b.files(f)), names(t, dir))
	}
}

// TestDirCollectorCrashBeforeMove: a file kept but not moved (the process died in
// between) is seen again: it is moved, not kept or ingested twice.
func TestDirCollectorCrashBeforeMove(t *testing.T) {
	b := setup(t, "sqlite")
	dir := t.TempDir()
	cfg := Config{Every: Duration(time.Minute), Dir: &DirConfig{Path: dir}}
	f := b.feed("drop", "csv", csvOptions, cfg)
	path := filepath.Join(dir, "a.csv")
	writeFile(t, path, "ip\n192.0.2.1\n")
	old := b.now().Add(-time.Hour)
	os.Chtimes(path, old, old)
	// What the collector does before it moves the file.
	r := &run{s: b.svc, feed: f, cfg: &cfg}
	if _, err := r.keep(context.Background(), "a.csv", path, []byte("ip\n192.0.2.1\n")); err != nil {
		t.Fatal(err)
	}
	b.tick()
	if files := b.files(f); len(files) != 1 || files[0].State != store.FileIngested || b.events() != 1 {
		t.Errorf("files %+v, %d events", files, b.events())
	}
	if got := names(t, filepath.Join(dir, "done")); !slices.Equal(got, []string{"a.csv"}) {
		t.Errorf("done: %v", got)
	}
	jobs, _ := b.store.Jobs(context.Background(), store.JobFilter{Kind: KindIngest})
	if len(jobs) != 1 {
		t.Errorf("%d ingest jobs, want 1", len(jobs))
	}
}
