package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/baken-cert/baken/internal/account"
	"github.com/baken-cert/baken/internal/store"
)

// API tokens let an organisation's machines (a TAXII client, a script) read what the
// portal shows. Its administrators create and revoke them here, one at a time; a new
// token is shown once, on the page that answers its form, and never again (Baken keeps
// only its hash).

func (p *Portal) tokenRoutes(mux *routeTable) {
	mux.Handle("GET /tokens", p.orgOnly(p.tokens))
	mux.Handle("POST /tokens", p.orgOnly(p.createToken))
	mux.Handle("POST /tokens/revoke", p.orgOnly(p.revokeToken))
}

// tokenLives are the lifetimes a form offers, in days; the first is the default.
var tokenLives = []int{90, 30, 365, 730}

type tokensPage struct {
	CSRF, OrgName string
	User          store.User
	CanEdit       bool
	Tokens        []tokenRow
	Scopes        []string
	Lives         []int
	Flash         *flash
	New           string // the token just created, shown this once
	NewName       string
}

type tokenRow struct {
	ID                         int64
	Name, Scopes, Allow        string
	Expires, LastUsed, Created string
	Expired                    bool
}

func (p *Portal) tokens(w http.ResponseWriter, r *http.Request, req request) {
	p.renderTokens(w, r, req, tokensPage{Flash: p.takeFlash(w, r, req)})
}

// renderTokens shows the organisation's tokens, with page's flash or new token.
func (p *Portal) renderTokens(w http.ResponseWriter, r *http.Request, req request, page tokensPage) {
	ctx := r.Context()
	u := req.session.User
	org, err := p.store.OrganisationByID(ctx, u.OrgID)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	list, err := p.accounts.Tokens(ctx, account.PrincipalOf(u), u.OrgID)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	page.CSRF, page.User, page.OrgName, page.CanEdit = req.csrf, u, org.Name, u.Role == store.RoleOrgAdmin
	page.Scopes, page.Lives = account.Scopes, tokenLives
	const day = "2006-01-02"
	for _, t := range list {
		row := tokenRow{ID: t.ID, Name: t.Name, Scopes: strings.Join(t.Scopes, " "), Allow: strings.Join(t.Allow, " "),
			Expires: t.ExpiresAt.Format(day), Created: t.CreatedAt.Format(day), Expired: !p.now().Before(t.ExpiresAt)}
		if !t.LastUsedAt.IsZero() {
			row.LastUsed = t.LastUsedAt.Format("2006-01-02 15:04")
		}
		page.Tokens = append(page.Tokens, row)
	}
	p.render(w, r, http.StatusOK, "tokens.html", page)
}

// createToken creates a token and shows it once: the answer of this POST is the
// page itself (a secret must not travel in a cookie, nor show again on reload). A
// form that cannot be a token goes back to the page saying why.
func (p *Portal) createToken(w http.ResponseWriter, r *http.Request, req request) {
	u := req.session.User
	days, err := strconv.Atoi(r.FormValue("days"))
	if err != nil || days <= 0 {
		days = tokenLives[0]
	}
	spec := account.TokenSpec{Name: r.FormValue("name"), Scopes: r.Form["scope"], ExpiresAt: p.now().Add(time.Duration(days) * 24 * time.Hour),
		Allow: strings.FieldsFunc(r.FormValue("allow"), func(c rune) bool { return c == ',' || c == ' ' || c == '\n' || c == '\r' || c == '\t' })}
	plain, t, err := p.accounts.CreateToken(r.Context(), account.PrincipalOf(u), u.OrgID, spec)
	if msg := p.tokenProblem(r, err); msg != "" {
		p.redirectWith(w, r, req, "/tokens", flash{Message: msg, Failed: true})
		return
	}
	if err != nil {
		p.changed(w, r, req, err, "/tokens", flash{})
		return
	}
	p.renderTokens(w, r, req, tokensPage{New: plain, NewName: t.Name})
}

// tokenProblem says in the reader's language what is wrong with a token's form; ""
// for anything else.
func (p *Portal) tokenProblem(r *http.Request, err error) string {
	switch {
	case errors.Is(err, account.ErrTokenName):
		return p.t(r, "Give the token a name of at most 80 characters.")
	case errors.Is(err, account.ErrTokenScopes):
		return p.t(r, "Choose what the token may do.")
	case errors.Is(err, account.ErrTokenExpiry):
		return p.t(r, "A token lasts at most two years.")
	case errors.Is(err, account.ErrTokenAllow):
		return p.t(r, "Addresses: give IP addresses or prefixes, such as 192.0.2.0/24.")
	case errors.Is(err, store.ErrConflict):
		return p.t(r, "Your organisation has a token of this name already.")
	}
	return ""
}

// revokeToken revokes one of the organisation's tokens; another's is not found.
func (p *Portal) revokeToken(w http.ResponseWriter, r *http.Request, req request) {
	u := req.session.User
	id, err := strconv.ParseInt(r.FormValue("id"), 10, 64)
	if err != nil {
		p.notFound(w, r)
		return
	}
	t, err := p.accounts.RevokeToken(r.Context(), account.PrincipalOf(u), u.OrgID, id)
	p.changed(w, r, req, err, "/tokens", flash{Message: p.t(r, "The token %s no longer works.", t.Name)})
}
