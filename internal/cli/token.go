package cli

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/baken-cert/baken/internal/account"
	"github.com/baken-cert/baken/internal/store"
)

// tokenCreate makes an API token for an organisation and prints it, the only time.
func tokenCreate(ctx context.Context, env Env, args []string) error {
	fs, cfg, err := flags(env, "token create")
	if err != nil {
		return err
	}
	orgRef := fs.String("org", "", "the organisation the token reads for (its ref; required)")
	scopes := fs.String("scope", account.ScopeTAXIIRead, "what it may do, comma-separated: "+strings.Join(account.Scopes, ", "))
	expires := fs.String("expires", "90d", "how long it lasts: days like 90d, at most 730d")
	allow := fs.String("allow", "", "the addresses or prefixes it may be used from, comma-separated (default: any)")
	if err := parse(fs, cfg, args); err != nil {
		return err
	}
	if fs.NArg() != 1 || *orgRef == "" {
		return usageError{"name the token, and its organisation with --org REF"}
	}
	life, err := parseDays(*expires)
	if err != nil || life <= 0 {
		return usageError{fmt.Sprintf("--expires %q: want days like 90d", *expires)}
	}
	a, err := open(ctx, env, cfg)
	if err != nil {
		return err
	}
	defer a.Close()
	o, err := a.Store.Organisation(ctx, *orgRef)
	if err != nil {
		return fmt.Errorf("organisation %s: %w", *orgRef, err)
	}
	spec := account.TokenSpec{Name: fs.Arg(0), Scopes: splitList(*scopes), ExpiresAt: time.Now().Add(life), Allow: splitList(*allow)}
	plain, t, err := account.New(a.Store, time.Now).CreateToken(ctx, account.CommandLine, o.ID, spec)
	if errors.Is(err, store.ErrConflict) {
		return fmt.Errorf("%s has a token named %q already (baken token list --org %s)", o.Ref, spec.Name, o.Ref)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "API token %d %q of %s (%s), until %s. It is shown only now:\n%s\n",
		t.ID, t.Name, o.Ref, strings.Join(t.Scopes, " "), t.ExpiresAt.Format(time.DateOnly), plain)
	return nil
}

func splitList(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' })
}

// tokenList lists the live API tokens, without their secrets.
func tokenList(ctx context.Context, env Env, args []string) error {
	fs, cfg, err := flags(env, "token list")
	if err != nil {
		return err
	}
	orgRef := fs.String("org", "", "only the tokens of this organisation (its ref)")
	asJSON := fs.Bool("json", false, "print JSON")
	if err := parse(fs, cfg, args); err != nil {
		return err
	}
	a, err := open(ctx, env, cfg)
	if err != nil {
		return err
	}
	defer a.Close()
	var list []store.APIToken
	if *orgRef != "" {
		o, err := a.Store.Organisation(ctx, *orgRef)
		if err != nil {
			return fmt.Errorf("organisation %s: %w", *orgRef, err)
		}
		list, err = account.New(a.Store, time.Now).Tokens(ctx, account.CommandLine, o.ID)
		if err != nil {
			return err
		}
	} else if list, err = a.Store.APITokens(ctx, 0); err != nil {
		return err
	}
	if *asJSON {
		writeJSON(env.Stdout, list)
		return nil
	}
	refs := map[int64]string{}
	w := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "ID\tORG\tNAME\tSCOPES\tFROM\tEXPIRES\tLAST USED")
	for _, t := range list {
		if _, ok := refs[t.OrgID]; !ok {
			if o, err := a.Store.OrganisationByID(ctx, t.OrgID); err == nil {
				refs[t.OrgID] = o.Ref
			}
		}
		used := "never"
		if !t.LastUsedAt.IsZero() {
			used = t.LastUsedAt.Format("2006-01-02 15:04 UTC")
		}
		from := strings.Join(t.Allow, " ")
		if from == "" {
			from = "anywhere"
		}
		fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%s\t%s\t%s\n", t.ID, refs[t.OrgID], t.Name, strings.Join(t.Scopes, " "), from,
			t.ExpiresAt.Format(time.DateOnly), used)
	}
	return w.Flush()
}

// tokenRevoke revokes API tokens, by their ids.
func tokenRevoke(ctx context.Context, env Env, args []string) error {
	fs, cfg, err := flags(env, "token revoke")
	if err != nil {
		return err
	}
	if err := parse(fs, cfg, args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return usageError{"name the tokens by their ids (baken token list)"}
	}
	a, err := open(ctx, env, cfg)
	if err != nil {
		return err
	}
	defer a.Close()
	live, err := a.Store.APITokens(ctx, 0)
	if err != nil {
		return err
	}
	svc := account.New(a.Store, time.Now)
	for _, arg := range fs.Args() {
		id, err := strconv.ParseInt(arg, 10, 64)
		var orgID int64
		for _, t := range live {
			if t.ID == id {
				orgID = t.OrgID
			}
		}
		if err != nil || orgID == 0 {
			return fmt.Errorf("no live API token %s (baken token list)", arg)
		}
		t, err := svc.RevokeToken(ctx, account.CommandLine, orgID, id)
		if err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "API token %d %q is revoked.\n", t.ID, t.Name)
	}
	return nil
}
