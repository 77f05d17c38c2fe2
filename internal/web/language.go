package web

import (
	"context"
	"fmt"
	"html/template"
	"log/slog"
	"net/http"
	"net/url"
	"strings"

	"golang.org/x/text/language"
	"golang.org/x/text/message"
	"golang.org/x/text/message/catalog"

	"github.com/baken-cert/baken/internal/asset"
	"github.com/baken-cert/baken/internal/store"
)

// The pages speak Dutch and English, one at a time. A request is answered in the
// signed-in user's language; without a session in the one the language switch asked
// for (?lang=, then remembered in the cookie baken_lang), else the one of that cookie,
// else the best match of the browser's Accept-Language, else Dutch. Texts are keyed by
// their English; dutch holds the translations.

// languageName is a language the pages speak, by its code and its own name.
type languageName struct{ Code, Name string }

// languages are the languages of the pages, in the order of the switch; the first is
// the default.
var languages = []languageName{{"nl", "Nederlands"}, {"en", "English"}}

const langCookie = "baken_lang"

// userLanguage is the context key of a signed-in user's language.
type userLanguage struct{}

// views renders the pages and translates messages, in the language of each request.
type views struct {
	pages    map[string]*template.Template // by language code
	printers map[string]*message.Printer
	matcher  language.Matcher
	secure   bool // cookies only over HTTPS
	log      *slog.Logger
}

func newViews(secure bool, log *slog.Logger) *views {
	cat := catalog.NewBuilder(catalog.Fallback(language.English))
	for _, texts := range []map[string]string{dutch, dutchProblems} {
		for en, nl := range texts {
			if err := cat.SetString(language.Dutch, en, nl); err != nil {
				panic(fmt.Sprintf("the Dutch of %q: %v", en, err))
			}
		}
	}
	// The templates are parsed once; each language gets a copy whose functions speak it.
	base := template.Must(template.New("").Funcs(pageFuncs("", nil)).ParseFS(templates, "templates/*.html"))
	v := &views{pages: map[string]*template.Template{}, printers: map[string]*message.Printer{}, secure: secure, log: log}
	var tags []language.Tag
	for _, l := range languages {
		tag := language.MustParse(l.Code)
		tags = append(tags, tag)
		v.printers[l.Code] = message.NewPrinter(tag, message.Catalog(cat))
		v.pages[l.Code] = template.Must(base.Clone()).Funcs(pageFuncs(l.Code, v.printers[l.Code]))
	}
	v.matcher = language.NewMatcher(tags)
	return v
}

// pageFuncs are the templates' functions in one language: t translates a text (a
// format, as for fmt), lang is the language's code.
func pageFuncs(code string, p *message.Printer) template.FuncMap {
	return template.FuncMap{
		"t": func(key string, args ...any) string { return p.Sprintf(key, args...) },
		// verification says a state in words; proof says how one asset is proven.
		"verification": func(v asset.Verification) string { return translateProblem(p, asset.Proof{State: v}.Describe()) },
		"proof":        func(a store.Asset) string { return translateProblem(p, a.Proof().Describe()) },
		"role": func(role string) string {
			if label, ok := roleLabels[role]; ok {
				return p.Sprintf(label)
			}
			return readable(role)
		},
		"kind": func(k any) string {
			if label, ok := kindLabels[asset.Kind(fmt.Sprint(k))]; ok {
				return p.Sprintf(label)
			}
			return readable(fmt.Sprint(k))
		},
		"report":    func(identifier string) string { return reportLabel(code, identifier) },
		"nav":       navFor,
		"lang":      func() string { return code },
		"languages": func() []languageName { return languages },
		"here":      func(path, csrf string) languageSwitch { return languageSwitch{Here: path, CSRF: csrf} },
		"join":      strings.Join,
	}
}

// languageSwitch is what the language switch of a page needs: the page's address
// (empty: its own path) and, on a signed-in page, the CSRF token of the switch's form.
type languageSwitch struct{ Here, CSRF string }

// Link is the page's address in language code, for a page without a session.
func (s languageSwitch) Link(code string) string {
	u, err := url.Parse(s.Here)
	if err != nil {
		u = &url.URL{}
	}
	q := u.Query()
	q.Set("lang", code)
	u.RawQuery = q.Encode()
	return u.String()
}

func (v *views) speaks(code string) bool { return v.printers[code] != nil }

// lang returns the code of the request's language.
func (v *views) lang(r *http.Request) string {
	if code, ok := r.Context().Value(userLanguage{}).(string); ok {
		return code
	}
	if code := r.URL.Query().Get("lang"); v.speaks(code) {
		return code
	}
	if c, err := r.Cookie(langCookie); err == nil && v.speaks(c.Value) {
		return c.Value
	}
	tags, _, _ := language.ParseAcceptLanguage(r.Header.Get("Accept-Language"))
	_, i, _ := v.matcher.Match(tags...)
	return languages[i].Code
}

// withUserLanguage makes r speak a signed-in user's language, when the pages speak it.
func (v *views) withUserLanguage(r *http.Request, u store.User) *http.Request {
	if !v.speaks(u.Language) {
		return r
	}
	return r.WithContext(context.WithValue(r.Context(), userLanguage{}, u.Language))
}

// printer formats and translates messages into language code, or the default one.
func (v *views) printer(code string) *message.Printer {
	if p := v.printers[code]; p != nil {
		return p
	}
	return v.printers[languages[0].Code]
}

// t translates a message into the request's language: key is its English text, a
// format as for fmt.
func (v *views) t(r *http.Request, key string, args ...any) string {
	return v.printer(v.lang(r)).Sprintf(key, args...)
}

// rememberLanguage keeps the choice of language for the pages without a session.
func (v *views) rememberLanguage(w http.ResponseWriter, code string) {
	http.SetCookie(w, &http.Cookie{Name: langCookie, Value: code, Path: "/", HttpOnly: true, Secure: v.secure,
		SameSite: http.SameSiteLaxMode, MaxAge: 365 * 24 * 60 * 60})
}

// render writes a page in the request's language; a language asked for with ?lang=
// (the switch of a page without a session) is remembered.
func (v *views) render(w http.ResponseWriter, r *http.Request, status int, name string, data any) {
	code := v.lang(r)
	if r.URL.Query().Get("lang") == code {
		v.rememberLanguage(w, code)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Language", code)
	setSecurityHeaders(w.Header())
	w.WriteHeader(status)
	if err := v.pages[code].ExecuteTemplate(w, name, data); err != nil {
		v.log.Error("rendering a page", "page", name, "err", err)
	}
}

// setLanguage stores the language a signed-in user chose with the switch, audited, and
// sends them back to the page they were on.
func (p *Portal) setLanguage(w http.ResponseWriter, r *http.Request, req request) {
	code := r.FormValue("language")
	if !p.speaks(code) {
		p.errorPage(w, r, http.StatusBadRequest, p.t(r, "Unknown language."))
		return
	}
	u := req.session.User
	err := p.store.SetUserLanguage(r.Context(), u.ID, code, store.AuditEntry{At: p.now(), ActorID: u.ID, OrgID: req.ownOrgID,
		Action: "user.language", Detail: code})
	if err != nil {
		p.fail(w, r, err)
		return
	}
	p.rememberLanguage(w, code)
	http.Redirect(w, r, localPath(r.FormValue("next")), http.StatusSeeOther)
}

// localPath returns next when it is a path on this site, else "/": the switch sends
// nobody elsewhere.
func localPath(next string) string {
	if strings.HasPrefix(next, "/") && !strings.HasPrefix(next, "//") && !strings.ContainsAny(next, "\\\r\n") {
		return next
	}
	return "/"
}
