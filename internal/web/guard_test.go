package web

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

// TestSecureHeadersOnEveryResponse: pages, 404s, error answers and downloads all carry
// the security headers; HSTS only for a site served over HTTPS.
func TestSecureHeadersOnEveryResponse(t *testing.T) {
	t.Parallel()
	mux := http.NewServeMux()
	mux.HandleFunc("GET /download", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/csv")
		w.Write([]byte("a,b\n"))
	})
	mux.HandleFunc("GET /broken", func(w http.ResponseWriter, _ *http.Request) { http.Error(w, "no", 500) })
	for _, hsts := range []bool{false, true} {
		h := SecureHeaders(mux, hsts)
		for _, path := range []string{"/download", "/broken", "/nothing-here"} {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
			hd := rec.Header()
			if hd.Get("Content-Security-Policy") != contentSecurityPolicy || hd.Get("X-Content-Type-Options") != "nosniff" ||
				hd.Get("X-Frame-Options") != "DENY" || hd.Get("Referrer-Policy") != "no-referrer" {
				t.Errorf("%s: %v", path, hd)
			}
			if got := hd.Get("Strict-Transport-Security") != ""; got != hsts {
				t.Errorf("%s: HSTS %v, want %v", path, got, hsts)
			}
		}
	}
}
