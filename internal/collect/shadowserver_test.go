package collect

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/baken-cert/baken/internal/collect/collecttest"
	"github.com/baken-cert/baken/internal/store"
)

// sample is the sample Shadowserver report with its dates set to day.
func sample(t *testing.T, day string) []byte {
	data, err := os.ReadFile("../ingest/testdata/2026-11-20-scan_smb-nl-asn.csv")
	if err != nil {
		t.Fatal(err)
	}
	return []byte(strings.ReplaceAll(string(data), "2026-11-20", day))
}

// TestShadowserverCollector: signed requests list the reports of the look-back days;
// each new report of the wanted types is downloaded once and ingested; a missed day is
// caught up; a wrong secret is refused by the server and shown in the feed's state.
func TestShadowserverCollector(t *testing.T) {
	b := setup(t, "sqlite")
	api := collecttest.NewShadowserver(t, "key-1", "secret-1")
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "key"), "key-1\n")
	writeFile(t, filepath.Join(dir, "secret"), "secret-1")
	t.Setenv("TEST_SS_SECRET_FILE", filepath.Join(dir, "secret"))
	f := b.feed("shadowserver", "shadowserver", "", Config{Daily: "06:00", Shadowserver: &ShadowserverConfig{
		URL: api.URL, APIKey: Secret("file:" + filepath.Join(dir, "key")), Secret: "env:TEST_SS_SECRET",
		Reports: []string{"nl"}, Types: []string{"scan_smb"}, Days: 3}})

	// The clock is 2026-04-02 07:05: 03-31 to 04-02 are looked at.
	api.Add("2026-04-02", "scan_smb", "nl", sample(t, "2026-04-02"))
	api.Add("2026-03-31", "scan_smb", "nl", sample(t, "2026-03-31"))    // a missed day, caught up
	api.Add("2026-03-28", "scan_smb", "nl", sample(t, "2026-03-28"))    // older than the look-back
	api.Add("2026-04-02", "device_id", "nl", sample(t, "2026-04-02"))   // a type not wanted
	api.Add("2026-04-02", "scan_smb", "other", sample(t, "2026-04-02")) // another organisation's report
	b.tick()
	files := b.files(f)
	var names []string
	for _, c := range files {
		names = append(names, c.Name)
		if c.State != store.FileIngested {
			t.Errorf("%s: %s %s", c.Name, c.State, c.LastError)
		}
	}
	slices.Sort(names)
	if want := []string{"2026-03-31-scan_smb-nl-asn.csv", "2026-04-02-scan_smb-nl-asn.csv"}; !slices.Equal(names, want) {
		t.Fatalf("collected %v, want %v", names, want)
	}
	if api.Refused() != 0 {
		t.Errorf("%d requests refused", api.Refused())
	}
	if n := b.events(); n == 0 {
		t.Error("no events from the reports")
	}

	// The next day: one new report; those seen before are not downloaded again.
	b.advance(24 * time.Hour)
	api.Add("2026-04-03", "scan_smb", "nl", sample(t, "2026-04-03"))
	b.tick()
	if n := len(b.files(f)); n != 3 {
		t.Errorf("%d files after the second day, want 3", n)
	}
	for id, n := range api.Downloads() {
		if n != 1 {
			t.Errorf("report %s downloaded %d times", id, n)
		}
	}

	// A wrong secret: the server refuses, the state says so, nothing is kept.
	writeFile(t, filepath.Join(dir, "secret"), "wrong")
	b.advance(24 * time.Hour)
	api.Add("2026-04-04", "scan_smb", "nl", sample(t, "2026-04-04"))
	b.tick()
	if st := b.state(f); !strings.Contains(st.LastError, "invalid signature") || len(b.files(f)) != 3 {
		t.Errorf("with a wrong secret: state %q, %d files", st.LastError, len(b.files(f)))
	}
	if strings.Contains(b.state(f).LastError, "wrong") || strings.Contains(b.state(f).LastError, "key-1") {
		t.Error("the error shows a secret")
	}
}

// TestSign matches a signature computed by hand (HMAC-SHA256, hexadecimal).
func TestSign(t *testing.T) {
	// echo -n '{"apikey":"k"}' | openssl dgst -sha256 -hmac s
	if got := Sign([]byte("s"), []byte(`{"apikey":"k"}`)); got != "bf99a9e894f41b0e4eb4bae736bcdeeb33aa9d0470f9879ef629241147a65fa5" {
		t.Errorf("Sign = %s", got)
	}
}
