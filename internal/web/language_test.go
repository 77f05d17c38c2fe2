package web

import (
	"context"
	"go/ast"
	"go/parser"
	"go/token"
	"html/template"
	"io"
	"io/fs"
	"log/slog"
	"maps"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/baken-cert/baken/internal/asset"
	"github.com/baken-cert/baken/internal/auth"
	"github.com/baken-cert/baken/internal/registry"
	"github.com/baken-cert/baken/internal/store"
	"github.com/baken-cert/baken/internal/store/storetest"
)

// templateKey finds what a template passes to t: {{t "…"}} or (t `…`).
var templateKey = regexp.MustCompile("\\bt (\"(?:[^\"\\\\]|\\\\.)*\"|`[^`]*`)")

// templateKeys returns the keys of the catalog that template file name uses.
func templateKeys(t *testing.T, name string) []string {
	src, err := os.ReadFile(filepath.Join("templates", name))
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, m := range templateKey.FindAllStringSubmatch(string(src), -1) {
		key, err := strconv.Unquote(m[1])
		if err != nil {
			t.Fatalf("%s: %s: %v", name, m[1], err)
		}
		keys = append(keys, key)
	}
	return keys
}

// codeKeys returns the literal keys the package's code translates: the texts passed
// to Portal.t (after the request) and to a printer's Sprintf.
func codeKeys(t *testing.T) map[string]string {
	fset := token.NewFileSet()
	files, _ := filepath.Glob("*.go")
	keys := map[string]string{} // key -> where
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			sel, ok := call.Fun.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			arg := -1
			switch {
			case sel.Sel.Name == "t" && len(call.Args) > 1:
				arg = 1
			case sel.Sel.Name == "Sprintf" && !isIdent(sel.X, "fmt"):
				arg = 0
			}
			if arg < 0 {
				return true
			}
			lit, ok := call.Args[arg].(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				return true
			}
			key, _ := strconv.Unquote(lit.Value)
			keys[key] = fset.Position(lit.Pos()).String()
			return true
		})
	}
	return keys
}

func isIdent(e ast.Expr, name string) bool {
	id, ok := e.(*ast.Ident)
	return ok && id.Name == name
}

// verbs are the formatting verbs of a text, in order.
var verbs = regexp.MustCompile(`%[-+# 0-9.]*[a-zA-Z%]`)

// TestEveryTextHasItsDutch: whatever the pages and the code translate has a Dutch
// translation, with the same formatting verbs in the same order.
func TestEveryTextHasItsDutch(t *testing.T) {
	keys := codeKeys(t)
	if len(keys) < 40 {
		t.Fatalf("found only %d keys in the code: is the scan broken?\n%v", len(keys), keys)
	}
	templates, _ := filepath.Glob("templates/*.html")
	for _, path := range templates {
		for _, k := range templateKeys(t, filepath.Base(path)) {
			keys[k] = path
		}
	}
	// Texts the code translates from tables and from other packages.
	for _, k := range slices.Concat(slices.Collect(maps.Values(stateLabels)), slices.Collect(maps.Values(challengeLabels)),
		slices.Collect(maps.Values(feedbackLabels)),
		slices.Collect(maps.Values(roleLabels)), slices.Collect(maps.Values(kindLabels)), slices.Collect(maps.Values(errorTitles)),
		slices.Collect(maps.Values(auditLabels))) {
		keys[k] = "a table of labels"
	}
	for _, c := range eventColumns {
		keys[c.Label] = "eventColumns"
	}
	for _, role := range []string{store.RoleAdmin, store.RoleOrgAdmin} {
		for _, l := range navFor(store.User{Role: role, OrgID: map[bool]int64{true: 1}[role == store.RoleOrgAdmin]}, "", "/").Links {
			keys[l.Label] = "navFor"
		}
	}
	for _, err := range []error{auth.ErrPasswordTooShort, auth.ErrPasswordTooLong, auth.ErrPasswordRepeated,
		auth.ErrPasswordContainsName, auth.ErrPasswordTooCommon, auth.ErrPasswordInvalidUTF8} {
		keys[err.Error()] = "auth.CheckPasswordPolicy"
	}
	for _, detail := range []string{registry.DetailVerified, registry.DetailLapsed, registry.DetailMissing} {
		keys[detail] = "registry.CheckDomain"
	}
	checkDutch(t, keys, dutch)
}

// checkDutch checks that texts (by where they are) have their Dutch in translations,
// with the same formatting verbs in the same order.
func checkDutch(t *testing.T, texts, translations map[string]string) {
	t.Helper()
	for en, where := range texts {
		nl, ok := translations[en]
		switch {
		case !ok:
			t.Errorf("%s: no Dutch for %q", where, en)
		case !slices.Equal(verbs.FindAllString(en, -1), verbs.FindAllString(nl, -1)):
			t.Errorf("%s: the Dutch of %q has other verbs: %q", where, en, nl)
		}
	}
}

// problemFormats returns the formats of the problems the other packages make: the
// string literals passed to problem.New, by where they are.
func problemFormats(t *testing.T) map[string]string {
	fset := token.NewFileSet()
	formats := map[string]string{} // format -> where
	err := filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		switch {
		case err != nil:
			return err
		case d.IsDir() && d.Name() == "testdata":
			return filepath.SkipDir
		case d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go"):
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			if sel, ok := call.Fun.(*ast.SelectorExpr); !ok || sel.Sel.Name != "New" || !isIdent(sel.X, "problem") {
				return true
			}
			lit, ok := call.Args[0].(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				t.Errorf("%s: problem.New without a literal format, whose Dutch cannot be checked", fset.Position(call.Pos()))
				return true
			}
			format, _ := strconv.Unquote(lit.Value)
			formats[format] = fset.Position(lit.Pos()).String()
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return formats
}

// TestEveryProblemHasItsDutch: every problem another package makes has its Dutch in
// dutchProblems, with the same formatting verbs in the same order, and dutchProblems
// holds nothing else.
func TestEveryProblemHasItsDutch(t *testing.T) {
	formats := problemFormats(t)
	if len(formats) < 60 {
		t.Fatalf("found only %d formats of problems: is the scan broken?\n%v", len(formats), formats)
	}
	checkDutch(t, formats, dutchProblems)
	for en := range dutchProblems {
		if formats[en] == "" {
			t.Errorf("dutchProblems: no package makes the problem %q any more", en)
		}
		if _, ok := dutch[en]; ok {
			t.Errorf("%q has its Dutch in both dutch and dutchProblems", en)
		}
	}
}

// hasText reports whether page holds text as words of their own: not "Upload" in
// "Uploaden".
func hasText(page, text string) bool {
	return regexp.MustCompile(`(^|\PL)` + regexp.QuoteMeta(template.HTMLEscapeString(text)) + `(\PL|$)`).MatchString(page)
}

// TestPagesSpeakOneLanguage: a page in Dutch holds its Dutch texts and none of their
// English, and in English the other way round.
func TestPagesSpeakOneLanguage(t *testing.T) {
	pb := portalSetup(t, storetest.Open(t, "sqlite"))
	b, csrf := signedIn(t, pb)
	// A domain and an address, so that the contacts page shows all it can.
	b.do("POST", "/assets", url.Values{"csrf": {csrf}, "value": {"alpha.example"}})
	b.do("POST", "/contacts", url.Values{"csrf": {csrf}, "email": {"soc@alpha.example"}, "language": {"nl"}})
	for _, lang := range []string{"nl", "en"} {
		if code, _, _ := b.do("POST", "/account/language", url.Values{"csrf": {csrf}, "language": {lang}, "next": {"/"}}); code != 303 {
			t.Fatalf("switching to %s: %d", lang, code)
		}
		anonymous := newBrowser(t, pb.base)
		anonymous.do("GET", "/login?lang="+lang, nil)
		pages := []struct {
			who            *browser
			path, template string
		}{{anonymous, "/login", "login.html"}, {b, "/assets", "assets.html"}, {b, "/contacts", "contacts.html"}}
		for _, pg := range pages {
			code, page, _ := pg.who.do("GET", pg.path, nil)
			if code != 200 || !strings.Contains(page, `<html lang="`+lang+`">`) {
				t.Fatalf("%s in %s: %d\n%.300s", pg.path, lang, code, page)
			}
			for _, en := range append(templateKeys(t, pg.template), templateKeys(t, "layout.html")...) {
				if strings.Contains(en, "%") || dutch[en] == en {
					continue
				}
				want, other := en, dutch[en]
				if lang == "nl" {
					want, other = other, want
				}
				// Some texts are there only sometimes: "Next" when there is a next page, the
				// question before the last address goes when it is asked; a page without a
				// session has no navigation.
				sometimes := en == "Next" || en == "Yes, remove it" || en == "No, keep it" ||
					(pg.who == anonymous && (en == "Menu" || en == "Log out"))
				if (!hasText(page, want) && !sometimes) || hasText(page, other) {
					t.Errorf("%s in %s: want %q and not %q", pg.path, lang, want, other)
				}
			}
		}
	}
}

// TestLanguageChoice: a request is answered in the signed-in user's language, else the
// one the switch chose (a cookie), else the browser's, else Dutch; a signed-in user's
// switch stores their choice, audited.
func TestLanguageChoice(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, s store.Store) {
		ctx := context.Background()
		pb := portalSetup(t, s)
		anonymous := []struct {
			name, acceptLanguage, cookie, query string
			want                                string
		}{
			{"nothing said", "", "", "", "nl"},
			{"a browser in English", "en-GB,en;q=0.9,nl;q=0.5", "", "", "en"},
			{"a browser in Dutch", "nl-BE", "", "", "nl"},
			{"a browser in neither", "de-DE,fr;q=0.8", "", "", "nl"},
			{"the cookie over the browser", "en", "nl", "", "nl"},
			{"an unknown cookie", "en", "xx", "", "en"},
			{"the switch over the cookie", "nl", "nl", "en", "en"},
		}
		for _, sc := range anonymous {
			req, _ := http.NewRequest("GET", pb.base+"/login?lang="+sc.query, nil)
			req.Header.Set("Accept-Language", sc.acceptLanguage)
			if sc.cookie != "" {
				req.AddCookie(&http.Cookie{Name: langCookie, Value: sc.cookie})
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if got := resp.Header.Get("Content-Language"); got != sc.want {
				t.Errorf("%s: %s, want %s", sc.name, got, sc.want)
			}
		}

		// The switch of a page without a session is remembered in the cookie.
		b := newBrowser(t, pb.base)
		b.acceptLanguage = "nl"
		if _, page, _ := b.do("GET", "/reset?lang=en", nil); !strings.Contains(page, "Send a link") {
			t.Fatalf("the reset page in English:\n%s", page)
		}
		if _, page, _ := b.do("GET", "/login", nil); !strings.Contains(page, `<html lang="en">`) || !strings.Contains(page, "Forgot your password?") {
			t.Fatalf("the login page after switching to English:\n%s", page)
		}

		// A new account keeps the language chosen with the switch at set-up (English),
		// over the one of the invitation (Dutch), from the first login on.
		secret := pb.setUp(t, b, "admin@alpha.example")
		pb.logIn(t, b, "admin@alpha.example", secret)
		_, page, _ := b.do("GET", "/", nil)
		if !strings.Contains(page, `<html lang="en">`) || !strings.Contains(page, "Log out") {
			t.Fatalf("home in the English chosen at set-up:\n%s", page)
		}
		if u, _ := s.UserByEmail(ctx, "admin@alpha.example"); u.Language != "en" {
			t.Fatalf("the language chosen at set-up is not the user's: %q", u.Language)
		}
		csrf := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindStringSubmatch(page)[1]
		b.do("POST", "/account/language", url.Values{"csrf": {csrf}, "language": {"nl"}, "next": {"/"}})

		// A signed-in user reads their own language, whatever the browser and the cookie say.
		b.acceptLanguage = "en"
		other := newBrowser(t, pb.base)
		other.do("GET", "/login?lang=en", nil)
		pb.logIn(t, other, "admin@alpha.example", secret)
		for _, who := range []*browser{b, other} {
			if _, page, _ = who.do("GET", "/", nil); !strings.Contains(page, `<html lang="nl">`) || !strings.Contains(page, "Uitloggen") {
				t.Fatalf("home in the user's Dutch:\n%s", page)
			}
		}
		b.acceptLanguage = "nl"
		if !strings.Contains(page, `action="/account/language"`) || !strings.Contains(page, `<button type="submit" name="language" value="en" lang="en">English</button>`) {
			t.Fatalf("no language switch on the home page:\n%s", page)
		}
		switches := []struct {
			name     string
			form     url.Values
			status   int
			location string
		}{
			{"without the CSRF token", url.Values{"language": {"en"}, "next": {"/assets"}}, 403, ""},
			{"an unknown language", url.Values{"csrf": {csrf}, "language": {"de"}, "next": {"/assets"}}, 400, ""},
			{"to another site", url.Values{"csrf": {csrf}, "language": {"en"}, "next": {"//evil.example/"}}, 303, "/"},
			{"back to the page", url.Values{"csrf": {csrf}, "language": {"en"}, "next": {"/assets?q=192"}}, 303, "/assets?q=192"},
		}
		for _, sc := range switches {
			if code, _, loc := b.do("POST", "/account/language", sc.form); code != sc.status || loc != sc.location {
				t.Errorf("switching %s: %d %q, want %d %q", sc.name, code, loc, sc.status, sc.location)
			}
		}
		if u, _ := s.UserByEmail(ctx, "admin@alpha.example"); u.Language != "en" {
			t.Fatalf("the stored language: %q", u.Language)
		}
		if log, _ := s.AuditLog(ctx, 0, 1); len(log) != 1 || log[0].Action != "user.language" || log[0].Detail != "en" {
			t.Fatalf("audit: %+v", log)
		}
		b.acceptLanguage = "nl"
		if _, page, _ := b.do("GET", "/assets", nil); !strings.Contains(page, `<html lang="en">`) || !strings.Contains(page, ">Remove<") {
			t.Fatalf("the assets page in the user's new English:\n%s", page)
		}
	})
}

// TestEveryPageRenders: every template executes in every language.
func TestEveryPageRenders(t *testing.T) {
	v := newViews(false, slog.New(slog.DiscardHandler))
	row := notificationRow{Ticket: "20261122-00000001", State: "sent"}
	pages := map[string]any{
		"login.html": loginPage{Error: "x"}, "code.html": loginPage{Error: "x", Passkeys: true}, "setup.html": setupPage{Secret: "X", Error: "x"},
		"passkeys.html":   passkeysPage{Available: true, Keys: []passkeyRow{{Name: "x"}, {Name: "y", LastUsed: "x"}}},
		"setup-done.html": setupPage{RecoveryCodes: []string{"x"}}, "reset.html": resetPage{Form: true, Error: "x"},
		"home.html": homePage{OrgName: "x", Actions: []string{"x"}, Notes: []notificationRow{row}}, "sessions.html": homePage{Sessions: []sessionRow{{Current: true}}},
		"assets.html": assetsPage{CanEdit: true, Next: "x", Flash: &flash{Message: "x", Lines: []string{"x"}, LinesID: "rejected"}, Assets: []store.Asset{{Kind: "ipv4-prefix"}}, Kinds: asset.AllKinds()},
		"contacts.html": contactsPage{CanEdit: true, Flash: &flash{Message: "x", Lines: []string{"x"}, Offers: []string{"x"}}, Contacts: []store.Contact{{BounceReason: "x"}},
			Domains: []string{"x"}, Confirm: &store.Contact{Email: "x"}},
		"domains.html":       domainsPage{CanEdit: true, Message: "x", Domains: []domainRow{{State: "verified", Detail: "x"}}},
		"notifications.html": notificationsPage{Rows: []notificationRow{row}, Next: "x"},
		"notification.html":  notificationPage{Note: row, Recorded: "Useful", Columns: eventColumns, Feedback: feedbackKinds(nil)},
		"review.html":        reviewPage{Held: []store.Notification{{}}},
		"review-one.html":    reviewPage{Events: []map[string]string{{}}},
		"audit.html":         reviewPage{Audit: []auditRow{{}}},
		"approvals.html":     approvalsPage{Rows: []approvalRow{{}}, Flash: &flash{Message: "x"}},
		"organisations.html": organisationsPage{Rows: []organisationRow{{}}, Unreachable: []organisationRow{{}}},
		"error.html":         errorView{Title: "x", Message: "x"},
		"orgs.html":          orgsPage{Orgs: []store.Organisation{{ID: 1}}},
		"users.html":         usersPage{Admin: true, Roles: []string{"x"}, Message: "x"},
		"verify.html":        verifyPage{Checked: true, Genuine: true},
		"feedback.html":      feedbackPage{Kinds: feedbackKinds(nil)},
		"tokens.html":        tokensPage{CanEdit: true, New: "x", Tokens: []tokenRow{{Expired: true}, {Allow: "x", LastUsed: "x"}}, Scopes: []string{"x"}, Lives: []int{1}, Flash: &flash{Message: "x"}},
	}
	files, _ := filepath.Glob("templates/*.html")
	for _, f := range files {
		if name := filepath.Base(f); pages[name] == nil && name != "layout.html" {
			t.Errorf("%s is not in the test", name)
		}
	}
	for _, l := range languages {
		for name, data := range pages {
			if err := v.pages[l.Code].ExecuteTemplate(io.Discard, name, data); err != nil {
				t.Errorf("%s in %s: %v", name, l.Code, err)
			}
		}
	}
}
