package web

import (
	"net/http"
	"time"

	"github.com/baken-cert/baken/internal/store"
)

// A link into the portal (from a notification e-mail, a colleague) survives the login:
// the page asked for without a session is remembered in a short cookie, and the login
// ends there instead of on the overview. Only a local path is remembered or followed.

const (
	nextCookie = "baken_next"
	nextLife   = 15 * time.Minute
)

// rememberDeepLink keeps the page a GET without a session asked for.
func (p *Portal) rememberDeepLink(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet {
		return
	}
	next := localPath(r.URL.RequestURI())
	if next == "/" {
		return
	}
	http.SetCookie(w, &http.Cookie{Name: nextCookie, Value: next, Path: "/", HttpOnly: true, Secure: p.secure,
		SameSite: http.SameSiteLaxMode, MaxAge: int(nextLife.Seconds())})
}

// afterLogin returns where a completed login goes: the remembered page, once, or the
// overview.
func (p *Portal) afterLogin(w http.ResponseWriter, r *http.Request) string {
	c, err := r.Cookie(nextCookie)
	if err != nil {
		return "/"
	}
	http.SetCookie(w, &http.Cookie{Name: nextCookie, Path: "/", HttpOnly: true, Secure: p.secure, SameSite: http.SameSiteLaxMode, MaxAge: -1})
	return localPath(c.Value)
}

// keepLoginLanguage gives a user who has no language of their own the one their login
// was in (the switch's choice, else the browser's).
func (p *Portal) keepLoginLanguage(r *http.Request, u store.User) {
	if !p.speaks(u.Language) {
		p.storeLanguage(r, u, p.lang(r))
	}
}

func (p *Portal) storeLanguage(r *http.Request, u store.User, code string) {
	err := p.store.SetUserLanguage(r.Context(), u.ID, code, store.AuditEntry{At: p.now(), ActorID: u.ID, OrgID: u.OrgID,
		Action: "user.language", Detail: code})
	if err != nil {
		p.log.Error("keeping the language of a new account", "err", err)
	}
}
