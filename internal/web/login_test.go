package web

import (
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/baken-cert/baken/internal/auth"
	"github.com/baken-cert/baken/internal/store/storetest"
)

// TestPasswordChecksAreBounded: with room for one password check at a time, a burst of
// logins gets some answered and the rest refused with 503 and a Retry-After, instead of
// computing them all at once (64 MiB each).
func TestPasswordChecksAreBounded(t *testing.T) {
	pb := portalSetupWith(t, storetest.Open(t, "sqlite"), func(p *Portal) { p.hashes = auth.NewHashLimiter(1, time.Millisecond) })
	var mu sync.Mutex
	statuses := map[int]int{}
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			form := url.Values{"email": {"nobody" + string(rune('a'+i)) + "@example.org"}, "password": {"wrong"}}
			resp, err := http.PostForm(pb.base+"/login", form)
			if err != nil {
				t.Error(err)
				return
			}
			resp.Body.Close()
			if resp.StatusCode == 503 && resp.Header.Get("Retry-After") == "" {
				t.Error("503 without a Retry-After")
			}
			mu.Lock()
			statuses[resp.StatusCode]++
			mu.Unlock()
		})
	}
	wg.Wait()
	if statuses[503] == 0 || statuses[401] == 0 || statuses[401]+statuses[503] != 8 {
		t.Fatalf("answers of a burst of 8 logins with one slot: %v", statuses)
	}
	_, page, _ := newBrowser(t, pb.base).do("POST", "/login", url.Values{"email": {"x@example.org"}, "password": {"wrong"}})
	if strings.Contains(page, "druk") {
		t.Fatalf("once the burst is over, a login is checked again:\n%s", page)
	}
}
