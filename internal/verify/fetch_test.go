package verify

import (
	"context"
	"crypto/x509"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/baken-cert/baken/internal/problem"
	"github.com/baken-cert/baken/internal/safehttp"
)

const goodFile = "Contact: mailto:security@example.org\nExpires: 2026-12-01T00:00:00Z\n"

// page is what the test server answers at one path.
type page struct {
	status      int // default 200
	contentType string
	body        string // "{base}" in it stands for the server's https://host:port
	redirect    string // if set, a 302 to this URL
}

// startHTTPS starts a TLS server answering pages, 404 elsewhere, and a client
// that trusts it.
func startHTTPS(t *testing.T, pages map[string]page) (*httptest.Server, *http.Client) {
	t.Helper()
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, ok := pages[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		if p.redirect != "" {
			http.Redirect(w, r, p.redirect, http.StatusFound)
			return
		}
		w.Header().Set("Content-Type", p.contentType)
		if p.status != 0 {
			w.WriteHeader(p.status)
		}
		_, _ = w.Write([]byte(strings.ReplaceAll(p.body, "{base}", "https://"+r.Host)))
	}))
	t.Cleanup(srv.Close)
	pool := x509.NewCertPool()
	pool.AddCert(srv.Certificate())
	return srv, safehttp.New(safehttp.Options{AllowPrivate: true, RootCAs: pool})
}

func TestFetch(t *testing.T) {
	t.Parallel()
	const textUTF8 = "text/plain; charset=utf-8"
	plain := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", textUTF8)
		_, _ = w.Write([]byte(goodFile))
	}))
	t.Cleanup(plain.Close)

	tests := []struct {
		name     string
		pages    map[string]page
		wantPath string   // where the file was found
		invalid  bool     // the file was found but is not valid
		problems []string // as in checkProblems; "{base}" stands for the server's URL
		wantErr  string
	}{
		{
			name:     "well-known",
			pages:    map[string]page{wellKnownPath: {contentType: textUTF8, body: goodFile}},
			wantPath: wellKnownPath,
		},
		{
			name:     "legacy location after 404",
			pages:    map[string]page{legacyPath: {contentType: "text/plain; charset=UTF-8", body: goodFile}},
			wantPath: legacyPath,
		},
		{
			name: "redirect within https",
			pages: map[string]page{
				wellKnownPath:         {redirect: "/files/security.txt"},
				"/files/security.txt": {contentType: textUTF8, body: goodFile},
			},
			wantPath: "/files/security.txt",
		},
		{
			name:     "no charset",
			pages:    map[string]page{wellKnownPath: {contentType: "text/plain", body: goodFile}},
			wantPath: wellKnownPath,
			problems: []string{"note: the Content-Type has no charset"},
		},
		{
			name:     "Canonical names where it is",
			pages:    map[string]page{wellKnownPath: {contentType: textUTF8, body: goodFile + "Canonical: https://example.org/.well-known/security.txt\nCanonical: {base}/.well-known/security.txt\n"}},
			wantPath: wellKnownPath,
		},
		{
			name:     "Canonical elsewhere",
			pages:    map[string]page{wellKnownPath: {contentType: textUTF8, body: goodFile + "Canonical: https://example.org/.well-known/security.txt\n"}},
			wantPath: wellKnownPath,
			invalid:  true,
			problems: []string{"error: the file was found at {base}/.well-known/security.txt, which is not among its Canonical URIs"},
		},
		{
			name:     "Canonical of the legacy place",
			pages:    map[string]page{legacyPath: {contentType: textUTF8, body: goodFile + "Canonical: {base}/.well-known/security.txt\n"}},
			wantPath: legacyPath,
			invalid:  true,
			problems: []string{"error: the file was found at {base}/security.txt, which is not among"},
		},
		{
			name: "Canonical names the URL asked for, not the redirect's",
			pages: map[string]page{
				wellKnownPath:         {redirect: "/files/security.txt"},
				"/files/security.txt": {contentType: textUTF8, body: goodFile + "Canonical: {base}/.well-known/security.txt\n"},
			},
			wantPath: "/files/security.txt",
		},
		{
			name: "Canonical names the redirect's URL",
			pages: map[string]page{
				wellKnownPath:         {redirect: "/files/security.txt"},
				"/files/security.txt": {contentType: textUTF8, body: goodFile + "Canonical: {base}/files/security.txt\n"},
			},
			wantPath: "/files/security.txt",
		},
		{
			name: "Canonical names neither end of the redirect",
			pages: map[string]page{
				wellKnownPath:         {redirect: "/files/security.txt"},
				"/files/security.txt": {contentType: textUTF8, body: goodFile + "Canonical: {base}/other/security.txt\n"},
			},
			wantPath: "/files/security.txt",
			invalid:  true,
			problems: []string{"error: the file was asked for at {base}/.well-known/security.txt and found at {base}/files/security.txt, neither of which is among its Canonical URIs"},
		},
		{
			name:     "a broken file",
			pages:    map[string]page{wellKnownPath: {contentType: textUTF8, body: goodFile + "Preferred-Languages: english\n"}},
			wantPath: wellKnownPath,
			invalid:  true,
			problems: []string{`error: line 3: "english" is not a language tag`},
		},
		{
			name:    "not found anywhere",
			pages:   map[string]page{},
			wantErr: "/security.txt answered 404 Not Found",
		},
		{
			name:    "server error",
			pages:   map[string]page{wellKnownPath: {status: 500, contentType: textUTF8, body: "oops"}},
			wantErr: "answered 500 Internal Server Error",
		},
		{
			name:    "HTML page",
			pages:   map[string]page{wellKnownPath: {contentType: "text/html; charset=utf-8", body: "<html></html>"}},
			wantErr: "is text/html, not text/plain",
		},
		{
			name:    "too large",
			pages:   map[string]page{wellKnownPath: {contentType: textUTF8, body: goodFile + strings.Repeat("# padding\n", 4000)}},
			wantErr: "is larger than 32 KiB",
		},
		{
			name:    "redirect to http",
			pages:   map[string]page{wellKnownPath: {redirect: plain.URL + wellKnownPath}},
			wantErr: "which is not https",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv, c := startHTTPS(t, tt.pages)
			st, problems, err := fetch(context.Background(), c, srv.URL, testNow)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("got error %v, want one containing %q", err, tt.wantErr)
				}
				if _, ok := err.(*problem.Problem); !ok {
					t.Errorf("the error %T is no problem for the portal to translate", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if want := srv.URL + tt.wantPath; st.URL != want {
				t.Errorf("URL = %q, want %q", st.URL, want)
			}
			if st.Valid == tt.invalid || len(st.Emails) != 1 {
				t.Errorf("Valid = %v, Emails = %q; want %v and one address", st.Valid, st.Emails, !tt.invalid)
			}
			var want []string
			for _, p := range tt.problems {
				want = append(want, strings.ReplaceAll(p, "{base}", srv.URL))
			}
			checkProblems(t, problems, want)
		})
	}
}

func TestFetchTooLargeIsBodyError(t *testing.T) {
	t.Parallel()
	srv, c := startHTTPS(t, map[string]page{
		wellKnownPath: {contentType: "text/plain", body: strings.Repeat("x", MaxSecurityTxt+1)},
	})
	_, _, err := fetch(context.Background(), c, srv.URL, testNow)
	if !errors.Is(err, safehttp.ErrBodyTooLarge) {
		t.Fatalf("got %v, want ErrBodyTooLarge", err)
	}
}

func TestFetchRefusesLoopback(t *testing.T) {
	t.Parallel()
	// The production client: localhost resolves to a loopback address.
	_, _, err := Fetch(context.Background(), safehttp.New(safehttp.Options{}), "localhost")
	if !errors.Is(err, safehttp.ErrRefused) {
		t.Fatalf("got %v, want the connection refused", err)
	}
}

func TestFetchBadDomain(t *testing.T) {
	t.Parallel()
	c := safehttp.New(safehttp.Options{})
	for _, d := range []string{"", " ", "example.org/evil", "user@example.org", "example.org:8443", "https://example.org"} {
		if _, _, err := Fetch(context.Background(), c, d); err == nil || !strings.Contains(err.Error(), "not a domain name") {
			t.Errorf("Fetch(%q) = %v, want a \"not a domain name\" error", d, err)
		}
	}
}
