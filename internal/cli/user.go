package cli

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/baken-cert/baken/internal/account"
	"github.com/baken-cert/baken/internal/app"
	"github.com/baken-cert/baken/internal/config"
	"github.com/baken-cert/baken/internal/registry"
	"github.com/baken-cert/baken/internal/store"
)

func userCreate(ctx context.Context, env Env, args []string) error {
	fs, cfg, err := flags(env, "user create")
	if err != nil {
		return err
	}
	// No default role: a forgotten --role must not make an administrator.
	role := fs.String("role", "", "admin, analyst, org-admin or org-member (required)")
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
	if *role == "" {
		return usageError{"give the user a role: --role " + strings.Join(account.Roles, "|") + " (org-admin and org-member with --org REF)"}
	}
	if !slices.Contains(account.Roles, *role) {
		return usageError{fmt.Sprintf("role %q: want one of %s", *role, strings.Join(account.Roles, ", "))}
	}
	if account.IsOrgRole(*role) != (*orgRef != "") {
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
	in := store.UserInput{Email: email, Role: *role, Language: *lang}
	if *orgRef != "" {
		o, err := a.Store.Organisation(ctx, *orgRef)
		if err != nil {
			return fmt.Errorf("organisation %s: %w", *orgRef, err)
		}
		in.OrgID = o.ID
	}
	u, plain, err := account.New(a.Store, time.Now).Invite(ctx, account.CommandLine, in)
	if errors.Is(err, store.ErrConflict) {
		return fmt.Errorf("there is a user %s already (baken user invite %s gives a new link when they have not set up their account)", email, email)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "User %s (%s) created. Give them this one-time link, valid for %s, to set a password and a second factor:\n%s\n",
		u.Email, u.Role, account.LinkLife, setupLink(cfg, plain))
	return nil
}

func setupLink(cfg *config.Config, token string) string {
	return strings.TrimSuffix(cfg.PublicURL, "/") + "/setup/" + token
}

func userList(ctx context.Context, env Env, args []string) error {
	fs, cfg, err := flags(env, "user list")
	if err != nil {
		return err
	}
	orgRef := fs.String("org", "", "only the users of this organisation (its ref)")
	if err := parse(fs, cfg, args); err != nil {
		return err
	}
	a, err := open(ctx, env, cfg)
	if err != nil {
		return err
	}
	defer a.Close()
	var orgID int64
	if *orgRef != "" {
		o, err := a.Store.Organisation(ctx, *orgRef)
		if err != nil {
			return fmt.Errorf("organisation %s: %w", *orgRef, err)
		}
		orgID = o.ID
	}
	users, err := account.New(a.Store, time.Now).List(ctx, account.CommandLine, orgID)
	if err != nil {
		return err
	}
	refs := map[int64]string{}
	w := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "EMAIL\tROLE\tORG\tSTATE")
	for _, u := range users {
		if _, ok := refs[u.OrgID]; !ok && u.OrgID != 0 {
			if o, err := a.Store.OrganisationByID(ctx, u.OrgID); err == nil {
				refs[u.OrgID] = o.Ref
			}
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\n", u.Email, u.Role, refs[u.OrgID], userState(u, time.Now()))
	}
	return w.Flush()
}

// userState says in a few words whether a user can log in.
func userState(u store.User, now time.Time) string {
	switch {
	case u.Disabled():
		return "disabled"
	case !u.Ready() && u.InvitedUntil.After(now):
		return "invited until " + u.InvitedUntil.Format("2006-01-02 15:04 UTC")
	case !u.Ready():
		return "invitation expired"
	case u.LockedUntil.After(now):
		return "locked until " + u.LockedUntil.Format("15:04 UTC")
	}
	return "active"
}

// userChange is a command that changes one user, named by e-mail address.
func userChange(name string, change func(*account.Service, context.Context, account.Principal, int64) (store.User, error), done string) func(context.Context, Env, []string) error {
	return func(ctx context.Context, env Env, args []string) error {
		return withUser(ctx, env, "user "+name, args, 1, func(a *app.App, s *account.Service, u store.User, _ []string) error {
			if _, err := change(s, ctx, account.CommandLine, u.ID); err != nil {
				return userError(err)
			}
			fmt.Fprintf(env.Stdout, "%s %s.\n", u.Email, done)
			return nil
		})
	}
}

func userRole(ctx context.Context, env Env, args []string) error {
	return withUser(ctx, env, "user role", args, 2, func(a *app.App, s *account.Service, u store.User, rest []string) error {
		if !slices.Contains(account.Roles, rest[0]) {
			return usageError{fmt.Sprintf("role %q: want one of %s", rest[0], strings.Join(account.Roles, ", "))}
		}
		if _, err := s.SetRole(ctx, account.CommandLine, u.ID, rest[0]); err != nil {
			return userError(err)
		}
		fmt.Fprintf(env.Stdout, "%s is now %s.\n", u.Email, rest[0])
		return nil
	})
}

func userInvite(ctx context.Context, env Env, args []string) error {
	return withUser(ctx, env, "user invite", args, 1, func(a *app.App, s *account.Service, u store.User, _ []string) error {
		_, plain, err := s.Reinvite(ctx, account.CommandLine, u.ID)
		if err != nil {
			return userError(err)
		}
		fmt.Fprintf(env.Stdout, "A new one-time link for %s, valid for %s (older links no longer work):\n%s\n", u.Email, account.LinkLife, setupLink(a.Config, plain))
		return nil
	})
}

// withUser parses a user command of n arguments, the first an e-mail address, and runs
// fn with the user it names.
func withUser(ctx context.Context, env Env, name string, args []string, n int,
	fn func(a *app.App, s *account.Service, u store.User, rest []string) error) error {
	fs, cfg, err := flags(env, name)
	if err != nil {
		return err
	}
	if err := parse(fs, cfg, args); err != nil {
		return err
	}
	if fs.NArg() != n {
		return usageError{fmt.Sprintf("%s takes %d argument(s): the user's e-mail address%s", name, n, map[bool]string{true: " and a role"}[n == 2])}
	}
	a, err := open(ctx, env, cfg)
	if err != nil {
		return err
	}
	defer a.Close()
	s := account.New(a.Store, time.Now)
	u, err := s.UserByEmail(ctx, account.CommandLine, fs.Arg(0))
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("there is no user %s", fs.Arg(0))
	}
	if err != nil {
		return err
	}
	return fn(a, s, u, fs.Args()[1:])
}

// userError says in words why the service refused a change.
func userError(err error) error {
	switch {
	case errors.Is(err, store.ErrLastAdmin):
		return errors.New("that would leave Baken without an enabled administrator: make another one first")
	case errors.Is(err, store.ErrConflict):
		return errors.New("this user has set up their account already: a new link is for a user who has not (they can reset their password)")
	case errors.Is(err, account.ErrDisabled):
		return errors.New("this user is disabled: baken user enable them first")
	case errors.Is(err, account.ErrKind):
		return errors.New("an organisation's user keeps an organisation's role (org-admin, org-member) and staff a staff role (admin, analyst): invite the person anew")
	}
	return err
}
