package web

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/baken-cert/baken/internal/auth"
	"github.com/baken-cert/baken/internal/deliver/email"
	"github.com/baken-cert/baken/internal/registry"
	"github.com/baken-cert/baken/internal/store"
)

// Sender sends one e-mail; *email.Sender is one.
type Sender interface {
	Send(ctx context.Context, from string, to []string, mime []byte) error
}

// inviteLife is how long an invitation link stays valid.
const inviteLife = 72 * time.Hour

// UseMail lets the portal send invitations: through sender, from the address from,
// with links to publicURL.
func (p *Portal) UseMail(sender Sender, from, publicURL string) {
	p.mail, p.from, p.publicURL = sender, from, strings.TrimSuffix(publicURL, "/")
}

type usersPage struct {
	CSRF, Message string
	Failed        bool
	User          store.User
	Roles         []string
	Admin         bool
}

// inviteRoles are the roles a user may give: an administrator any, an organisation's
// administrator those of their own organisation.
func inviteRoles(u store.User) []string {
	if u.Role == store.RoleAdmin {
		return []string{store.RoleOrgAdmin, store.RoleOrgMember, store.RoleAnalyst, store.RoleAdmin}
	}
	if u.Role == store.RoleOrgAdmin {
		return []string{store.RoleOrgMember, store.RoleOrgAdmin}
	}
	return nil
}

func (p *Portal) usersForm(w http.ResponseWriter, r *http.Request, req request) {
	msg, failed := "", false
	if f := p.takeFlash(w, r, req); f != nil {
		msg, failed = f.Message, f.Failed
	}
	p.renderUsers(w, r, req, http.StatusOK, msg, failed)
}

func (p *Portal) renderUsers(w http.ResponseWriter, r *http.Request, req request, status int, msg string, failed bool) {
	u := req.session.User
	if inviteRoles(u) == nil {
		p.errorPage(w, r, http.StatusForbidden, p.t(r, "Only administrators invite users."))
		return
	}
	p.render(w, r, status, "users.html", usersPage{CSRF: req.csrf, User: u, Roles: inviteRoles(u), Admin: u.Role == store.RoleAdmin, Message: msg, Failed: failed})
}

// invite creates a user and e-mails them a one-time link to set a password and a second
// factor. An organisation's administrator invites into their own organisation only.
func (p *Portal) invite(w http.ResponseWriter, r *http.Request, req request) {
	ctx := r.Context()
	u := req.session.User
	roles := inviteRoles(u)
	if roles == nil {
		p.errorPage(w, r, http.StatusForbidden, p.t(r, "Only administrators invite users."))
		return
	}
	addr, err := registry.NormaliseEmail(r.FormValue("email"))
	role := r.FormValue("role")
	in := store.UserInput{Email: addr, Role: role, Language: r.FormValue("language"), Now: p.now()}
	switch {
	case err != nil:
		p.redirectWith(w, r, req, "/users", flash{Message: p.t(r, "That is not an e-mail address."), Failed: true})
		return
	case !slices.Contains(roles, role):
		p.redirectWith(w, r, req, "/users", flash{Message: p.t(r, "You cannot give the role %s.", role), Failed: true})
		return
	case in.Language != "en":
		in.Language = "nl"
	}
	if role == store.RoleOrgAdmin || role == store.RoleOrgMember {
		in.OrgID = u.OrgID
		if u.Role == store.RoleAdmin {
			org, err := p.store.Organisation(ctx, strings.TrimSpace(r.FormValue("org")))
			if err != nil {
				p.redirectWith(w, r, req, "/users", flash{Message: p.t(r, "No organisation with that reference."), Failed: true})
				return
			}
			in.OrgID = org.ID
		}
	}
	if p.mail == nil {
		p.redirectWith(w, r, req, "/users", flash{Message: p.t(r, "No mail server is configured (BAKEN_SMTP_URL): invitations cannot be sent; use baken user create."), Failed: true})
		return
	}
	plain, hash := auth.NewToken()
	_, err = p.store.CreateUser(ctx, in, store.TokenInput{Hash: hash, Purpose: "setup", ExpiresAt: p.now().Add(inviteLife)},
		store.AuditEntry{At: p.now(), ActorID: u.ID, OrgID: in.OrgID, Action: "user.invite", Detail: addr + " as " + role})
	if errors.Is(err, store.ErrConflict) {
		p.redirectWith(w, r, req, "/users", flash{Message: p.t(r, "%s has an account already.", addr), Failed: true})
		return
	}
	if err != nil {
		p.fail(w, r, err)
		return
	}
	if err := p.sendInvitation(ctx, in, plain); err != nil {
		p.log.Error("sending an invitation", "to", addr, "err", err)
		p.redirectWith(w, r, req, "/users", flash{Message: p.t(r, "The account was made but the invitation could not be sent: %v", err), Failed: true})
		return
	}
	p.redirectWith(w, r, req, "/users", flash{Message: p.t(r, "Invitation sent to %s.", addr), Failed: false})
}

// sendInvitation e-mails a new user their set-up link, in their language.
func (p *Portal) sendInvitation(ctx context.Context, u store.UserInput, token string) error {
	pr := p.printer(u.Language)
	text := pr.Sprintf("You have been invited to the portal of %s.\nOpen this link to set a password and a second factor (valid until %s):\n\n%s\n",
		p.issuer, p.now().Add(inviteLife).UTC().Format("2006-01-02 15:04 UTC"), p.publicURL+"/setup/"+token)
	return p.sendMail(ctx, "invite", u.Email, pr.Sprintf("Invitation: %s", p.issuer), text)
}

// sendMail sends a plain-text e-mail from the portal (an invitation, a reset link).
func (p *Portal) sendMail(ctx context.Context, kind, to, subject, text string) error {
	id, _ := auth.NewToken()
	mime, err := email.Build(email.Message{MessageID: "<" + kind + "." + id[:16] + "@baken>", From: p.issuer + " <" + p.from + ">",
		To: []string{to}, Subject: subject, Text: text}, p.now())
	if err != nil {
		return err
	}
	return p.mail.Send(ctx, p.from, []string{to}, mime)
}
