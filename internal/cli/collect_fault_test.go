package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/baken-cert/baken/internal/store"
	"github.com/baken-cert/baken/internal/store/postgres"
	"github.com/baken-cert/baken/internal/store/sqlite"
	"github.com/baken-cert/baken/internal/store/storetest"
)

// TestCollectionAfterKills kills the collecting process (SIGKILL) at random moments,
// while it collects dropped files and while it ingests them, and restarts it: in the
// end every file is kept once, moved to done and ingested, and every row is stored
// once.
func TestCollectionAfterKills(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and kills processes")
	}
	bin := buildBaken(t)
	for _, engine := range storetest.Engines {
		t.Run(engine, func(t *testing.T) {
			b := setup(t, engine)
			b.env["BAKEN_JOB_LEASE"] = "1s"
			b.env["BAKEN_POLL_INTERVAL"] = "20ms"
			b.env["BAKEN_LOG_LEVEL"] = "error"
			if code, out, errOut := b.run("", "org", "import", b.file("reg.csv", "organisation,org_ref,asset\nCustomer,cust,192.0.2.0/24\n")); code != 0 {
				t.Fatalf("import: %s %s", out, errOut)
			}
			drop := filepath.Join(b.dir, "drop")
			os.MkdirAll(drop, 0o755)
			const files, rows = 30, 2000
			old := time.Now().Add(-time.Hour)
			for i := range files {
				var sb strings.Builder
				sb.WriteString("ip,port\n")
				for r := range rows {
					fmt.Fprintf(&sb, "192.0.2.%d,%d\n", i+1, r+1)
				}
				path := filepath.Join(drop, fmt.Sprintf("list-%02d.csv", i))
				os.WriteFile(path, []byte(sb.String()), 0o644)
				os.Chtimes(path, old, old)
			}
			collectCfg, _ := json.Marshal(map[string]any{"every": "1m", "dir": map[string]any{"path": drop}})
			if code, out, errOut := b.run("", "feed", "add", "--format", "csv", "--column", "source.ip=ip", "--column", "source.port=port",
				"--taxonomy", "vulnerable", "--type", "vulnerable-system", "--collect", string(collectCfg), "drop"); code != 0 {
				t.Fatalf("feed add: %s %s", out, errOut)
			}

			env := os.Environ()
			for k, v := range b.env {
				env = append(env, k+"="+v)
			}
			kills := 0
			for round := 0; round < 12; round++ {
				cmd := exec.Command(bin, "work")
				cmd.Env = env
				if err := cmd.Start(); err != nil {
					t.Fatal(err)
				}
				time.Sleep(time.Duration(100+rand.IntN(400)) * time.Millisecond)
				cmd.Process.Signal(syscall.SIGKILL)
				cmd.Wait()
				kills++
				if round == 0 {
					// The kills must land in the work, not after it.
					if left := len(names(t, drop)); left == 0 && countEvents(t, b, engine) == files*rows {
						t.Fatal("the first process finished everything before it was killed: make the work larger")
					}
				}
			}
			time.Sleep(1100 * time.Millisecond) // the last leases run out
			cmd := exec.Command(bin, "work", "--until-idle")
			cmd.Env = env
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("final run: %v\n%s", err, out)
			}
			if left := names(t, drop); len(left) != 0 {
				t.Errorf("left in the directory after %d kills: %v", kills, left)
			}
			if done := names(t, filepath.Join(drop, "done")); len(done) != files {
				t.Errorf("%d files in done, want %d: %v", len(done), files, done)
			}
			_, out, _ := b.run("", "feed", "files", "--json", "--limit", "0")
			var kept []struct {
				Name, State string
			}
			if err := json.Unmarshal([]byte(out), &kept); err != nil {
				t.Fatalf("feed files: %v\n%s", err, out)
			}
			byName := map[string]int{}
			for _, k := range kept {
				byName[k.Name]++
				if k.State != "ingested" {
					t.Errorf("%s: %s", k.Name, k.State)
				}
			}
			if len(kept) != files || len(byName) != files {
				t.Errorf("%d files kept (%d names), want %d once each", len(kept), len(byName), files)
			}
			events := countEvents(t, b, engine)
			if events != files*rows {
				t.Errorf("%d events stored after %d kills, want %d: each row once", events, kills, files*rows)
			}
			t.Logf("%s: %d files of %d rows, %d kills", engine, files, rows, kills)
		})
	}
}

// names lists the regular files of dir.
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

// countEvents counts the events stored in the bundle's database.
func countEvents(t *testing.T, b *bundle, engine string) int {
	t.Helper()
	ctx := context.Background()
	var s store.Store
	var err error
	if engine == "postgres" {
		s, err = postgres.Open(ctx, b.env["BAKEN_DATABASE_URL"])
	} else {
		s, err = sqlite.Open(ctx, filepath.Join(b.env["BAKEN_DATA_DIR"], "baken.db"))
	}
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	n, err := s.EventCount(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return n
}
