package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/baken-cert/baken/internal/notify"
	"github.com/baken-cert/baken/internal/store"
)

func ruleList(ctx context.Context, env Env, args []string) error {
	fs, cfg, err := flags(env, "rule list")
	if err != nil {
		return err
	}
	asJSON := fs.Bool("json", false, "print JSON (the format rule apply reads)")
	defaults := fs.Bool("defaults", false, "also list the built-in defaults per taxonomy")
	if err := parse(fs, cfg, args); err != nil {
		return err
	}
	a, err := open(ctx, env, cfg)
	if err != nil {
		return err
	}
	defer a.Close()
	rules, err := a.Store.Rules(ctx)
	if err != nil {
		return err
	}
	if *defaults {
		rules = append(rules, notify.DefaultRules()...)
	}
	if *asJSON {
		out := make([]ruleFile, len(rules))
		for i, r := range rules {
			out[i] = toRuleFile(r)
		}
		writeJSON(env.Stdout, out)
		return nil
	}
	tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tFEED\tTAXONOMY\tTYPE\tIDENTIFIER\tACTION\tMIN SEVERITY\tREPEAT\tAGGREGATION")
	for _, r := range rules {
		id := "default"
		if r.ID != 0 {
			id = fmt.Sprint(r.ID)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", id, orAny(r.Feed), orAny(r.Taxonomy), orAny(r.Type),
			orAny(r.Identifier), r.Action, orAny(r.MinSeverity), r.Repeat, r.Aggregation)
	}
	return tw.Flush()
}

func orAny(s string) string {
	if s == "" {
		return "*"
	}
	return s
}

// ruleFile is a rule as rule apply reads it: the repeat window as a duration ("168h").
type ruleFile struct {
	Feed        string `json:"feed,omitempty"`
	Taxonomy    string `json:"taxonomy,omitempty"`
	Type        string `json:"type,omitempty"`
	Identifier  string `json:"identifier,omitempty"`
	Action      string `json:"action"`
	MinSeverity string `json:"min_severity,omitempty"`
	Repeat      string `json:"repeat"`
	Aggregation string `json:"aggregation"`
}

func toRuleFile(r store.Rule) ruleFile {
	return ruleFile{r.Feed, r.Taxonomy, r.Type, r.Identifier, r.Action, r.MinSeverity, r.Repeat.String(), r.Aggregation}
}

func (f ruleFile) rule() (store.Rule, error) {
	r := store.Rule{Feed: f.Feed, Taxonomy: f.Taxonomy, Type: f.Type, Identifier: f.Identifier, Action: f.Action,
		MinSeverity: f.MinSeverity, Aggregation: f.Aggregation}
	if f.Aggregation == "" {
		r.Aggregation = notify.Immediate
	}
	if f.Repeat != "" {
		d, err := parseDays(f.Repeat)
		if err != nil {
			return r, err
		}
		r.Repeat = d
	}
	return r, notify.CheckRule(r)
}

// parseDays reads a repeat window: "7d", "168h" or "0".
func parseDays(s string) (time.Duration, error) {
	if days, ok := strings.CutSuffix(s, "d"); ok {
		var n int
		if _, err := fmt.Sscanf(days, "%d", &n); err != nil || n < 0 {
			return 0, fmt.Errorf("repeat window %q: want days like 7d, or hours like 168h", s)
		}
		return time.Duration(n) * 24 * time.Hour, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("repeat window %q: want days like 7d, or hours like 168h", s)
	}
	return d, nil
}

func ruleSet(ctx context.Context, env Env, args []string) error {
	fs, cfg, err := flags(env, "rule set")
	if err != nil {
		return err
	}
	var f ruleFile
	fs.StringVar(&f.Feed, "feed", "", "the feed it applies to (default: every feed)")
	fs.StringVar(&f.Taxonomy, "taxonomy", "", "classification.taxonomy it applies to")
	fs.StringVar(&f.Type, "type", "", "classification.type it applies to")
	fs.StringVar(&f.Identifier, "identifier", "", "classification.identifier it applies to")
	fs.StringVar(&f.Action, "action", "", "notify, review or suppress")
	fs.StringVar(&f.MinSeverity, "min-severity", "", "info, low, medium, high or critical")
	fs.StringVar(&f.Repeat, "repeat", "7d", "do not tell again about the same system within this window (7d, 24h, 0)")
	fs.StringVar(&f.Aggregation, "aggregation", "immediate", "immediate, hourly or daily")
	del := fs.Bool("delete", false, "delete the rule of this scope instead")
	if err := parse(fs, cfg, args); err != nil {
		return err
	}
	a, err := open(ctx, env, cfg)
	if err != nil {
		return err
	}
	defer a.Close()
	if *del {
		rules, err := a.Store.Rules(ctx)
		if err != nil {
			return err
		}
		for _, r := range rules {
			if r.Feed == f.Feed && r.Taxonomy == f.Taxonomy && r.Type == f.Type && r.Identifier == f.Identifier {
				audit(ctx, env, a, "rule.delete", fmt.Sprint(r.ID))
				fmt.Fprintf(env.Stdout, "Rule %d deleted.\n", r.ID)
				return a.Store.DeleteRule(ctx, r.ID)
			}
		}
		return errors.New("no rule has this scope (baken rule list shows them)")
	}
	r, err := f.rule()
	if err != nil {
		return usageError{err.Error()}
	}
	saved, err := a.Store.PutRule(ctx, r)
	if err != nil {
		return err
	}
	audit(ctx, env, a, "rule.put", fmt.Sprintf("%d: %s %s", saved.ID, saved.Action, saved.Aggregation))
	fmt.Fprintf(env.Stdout, "Rule %d saved: %s, repeat %s, %s.\n", saved.ID, saved.Action, saved.Repeat, saved.Aggregation)
	return nil
}

func ruleApply(ctx context.Context, env Env, args []string) error {
	fs, cfg, err := flags(env, "rule apply")
	if err != nil {
		return err
	}
	if err := parse(fs, cfg, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageError{"name the JSON file of rules"}
	}
	var files []ruleFile
	if err := readJSONFile(fs.Arg(0), "rules", &files); err != nil {
		return err
	}
	rules := make([]store.Rule, len(files))
	for i, f := range files {
		if rules[i], err = f.rule(); err != nil {
			return fmt.Errorf("%s: rule %d: %w", fs.Arg(0), i+1, err)
		}
	}
	a, err := open(ctx, env, cfg)
	if err != nil {
		return err
	}
	defer a.Close()
	for _, r := range rules {
		if _, err := a.Store.PutRule(ctx, r); err != nil {
			return err
		}
	}
	audit(ctx, env, a, "rule.apply", fmt.Sprintf("%s: %d rules", fs.Arg(0), len(rules)))
	fmt.Fprintf(env.Stdout, "%d rules saved.\n", len(rules))
	return nil
}
