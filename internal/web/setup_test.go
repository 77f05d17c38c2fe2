package web

import (
	"context"
	"html"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/baken-cert/baken/internal/auth"
	"github.com/baken-cert/baken/internal/store"
	"github.com/baken-cert/baken/internal/store/storetest"
	"github.com/baken-cert/baken/internal/web/qrtest"
)

// decodeQR reads the text of the QR code of a data: URI of a PNG.
func decodeQR(t *testing.T, dataURI string) string {
	t.Helper()
	text, err := qrtest.Decode(dataURI)
	if err != nil {
		t.Fatal(err)
	}
	return text
}

// TestSetupEnrolment: the set-up page offers one secret until the set-up completes, as
// a QR code, an otpauth: link and text in groups of four; finishing signs the user in,
// in the language chosen on the page, and offers the recovery codes as a file.
func TestSetupEnrolment(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, s store.Store) {
		pb := portalSetup(t, s)
		b := newBrowser(t, pb.base)
		link := "/setup/" + pb.tokens["admin@alpha.example"]
		code, page, _ := b.do("GET", link+"?lang=en", nil)
		secret := secretOf(page)
		if code != 200 || len(secret) < 16 || !regexp.MustCompile(`<code id="secret"[^>]*>[A-Z2-7]{4}( [A-Z2-7]{1,4})+</code>`).MatchString(page) {
			t.Fatalf("set-up page: %d\n%s", code, page)
		}
		if _, again, _ := b.do("GET", link, nil); secretOf(again) != secret {
			t.Fatalf("a second load offers another secret: %s, then %s", secret, secretOf(again))
		}
		href := regexp.MustCompile(`<a id="otpauth" href="([^"]+)"`).FindStringSubmatch(page)
		if href == nil || strings.Contains(page, "ZgotmplZ") {
			t.Fatalf("no working otpauth link:\n%s", page)
		}
		uri := html.UnescapeString(href[1])
		if !strings.HasPrefix(uri, "otpauth://totp/") || !strings.Contains(uri, "secret="+secret) {
			t.Fatalf("the otpauth link: %s", uri)
		}
		qr := regexp.MustCompile(`<img id="qr" class="qr" src="(data:image/png;base64,[^"]+)"`).FindStringSubmatch(page)
		if qr == nil {
			t.Fatalf("no QR code:\n%s", page)
		}
		if got := decodeQR(t, html.UnescapeString(qr[1])); got != uri {
			t.Fatalf("the QR code says %q, want %q", got, uri)
		}
		// A forged secret in the form changes nothing: the link's is the one.
		other, _ := auth.NewTOTPSecret()
		wrong, _ := auth.TOTPCode(other, pb.now)
		if code, _, _ := b.do("POST", link, url.Values{"password": {goodPassword}, "password2": {goodPassword}, "secret": {other}, "code": {wrong}}); code != 422 {
			t.Fatalf("a code of another secret: %d", code)
		}
		totp, _ := auth.TOTPCode(secret, pb.now)
		code, page, _ = b.do("POST", link, url.Values{"password": {goodPassword}, "password2": {goodPassword}, "code": {totp}})
		if code != 200 || !strings.Contains(page, `id="recovery-codes"`) || !strings.Contains(page, "Continue to the portal") {
			t.Fatalf("set-up: %d\n%s", code, page)
		}
		dl := regexp.MustCompile(`<a id="download-codes" href="data:text/plain;charset=utf-8,([^"]+)" download="baken-recovery-codes.txt"`).FindStringSubmatch(page)
		first := regexp.MustCompile(`<li><code>([^<]+)</code>`).FindStringSubmatch(page)
		if dl == nil || first == nil {
			t.Fatalf("no download of the recovery codes:\n%s", page)
		}
		if text, _ := url.PathUnescape(html.UnescapeString(dl[1])); !strings.HasPrefix(text, first[1]+"\r\n") || strings.Count(text, "\r\n") != 10 {
			t.Fatalf("the file of recovery codes: %q", text)
		}
		if !strings.Contains(page, `data-copy="recovery-codes"`) || !strings.Contains(page, `<script src="/static/copy.js">`) {
			t.Fatalf("no copy button:\n%s", page)
		}
		if code, js, _ := b.do("GET", "/static/copy.js", nil); code != 200 || !strings.Contains(js, "navigator.clipboard") {
			t.Fatalf("the copy script: %d", code)
		}
		// Signed in, in English, and the code of the set-up cannot log in again.
		if code, page, _ := b.do("GET", "/", nil); code != 200 || !strings.Contains(page, "Alpha B.V.") || !strings.Contains(page, `<html lang="en">`) {
			t.Fatalf("after the set-up: %d\n%.400s", code, page)
		}
		u, _ := s.UserByEmail(context.Background(), "admin@alpha.example")
		if u.Language != "en" || u.TOTPSecret != secret || u.TOTPLastStep == 0 {
			t.Fatalf("the account: language %q, secret kept %v, step %d", u.Language, u.TOTPSecret == secret, u.TOTPLastStep)
		}
	})
}
