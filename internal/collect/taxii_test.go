package collect

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/baken-cert/baken/internal/store"
)

// taxiiServer is one collection of a TAXII 2.1 server, written from the specification
// (section 5.4, Get Objects): GET {collection}/objects/ with Accept
// application/taxii+json;version=2.1 and HTTP Basic authentication; added_after keeps
// the objects added strictly after a time, limit and next page through them; the answer
// is an envelope (more, next, objects) with the headers X-TAXII-Date-Added-First and
// X-TAXII-Date-Added-Last.
type taxiiServer struct {
	mu      sync.Mutex
	objects []taxiiObject // in the order added
	asked   []string      // the added_after of every request
}

type taxiiObject struct {
	added time.Time
	raw   json.RawMessage
}

func (s *taxiiServer) add(at time.Time, ip string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := fmt.Sprintf("indicator--%08d-0000-4000-8000-000000000000", len(s.objects)+1)
	raw := fmt.Sprintf(`{"type": "indicator", "spec_version": "2.1", "id": %q, "created": "2026-04-01T10:00:00.000Z",
		"modified": "2026-04-01T10:00:00.000Z", "name": "C2 server", "indicator_types": ["malicious-activity"],
		"pattern": "[ipv4-addr:value = '%s']", "pattern_type": "stix", "valid_from": "2026-04-01T10:00:00Z"}`, id, ip)
	s.objects = append(s.objects, taxiiObject{at, json.RawMessage(raw)})
}

func (s *taxiiServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if user, pw, ok := r.BasicAuth(); !ok || user != "cert" || pw != "taxii-pw" {
		w.Header().Set("WWW-Authenticate", `Basic realm="taxii"`)
		w.Header().Set("Content-Type", taxiiMediaType)
		w.WriteHeader(http.StatusUnauthorized)
		w.Write([]byte(`{"title": "Unauthorized", "description": "wrong user name or password"}`))
		return
	}
	if r.Method != http.MethodGet || r.URL.Path != "/api1/collections/91a7b528-80eb-42ed-a74d-c6fbd5a26116/objects/" {
		http.NotFound(w, r)
		return
	}
	if !strings.HasPrefix(r.Header.Get("Accept"), "application/taxii+json") {
		w.WriteHeader(http.StatusNotAcceptable)
		return
	}
	q := r.URL.Query()
	s.asked = append(s.asked, q.Get("added_after"))
	var after time.Time
	if v := q.Get("added_after"); v != "" {
		var err error
		if after, err = time.Parse(time.RFC3339Nano, v); err != nil {
			http.Error(w, `{"title": "bad added_after"}`, http.StatusBadRequest)
			return
		}
	}
	limit, _ := strconv.Atoi(q.Get("limit"))
	start, _ := strconv.Atoi(q.Get("next")) // our next tokens are offsets
	var match []taxiiObject
	for _, o := range s.objects {
		if o.added.After(after) {
			match = append(match, o)
		}
	}
	start = min(start, len(match))
	end := len(match)
	if limit > 0 {
		end = min(start+limit, len(match))
	}
	page := match[start:end]
	env := map[string]any{"more": end < len(match)}
	if end < len(match) {
		env["next"] = strconv.Itoa(end)
	}
	objs := []json.RawMessage{}
	for _, o := range page {
		objs = append(objs, o.raw)
	}
	if len(page) > 0 {
		env["objects"] = objs
		w.Header().Set("X-TAXII-Date-Added-First", page[0].added.Format(time.RFC3339Nano))
		w.Header().Set("X-TAXII-Date-Added-Last", page[len(page)-1].added.Format(time.RFC3339Nano))
	}
	w.Header().Set("Content-Type", taxiiMediaType)
	json.NewEncoder(w).Encode(env)
}

// TestTAXIICollector: a run reads the objects added since the last, page by page; each
// page is kept as a bundle and ingested with the STIX parser; a run with nothing new
// keeps nothing; a wrong password is the run's error.
func TestTAXIICollector(t *testing.T) {
	b := setup(t, "sqlite")
	srv := &taxiiServer{}
	web := httptest.NewServer(srv)
	defer web.Close()
	base := time.Date(2026, 4, 1, 12, 0, 0, 0, time.UTC)
	for i := range 5 {
		srv.add(base.Add(time.Duration(i)*time.Minute), fmt.Sprintf("192.0.2.%d", i+1))
	}
	pw := filepath.Join(t.TempDir(), "pw")
	writeFile(t, pw, "taxii-pw")
	f := b.feed("partner-taxii", "stix", "", Config{Every: Duration(time.Hour), TAXII: &TAXIIConfig{
		URL:      web.URL + "/api1/collections/91a7b528-80eb-42ed-a74d-c6fbd5a26116/",
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
	srv.add(base.Add(time.Hour), "192.0.2.10")
	srv.add(base.Add(time.Hour+time.Second), "192.0.2.11")
	b.advance(time.Hour)
	b.tick()
	if len(b.files(f)) != 4 || b.events() != 7 {
		t.Errorf("%d files, %d events after two new objects", len(b.files(f)), b.events())
	}
	want := []string{"2026-03-01T00:00:00Z", "2026-03-01T00:00:00Z", "2026-03-01T00:00:00Z", "2026-04-01T12:04:00Z", "2026-04-01T12:04:00Z"}
	if got := srv.asked[:5]; strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("added_after asked: %v, want %v", got, want)
	}

	writeFile(t, pw, "not-the-password")
	b.advance(time.Hour)
	b.tick()
	if st := b.state(f); !strings.Contains(st.LastError, "401") || strings.Contains(st.LastError, "not-the-password") {
		t.Errorf("with a wrong password: %q", st.LastError)
	}
}
