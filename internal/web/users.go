package web

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"

	"github.com/baken-cert/baken/internal/account"
	"github.com/baken-cert/baken/internal/auth"
	"github.com/baken-cert/baken/internal/deliver/email"
	"github.com/baken-cert/baken/internal/registry"
	"github.com/baken-cert/baken/internal/store"
)

// Sender sends one e-mail; *email.Sender is one.
type Sender interface {
	Send(ctx context.Context, from string, to []string, mime []byte) error
}

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
	OrgFilter     string // an administrator's filter: an organisation's ref
	Users         []userRow
}

// userRow is a user in the list, with what the viewer may do to them.
type userRow struct {
	ID                      int64
	Email, Role, Org, State string
	Roles                   []string // the roles the viewer may give them; none: the role stays
	Self, Disabled, Locked  bool
	Invited                 bool // has not set up their account: a new invitation can be sent
}

func (p *Portal) usersForm(w http.ResponseWriter, r *http.Request, req request) {
	msg, failed := "", false
	if f := p.takeFlash(w, r, req); f != nil {
		msg, failed = f.Message, f.Failed
	}
	p.renderUsers(w, r, req, http.StatusOK, msg, failed)
}

// renderUsers shows the users the viewer manages, with a message (failed: an error).
func (p *Portal) renderUsers(w http.ResponseWriter, r *http.Request, req request, status int, msg string, failed bool) {
	ctx := r.Context()
	u := req.session.User
	actor := account.PrincipalOf(u)
	if account.Grantable(actor) == nil {
		p.errorPage(w, r, http.StatusForbidden, p.t(r, "Only administrators invite users."))
		return
	}
	page := usersPage{CSRF: req.csrf, User: u, Roles: account.Grantable(actor), Admin: u.Role == store.RoleAdmin, Message: msg, Failed: failed}
	var orgID int64
	if page.Admin {
		page.OrgFilter = strings.TrimSpace(r.URL.Query().Get("org"))
		if page.OrgFilter != "" {
			org, err := p.store.Organisation(ctx, page.OrgFilter)
			orgID = org.ID
			if err != nil { // an unknown ref lists nobody, rather than everybody
				page.Message, page.Failed, orgID = p.t(r, "No organisation with that reference."), true, -1
			}
		}
	}
	users, err := p.accounts.List(ctx, actor, orgID)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	names := map[int64]string{}
	for _, x := range users {
		if _, ok := names[x.OrgID]; !ok && x.OrgID != 0 {
			if org, err := p.store.OrganisationByID(ctx, x.OrgID); err == nil {
				names[x.OrgID] = org.Name
			}
		}
		row := userRow{ID: x.ID, Email: x.Email, Role: x.Role, Org: names[x.OrgID], State: p.userState(r, x), Self: x.ID == u.ID,
			Disabled: x.Disabled(), Locked: x.LockedUntil.After(p.now()), Invited: !x.Ready()}
		if slices.Contains(page.Roles, x.Role) {
			for _, role := range page.Roles {
				if account.IsOrgRole(role) == account.IsOrgRole(x.Role) {
					row.Roles = append(row.Roles, role)
				}
			}
		}
		page.Users = append(page.Users, row)
	}
	p.render(w, r, status, "users.html", page)
}

// userState says in words whether a user can log in.
func (p *Portal) userState(r *http.Request, u store.User) string {
	switch {
	case u.Disabled():
		return p.t(r, "disabled")
	case !u.Ready() && u.InvitedUntil.After(p.now()):
		return p.t(r, "invited, until %s", u.InvitedUntil.Format("2006-01-02 15:04 UTC"))
	case !u.Ready():
		return p.t(r, "invitation expired")
	case u.LockedUntil.After(p.now()):
		return p.t(r, "locked until %s", u.LockedUntil.Format("15:04 UTC"))
	}
	return p.t(r, "active")
}

// invite creates a user and e-mails them a one-time link to set a password and a second
// factor. The rules (which roles, which organisation) are the account service's.
func (p *Portal) invite(w http.ResponseWriter, r *http.Request, req request) {
	ctx := r.Context()
	u := req.session.User
	actor := account.PrincipalOf(u)
	if account.Grantable(actor) == nil {
		p.errorPage(w, r, http.StatusForbidden, p.t(r, "Only administrators invite users."))
		return
	}
	addr, err := registry.NormaliseEmail(r.FormValue("email"))
	role := r.FormValue("role")
	in := store.UserInput{Email: addr, Role: role, Language: r.FormValue("language")}
	switch {
	case err != nil:
		p.redirectWith(w, r, req, "/users", flash{Message: p.t(r, "That is not an e-mail address."), Failed: true})
		return
	case !slices.Contains(account.Grantable(actor), role):
		p.redirectWith(w, r, req, "/users", flash{Message: p.t(r, "You cannot give the role %s.", role), Failed: true})
		return
	}
	if account.IsOrgRole(role) && u.Role == store.RoleAdmin {
		org, err := p.store.Organisation(ctx, strings.TrimSpace(r.FormValue("org")))
		if err != nil {
			p.redirectWith(w, r, req, "/users", flash{Message: p.t(r, "No organisation with that reference."), Failed: true})
			return
		}
		in.OrgID = org.ID
	}
	if p.mail == nil {
		p.redirectWith(w, r, req, "/users", flash{Message: p.t(r, "No mail server is configured (BAKEN_SMTP_URL): invitations cannot be sent; use baken user create."), Failed: true})
		return
	}
	created, plain, err := p.accounts.Invite(ctx, actor, in)
	if errors.Is(err, store.ErrConflict) {
		// Someone invited before who never set up: the way on is a new invitation.
		if x, err := p.accounts.UserByEmail(ctx, actor, addr); err == nil && !x.Ready() {
			p.redirectWith(w, r, req, "/users", flash{Message: p.t(r, "%s was invited before but has not set up their account: send a new invitation from the list.", addr), Failed: true})
			return
		}
		p.redirectWith(w, r, req, "/users", flash{Message: p.t(r, "%s has an account already.", addr), Failed: true})
		return
	}
	if err != nil {
		p.fail(w, r, err)
		return
	}
	if err := p.sendInvitation(ctx, created, plain); err != nil {
		p.log.Error("sending an invitation", "to", addr, "err", err)
		p.redirectWith(w, r, req, "/users", flash{Message: p.t(r, "The account was made but the invitation could not be sent: %v", err), Failed: true})
		return
	}
	p.redirectWith(w, r, req, "/users", flash{Message: p.t(r, "Invitation sent to %s.", addr), Failed: false})
}

// sendInvitation e-mails a new user their set-up link, in their language.
func (p *Portal) sendInvitation(ctx context.Context, u store.User, token string) error {
	pr := p.printer(u.Language)
	text := pr.Sprintf("You have been invited to the portal of %s.\nOpen this link to set a password and a second factor (valid until %s):\n\n%s\n",
		p.issuer, p.now().Add(account.LinkLife).UTC().Format("2006-01-02 15:04 UTC"), p.publicURL+"/setup/"+token)
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
