package web

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/baken-cert/baken/internal/auth"
	"github.com/baken-cert/baken/internal/store"
)

// resetLife is how long a password-reset link stays valid.
const resetLife = time.Hour

type resetPage struct {
	Email, Message, Error string
	Form                  bool
}

func (p *Portal) resetRoutes(mux *routeTable) {
	mux.HandleFunc("GET /reset", p.resetForm)
	mux.HandleFunc("POST /reset", p.resetRequest)
	mux.HandleFunc("GET /reset/{token}", p.resetPasswordForm)
	mux.HandleFunc("POST /reset/{token}", p.resetPassword)
}

func (p *Portal) resetForm(w http.ResponseWriter, r *http.Request) {
	p.render(w, r, http.StatusOK, "reset.html", resetPage{})
}

// resetRequest e-mails a reset link to an account that exists; the answer is the same
// either way, so that nobody learns which addresses have accounts.
func (p *Portal) resetRequest(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	addr := normaliseEmail(r.FormValue("email"))
	page := resetPage{Message: p.t(r, "If there is an account for this address, a link to set a new password is on its way.")}
	if ok, _ := p.throttle.Allow("reset:"+addr, ipOf(r), p.now()); !ok {
		p.render(w, r, http.StatusTooManyRequests, "reset.html", resetPage{Error: p.t(r, "Too many requests; try again later.")})
		return
	}
	p.throttle.Failure("reset:"+addr, ipOf(r), p.now()) // every request counts towards the limit
	u, err := p.store.UserByEmail(ctx, addr)
	if err == nil && u.Ready() && !u.Disabled() && p.mail != nil {
		if err := p.sendReset(ctx, u); err != nil {
			p.log.Error("sending a password reset", "err", err)
		}
	} else if err != nil && !errors.Is(err, store.ErrNotFound) {
		p.fail(w, r, err)
		return
	}
	p.render(w, r, http.StatusOK, "reset.html", page)
}

func (p *Portal) sendReset(ctx context.Context, u store.User) error {
	plain, hash := auth.NewToken()
	if err := p.store.AddToken(ctx, u.ID, store.TokenInput{Hash: hash, Purpose: "reset", ExpiresAt: p.now().Add(resetLife)}); err != nil {
		return err
	}
	pr := p.printer(u.Language)
	text := pr.Sprintf("Open this link to set a new password (valid for an hour); you also need your authenticator app:\n\n%s\n\n"+
		"Did not ask for this? Then ignore this message.\n", p.publicURL+"/reset/"+plain)
	return p.sendMail(ctx, "reset", u.Email, pr.Sprintf("New password: %s", p.issuer), text)
}

func (p *Portal) resetUser(w http.ResponseWriter, r *http.Request) (store.User, bool) {
	u, err := p.store.TokenUser(r.Context(), auth.HashToken(r.PathValue("token")), "reset", p.now())
	if errors.Is(err, store.ErrNotFound) {
		p.render(w, r, http.StatusNotFound, "reset.html", resetPage{Error: p.t(r, "This link is not valid: it was used already or it has expired. Ask for a new one.")})
		return u, false
	}
	if err != nil {
		p.fail(w, r, err)
		return u, false
	}
	return u, true
}

func (p *Portal) resetPasswordForm(w http.ResponseWriter, r *http.Request) {
	if u, ok := p.resetUser(w, r); ok {
		p.render(w, r, http.StatusOK, "reset.html", resetPage{Email: u.Email, Form: true})
	}
}

// resetPassword sets the new password; the second factor proves it is the account's
// owner, so a stolen mailbox alone does not take over the account. Its codes are
// throttled as the login's are (per account and address); the store's lockout does not
// apply, so that the owner can get back in this way, and a reset lifts it.
func (p *Portal) resetPassword(w http.ResponseWriter, r *http.Request) {
	u, ok := p.resetUser(w, r)
	if !ok {
		return
	}
	ctx, ip := r.Context(), ipOf(r)
	pw := r.FormValue("password")
	page := resetPage{Email: u.Email, Form: true}
	if ok, wait := p.throttle.Allow(u.Email, ip, p.now()); !ok {
		page.Error = p.tooMany(r, wait)
		p.render(w, r, http.StatusTooManyRequests, "reset.html", page)
		return
	}
	page.Error = p.passwordProblem(r, pw, u.Email)
	if page.Error == "" {
		step, match := auth.CheckTOTP(u.TOTPSecret, r.FormValue("code"), p.now(), u.TOTPLastStep)
		if !match || p.store.UseTOTPStep(ctx, u.ID, step) != nil {
			p.throttle.Failure(u.Email, ip, p.now())
			p.audit(ctx, u, "reset.failed", ip)
			page.Error = p.t(r, "The code from your authenticator app is not right, or was used already.")
		}
	}
	if page.Error != "" {
		p.render(w, r, http.StatusUnprocessableEntity, "reset.html", page)
		return
	}
	hash, err := p.hashes.Hash(r.Context(), pw)
	if err == nil {
		err = p.store.ResetPassword(r.Context(), auth.HashToken(r.PathValue("token")), hash, p.now(),
			store.AuditEntry{At: p.now(), OrgID: u.OrgID, Action: "user.reset-password", Detail: u.Email})
	}
	if err != nil {
		p.fail(w, r, err)
		return
	}
	p.throttle.Success(u.Email, ip)
	if err := p.store.LoginSucceeded(ctx, u.ID); err != nil {
		p.log.Error("lifting the lockout after a password reset", "err", err)
	}
	p.render(w, r, http.StatusOK, "reset.html", resetPage{Message: p.t(r, "Your password is set. Log in with it.")})
}
