package web

import (
	"context"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/baken-cert/baken/internal/auth"
	"github.com/baken-cert/baken/internal/store"
	"github.com/baken-cert/baken/internal/store/storetest"
)

// addUser adds a user with a set-up link that expires at expires.
func (pb *portalBundle) addUser(t *testing.T, email, role, orgRef string, expires time.Time) store.User {
	t.Helper()
	ctx := context.Background()
	in := store.UserInput{Email: email, Role: role, Language: "nl", Now: time.Now()}
	if orgRef != "" {
		org, _ := pb.s.Organisation(ctx, orgRef)
		in.OrgID = org.ID
	}
	plain, hash := auth.NewToken()
	u, err := pb.s.CreateUser(ctx, in, store.TokenInput{Hash: hash, Purpose: "setup", ExpiresAt: expires}, store.AuditEntry{Action: "user.create"})
	if err != nil {
		t.Fatal(err)
	}
	pb.tokens[email] = plain
	return u
}

// TestUserManagement: Alpha's administrator lists, changes, disables, unlocks and
// re-invites Alpha's users, and cannot see or touch Bravo's or the staff.
func TestUserManagement(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, s store.Store) {
		ctx := context.Background()
		mail := &sentMail{}
		pb := portalSetupWith(t, s, func(p *Portal) { p.UseMail(mail, "portal@cert.example", "https://baken.example") })
		member := pb.addUser(t, "member@alpha.example", store.RoleOrgMember, "a", time.Now().Add(-time.Hour)) // invitation expired
		bravo := pb.addUser(t, "boss@bravo.example", store.RoleOrgAdmin, "b", time.Now().Add(time.Hour))
		analyst, _ := s.UserByEmail(ctx, "analyst@cert.example")
		b, csrf := signedIn(t, pb) // Alpha's org-admin
		me, _ := s.UserByEmail(ctx, "admin@alpha.example")
		s.LoginFailed(ctx, member.ID, 1, pb.now.Add(time.Hour))
		id := func(u store.User) string { return fmt.Sprint(u.ID) }
		scenarios := []struct {
			name, path string
			form       url.Values
			status     int
			want       string
			mustNot    []string
		}{
			{"the list", "/users", nil, 200, "uitnodiging verlopen", []string{"boss@bravo.example", "analyst@cert.example", "Bravo"}},
			{"a filter for another organisation is ignored", "/users?org=b", nil, 200, "member@alpha.example", []string{"boss@bravo.example"}},
			{"re-invite the expired member", "/users/reinvite", url.Values{"id": {id(member)}}, 200, "Uitnodiging verstuurd naar member@alpha.example", nil},
			{"re-invite Bravo's user", "/users/reinvite", url.Values{"id": {id(bravo)}}, 404, "", []string{"boss@bravo.example"}},
			{"make the member an org-admin", "/users/role", url.Values{"id": {id(member)}, "role": {"org-admin"}}, 200, "member@alpha.example is nu org-admin", nil},
			{"make the member an analyst", "/users/role", url.Values{"id": {id(member)}, "role": {"analyst"}}, 403, "niet toekennen", nil},
			{"make the member an administrator", "/users/role", url.Values{"id": {id(member)}, "role": {"admin"}}, 403, "niet toekennen", nil},
			{"change Bravo's user", "/users/role", url.Values{"id": {id(bravo)}, "role": {"org-member"}}, 404, "", []string{"boss@bravo.example"}},
			{"change the analyst", "/users/role", url.Values{"id": {id(analyst)}, "role": {"org-member"}}, 404, "", []string{"analyst@cert.example"}},
			{"unlock the member", "/users/unlock", url.Values{"id": {id(member)}}, 200, "is ontgrendeld", nil},
			{"disable the member", "/users/disable", url.Values{"id": {id(member)}}, 200, "is uitgeschakeld", nil},
			{"disable Bravo's user", "/users/disable", url.Values{"id": {id(bravo)}}, 404, "", []string{"boss@bravo.example"}},
			{"disable themselves", "/users/disable", url.Values{"id": {id(me)}}, 409, "uzelf niet", nil},
			{"enable the member", "/users/enable", url.Values{"id": {id(member)}}, 200, "kan weer inloggen", nil},
			{"unlock Bravo's user", "/users/unlock", url.Values{"id": {id(bravo)}}, 404, "", nil},
			{"remove Bravo's user", "/users/remove", url.Values{"id": {id(bravo)}}, 404, "", nil},
			{"remove a user who does not exist", "/users/remove", url.Values{"id": {"999999"}}, 404, "", nil},
			{"remove the member", "/users/remove", url.Values{"id": {id(member)}}, 200, "is verwijderd", nil},
		}
		for _, sc := range scenarios {
			method := "GET"
			if sc.form != nil {
				method = "POST"
				sc.form.Set("csrf", csrf)
			}
			code, page, _ := b.do(method, sc.path, sc.form)
			if code != sc.status || !strings.Contains(page, sc.want) {
				t.Errorf("%s: %d, want %d with %q\n%.300s", sc.name, code, sc.status, sc.want, page)
			}
			for _, not := range sc.mustNot {
				if strings.Contains(page, not) {
					t.Errorf("%s: shows %q", sc.name, not)
				}
			}
		}
		if u, err := s.User(ctx, bravo.ID); err != nil || u.Role != store.RoleOrgAdmin || u.Disabled() {
			t.Fatalf("Bravo's user was changed: %+v %v", u, err)
		}
		if _, err := s.User(ctx, member.ID); err == nil {
			t.Fatal("the member was not removed")
		}
		if len(mail.all) != 1 || mail.all[0] != "member@alpha.example" || !strings.Contains(mail.messages[0], "/setup/") {
			t.Fatalf("the new invitation: %v", mail.all)
		}
		log, _ := s.AuditLog(ctx, 0, 100)
		got := map[string]bool{}
		for _, e := range log {
			if e.ActorID == me.ID {
				got[e.Action] = true
			}
		}
		for _, want := range []string{"user.reinvite", "user.role", "user.unlock", "user.disable", "user.enable", "user.remove"} {
			if !got[want] {
				t.Errorf("not audited: %s", want)
			}
		}

		// An analyst manages nobody.
		ab := newBrowser(t, pb.base)
		pb.logIn(t, ab, "analyst@cert.example", pb.setUp(t, ab, "analyst@cert.example"))
		if code, page, _ := ab.do("GET", "/users", nil); code != 403 || strings.Contains(page, "admin@alpha.example") {
			t.Fatalf("an analyst's /users: %d", code)
		}
	})
}

// TestLastAdministrator: the only administrator cannot demote or remove themselves,
// and sees every organisation's users, or one organisation's.
func TestLastAdministrator(t *testing.T) {
	pb := portalSetup(t, storetest.Open(t, "sqlite"))
	admin := pb.addUser(t, "root@cert.example", store.RoleAdmin, "", time.Now().Add(time.Hour))
	b := newBrowser(t, pb.base)
	pb.logIn(t, b, "root@cert.example", pb.setUp(t, b, "root@cert.example"))
	_, page, _ := b.do("GET", "/users", nil)
	csrf := csrfIn(t, page)
	if !strings.Contains(page, "admin@alpha.example") || !strings.Contains(page, "analyst@cert.example") {
		t.Fatalf("an administrator's list:\n%s", page)
	}
	if _, page, _ := b.do("GET", "/users?org=b", nil); strings.Contains(page, "admin@alpha.example") {
		t.Fatalf("the filter for Bravo shows Alpha's user")
	}
	if code, page, _ := b.do("POST", "/users/role", url.Values{"csrf": {csrf}, "id": {fmt.Sprint(admin.ID)}, "role": {"analyst"}}); code != 409 || !strings.Contains(page, "ingeschakelde beheerder") {
		t.Fatalf("demoting the last administrator: %d\n%.300s", code, page)
	}
	if code, _, _ := b.do("POST", "/users/remove", url.Values{"csrf": {csrf}, "id": {fmt.Sprint(admin.ID)}}); code != 409 {
		t.Fatalf("removing themselves: %d", code)
	}
	if u, _ := pb.s.User(context.Background(), admin.ID); u.Role != store.RoleAdmin {
		t.Fatalf("the last administrator: %+v", u)
	}

	// A disabled user's session ends, and their password opens nothing, as if unknown.
	ab := newBrowser(t, pb.base)
	secret := pb.setUp(t, ab, "analyst@cert.example")
	pb.logIn(t, ab, "analyst@cert.example", secret)
	analyst, _ := pb.s.UserByEmail(context.Background(), "analyst@cert.example")
	if code, page, _ := b.do("POST", "/users/disable", url.Values{"csrf": {csrf}, "id": {fmt.Sprint(analyst.ID)}}); code != 200 || !strings.Contains(page, "uitgeschakeld") {
		t.Fatalf("disabling the analyst: %d", code)
	}
	if code, _, loc := ab.do("GET", "/", nil); code != 303 || loc != "/login" {
		t.Fatalf("the disabled analyst's session: %d %s", code, loc)
	}
	if code, page, _ := ab.do("POST", "/login", url.Values{"email": {"analyst@cert.example"}, "password": {goodPassword}}); code != 401 || !strings.Contains(page, "wachtwoord klopt niet") {
		t.Fatalf("the disabled analyst's login: %d", code)
	}
}

// csrfOfPage is the CSRF token of a page's forms.
func csrfIn(t *testing.T, page string) string {
	t.Helper()
	m := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no CSRF token:\n%s", page)
	}
	return m[1]
}
