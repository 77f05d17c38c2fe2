package collecttest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// TAXII is one collection of a TAXII 2.1 server, written from the specification
// (section 5.4, Get Objects): GET {collection}/objects/ with Accept
// application/taxii+json;version=2.1 and HTTP Basic authentication; added_after keeps
// the objects added strictly after a time, limit and next page through them; the answer
// is an envelope (more, next, objects) with the headers X-TAXII-Date-Added-First and
// X-TAXII-Date-Added-Last.
type TAXII struct {
	// CollectionURL is the collection's address, for the collector's url.
	CollectionURL  string
	user, password string

	mu      sync.Mutex
	objects []taxiiObject // in the order added
	asked   []string      // the added_after of every request
}

type taxiiObject struct {
	added time.Time
	raw   json.RawMessage
}

// Add adds an indicator of the address ip, added to the collection at at.
func (s *TAXII) Add(at time.Time, ip string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := fmt.Sprintf("indicator--%08d-0000-4000-8000-000000000000", len(s.objects)+1)
	raw := fmt.Sprintf(`{"type": "indicator", "spec_version": "2.1", "id": %q, "created": "2026-04-01T10:00:00.000Z",
		"modified": "2026-04-01T10:00:00.000Z", "name": "C2 server", "indicator_types": ["malicious-activity"],
		"pattern": "[ipv4-addr:value = '%s']", "pattern_type": "stix", "valid_from": "2026-04-01T10:00:00Z"}`, id, ip)
	s.objects = append(s.objects, taxiiObject{at, json.RawMessage(raw)})
}

// ServeHTTP implements http.Handler.
func (s *TAXII) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if user, pw, ok := r.BasicAuth(); !ok || user != s.user || pw != s.password {
		w.Header().Set("WWW-Authenticate", `Basic realm="taxii"`)
		w.Header().Set("Content-Type", "application/taxii+json;version=2.1")
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
	w.Header().Set("Content-Type", "application/taxii+json;version=2.1")
	json.NewEncoder(w).Encode(env)
}

// NewTAXII starts the collection on loopback, for user and password, until the test ends.
func NewTAXII(t testing.TB, user, password string) *TAXII {
	s := &TAXII{user: user, password: password}
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	s.CollectionURL = srv.URL + "/api1/collections/91a7b528-80eb-42ed-a74d-c6fbd5a26116/"
	return s
}

// Asked lists the added_after of every request so far.
func (s *TAXII) Asked() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.asked...)
}
