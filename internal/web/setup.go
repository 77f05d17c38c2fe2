package web

import (
	"errors"
	"net/http"
	"time"

	"github.com/baken-cert/baken/internal/asset"
	"github.com/baken-cert/baken/internal/auth"
	"github.com/baken-cert/baken/internal/store"
)

type setupPage struct {
	Email, Secret, URI, Error string
	RecoveryCodes             []string
}

// setupForm shows the form of a one-time set-up link: a password, and a new TOTP secret
// to add to an authenticator app.
func (p *Portal) setupForm(w http.ResponseWriter, r *http.Request) {
	u, ok := p.setupUser(w, r)
	if !ok {
		return
	}
	secret, err := auth.NewTOTPSecret()
	if err != nil {
		p.fail(w, r, err)
		return
	}
	p.render(w, r, http.StatusOK, "setup.html", setupPage{Email: u.Email, Secret: secret, URI: auth.TOTPURI(secret, p.issuer, u.Email)})
}

// setupUser finds the user of the link's token, or answers that the link is not valid.
func (p *Portal) setupUser(w http.ResponseWriter, r *http.Request) (store.User, bool) {
	u, err := p.store.TokenUser(r.Context(), auth.HashToken(r.PathValue("token")), "setup", p.now())
	if errors.Is(err, store.ErrNotFound) {
		p.render(w, r, http.StatusNotFound, "setup.html", setupPage{Error: p.t(r, "This link is not valid: it was used already or it has expired. Ask for a new one.")})
		return u, false
	}
	if err != nil {
		p.fail(w, r, err)
		return u, false
	}
	return u, true
}

// setup sets the password and the second factor, proven by a first code from the app,
// and shows the recovery codes once.
func (p *Portal) setup(w http.ResponseWriter, r *http.Request) {
	u, ok := p.setupUser(w, r)
	if !ok {
		return
	}
	secret, pw := r.FormValue("secret"), r.FormValue("password")
	page := setupPage{Email: u.Email, Secret: secret, URI: auth.TOTPURI(secret, p.issuer, u.Email)}
	page.Error = p.passwordProblem(r, pw, u.Email)
	if _, match := auth.CheckTOTP(secret, r.FormValue("code"), p.now(), 0); page.Error == "" && !match {
		page.Error = p.t(r, "The code from your authenticator app is not right: check that its clock is correct and try the next code.")
	}
	if page.Error != "" {
		p.render(w, r, http.StatusUnprocessableEntity, "setup.html", page)
		return
	}
	hash, err := auth.HashPassword(pw)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	plainCodes, hashedCodes, err := auth.NewRecoveryCodes(10)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	err = p.store.SetCredentials(r.Context(), auth.HashToken(r.PathValue("token")),
		store.Credentials{PasswordHash: hash, TOTPSecret: secret, RecoveryCodes: hashedCodes}, p.now(),
		store.AuditEntry{At: p.now(), OrgID: u.OrgID, Action: "user.setup", Detail: u.Email})
	if err != nil {
		p.fail(w, r, err)
		return
	}
	p.keepSetupLanguage(r, u)
	p.render(w, r, http.StatusOK, "setup-done.html", setupPage{Email: u.Email, RecoveryCodes: plainCodes})
}

// passwordProblem says what is wrong with the new password of a form (and its
// repetition, password2), or nothing.
func (p *Portal) passwordProblem(r *http.Request, pw, email string) string {
	if pw != r.FormValue("password2") {
		return p.t(r, "The two passwords differ.")
	}
	if err := auth.CheckPasswordPolicy(pw, email); err != nil {
		return p.t(r, err.Error()) // the policy's errors are keys of the catalog
	}
	return ""
}

type homePage struct {
	Actions       []string // what needs the organisation's attention
	CSRF          string
	User          store.User
	OrgName       string
	Assets        []store.AssetCount
	AssetTotal    int
	Notes         []notificationRow
	HeldForReview int
	Sessions      []sessionRow
}

type sessionRow struct {
	ID, Client, Since, Seen string
	Current                 bool
}

// home shows a signed-in user what matters to them: for an organisation's user its
// assets and notifications, for analysts what waits for review. Organisation data is
// read by the session's own organisation id, never by an id from the request.
func (p *Portal) home(w http.ResponseWriter, r *http.Request, req request) {
	ctx := r.Context()
	u := req.session.User
	page := homePage{CSRF: req.csrf, User: u}
	if u.OrgID != 0 {
		org, err := p.store.OrganisationByID(ctx, u.OrgID)
		if err != nil {
			p.fail(w, r, err)
			return
		}
		page.OrgName = org.Name
		if page.Assets, err = p.store.AssetCounts(ctx, u.OrgID); err != nil {
			p.fail(w, r, err)
			return
		}
		for _, c := range page.Assets {
			page.AssetTotal += c.Count
		}
		if page.Actions, err = p.needsAction(r, u.OrgID, page.Assets); err != nil {
			p.fail(w, r, err)
			return
		}
		notes, err := p.store.Notifications(ctx, store.NotificationFilter{OrgID: u.OrgID, Limit: 40})
		if err != nil {
			p.fail(w, r, err)
			return
		}
		for _, n := range notes {
			if shownToOrg(n) && len(page.Notes) < 20 {
				page.Notes = append(page.Notes, rowOf(n, n.Events))
			}
		}
	} else {
		held, err := p.store.Notifications(ctx, store.NotificationFilter{State: store.NotificationHeld})
		if err != nil {
			p.fail(w, r, err)
			return
		}
		page.HeldForReview = len(held)
	}
	p.render(w, r, http.StatusOK, "home.html", page)
}

// sessions lists the user's own sessions, with a button to end each.
func (p *Portal) sessions(w http.ResponseWriter, r *http.Request, req request) {
	list, err := p.store.Sessions(r.Context(), req.session.User.ID, p.now())
	if err != nil {
		p.fail(w, r, err)
		return
	}
	page := homePage{CSRF: req.csrf, User: req.session.User}
	for _, s := range list {
		page.Sessions = append(page.Sessions, sessionRow{ID: s.Hash, Client: s.Client, Since: s.CreatedAt.UTC().Format(time.DateTime),
			Seen: s.LastSeenAt.UTC().Format(time.DateTime), Current: s.Hash == req.session.Hash})
	}
	p.render(w, r, http.StatusOK, "sessions.html", page)
}

// revoke ends one of the user's own sessions; another user's session id is not found.
func (p *Portal) revoke(w http.ResponseWriter, r *http.Request, req request) {
	err := p.store.DeleteSession(r.Context(), req.session.User.ID, r.FormValue("id"))
	if errors.Is(err, store.ErrNotFound) {
		p.notFound(w, r)
		return
	}
	if err != nil {
		p.fail(w, r, err)
		return
	}
	p.audit(r.Context(), req.session.User, "session.revoke", "")
	http.Redirect(w, r, "/account/sessions", http.StatusSeeOther)
}

// needsAction lists what an organisation should do: give a notification address, prove
// its domains, replace refused addresses; and what it waits for.
func (p *Portal) needsAction(r *http.Request, orgID int64, counts []store.AssetCount) ([]string, error) {
	var out []string
	cs, err := p.store.Contacts(r.Context(), orgID)
	if err != nil {
		return nil, err
	}
	if len(cs) == 0 {
		out = append(out, p.t(r, "No notification address: add one (Notification addresses)"))
	}
	for _, c := range cs {
		if c.BounceReason != "" {
			out = append(out, p.t(r, "The mail server refuses %s: %s", c.Email, c.BounceReason))
		}
	}
	unproven, pending := 0, 0
	for _, c := range counts {
		switch {
		case c.Verification == asset.Pending:
			pending += c.Count
		case (c.Kind == asset.Domain || c.Kind == asset.DomainTree || c.Kind == asset.EmailDomain) && !c.Verification.Verified():
			unproven += c.Count
		}
	}
	if unproven > 0 {
		out = append(out, p.t(r, "Domains not proven yet: %d (Prove your domains)", unproven))
	}
	if pending > 0 {
		out = append(out, p.t(r, "Address ranges or AS numbers waiting for an analyst: %d", pending))
	}
	return out, nil
}
