package web

import (
	_ "embed"
	"encoding/base64"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/skip2/go-qrcode"

	"github.com/baken-cert/baken/internal/asset"
	"github.com/baken-cert/baken/internal/auth"
	"github.com/baken-cert/baken/internal/store"
)

//go:embed static/copy.js
var copyScript []byte

// serveCopyScript serves the script of the recovery codes' copy button.
func serveCopyScript(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Cache-Control", "no-cache")
	w.Write(copyScript)
}

type setupPage struct {
	Email, Secret, Error string
	SecretGroups         string       // the secret in groups of four, to type
	URI                  template.URL // the otpauth: link, checked by totpLink
	QR                   template.URL // a data: URI of the PNG of the QR code of URI
	RecoveryCodes        []string
	CodesFile            template.URL // a data: URI of the recovery codes, to download
}

// setupForm shows the form of a one-time set-up link: a password, and the TOTP secret
// to add to an authenticator app, as a QR code, a link and text. The secret is kept
// with the link, so that every load shows the same one until the set-up completes.
func (p *Portal) setupForm(w http.ResponseWriter, r *http.Request) {
	u, r, ok := p.setupUser(w, r)
	if !ok {
		return
	}
	page, err := p.enrolPage(r, u)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	p.render(w, r, http.StatusOK, "setup.html", page)
}

// enrolPage is the set-up form with the link's TOTP secret (a new one for a link that
// has none yet).
func (p *Portal) enrolPage(r *http.Request, u store.User) (setupPage, error) {
	candidate, err := auth.NewTOTPSecret()
	if err != nil {
		return setupPage{}, err
	}
	secret, err := p.store.SetupSecret(r.Context(), auth.HashToken(r.PathValue("token")), candidate, p.now())
	if err != nil {
		return setupPage{}, err
	}
	page := setupPage{Email: u.Email, Secret: secret, SecretGroups: inGroups(secret, 4)}
	uri := auth.TOTPURI(secret, p.issuer, u.Email)
	if page.URI, err = totpLink(uri); err != nil {
		return page, err
	}
	png, err := qrcode.Encode(uri, qrcode.Medium, -6) // 6 pixels a module: sharp at any size
	if err != nil {
		return page, fmt.Errorf("the QR code of the TOTP secret: %w", err)
	}
	page.QR = template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(png))
	return page, nil
}

// totpLink lets html/template write an otpauth: link (a scheme it would otherwise
// replace with #ZgotmplZ), once it is sure that the link is one.
func totpLink(uri string) (template.URL, error) {
	u, err := url.Parse(uri)
	if err != nil || u.Scheme != "otpauth" || u.Host != "totp" || strings.ContainsAny(uri, "\"<> \n") {
		return "", fmt.Errorf("not an otpauth link: %q", uri)
	}
	return template.URL(uri), nil
}

// inGroups writes s in groups of n characters, separated by spaces.
func inGroups(s string, n int) string {
	var b strings.Builder
	for i := 0; i < len(s); i += n {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(s[i:min(i+n, len(s))])
	}
	return b.String()
}

// setupUser finds the user of the link's token, or answers that the link is not valid.
// The page speaks the language the user was invited in, unless the language switch
// (or its cookie) chose another.
func (p *Portal) setupUser(w http.ResponseWriter, r *http.Request) (store.User, *http.Request, bool) {
	u, err := p.store.TokenUser(r.Context(), auth.HashToken(r.PathValue("token")), "setup", p.now())
	if errors.Is(err, store.ErrNotFound) {
		p.render(w, r, http.StatusNotFound, "setup.html", setupPage{Error: p.t(r, "This link is not valid: it was used already or it has expired. Ask for a new one.")})
		return u, r, false
	}
	if err != nil {
		p.fail(w, r, err)
		return u, r, false
	}
	if _, noCookie := r.Cookie(langCookie); !p.speaks(r.URL.Query().Get("lang")) && noCookie != nil {
		r = p.withUserLanguage(r, u)
	}
	return u, r, true
}

// setup sets the password and the second factor, proven by a first code from the app
// for the link's secret, shows the recovery codes once and signs the user in: the
// password and the code are both factors.
func (p *Portal) setup(w http.ResponseWriter, r *http.Request) {
	u, r, ok := p.setupUser(w, r)
	if !ok {
		return
	}
	page, err := p.enrolPage(r, u)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	pw := r.FormValue("password")
	page.Error = p.passwordProblem(r, pw, u.Email)
	step, match := auth.CheckTOTP(page.Secret, r.FormValue("code"), p.now(), 0)
	if page.Error == "" && !match {
		page.Error = p.t(r, "The code from your authenticator app is not right: check that its clock is correct and try the next code.")
	}
	if page.Error != "" {
		p.render(w, r, http.StatusUnprocessableEntity, "setup.html", page)
		return
	}
	hash, err := p.hashes.Hash(r.Context(), pw)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	plainCodes, hashedCodes, err := auth.NewRecoveryCodes(10)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	ctx := r.Context()
	err = p.store.SetCredentials(ctx, auth.HashToken(r.PathValue("token")),
		store.Credentials{PasswordHash: hash, TOTPSecret: page.Secret, RecoveryCodes: hashedCodes, Language: p.lang(r)}, p.now(),
		store.AuditEntry{At: p.now(), OrgID: u.OrgID, Action: "user.setup", Detail: u.Email})
	if err != nil {
		p.fail(w, r, err)
		return
	}
	// The code just used is used up, as at a login; then a signed-in session.
	if err := p.store.UseTOTPStep(ctx, u.ID, step); err != nil {
		p.fail(w, r, err)
		return
	}
	if err := p.signInAfterSetup(w, r, u); err != nil {
		p.fail(w, r, err)
		return
	}
	done := setupPage{Email: u.Email, RecoveryCodes: plainCodes}
	done.CodesFile = template.URL("data:text/plain;charset=utf-8," + url.PathEscape(strings.Join(plainCodes, "\r\n")+"\r\n"))
	p.render(w, r, http.StatusOK, "setup-done.html", done)
}

// signInAfterSetup starts a session that passed both factors for a user who has just
// proven both, and sets its cookie.
func (p *Portal) signInAfterSetup(w http.ResponseWriter, r *http.Request, u store.User) error {
	plain, hash := auth.NewToken()
	now := p.now()
	err := p.store.CreateSession(r.Context(), store.SessionInput{Hash: hash, UserID: u.ID, MFADone: true, Now: now,
		Expires: now.Add(sessionLife), Client: clientOf(r)})
	if err != nil {
		return err
	}
	p.audit(r.Context(), u, "login", ipOf(r)+" (set-up)")
	p.setCookie(w, plain, sessionLife)
	return nil
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
	pending, lapsed := 0, 0
	for _, c := range counts {
		switch c.Verification {
		case asset.Pending:
			pending += c.Count
		case asset.Lapsed:
			lapsed += c.Count
		}
	}
	if pending > 0 {
		out = append(out, p.t(r, "Waiting for proof, and matching nothing until then: %d (prove your domains by DNS; an analyst checks address ranges and AS numbers)", pending))
	}
	if lapsed > 0 {
		out = append(out, p.t(r, "Proof lapsed, matching nothing: %d (publish the DNS token again)", lapsed))
	}
	return out, nil
}
