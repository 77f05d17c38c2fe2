package safehttp

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"
)

// setup starts a loopback test server with a few routes:
// /hello, /ua (echoes the User-Agent), /bytes/N (N bytes), /redirect/N (N redirects, then /hello).
func setup(t *testing.T) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	mux.HandleFunc("GET /hello", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, "hello")
	})
	mux.HandleFunc("GET /ua", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, r.UserAgent())
	})
	mux.HandleFunc("GET /bytes/{n}", func(w http.ResponseWriter, r *http.Request) {
		n, _ := strconv.Atoi(r.PathValue("n"))
		fmt.Fprint(w, strings.Repeat("x", n))
	})
	mux.HandleFunc("GET /redirect/{n}", func(w http.ResponseWriter, r *http.Request) {
		n, _ := strconv.Atoi(r.PathValue("n"))
		if n <= 0 {
			http.Redirect(w, r, "/hello", http.StatusFound)
			return
		}
		http.Redirect(w, r, fmt.Sprintf("/redirect/%d", n-1), http.StatusFound)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

func TestLoopbackRefused(t *testing.T) {
	t.Parallel()
	srv := setup(t)
	u, _ := url.Parse(srv.URL)
	tests := []struct {
		name, url, want string
	}{
		{"IP literal", srv.URL + "/hello", "refusing to connect to 127.0.0.1: a loopback address"},
		{"DNS name resolving to loopback", "http://localhost:" + u.Port() + "/hello", "refusing to connect to"},
	}
	c := New(Options{Timeout: 5 * time.Second})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			body, _, err := Get(context.Background(), c, tt.url, 0)
			if err == nil {
				t.Fatalf("Get(%s) succeeded with %q, want refused", tt.url, body)
			}
			if !errors.Is(err, ErrRefused) {
				t.Errorf("errors.Is(err, ErrRefused) = false for %v", err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not contain %q", err, tt.want)
			}
		})
	}
}

func TestAllowPrivate(t *testing.T) {
	t.Parallel()
	srv := setup(t)
	c := New(Options{AllowPrivate: true})
	body, resp, err := Get(context.Background(), c, srv.URL+"/hello", 0)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK || string(body) != "hello" {
		t.Fatalf("got %d %q, want 200 \"hello\"", resp.StatusCode, body)
	}
}

func TestUserAgent(t *testing.T) {
	t.Parallel()
	srv := setup(t)
	for _, tt := range []struct{ set, want string }{
		{"", DefaultUserAgent},
		{"Baken-test/1", "Baken-test/1"},
	} {
		c := New(Options{AllowPrivate: true, UserAgent: tt.set})
		body, _, err := Get(context.Background(), c, srv.URL+"/ua", 0)
		if err != nil {
			t.Fatal(err)
		}
		if string(body) != tt.want {
			t.Errorf("User-Agent = %q, want %q", body, tt.want)
		}
	}
}

func TestRedirects(t *testing.T) {
	t.Parallel()
	srv := setup(t)
	c := New(Options{AllowPrivate: true})
	tests := []struct {
		path    string
		wantErr string
	}{
		{"/redirect/0", ""}, // one redirect
		{"/redirect/2", ""}, // three redirects
		{"/redirect/3", "stopped after 3 redirects"},
		{"/redirect/10", "stopped after 3 redirects"},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			t.Parallel()
			body, resp, err := Get(context.Background(), c, srv.URL+tt.path, 0)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("got err %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if string(body) != "hello" || resp.Request.URL.Path != "/hello" {
				t.Fatalf("ended at %s with %q, want /hello", resp.Request.URL, body)
			}
		})
	}
}

// TestRedirectRechecked shows that a redirect does not escape the dial check: the
// first server is allowed, the one it redirects to is not.
func TestRedirectRechecked(t *testing.T) {
	t.Parallel()
	target := setup(t)
	entry := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, target.URL+"/hello", http.StatusFound)
	}))
	t.Cleanup(entry.Close)
	allowed := netip.MustParseAddrPort(entry.Listener.Addr().String())
	c := newClient(Options{}, func(ap netip.AddrPort) error {
		if ap == allowed {
			return nil
		}
		return CheckAddr(ap.Addr())
	})
	_, _, err := Get(context.Background(), c, entry.URL, 0)
	if !errors.Is(err, ErrRefused) {
		t.Fatalf("redirect to %s: got %v, want refused", target.URL, err)
	}
}

func TestGetBodyLimit(t *testing.T) {
	t.Parallel()
	srv := setup(t)
	c := New(Options{AllowPrivate: true})
	tests := []struct {
		n, max  int64
		tooLong bool
	}{
		{0, 10, false},
		{10, 10, false},
		{11, 10, true},
		{100000, 32 << 10, true},
		{DefaultMaxBody, 0, false},
		{DefaultMaxBody + 1, 0, true},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%d_of_%d", tt.n, tt.max), func(t *testing.T) {
			t.Parallel()
			body, resp, err := Get(context.Background(), c, fmt.Sprintf("%s/bytes/%d", srv.URL, tt.n), tt.max)
			if tt.tooLong {
				if !errors.Is(err, ErrBodyTooLarge) {
					t.Fatalf("got %d bytes, err %v; want ErrBodyTooLarge", len(body), err)
				}
				if resp == nil || resp.StatusCode != http.StatusOK {
					t.Errorf("want the response returned with the error, got %v", resp)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if int64(len(body)) != tt.n {
				t.Fatalf("got %d bytes, want %d", len(body), tt.n)
			}
		})
	}
}

// TestClientMaxBody checks the client-wide cap applies to callers that read the
// body themselves.
func TestClientMaxBody(t *testing.T) {
	t.Parallel()
	srv := setup(t)
	c := New(Options{AllowPrivate: true, MaxBody: 100})
	for _, tt := range []struct {
		n       int
		tooLong bool
	}{{100, false}, {101, true}, {5000, true}} {
		resp, err := c.Get(fmt.Sprintf("%s/bytes/%d", srv.URL, tt.n))
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if got := errors.Is(err, ErrBodyTooLarge); got != tt.tooLong {
			t.Errorf("%d bytes: ErrBodyTooLarge = %v (err %v), want %v", tt.n, got, err, tt.tooLong)
		}
		if len(body) > 100 {
			t.Errorf("%d bytes: read %d bytes past the cap of 100", tt.n, len(body))
		}
	}
}
