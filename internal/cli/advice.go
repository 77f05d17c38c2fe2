package cli

import (
	"context"
	"fmt"
	"os"
	"sort"
	"strings"
)

func adviceList(ctx context.Context, env Env, args []string) error {
	fs, cfg, err := flags(env, "advice list")
	if err != nil {
		return err
	}
	if err := parse(fs, cfg, args); err != nil {
		return err
	}
	a, err := open(ctx, env, cfg)
	if err != nil {
		return err
	}
	defer a.Close()
	all, err := a.Store.Advice(ctx)
	if err != nil {
		return err
	}
	var lines []string
	for lang, scopes := range all {
		for scope, text := range scopes {
			lines = append(lines, fmt.Sprintf("%s (%s):\n  %s", scope, lang, strings.ReplaceAll(strings.TrimSpace(text), "\n", "\n  ")))
		}
	}
	sort.Strings(lines)
	if len(lines) == 0 {
		fmt.Fprintln(env.Stdout, "No advice of the analysts' own: every notification uses the built-in advice.")
	}
	for _, l := range lines {
		fmt.Fprintln(env.Stdout, l)
	}
	return nil
}

func adviceSet(ctx context.Context, env Env, args []string) error {
	fs, cfg, err := flags(env, "advice set")
	if err != nil {
		return err
	}
	scope := fs.String("for", "", "the classification identifier (open-smb) or type (vulnerable-system) it replaces the advice of")
	lang := fs.String("language", "", "nl or en")
	del := fs.Bool("delete", false, "remove it: the built-in advice applies again")
	if err := parse(fs, cfg, args); err != nil {
		return err
	}
	if *scope == "" || (*lang != "nl" && *lang != "en") || (fs.NArg() != 1 && !*del) {
		return usageError{"name --for, --language nl|en and the file with the advice (lines starting with - are steps)"}
	}
	text := ""
	if !*del {
		b, err := os.ReadFile(fs.Arg(0))
		if err != nil {
			return err
		}
		if text = strings.TrimSpace(string(b)); text == "" {
			return usageError{"the advice file is empty"}
		}
	}
	a, err := open(ctx, env, cfg)
	if err != nil {
		return err
	}
	defer a.Close()
	if err := a.Store.PutAdvice(ctx, *scope, *lang, text); err != nil {
		return err
	}
	audit(ctx, env, a, "advice.put", *scope+" ("+*lang+")")
	if *del {
		fmt.Fprintf(env.Stdout, "The built-in advice applies again to %s (%s).\n", *scope, *lang)
	} else {
		fmt.Fprintf(env.Stdout, "Notifications about %s in %s now carry this advice.\n", *scope, *lang)
	}
	return nil
}
