package cli

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/baken-cert/baken/internal/auth"
	"github.com/baken-cert/baken/internal/registry"
	"github.com/baken-cert/baken/internal/store"
)

// setupLinkLife is how long a set-up link printed by user create stays valid.
const setupLinkLife = 72 * time.Hour

func userCreate(ctx context.Context, env Env, args []string) error {
	fs, cfg, err := flags(env, "user create")
	if err != nil {
		return err
	}
	role := fs.String("role", store.RoleAdmin, "admin, analyst, org-admin or org-member")
	orgRef := fs.String("org", "", "the organisation of an org-admin or org-member (its ref)")
	lang := fs.String("language", "nl", "nl or en")
	if err := parse(fs, cfg, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageError{"name the user's e-mail address"}
	}
	email, err := registry.NormaliseEmail(fs.Arg(0))
	if err != nil {
		return usageError{err.Error()}
	}
	roles := []string{store.RoleAdmin, store.RoleAnalyst, store.RoleOrgAdmin, store.RoleOrgMember}
	if !slices.Contains(roles, *role) {
		return usageError{fmt.Sprintf("role %q: want one of %s", *role, strings.Join(roles, ", "))}
	}
	orgRole := *role == store.RoleOrgAdmin || *role == store.RoleOrgMember
	if orgRole != (*orgRef != "") {
		return usageError{"org-admin and org-member need --org REF; admin and analyst have none"}
	}
	if *lang != "nl" && *lang != "en" {
		return usageError{"language: want nl or en"}
	}
	a, err := open(ctx, env, cfg)
	if err != nil {
		return err
	}
	defer a.Close()
	in := store.UserInput{Email: email, Role: *role, Language: *lang, Now: time.Now()}
	if orgRole {
		o, err := a.Store.Organisation(ctx, *orgRef)
		if err != nil {
			return err
		}
		in.OrgID = o.ID
	}
	plain, hash := auth.NewToken()
	tok := store.TokenInput{Hash: hash, Purpose: "setup", ExpiresAt: in.Now.Add(setupLinkLife)}
	u, err := a.Store.CreateUser(ctx, in, tok, store.AuditEntry{At: in.Now, OrgID: in.OrgID, Action: "user.create",
		Detail: fmt.Sprintf("%s (%s) by the command line", email, *role)})
	if errors.Is(err, store.ErrConflict) {
		return fmt.Errorf("there is a user %s already", email)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "User %s (%s) created. Give them this one-time link, valid for %s, to set a password and a second factor:\n%s/setup/%s\n",
		u.Email, u.Role, setupLinkLife, strings.TrimSuffix(cfg.PublicURL, "/"), plain)
	return nil
}
