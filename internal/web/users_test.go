package web

import (
	"context"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/baken-cert/baken/internal/store"
	"github.com/baken-cert/baken/internal/store/storetest"
)

// sentMail records what the portal sends.
type sentMail struct {
	mu       sync.Mutex
	all      []string // recipients
	messages []string
}

func (m *sentMail) Send(_ context.Context, _ string, to []string, mime []byte) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.all = append(m.all, to...)
	m.messages = append(m.messages, string(mime))
	return nil
}

func TestInvitations(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, s store.Store) {
		ctx := context.Background()
		mail := &sentMail{}
		pb := portalSetupWith(t, s, func(p *Portal) { p.UseMail(mail, "portal@cert.example", "https://baken.example") })
		b, _ := signedIn(t, pb) // Alpha's org-admin
		_, page, _ := b.do("GET", "/users", nil)
		csrf := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindStringSubmatch(page)[1]
		scenarios := []struct {
			name   string
			form   url.Values
			status int
			want   string
		}{
			{"a member of the own organisation", url.Values{"email": {"new@alpha.example"}, "role": {"org-member"}}, 303, "Uitnodiging verstuurd"},
			{"the same address again: the way on is a new invitation", url.Values{"email": {"new@alpha.example"}, "role": {"org-member"}}, 303, "stuur een nieuwe uitnodiging"},
			{"someone who set up", url.Values{"email": {"admin@alpha.example"}, "role": {"org-member"}}, 303, "heeft al een account"},
			{"an analyst", url.Values{"email": {"x@alpha.example"}, "role": {"analyst"}}, 303, "niet toekennen"},
			{"an administrator", url.Values{"email": {"y@alpha.example"}, "role": {"admin"}}, 303, "niet toekennen"},
			{"not an address", url.Values{"email": {"nope"}, "role": {"org-member"}}, 303, "geen e-mailadres"},
			{"into another organisation (ignored: always the own)", url.Values{"email": {"z@alpha.example"}, "role": {"org-admin"}, "org": {"b"}, "language": {"en"}}, 303, "Uitnodiging verstuurd"},
			{"without CSRF token", url.Values{"email": {"w@alpha.example"}, "role": {"org-member"}, "csrf": {""}}, 403, ""},
		}
		for _, sc := range scenarios {
			if _, ok := sc.form["csrf"]; !ok {
				sc.form.Set("csrf", csrf)
			}
			code, page, _ := b.send("POST", "/users/invite", sc.form)
			if code != sc.status || !strings.Contains(page, sc.want) {
				t.Errorf("%s: %d, want %d with %q\n%.300s", sc.name, code, sc.status, sc.want, page)
			}
		}
		alpha, _ := s.Organisation(ctx, "a")
		for _, addr := range []string{"new@alpha.example", "z@alpha.example"} {
			u, err := s.UserByEmail(ctx, addr)
			if err != nil || u.OrgID != alpha.ID {
				t.Fatalf("%s: %+v %v (must be in Alpha)", addr, u, err)
			}
		}
		if len(mail.all) != 2 {
			t.Fatalf("invitations sent to %v", mail.all)
		}
		// Each invitation is in the language chosen for its recipient.
		if !strings.Contains(mail.messages[0], "U bent uitgenodigd") || !strings.Contains(mail.messages[1], "You have been invited") || strings.Contains(mail.messages[1], "U bent") {
			t.Fatalf("the invitations' languages:\n%s\n%s", mail.messages[0], mail.messages[1])
		}
	})
}

func TestInvitationsNeedAMailServer(t *testing.T) {
	pb := portalSetup(t, storetest.Open(t, "sqlite"))
	b, _ := signedIn(t, pb)
	_, page, _ := b.do("GET", "/users", nil)
	csrf := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindStringSubmatch(page)[1]
	if code, page, _ := b.send("POST", "/users/invite", url.Values{"csrf": {csrf}, "email": {"n@alpha.example"}, "role": {"org-member"}}); code != 303 || !strings.Contains(page, "BAKEN_SMTP_URL") {
		t.Fatalf("without a mail server: %d %s", code, page)
	}
}
