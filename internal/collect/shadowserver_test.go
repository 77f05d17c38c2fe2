package collect

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/baken-cert/baken/internal/store"
)

// ssServer is the Shadowserver Reports API as its documentation describes it: POST
// /api2/{method} with a JSON body carrying "apikey", signed by the header HMAC2, the
// hexadecimal HMAC-SHA256 of the body under the key's secret; reports/list takes a
// "date" of "YYYY-MM-DD:YYYY-MM-DD" (and optionally "reports"), reports/download an "id".
type ssServer struct {
	t           *testing.T
	key, secret string
	mu          sync.Mutex
	reports     []ssReport
	data        map[string]string
	downloads   map[string]int
	badSigs     int
}

func (s *ssServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	mac := hmac.New(sha256.New, []byte(s.secret))
	mac.Write(body)
	got, _ := hex.DecodeString(r.Header.Get("HMAC2"))
	var req struct {
		APIKey  string   `json:"apikey"`
		Date    string   `json:"date"`
		Reports []string `json:"reports"`
		ID      string   `json:"id"`
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if r.Method != http.MethodPost || json.Unmarshal(body, &req) != nil || req.APIKey != s.key || !hmac.Equal(got, mac.Sum(nil)) {
		s.badSigs++
		w.WriteHeader(http.StatusUnauthorized)
		w.Write([]byte(`{"error": "invalid signature"}`))
		return
	}
	switch r.URL.Path {
	case "/api2/reports/list":
		from, to, ok := strings.Cut(req.Date, ":")
		if !ok {
			from, to = req.Date, req.Date
		}
		out := []ssReport{}
		for _, rep := range s.reports {
			if rep.Timestamp >= from && rep.Timestamp <= to && (len(req.Reports) == 0 || slices.Contains(req.Reports, rep.Report)) {
				out = append(out, rep)
			}
		}
		json.NewEncoder(w).Encode(out)
	case "/api2/reports/download":
		data, ok := s.data[req.ID]
		if !ok {
			w.Write([]byte(`{"error": "no such report"}`))
			return
		}
		s.downloads[req.ID]++
		w.Write([]byte(data))
	default:
		http.NotFound(w, r)
	}
}

// add publishes a report of typ for day, made from the sample Shadowserver file.
func (s *ssServer) add(day, typ, report string) {
	sample, err := os.ReadFile("../ingest/testdata/2026-11-20-scan_smb-nl-asn.csv")
	if err != nil {
		s.t.Fatal(err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	id := day + "-" + typ + "-" + report
	s.reports = append(s.reports, ssReport{ID: id, Report: report, Type: typ, Timestamp: day,
		File: day + "-" + typ + "-" + report + "-asn.csv"})
	s.data[id] = strings.ReplaceAll(string(sample), "2026-11-20", day)
}

// TestShadowserverCollector: signed requests list the reports of the look-back days;
// each new report of the wanted types is downloaded once and ingested; a missed day is
// caught up; a wrong secret is refused by the server and shown in the feed's state.
func TestShadowserverCollector(t *testing.T) {
	b := setup(t, "sqlite")
	api := &ssServer{t: t, key: "key-1", secret: "secret-1", data: map[string]string{}, downloads: map[string]int{}}
	srv := httptest.NewServer(api)
	defer srv.Close()
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "key"), "key-1\n")
	writeFile(t, filepath.Join(dir, "secret"), "secret-1")
	t.Setenv("TEST_SS_SECRET_FILE", filepath.Join(dir, "secret"))
	f := b.feed("shadowserver", "shadowserver", "", Config{Daily: "06:00", Shadowserver: &ShadowserverConfig{
		URL: srv.URL + "/api2/", APIKey: Secret("file:" + filepath.Join(dir, "key")), Secret: "env:TEST_SS_SECRET",
		Reports: []string{"nl"}, Types: []string{"scan_smb"}, Days: 3}})

	// The clock is 2026-04-02 07:05: 03-31 to 04-02 are looked at.
	api.add("2026-04-02", "scan_smb", "nl")
	api.add("2026-03-31", "scan_smb", "nl")    // a missed day, caught up
	api.add("2026-03-28", "scan_smb", "nl")    // older than the look-back
	api.add("2026-04-02", "device_id", "nl")   // a type not wanted
	api.add("2026-04-02", "scan_smb", "other") // another organisation's report
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
	if api.badSigs != 0 {
		t.Errorf("%d requests refused", api.badSigs)
	}
	if n := b.events(); n == 0 {
		t.Error("no events from the reports")
	}

	// The next day: one new report; those seen before are not downloaded again.
	b.advance(24 * time.Hour)
	api.add("2026-04-03", "scan_smb", "nl")
	b.tick()
	if n := len(b.files(f)); n != 3 {
		t.Errorf("%d files after the second day, want 3", n)
	}
	for id, n := range api.downloads {
		if n != 1 {
			t.Errorf("report %s downloaded %d times", id, n)
		}
	}

	// A wrong secret: the server refuses, the state says so, nothing is kept.
	writeFile(t, filepath.Join(dir, "secret"), "wrong")
	b.advance(24 * time.Hour)
	api.add("2026-04-04", "scan_smb", "nl")
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
