// Package collecttest serves, on loopback, the remote ends that collectors talk to, for
// tests: the Shadowserver Reports API. It is imported by tests only.
package collecttest

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
)

// Shadowserver is the Shadowserver Reports API as its documentation describes it: POST
// /api2/{method} with a JSON body carrying "apikey", signed by the header HMAC2, the
// hexadecimal HMAC-SHA256 of the body under the key's secret. reports/list takes a
// "date" of "YYYY-MM-DD" or "YYYY-MM-DD:YYYY-MM-DD" (and optionally "reports", the
// report names); reports/download takes an "id" and answers the report's CSV.
type Shadowserver struct {
	// URL is the API's base, ".../api2/".
	URL         string
	key, secret string

	mu        sync.Mutex
	reports   []Report
	data      map[string][]byte
	downloads map[string]int
	refused   int
}

// Report is one entry of reports/list.
type Report struct {
	ID        string `json:"id"`
	Report    string `json:"report"`
	Type      string `json:"type"`
	File      string `json:"file"`
	Timestamp string `json:"timestamp"`
}

// NewShadowserver starts the API on loopback for key and secret, until the test ends.
func NewShadowserver(t testing.TB, key, secret string) *Shadowserver {
	s := &Shadowserver{key: key, secret: secret, data: map[string][]byte{}, downloads: map[string]int{}}
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	s.URL = srv.URL + "/api2/"
	return s
}

// Add publishes a report of type typ for report (an organisation or country) on day,
// named as Shadowserver names its files.
func (s *Shadowserver) Add(day, typ, report string, data []byte) Report {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := Report{ID: day + "-" + typ + "-" + report, Report: report, Type: typ, Timestamp: day,
		File: day + "-" + typ + "-" + report + "-asn.csv"}
	s.reports = append(s.reports, r)
	s.data[r.ID] = data
	return r
}

// Downloads counts the downloads of each report, by id.
func (s *Shadowserver) Downloads() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string]int{}
	for k, v := range s.downloads {
		out[k] = v
	}
	return out
}

// Refused counts the requests refused for a wrong key or signature.
func (s *Shadowserver) Refused() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.refused
}

// ServeHTTP implements http.Handler.
func (s *Shadowserver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
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
		s.refused++
		w.WriteHeader(http.StatusUnauthorized)
		w.Write([]byte(`{"error": "invalid signature"}`))
		return
	}
	switch r.URL.Path {
	case "/api2/reports/list":
		from, to, ok := strings.Cut(req.Date, ":")
		if !ok {
			to = from
		}
		out := []Report{}
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
		w.Write(data)
	default:
		http.NotFound(w, r)
	}
}
