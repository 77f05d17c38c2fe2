package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/baken-cert/baken/internal/auth"
	"github.com/baken-cert/baken/internal/store"
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

// TestGuessingFromOneAddressDoesNotLockTheOwnerOut: failures from an address hold that
// address back, with the account's growing hold, while the owner, from an address that
// has not been failing, still logs in with password and code.
func TestGuessingFromOneAddressDoesNotLockTheOwnerOut(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, s store.Store) {
		pb := portalSetup(t, s)
		secret := pb.setUp(t, newBrowser(t, pb.base), "admin@alpha.example")
		pb.fromAddresses(t)
		attacker, owner := newBrowser(t, pb.base), newBrowser(t, pb.base)
		attacker.from, owner.from = "203.0.113.66", "198.51.100.7"
		for i := range 8 {
			code, _, _ := attacker.do("POST", "/login", url.Values{"email": {"admin@alpha.example"}, "password": {"guess " + strconv.Itoa(i)}})
			if want := map[bool]int{true: 401, false: 429}[i < 5]; code != want {
				t.Fatalf("guess %d: %d, want %d", i+1, code, want)
			}
		}
		if code, page, _ := attacker.do("POST", "/login", url.Values{"email": {"admin@alpha.example"}, "password": {goodPassword}}); code != 429 || !strings.Contains(page, "Te veel pogingen") {
			t.Fatalf("the right password from the guessing address: %d", code)
		}
		pb.logIn(t, owner, "admin@alpha.example", secret)
		if code, _, _ := owner.do("GET", "/", nil); code != 200 {
			t.Fatalf("the owner is not signed in: %d", code)
		}
	})
}

// TestResetCodeIsThrottled: the second factor of a password reset gets as few guesses as
// the login's: after five wrong codes even the right one waits.
func TestResetCodeIsThrottled(t *testing.T) {
	mail := &sentMail{}
	pb := portalSetupWith(t, storetest.Open(t, "sqlite"), func(p *Portal) { p.UseMail(mail, "portal@cert.example", "https://baken.example") })
	secret := pb.setUp(t, newBrowser(t, pb.base), "admin@alpha.example")
	pb.fromAddresses(t)
	guesser := newBrowser(t, pb.base)
	guesser.from = "203.0.113.66"
	guesser.do("POST", "/reset", url.Values{"email": {"admin@alpha.example"}})
	m := regexp.MustCompile(`/reset/([A-Za-z0-9_-]+)`).FindStringSubmatch(mail.messages[0])
	const pw = "a completely new passphrase"
	for i := range 5 {
		if code, _, _ := guesser.do("POST", "/reset/"+m[1], url.Values{"password": {pw}, "password2": {pw}, "code": {fmt.Sprintf("%06d", i)}}); code != 422 {
			t.Fatalf("wrong code %d: %d", i+1, code)
		}
	}
	pb.now = pb.now.Add(31 * time.Second)
	totp, _ := auth.TOTPCode(secret, pb.now)
	if code, page, _ := guesser.do("POST", "/reset/"+m[1], url.Values{"password": {pw}, "password2": {pw}, "code": {totp}}); code != 429 || !strings.Contains(page, "Te veel pogingen") {
		t.Fatalf("after five wrong codes: %d\n%s", code, page)
	}
	log, _ := pb.s.AuditLog(context.Background(), 0, 20)
	if strings.Count(auditActions(log), "reset.failed") != 5 {
		t.Fatalf("audit: %s", auditActions(log))
	}
}
