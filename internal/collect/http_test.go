package collect

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/baken-cert/baken/internal/job"
	"github.com/baken-cert/baken/internal/store"
)

// listServer serves one CSV list with an ETag, to requests with the right token only,
// and counts full and conditional answers.
type listServer struct {
	mu        sync.Mutex
	body      string
	etag      string
	full, not int
}

func (l *listServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if r.Header.Get("Authorization") != "Bearer s3cret" || r.Header.Get("X-Client") != "baken" {
		http.Error(w, "who are you?", http.StatusUnauthorized)
		return
	}
	if r.Header.Get("If-None-Match") == l.etag {
		l.not++
		w.WriteHeader(http.StatusNotModified)
		return
	}
	l.full++
	w.Header().Set("ETag", l.etag)
	w.Header().Set("Content-Disposition", `attachment; filename="../list.csv"`)
	fmt.Fprint(w, l.body)
}

func (l *listServer) set(body, etag string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.body, l.etag = body, etag
}

// TestHTTPCollector: the list is downloaded once per period with its token, kept and
// ingested by a job; an unchanged list is not downloaded again (304), new content is,
// and the same content under a new ETag is not ingested twice.
func TestHTTPCollector(t *testing.T) {
	for _, engine := range []string{"sqlite", "postgres"} {
		t.Run(engine, func(t *testing.T) {
			b := setup(t, engine)
			list := &listServer{}
			list.set("ip\n192.0.2.1\n192.0.2.2\nnot-an-ip\n", `"v1"`)
			srv := httptest.NewServer(list)
			defer srv.Close()
			token := filepath.Join(t.TempDir(), "token")
			writeFile(t, token, "s3cret\n")
			f := b.feed("blocklist", "csv", csvOptions, Config{Every: Duration(time.Hour),
				HTTP: &HTTPConfig{URL: srv.URL + "/feeds/list?x=1", Token: Secret("file:" + token), Headers: map[string]string{"X-Client": "baken"}}})

			b.tick()
			files := b.files(f)
			if len(files) != 1 || files[0].State != store.FileIngested || files[0].Name != "list.csv" || files[0].Source != srv.URL+"/feeds/list?x=1" {
				t.Fatalf("after the first run: %+v", files)
			}
			if n := b.events(); n != 2 {
				t.Errorf("%d events, want 2", n)
			}
			// The same period again: no second run.
			b.tick()
			if list.full+list.not != 1 {
				t.Errorf("%d requests in one period, want 1", list.full+list.not)
			}
			b.advance(time.Hour)
			b.tick()
			if list.not != 1 || len(b.files(f)) != 1 {
				t.Errorf("unchanged list: %d conditional answers, %d files", list.not, len(b.files(f)))
			}
			list.set("ip\n192.0.2.1\n192.0.2.2\nnot-an-ip\n", `"v2"`) // same content, new ETag
			b.advance(time.Hour)
			b.tick()
			if len(b.files(f)) != 1 {
				t.Errorf("the same content was kept twice: %+v", b.files(f))
			}
			list.set("ip\n192.0.2.3\n", `"v3"`)
			b.advance(time.Hour)
			b.tick()
			if files := b.files(f); len(files) != 2 || files[0].State != store.FileIngested {
				t.Errorf("new content: %+v", files)
			}
			if n := b.events(); n != 3 {
				t.Errorf("%d events, want 3", n)
			}
			st := b.state(f)
			if st.LastError != "" || st.LastSuccessAt.IsZero() || !strings.Contains(string(st.Cursor), "v3") {
				t.Errorf("state %+v", st)
			}
			if strings.Contains(string(f.Collect), "s3cret") {
				t.Error("the token is stored with the feed")
			}
		})
	}
}

// TestHTTPCollectorRefusesLoopback: without AllowPrivate the collector cannot be
// pointed at the CERT's own network, and says so in the feed's state.
func TestHTTPCollectorRefusesLoopback(t *testing.T) {
	b := setup(t, "sqlite")
	b.svc.opts.AllowPrivate = false
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "ip\n192.0.2.1\n") }))
	defer srv.Close()
	f := b.feed("inside", "csv", csvOptions, Config{Every: Duration(time.Hour), HTTP: &HTTPConfig{URL: srv.URL + "/x.csv"}})
	b.tick()
	if st := b.state(f); !strings.Contains(st.LastError, "refusing to connect") || len(b.files(f)) != 0 {
		t.Errorf("state %+v, files %v", st, b.files(f))
	}
}

// TestOneRunPerPeriodAcrossProcesses: several processes sharing the database schedule
// and run jobs at once; the list is fetched once per period.
func TestOneRunPerPeriodAcrossProcesses(t *testing.T) {
	for _, engine := range []string{"sqlite", "postgres"} {
		t.Run(engine, func(t *testing.T) {
			b := setup(t, engine)
			var mu sync.Mutex
			requests := 0
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				mu.Lock()
				requests++
				mu.Unlock()
				fmt.Fprint(w, "ip\n192.0.2.1\n")
			}))
			defer srv.Close()
			f := b.feed("list", "csv", csvOptions, Config{Every: Duration(time.Hour), HTTP: &HTTPConfig{URL: srv.URL + "/l.csv"}})
			others := make([]*bundle, 3)
			for i := range others {
				o := &bundle{t: t, store: b.store, clock: b.clock}
				o.svc = New(b.store, b.svc.ingest, b.svc.log, b.svc.opts)
				o.svc.now = b.now
				o.jobs = job.New(b.store, b.svc.log, nil, job.Options{})
				o.svc.Register(o.jobs)
				others[i] = o
			}
			var wg sync.WaitGroup
			for _, o := range append(others, b) {
				wg.Go(o.tick)
			}
			wg.Wait()
			if requests != 1 || len(b.files(f)) != 1 {
				t.Errorf("%d requests, %d files in one period by four processes", requests, len(b.files(f)))
			}
		})
	}
}

// TestFailedRunOvertaken: a run that fails is retried within its period; once the next
// period has begun, the old retry is dropped and the new period's run does the work.
func TestFailedRunOvertaken(t *testing.T) {
	b := setup(t, "sqlite")
	var mu sync.Mutex
	requests, up := 0, false
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		requests++
		if !up {
			http.Error(w, "down", http.StatusServiceUnavailable)
			return
		}
		fmt.Fprint(w, "ip\n192.0.2.1\n")
	}))
	defer srv.Close()
	f := b.feed("list", "csv", csvOptions, Config{Every: Duration(time.Hour), HTTP: &HTTPConfig{URL: srv.URL + "/l.csv"}})
	b.tick()
	if st := b.state(f); !strings.Contains(st.LastError, "503") {
		t.Fatalf("state %+v", st)
	}
	ctx := context.Background()
	jobs, _ := b.store.Jobs(ctx, store.JobFilter{Kind: KindRun, State: store.JobRetryable})
	if len(jobs) != 1 {
		t.Fatalf("%d run jobs to retry, want 1", len(jobs))
	}
	mu.Lock()
	up = true
	mu.Unlock()
	b.advance(time.Hour)
	// The old period's retry, run now, does nothing; the new period's run collects.
	if err := b.svc.RunJob(ctx, jobs[0]); err != nil {
		t.Fatal(err)
	}
	if requests != 1 {
		t.Errorf("the overtaken retry fetched the list: %d requests", requests)
	}
	b.tick()
	if n := len(b.files(f)); n != 1 || requests != 2 {
		t.Errorf("%d files, %d requests", n, requests)
	}
}
