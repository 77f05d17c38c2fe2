package web

import (
	"context"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/baken-cert/baken/internal/auth"
	"github.com/baken-cert/baken/internal/store"
	"github.com/baken-cert/baken/internal/store/storetest"
)

func TestPasswordReset(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, s store.Store) {
		mail := &sentMail{}
		pb := portalSetupWith(t, s, func(p *Portal) { p.UseMail(mail, "portal@cert.example", "https://baken.example") })
		b := newBrowser(t, pb.base)
		secret := pb.setUp(t, b, "admin@alpha.example")
		pb.logIn(t, b, "admin@alpha.example", secret)

		anon := newBrowser(t, pb.base)
		_, known, _ := anon.do("POST", "/reset", url.Values{"email": {"Admin@Alpha.example"}})
		_, unknown, _ := anon.do("POST", "/reset", url.Values{"email": {"nobody@alpha.example"}})
		if !strings.Contains(known, "onderweg") || known != unknown {
			t.Fatalf("the answer must not tell whether the account exists")
		}
		if len(mail.messages) != 1 {
			t.Fatalf("%d reset e-mails, want 1", len(mail.messages))
		}
		m := regexp.MustCompile(`https://baken\.example/reset/([A-Za-z0-9_-]+)`).FindStringSubmatch(mail.messages[0])
		if m == nil || !strings.Contains(mail.messages[0], "Open deze link") { // in the user's Dutch
			t.Fatalf("no link in:\n%s", mail.messages[0])
		}
		path := "/reset/" + m[1]
		const newPassword = "a completely new passphrase"
		if code, _, _ := anon.do("POST", path, url.Values{"password": {newPassword}, "password2": {newPassword}, "code": {"000000"}}); code != 422 {
			t.Fatalf("a wrong second factor: %d", code)
		}
		pb.now = pb.now.Add(31 * time.Second)
		totp, _ := auth.TOTPCode(secret, pb.now)
		if code, page, _ := anon.do("POST", path, url.Values{"password": {newPassword}, "password2": {newPassword}, "code": {totp}}); code != 200 || !strings.Contains(page, "wachtwoord is ingesteld") {
			t.Fatalf("reset: %d\n%s", code, page)
		}
		if code, _, _ := anon.do("GET", path, nil); code != 404 {
			t.Fatalf("a used reset link: %d", code)
		}
		if code, _, loc := b.do("GET", "/", nil); code != 303 || loc != "/login" {
			t.Fatalf("the sessions from before the reset must end: %d %s", code, loc)
		}
		if code, _, loc := anon.do("POST", "/login", url.Values{"email": {"admin@alpha.example"}, "password": {newPassword}}); code != 303 || loc != "/login/code" {
			t.Fatalf("login with the new password: %d %s", code, loc)
		}
		log, _ := s.AuditLog(context.Background(), 0, 20)
		if !strings.Contains(auditActions(log), "user.reset-password") {
			t.Fatalf("audit: %s", auditActions(log))
		}
	})
}

func auditActions(log []store.AuditEntry) string {
	var out []string
	for _, a := range log {
		out = append(out, a.Action)
	}
	return strings.Join(out, " ")
}
