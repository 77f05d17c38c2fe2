package web

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/baken-cert/baken/internal/auth"
	"github.com/baken-cert/baken/internal/notify"
	"github.com/baken-cert/baken/internal/store"
	"github.com/baken-cert/baken/internal/store/storetest"
)

// TestErrorPagesLookLikeThePortal: every refusal, the mux's own 404 and 405 included,
// is a page in the portal's layout and the reader's language, never plain text.
func TestErrorPagesLookLikeThePortal(t *testing.T) {
	pb := portalSetup(t, storetest.Open(t, "sqlite"))
	b, csrf := signedIn(t, pb) // Alpha's org-admin, in Dutch
	anonymous := newBrowser(t, pb.base)
	anonymous.acceptLanguage = "en"
	scenarios := []struct {
		name         string
		who          *browser
		method, path string
		form         url.Values
		status       int
		want         []string
	}{
		{"an unknown path", anonymous, "GET", "/no/such/page", nil, 404, []string{`<html lang="en">`, "Page not found", "Back to the overview"}},
		{"an unknown path, signed in", b, "GET", "/no/such/page", nil, 404, []string{`<html lang="nl">`, "Pagina niet gevonden", `class="main"`}},
		{"a wrong method", anonymous, "DELETE", "/login", nil, 405, []string{"Not possible this way"}},
		{"a wrong method, signed in", b, "PUT", "/assets", nil, 405, []string{"Zo kan het niet"}},
		{"a forged form", b, "POST", "/assets", url.Values{"csrf": {"forged"}, "value": {"x.alpha.example"}}, 403, []string{"Niet toegestaan", "verlopen", `class="main"`}},
		{"an analysts' page", b, "GET", "/review", nil, 403, []string{"Niet toegestaan", "analisten"}},
		{"another organisation's notification", b, "GET", "/notifications/20261122-00000042", nil, 404, []string{"Pagina niet gevonden"}},
		{"an unknown kind of feedback", b, "POST", "/notifications/x/feedback", url.Values{"csrf": {csrf}, "kind": {"x"}}, 404, []string{"Pagina niet gevonden"}},
	}
	for _, sc := range scenarios {
		var body strings.Reader
		if sc.form != nil {
			body = *strings.NewReader(sc.form.Encode())
		}
		req, _ := http.NewRequest(sc.method, pb.base+sc.path, &body)
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if sc.who.acceptLanguage != "" {
			req.Header.Set("Accept-Language", sc.who.acceptLanguage)
		}
		resp, err := sc.who.c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var sb strings.Builder
		buf := make([]byte, 32<<10)
		for {
			n, err := resp.Body.Read(buf)
			sb.Write(buf[:n])
			if err != nil {
				break
			}
		}
		resp.Body.Close()
		page := sb.String()
		if resp.StatusCode != sc.status || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") || !strings.Contains(page, "<header>") {
			t.Errorf("%s: %d %s, want %d in the layout\n%.300s", sc.name, resp.StatusCode, resp.Header.Get("Content-Type"), sc.status, page)
			continue
		}
		for _, w := range sc.want {
			if !strings.Contains(page, w) {
				t.Errorf("%s: no %q\n%s", sc.name, w, page)
			}
		}
		if strings.Contains(page, `aria-current="page"`) {
			t.Errorf("%s: the error page marks a link of the navigation as the current page", sc.name)
		}
		if sc.status == 405 && resp.Header.Get("Allow") == "" {
			t.Errorf("%s: no Allow header", sc.name)
		}
	}
}

// TestFormsRedirectAndFlashOnce: a form answers with a redirect, whose page shows what
// it did once; reloading that page sends nothing again, and a flash cookie that the
// session did not sign is ignored.
func TestFormsRedirectAndFlashOnce(t *testing.T) {
	s := storetest.Open(t, "sqlite")
	pb := portalSetup(t, s)
	b, csrf := signedIn(t, pb)
	code, _, loc := b.do("POST", "/assets", url.Values{"csrf": {csrf}, "value": {"flash.alpha.example"}})
	if code != 303 || loc != "/assets" {
		t.Fatalf("adding: %d %s", code, loc)
	}
	if _, page, _ := b.do("GET", "/assets", nil); !strings.Contains(page, `id="flash"`) || !strings.Contains(page, "1 toegevoegd") {
		t.Fatalf("the page after the form lacks its outcome:\n%s", page)
	}
	if _, page, _ := b.do("GET", "/assets", nil); strings.Contains(page, `id="flash"`) {
		t.Fatalf("the outcome is shown twice:\n%s", page)
	}
	// A flash made up by someone else (no signature of this session) shows nothing.
	u, _ := url.Parse(pb.base)
	b.c.Jar.SetCookies(u, []*http.Cookie{{Name: flashCookie, Value: "eyJtIjoiUGF5IG5vdyJ9.forged", Path: "/"}})
	if _, page, _ := b.do("GET", "/assets", nil); strings.Contains(page, "Pay now") {
		t.Fatalf("a forged flash was shown:\n%s", page)
	}
	// The rejected rows of an upload come through the redirect with their lines.
	if code, page := upload(t, b, csrf, "a.csv", "asset\n10.0.0.1/8\n"); code != 303 || !regexp.MustCompile(`<ul id="rejected"><li>regel 2: `).MatchString(page) {
		t.Fatalf("upload: %d\n%s", code, page)
	}
}

// TestDeepLinkSurvivesTheLogin: a page asked for without a session is where the login
// ends; a remembered address elsewhere is not followed.
func TestDeepLinkSurvivesTheLogin(t *testing.T) {
	pb := portalSetup(t, storetest.Open(t, "sqlite"))
	b := newBrowser(t, pb.base)
	secret := pb.setUp(t, newBrowser(t, pb.base), "admin@alpha.example") // that browser is signed in now
	if code, _, loc := b.do("GET", "/notifications/20261122-00000042?x=1", nil); code != 303 || loc != "/login" {
		t.Fatalf("without a session: %d %s", code, loc)
	}
	pb.now = pb.now.Add(31 * time.Second)
	b.do("POST", "/login", url.Values{"email": {"admin@alpha.example"}, "password": {goodPassword}})
	code, _, loc := b.do("POST", "/login/code", url.Values{"code": {totpAt(t, secret, pb.now)}})
	if code != 303 || loc != "/notifications/20261122-00000042?x=1" {
		t.Fatalf("after the login: %d %s, want the deep link", code, loc)
	}
	// Once only: the next login goes to the overview.
	b.do("POST", "/logout", url.Values{"csrf": {csrfOfPage(t, b, "/")}})
	pb.logIn(t, b, "admin@alpha.example", secret) // fails unless it lands on /

	// A cookie naming another site is not followed.
	for _, evil := range []string{"//evil.example/", "https://evil.example/"} {
		b.do("POST", "/logout", url.Values{"csrf": {csrfOfPage(t, b, "/")}})
		u, _ := url.Parse(pb.base)
		b.c.Jar.SetCookies(u, []*http.Cookie{{Name: nextCookie, Value: evil, Path: "/"}})
		pb.logIn(t, b, "admin@alpha.example", secret)
	}
}

// TestOneNavigationPerRole: every signed-in page of a role has the same navigation, and
// shows roles and kinds in words.
func TestOneNavigationPerRole(t *testing.T) {
	pb := portalSetup(t, storetest.Open(t, "sqlite"))
	org, _ := signedIn(t, pb)
	analyst := newBrowser(t, pb.base)
	pb.logIn(t, analyst, "analyst@cert.example", pb.setUp(t, analyst, "analyst@cert.example"))
	navOf := regexp.MustCompile(`(?s)<nav class="main".*?</nav>`)
	current := regexp.MustCompile(` aria-current="page"`)
	for _, role := range []struct {
		who   *browser
		pages []string
		want  []string
		not   string
	}{
		{org, []string{"/", "/assets", "/domains", "/contacts", "/notifications", "/users", "/account/sessions", "/account/passkeys", "/orgs"},
			[]string{`href="/assets"`, `href="/contacts"`, `href="/users"`, "(Beheerder van de organisatie)"}, `href="/review"`},
		{analyst, []string{"/", "/review", "/approvals", "/organisations", "/audit", "/account/sessions", "/account/passkeys"},
			[]string{`href="/review"`, `href="/audit"`, "(Analist)"}, `href="/assets"`},
	} {
		var first string
		for _, path := range role.pages {
			code, page, _ := role.who.do("GET", path, nil)
			nav := navOf.FindString(page)
			if code != 200 || nav == "" {
				t.Fatalf("%s: %d, no navigation\n%s", path, code, page)
			}
			plain := current.ReplaceAllString(nav, "")
			if first == "" {
				first = plain
			} else if plain != first {
				t.Errorf("%s: another navigation:\n%s\nwant\n%s", path, plain, first)
			}
			for _, w := range role.want {
				if !strings.Contains(page, w) {
					t.Errorf("%s: no %q", path, w)
				}
			}
			if strings.Contains(nav, role.not) || strings.Contains(page, "(org-admin)") || strings.Contains(page, "(analyst)") {
				t.Errorf("%s: a link of another role or a role's code:\n%s", path, nav)
			}
		}
	}
	if _, page, _ := org.do("GET", "/assets", nil); !strings.Contains(page, "<td>IPv4-reeks</td>") || strings.Contains(page, "<td>ipv4-prefix</td>") {
		t.Fatalf("the kind of an asset in words:\n%s", page)
	}
}

// TestOrganisationsNoNotificationReaches: analysts see which organisations have no
// working address: none at all, or only refused ones.
func TestOrganisationsNoNotificationReaches(t *testing.T) {
	s := storetest.Open(t, "sqlite")
	ctx := context.Background()
	n := notify.New(s, slog.New(slog.DiscardHandler), notify.MailComposer{From: "n@cert.example", SenderName: "DTC", PublicURL: "https://baken.example"})
	pb := portalSetupWith(t, s, func(p *Portal) { p.UseNotify(n) })
	// Bravo's one address is refused by its mail server; Charlie's works; Alpha has none.
	held, _ := s.NotificationBy(ctx, heldFor(t, s, n, "b"), "")
	if err := n.Approve(ctx, held.ID, ""); err != nil {
		t.Fatal(err)
	}
	out, _ := s.ClaimOutbox(ctx, time.Now().Add(time.Hour), 10, time.Minute)
	if len(out) != 1 {
		t.Fatalf("outbox: %+v", out)
	}
	if err := s.RecordDelivery(ctx, store.DeliveryResult{ID: out[0].ID, Outcome: store.DeliveryFailed, At: time.Now(), Detail: "550 no such user"}); err != nil {
		t.Fatal(err)
	}
	im, _ := s.BeginRegistryImport(ctx)
	if _, err := im.Commit(ctx, store.ImportCommit{Organisations: []store.OrgInput{{Ref: "c", Name: "Charlie"}},
		Contacts: []store.ContactInput{{OrgRef: "c", Email: "soc@charlie.example", Role: "security", Language: "nl"}}, Now: time.Now()}); err != nil {
		t.Fatal(err)
	}
	analyst := newBrowser(t, pb.base)
	pb.logIn(t, analyst, "analyst@cert.example", pb.setUp(t, analyst, "analyst@cert.example"))
	_, page, _ := analyst.do("GET", "/organisations", nil)
	list := regexp.MustCompile(`(?s)<section id="unreachable".*?</section>`).FindString(page)
	if !strings.Contains(list, "Alpha B.V.") || !strings.Contains(list, "geen adres") || !strings.Contains(list, "Bravo N.V.") ||
		!strings.Contains(list, "soc@b.example") || strings.Contains(list, "Charlie") {
		t.Fatalf("organisations no notification reaches:\n%s", page)
	}
}

// TestTheAuditLogInWords: the audit log names people, organisations and assets, not ids.
func TestTheAuditLogInWords(t *testing.T) {
	s := storetest.Open(t, "sqlite")
	ctx := context.Background()
	pb := portalSetup(t, s)
	b, csrf := signedIn(t, pb)
	alpha, _ := s.Organisation(ctx, "a")
	assets, _ := s.Assets(ctx, store.AssetFilter{OrgID: alpha.ID})
	if code, page, _ := b.send("POST", "/assets/remove", url.Values{"csrf": {csrf}, "id": {itoa(assets[0].ID)}}); code != 303 || !strings.Contains(page, "192.0.2.0/24 verwijderd.") {
		t.Fatalf("removing: %d\n%s", code, page)
	}
	analyst := newBrowser(t, pb.base)
	analyst.acceptLanguage = "en"
	pb.logIn(t, analyst, "analyst@cert.example", pb.setUp(t, analyst, "analyst@cert.example"))
	_, page, _ := analyst.do("GET", "/audit", nil)
	row := regexp.MustCompile(`<tr><td>[^<]*</td><td>admin@alpha\.example</td><td>Alpha B\.V\.</td><td>systeem 192\.0\.2\.0/24 verwijderd</td></tr>`)
	if !row.MatchString(page) {
		t.Fatalf("the removal in words:\n%s", page)
	}
}

func totpAt(t *testing.T, secret string, at time.Time) string {
	t.Helper()
	code, err := auth.TOTPCode(secret, at)
	if err != nil {
		t.Fatal(err)
	}
	return code
}

func csrfOfPage(t *testing.T, b *browser, path string) string {
	t.Helper()
	_, page, _ := b.do("GET", path, nil)
	return csrfIn(t, page)
}

// TestFailureIsAnErrorPage: a failure of the server is the portal's page with status
// 500 in the reader's language, and says nothing of the error itself.
func TestFailureIsAnErrorPage(t *testing.T) {
	v := newViews(false, slog.New(slog.DiscardHandler))
	for lang, want := range map[string]string{"nl": "Er ging iets mis", "en": "Something went wrong"} {
		rec := httptest.NewRecorder()
		r := httptest.NewRequest("GET", "/assets", nil)
		r.Header.Set("Accept-Language", lang)
		v.fail(rec, r, errors.New("database on fire"))
		page := rec.Body.String()
		if rec.Code != 500 || !strings.Contains(page, "<header>") || !strings.Contains(page, want) || strings.Contains(page, "on fire") {
			t.Errorf("%s: %d\n%s", lang, rec.Code, page)
		}
	}
}

// TestReportsInWords: a report identifier reads as the title of its advice, in the
// reader's language, or as words when there is none.
func TestReportsInWords(t *testing.T) {
	for _, c := range []struct{ lang, id, want string }{
		{"nl", "open-smb", "SMB open vanaf internet"}, {"en", "open-smb", "SMB"},
		{"en", "some_new-report", "Some new report"},
	} {
		if got := reportLabel(c.lang, c.id); !strings.Contains(got, c.want) || strings.Contains(got, "-") {
			t.Errorf("%s in %s: %q, want %q", c.id, c.lang, got, c.want)
		}
	}
}
