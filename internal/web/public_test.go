package web

import (
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/baken-cert/baken/internal/store/storetest"
)

// TestPublicPagesInBothLanguages: the verify and feedback pages answer in Dutch by
// default; their switch keeps what the page shows (the ticket and code, the kind of
// feedback) and remembers English for what follows.
func TestPublicPagesInBothLanguages(t *testing.T) {
	s := storetest.Open(t, "sqlite")
	nb := notificationSetup(t, s)
	mux := http.NewServeMux()
	NewPublic(s, "Digital Trust Center", slog.New(slog.DiscardHandler)).Routes(mux)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	n := nb.alpha

	dutch, english := newBrowser(t, srv.URL), newBrowser(t, srv.URL)
	_, page, _ := dutch.do("POST", "/verify", url.Values{"ticket": {n.Ticket}, "code": {n.VerifyCode}})
	link := regexp.MustCompile(`<a href="([^"]+)" hreflang="en"`).FindStringSubmatch(page)
	if !strings.Contains(page, "Ja, dit bericht is echt.") || strings.Contains(page, "genuine") || link == nil {
		t.Fatalf("verify in Dutch:\n%s", page)
	}
	_, page, _ = english.do("GET", strings.ReplaceAll(link[1], "&amp;", "&"), nil)
	if !strings.Contains(page, `<html lang="en">`) || !strings.Contains(page, `value="`+n.Ticket+`"`) || strings.Contains(page, "echt") {
		t.Fatalf("the verify form in English, through the switch:\n%s", page)
	}
	scenarios := []struct {
		name          string
		who           *browser
		method, path  string
		form          url.Values
		want, notWant string
	}{
		{"the right code in English", english, "POST", "/verify", url.Values{"ticket": {n.Ticket}, "code": {n.VerifyCode}}, "Yes, this notification is genuine.", "echt"},
		{"a wrong code in English", english, "POST", "/verify", url.Values{"ticket": {n.Ticket}, "code": {"WRONG"}}, "do not belong to a notification from Digital Trust Center", "Yes, this notification is genuine"},
		{"feedback form in English", english, "GET", "/feedback/" + n.FeedbackToken + "?kind=useful", nil, "Confirm: Useful", "Bevestig"},
		{"feedback in English", english, "POST", "/feedback/" + n.FeedbackToken, url.Values{"kind": {"useful"}}, "Thank you, your feedback (Useful) has been recorded.", "vastgelegd"},
		{"feedback form in Dutch", dutch, "GET", "/feedback/" + n.FeedbackToken + "?kind=false-positive", nil, "Bevestig: Vals positief", "Confirm"},
		{"feedback in Dutch", dutch, "POST", "/feedback/" + n.FeedbackToken, url.Values{"kind": {"false-positive"}}, "Dank u wel, uw feedback (Vals positief) is vastgelegd.", "recorded"},
		{"an unknown kind in English", english, "POST", "/feedback/" + n.FeedbackToken, url.Values{"kind": {"spam"}}, "Unknown kind of feedback.", ""},
		{"thanks for feedback nobody gave", english, "GET", "/feedback/" + n.FeedbackToken + "?recorded=not-useful", nil, "Useful", "has been recorded"},
	}
	for _, sc := range scenarios {
		_, page, _ := sc.who.send(sc.method, sc.path, sc.form)
		if !strings.Contains(page, sc.want) || (sc.notWant != "" && strings.Contains(page, sc.notWant)) {
			t.Errorf("%s: want %q, not %q\n%s", sc.name, sc.want, sc.notWant, page)
		}
	}
}

// TestVerifyLinkOpensANeutralForm: the link of an e-mail (the ticket, no code) opens a
// form that asks for the code and warns of nothing; only a wrong code gets the warning,
// and guessing codes of one ticket is throttled while the right code from an address that
// has not been guessing still gets its answer.
func TestVerifyLinkOpensANeutralForm(t *testing.T) {
	s := storetest.Open(t, "sqlite")
	nb := notificationSetup(t, s)
	mux := http.NewServeMux()
	NewPublic(s, "Digital Trust Center", slog.New(slog.DiscardHandler)).Routes(mux)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.RemoteAddr = r.Header.Get(testAddrHeader) + ":4242"
		mux.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	n := nb.alpha
	guesser, reader := newBrowser(t, srv.URL), newBrowser(t, srv.URL)
	guesser.from, reader.from = "203.0.113.66", "198.51.100.7"

	code, page, _ := reader.do("GET", "/verify?ticket="+n.Ticket, nil)
	if code != 200 || !strings.Contains(page, `value="`+n.Ticket+`"`) || !strings.Contains(page, "Typ de controlecode") ||
		strings.Contains(page, `class="bad"`) || strings.Contains(page, "vertrouw het bericht") {
		t.Fatalf("the link of an e-mail: %d\n%s", code, page)
	}
	for i := range 7 {
		code, page, _ := guesser.do("POST", "/verify", url.Values{"ticket": {n.Ticket}, "code": {fmt.Sprintf("GUESS%d", i)}})
		switch {
		case i < 5 && (code != 200 || !strings.Contains(page, "vertrouw het bericht dan niet")):
			t.Fatalf("wrong code %d: %d\n%s", i+1, code, page)
		case i >= 5 && (code != 429 || !strings.Contains(page, "Te veel pogingen")):
			t.Fatalf("guess %d after five wrong codes: %d\n%s", i+1, code, page)
		}
	}
	if code, page, _ := guesser.do("POST", "/verify", url.Values{"ticket": {n.Ticket}, "code": {n.VerifyCode}}); code != 429 || strings.Contains(page, "Ja, dit bericht is echt") {
		t.Fatalf("the right code from the guessing address: %d", code)
	}
	if code, page, _ := reader.do("POST", "/verify", url.Values{"ticket": {n.Ticket}, "code": {n.VerifyCode}}); code != 200 || !strings.Contains(page, "Ja, dit bericht is echt.") {
		t.Fatalf("the right code from the reader: %d\n%s", code, page)
	}
}
