package web

import (
	"context"
	"errors"
	"net/http"
	"regexp"
	"time"

	"github.com/baken-cert/baken/internal/auth"
	"github.com/baken-cert/baken/internal/store"
)

// Account lockout in the store, the last line behind the Throttle (which holds back
// the addresses that fail, not the owner's): after lockAfter consecutive failures, the
// most NIST SP 800-63B §5.2.2 allows, the account waits lockFor, and again after each
// further failure, until a login or a password reset succeeds.
const (
	lockAfter = 100
	lockFor   = time.Hour
)

type loginPage struct {
	Email, Error string
	CSRF         string // the second step's, for a passkey
	Passkeys     bool   // the user can log in with a passkey
}

func (p *Portal) loginForm(w http.ResponseWriter, r *http.Request) {
	p.render(w, r, http.StatusOK, "login.html", loginPage{})
}

// login checks the password: the first of two steps. Every failure says the same, so
// that nobody learns which addresses have accounts.
func (p *Portal) login(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	email, pw := normaliseEmail(r.FormValue("email")), r.FormValue("password")
	page := loginPage{Email: email, Error: p.t(r, "The e-mail address or the password is wrong.")}
	if ok, wait := p.throttle.Allow(email, ipOf(r), p.now()); !ok {
		page.Error = p.tooMany(r, wait)
		p.render(w, r, http.StatusTooManyRequests, "login.html", page)
		return
	}
	u, err := p.store.UserByEmail(ctx, email)
	if errors.Is(err, store.ErrNotFound) || (err == nil && (!u.Ready() || u.Disabled())) {
		if err := p.hashes.Simulate(ctx, pw); err != nil {
			p.fail(w, r, err)
			return
		}
		p.throttle.Failure(email, ipOf(r), p.now())
		p.render(w, r, http.StatusUnauthorized, "login.html", page)
		return
	}
	if err != nil {
		p.fail(w, r, err)
		return
	}
	if u.LockedUntil.After(p.now()) {
		page.Error = p.held(r, u)
		p.render(w, r, http.StatusTooManyRequests, "login.html", page)
		return
	}
	ok, _, err := p.hashes.Check(ctx, u.PasswordHash, pw)
	if errors.Is(err, auth.ErrBusy) || errors.Is(err, context.Canceled) {
		p.fail(w, r, err)
		return
	}
	if err != nil || !ok {
		p.failedLogin(r, u)
		p.render(w, r, http.StatusUnauthorized, "login.html", page)
		return
	}
	if err := p.newSession(ctx, w, r, u); err != nil {
		p.fail(w, r, err)
		return
	}
	p.throttle.Passed(u.Email, ipOf(r))
	http.Redirect(w, r, "/login/code", http.StatusSeeOther)
}

func (p *Portal) failedLogin(r *http.Request, u store.User) {
	p.throttle.Failure(u.Email, ipOf(r), p.now())
	if _, err := p.store.LoginFailed(r.Context(), u.ID, lockAfter, p.now().Add(lockFor)); err != nil {
		p.log.Error("recording a failed login", "err", err)
	}
	p.audit(r.Context(), u, "login.failed", ipOf(r))
}

var totpPattern = regexp.MustCompile(`^\d{6}$`)

// codeForm asks for the second factor of a session that passed the password.
func (p *Portal) codeForm(w http.ResponseWriter, r *http.Request) {
	plain, sess, err := p.session(r)
	if err != nil || sess.MFADone {
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return
	}
	p.render(w, r, http.StatusOK, "code.html", p.codePage(r, plain, sess.User, ""))
}

// codePage is the second step's page: it offers the user's passkeys, when they have any.
func (p *Portal) codePage(r *http.Request, plain string, u store.User, problem string) loginPage {
	page := loginPage{Error: problem, CSRF: auth.CSRFToken([]byte(plain), "csrf")}
	if p.passkeys != nil {
		keys, err := p.store.Passkeys(r.Context(), u.ID)
		page.Passkeys = err == nil && len(keys) > 0
	}
	return page
}

// code checks the second factor: a TOTP code (each used once) or a recovery code (each
// used once). Only then does the session become a signed-in one, under a new id.
func (p *Portal) code(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	plain, sess, err := p.session(r)
	if err != nil || sess.MFADone {
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return
	}
	u, code := sess.User, r.FormValue("code")
	if held := p.held(r, u); held != "" {
		p.render(w, r, http.StatusTooManyRequests, "code.html", p.codePage(r, plain, u, held))
		return
	}
	ok := false
	if totpPattern.MatchString(code) {
		if step, match := auth.CheckTOTP(u.TOTPSecret, code, p.now(), u.TOTPLastStep); match {
			ok = p.store.UseTOTPStep(ctx, u.ID, step) == nil
		}
	} else if i, match := auth.MatchRecoveryCode(u.RecoveryCodes, code); match {
		ok = p.store.UseRecoveryCode(ctx, u.ID, i) == nil
		p.audit(ctx, u, "login.recovery-code", "")
	}
	if !ok {
		p.failedLogin(r, u)
		p.render(w, r, http.StatusUnauthorized, "code.html", p.codePage(r, plain, u, p.t(r, "That code is not right, or was used already.")))
		return
	}
	if err := p.completeLogin(w, r, plain, u); err != nil {
		p.fail(w, r, err)
		return
	}
	http.Redirect(w, r, p.afterLogin(w, r), http.StatusSeeOther)
}

// held says why a second step may not be tried now: the account is locked, or the
// throttle holds its address or this client back. Empty: go on. Guessing codes within
// one first-step session counts against both, as guessing passwords does.
func (p *Portal) held(r *http.Request, u store.User) string {
	if u.LockedUntil.After(p.now()) {
		return p.t(r, "This account is locked after too many failed attempts. Try again after %s.", u.LockedUntil.Format("15:04 UTC"))
	}
	if ok, wait := p.throttle.Allow(u.Email, ipOf(r), p.now()); !ok {
		return p.tooMany(r, wait)
	}
	return ""
}

// tooMany says how long the throttle holds an attempt back.
func (p *Portal) tooMany(r *http.Request, wait time.Duration) string {
	return p.t(r, "Too many attempts. Try again in %d min.", max(1, int(wait.Round(time.Minute).Minutes())))
}

// completeLogin makes a session that passed both factors a signed-in one, under a new
// id, and sets its cookie.
func (p *Portal) completeLogin(w http.ResponseWriter, r *http.Request, plain string, u store.User) error {
	ctx := r.Context()
	newPlain, newHash := auth.NewToken()
	if err := p.store.CompleteMFA(ctx, auth.HashToken(plain), newHash, p.now().Add(sessionLife)); err != nil {
		return err
	}
	p.throttle.Success(u.Email, ipOf(r))
	p.store.LoginSucceeded(ctx, u.ID)
	p.audit(ctx, u, "login", ipOf(r))
	p.keepLoginLanguage(r, u)
	p.setCookie(w, newPlain, sessionLife)
	return nil
}

func (p *Portal) logout(w http.ResponseWriter, r *http.Request, req request) {
	if err := p.store.DeleteSession(r.Context(), req.session.User.ID, req.session.Hash); err != nil && !errors.Is(err, store.ErrNotFound) {
		p.fail(w, r, err)
		return
	}
	p.audit(r.Context(), req.session.User, "logout", "")
	p.setCookie(w, "", -time.Second)
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}
