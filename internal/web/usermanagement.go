package web

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/baken-cert/baken/internal/account"
	"github.com/baken-cert/baken/internal/store"
)

// userManagementRoutes are the changes to a user in the list of /users. Each names the
// user by id; the account service decides whether the viewer may (another
// organisation's user is not found).
func (p *Portal) userManagementRoutes(mux *routeTable) {
	mux.Handle("GET /users", p.signedIn(p.usersForm))
	mux.Handle("POST /users/invite", p.signedIn(p.invite))
	mux.Handle("POST /users/reinvite", p.signedIn(p.reinvite))
	mux.Handle("POST /users/role", p.signedIn(p.userAction(func(a account.Principal, r *http.Request, id int64) (store.User, string, error) {
		u, err := p.accounts.SetRole(r.Context(), a, id, r.FormValue("role"))
		return u, p.t(r, "%s is now %s.", u.Email, r.FormValue("role")), err
	})))
	for path, do := range map[string]struct {
		change func(*account.Service, account.Principal, *http.Request, int64) (store.User, error)
		done   string
	}{
		"disable": {func(s *account.Service, a account.Principal, r *http.Request, id int64) (store.User, error) {
			return s.Disable(r.Context(), a, id)
		}, "%s is disabled."},
		"enable": {func(s *account.Service, a account.Principal, r *http.Request, id int64) (store.User, error) {
			return s.Enable(r.Context(), a, id)
		}, "%s can log in again."},
		"unlock": {func(s *account.Service, a account.Principal, r *http.Request, id int64) (store.User, error) {
			return s.Unlock(r.Context(), a, id)
		}, "%s is unlocked."},
		"remove": {func(s *account.Service, a account.Principal, r *http.Request, id int64) (store.User, error) {
			return s.Remove(r.Context(), a, id)
		}, "%s is removed."},
	} {
		mux.Handle("POST /users/"+path, p.signedIn(p.userAction(func(a account.Principal, r *http.Request, id int64) (store.User, string, error) {
			u, err := do.change(p.accounts, a, r, id)
			if err == nil && path == "unlock" {
				p.throttle.Success(u.Email, "") // the portal's own count of failures, too
			}
			return u, p.t(r, do.done, u.Email), err
		})))
	}
}

// userAction answers a change to the user of the form's id: the list again with what
// was done, or why not; a user the viewer does not manage is not found.
func (p *Portal) userAction(change func(a account.Principal, r *http.Request, id int64) (store.User, string, error)) func(http.ResponseWriter, *http.Request, request) {
	return func(w http.ResponseWriter, r *http.Request, req request) {
		id, err := strconv.ParseInt(r.FormValue("id"), 10, 64)
		if err != nil {
			http.NotFound(w, r)
			return
		}
		_, done, err := change(account.PrincipalOf(req.session.User), r, id)
		if err != nil {
			p.userRefused(w, r, req, err)
			return
		}
		p.renderUsers(w, r, req, http.StatusOK, done, false)
	}
}

// userRefused says why the account service refused a change.
func (p *Portal) userRefused(w http.ResponseWriter, r *http.Request, req request, err error) {
	switch {
	case errors.Is(err, store.ErrNotFound):
		http.NotFound(w, r)
	case errors.Is(err, account.ErrForbidden):
		p.renderUsers(w, r, req, http.StatusForbidden, p.t(r, "You cannot give this role or change this user."), true)
	case errors.Is(err, account.ErrSelf):
		p.renderUsers(w, r, req, http.StatusConflict, p.t(r, "You cannot disable or remove yourself."), true)
	case errors.Is(err, account.ErrKind):
		p.renderUsers(w, r, req, http.StatusConflict, p.t(r, "An organisation's user keeps an organisation's role, and staff a staff role: invite the person anew."), true)
	case errors.Is(err, store.ErrLastAdmin):
		p.renderUsers(w, r, req, http.StatusConflict, p.t(r, "Baken needs an enabled administrator: make another one first."), true)
	case errors.Is(err, account.ErrDisabled):
		p.renderUsers(w, r, req, http.StatusConflict, p.t(r, "Enable the user first."), true)
	case errors.Is(err, store.ErrConflict):
		p.renderUsers(w, r, req, http.StatusConflict, p.t(r, "This user has set up their account already."), true)
	default:
		p.fail(w, r, err)
	}
}

// reinvite e-mails a user who never set up their account a new set-up link; the old
// ones stop working.
func (p *Portal) reinvite(w http.ResponseWriter, r *http.Request, req request) {
	id, err := strconv.ParseInt(r.FormValue("id"), 10, 64)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	actor := account.PrincipalOf(req.session.User)
	if p.mail == nil {
		if _, err := p.accounts.User(r.Context(), actor, id); err != nil {
			p.userRefused(w, r, req, err)
			return
		}
		p.renderUsers(w, r, req, http.StatusServiceUnavailable, p.t(r, "No mail server is configured (BAKEN_SMTP_URL): invitations cannot be sent; use baken user invite."), true)
		return
	}
	u, plain, err := p.accounts.Reinvite(r.Context(), actor, id)
	if err != nil {
		p.userRefused(w, r, req, err)
		return
	}
	if err := p.sendInvitation(r.Context(), u, plain); err != nil {
		p.log.Error("sending an invitation", "to", u.Email, "err", err)
		p.renderUsers(w, r, req, http.StatusBadGateway, p.t(r, "The invitation could not be sent: %v", err), true)
		return
	}
	p.renderUsers(w, r, req, http.StatusOK, p.t(r, "Invitation sent to %s.", u.Email), false)
}
