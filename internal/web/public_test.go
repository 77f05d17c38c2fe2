package web

import (
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
	verify := "/verify?" + url.Values{"ticket": {n.Ticket}, "code": {n.VerifyCode}}.Encode()
	_, page, _ := dutch.do("GET", verify, nil)
	link := regexp.MustCompile(`<a href="([^"]+)" hreflang="en"`).FindStringSubmatch(page)
	if !strings.Contains(page, "Ja, dit bericht is echt.") || strings.Contains(page, "genuine") || link == nil {
		t.Fatalf("verify in Dutch:\n%s", page)
	}
	_, page, _ = english.do("GET", strings.ReplaceAll(link[1], "&amp;", "&"), nil)
	if !strings.Contains(page, `<html lang="en">`) || !strings.Contains(page, "Yes, this notification is genuine.") || strings.Contains(page, "echt") {
		t.Fatalf("verify in English, through the switch:\n%s", page)
	}
	scenarios := []struct {
		name          string
		who           *browser
		method, path  string
		form          url.Values
		want, notWant string
	}{
		{"a wrong code in English", english, "GET", "/verify?ticket=" + n.Ticket + "&code=WRONG", nil, "do not belong to a notification from Digital Trust Center", "Yes, this notification is genuine"},
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
