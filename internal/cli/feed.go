package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/baken-cert/baken/internal/collect"
	"github.com/baken-cert/baken/internal/event"
	"github.com/baken-cert/baken/internal/ingest"
	"github.com/baken-cert/baken/internal/store"
)

// feedFile is a feed as `baken feed apply` reads it and `feed list --json` writes it.
type feedFile struct {
	Name       string          `json:"name"`
	Provider   string          `json:"provider,omitempty"`
	Format     string          `json:"format"`
	Kind       string          `json:"kind,omitempty"`
	TLP        string          `json:"tlp,omitempty"`
	Taxonomy   string          `json:"taxonomy,omitempty"`
	Type       string          `json:"type,omitempty"`
	Identifier string          `json:"identifier,omitempty"`
	Options    json.RawMessage `json:"options,omitempty"`
	// Collect is how Baken fetches the feed's files (collect.Config); see docs/feeds.md.
	Collect json.RawMessage `json:"collect,omitempty"`
}

func (f feedFile) feed() store.Feed {
	return store.Feed{Name: f.Name, Provider: f.Provider, Format: f.Format, Kind: f.Kind, TLP: f.TLP,
		Classification: event.Classification{Taxonomy: f.Taxonomy, Type: f.Type, Identifier: f.Identifier}, Options: f.Options, Collect: f.Collect}
}

func toFeedFile(f store.Feed) feedFile {
	return feedFile{Name: f.Name, Provider: f.Provider, Format: f.Format, Kind: f.Kind, TLP: f.TLP,
		Taxonomy: f.Classification.Taxonomy, Type: f.Classification.Type, Identifier: f.Classification.Identifier, Options: f.Options, Collect: f.Collect}
}

// columnsFlag collects --column FIELD=COLUMN.
type columnsFlag map[string]string

func (c columnsFlag) String() string { return fmt.Sprint(map[string]string(c)) }
func (c columnsFlag) Set(v string) error {
	field, column, ok := strings.Cut(v, "=")
	if !ok || field == "" || column == "" {
		return errors.New("want FIELD=COLUMN, e.g. source.ip=ip")
	}
	c[field] = column
	return nil
}

func feedAdd(ctx context.Context, env Env, args []string) error {
	fs, cfg, err := flags(env, "feed add")
	if err != nil {
		return err
	}
	var f feedFile
	fs.StringVar(&f.Format, "format", "", "shadowserver, csv, intelmq, stix or credentials")
	fs.StringVar(&f.Provider, "provider", "", "who delivers the feed")
	fs.StringVar(&f.Kind, "kind", "", "periodic or incidental (default: periodic for shadowserver, else incidental)")
	fs.StringVar(&f.TLP, "tlp", "AMBER", "CLEAR, GREEN, AMBER, AMBER+STRICT or RED")
	fs.StringVar(&f.Taxonomy, "taxonomy", "", "default classification.taxonomy")
	fs.StringVar(&f.Type, "type", "", "default classification.type")
	fs.StringVar(&f.Identifier, "identifier", "", "default classification.identifier")
	var o ingest.Options
	o.Columns = columnsFlag{}
	fs.Var(columnsFlag(o.Columns), "column", "csv: map an IntelMQ field to a column, FIELD=COLUMN (repeat)")
	fs.StringVar(&o.ReportType, "report-type", "", "shadowserver: the report type, when file names do not tell it")
	fs.StringVar(&o.Delimiter, "delimiter", "", "csv: the field delimiter (default ,)")
	fs.BoolVar(&o.NoHeader, "no-header", false, "csv: the file has no header row; name columns 1, 2, ...")
	collectJSON := fs.String("collect", "", `how Baken fetches the feed's files, as JSON (see docs/feeds.md), e.g. {"every":"1h","http":{"url":"https://..."}}`)
	if err := parse(fs, cfg, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageError{"name the feed"}
	}
	f.Name = fs.Arg(0)
	if *collectJSON != "" {
		f.Collect = json.RawMessage(*collectJSON)
	}
	if len(o.Columns) == 0 {
		o.Columns = nil
	}
	if f.Options, err = json.Marshal(o); err != nil {
		return err
	}
	a, err := open(ctx, env, cfg)
	if err != nil {
		return err
	}
	defer a.Close()
	saved, err := putFeed(ctx, a.Store, a.Ingest.Parsers(), f.feed())
	if err != nil {
		return err
	}
	audit(ctx, env, a, "feed.put", saved.Name)
	fmt.Fprintf(env.Stdout, "Feed %s saved (%s, %s, TLP:%s).\n", saved.Name, saved.Format, saved.Kind, saved.TLP)
	if len(saved.Collect) > 0 {
		fmt.Fprintf(env.Stdout, "Baken collects it on its schedule under baken serve or baken work; see baken feed status.\n")
	}
	return nil
}

func putFeed(ctx context.Context, s store.Store, p *ingest.Parsers, f store.Feed) (store.Feed, error) {
	if err := checkFeed(p, &f); err != nil {
		return f, err
	}
	return s.PutFeed(ctx, f)
}

// checkFeed checks a feed definition with its collector.
func checkFeed(p *ingest.Parsers, f *store.Feed) error {
	if err := p.CheckFeed(f); err != nil {
		return err
	}
	if _, err := collect.Parse(f.Collect); err != nil {
		return fmt.Errorf("feed %s: %w", f.Name, err)
	}
	return nil
}

func feedApply(ctx context.Context, env Env, args []string) error {
	fs, cfg, err := flags(env, "feed apply")
	if err != nil {
		return err
	}
	if err := parse(fs, cfg, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageError{"name the file of feed definitions (a JSON array)"}
	}
	var feeds []feedFile
	if err := readJSONFile(fs.Arg(0), "feeds", &feeds); err != nil {
		return err
	}
	a, err := open(ctx, env, cfg)
	if err != nil {
		return err
	}
	defer a.Close()
	// Check every definition before saving any, so that a mistake changes nothing.
	checked := make([]store.Feed, len(feeds))
	for i, f := range feeds {
		checked[i] = f.feed()
		if err := checkFeed(a.Ingest.Parsers(), &checked[i]); err != nil {
			return fmt.Errorf("%s: feed %d: %w", fs.Arg(0), i+1, err)
		}
	}
	for _, f := range checked {
		if _, err := a.Store.PutFeed(ctx, f); err != nil {
			return err
		}
	}
	audit(ctx, env, a, "feed.apply", fmt.Sprintf("%s: %d feeds", fs.Arg(0), len(checked)))
	fmt.Fprintf(env.Stdout, "%d feeds saved.\n", len(checked))
	return nil
}

func feedList(ctx context.Context, env Env, args []string) error {
	fs, cfg, err := flags(env, "feed list")
	if err != nil {
		return err
	}
	asJSON := fs.Bool("json", false, "print JSON (the format feed apply reads)")
	if err := parse(fs, cfg, args); err != nil {
		return err
	}
	a, err := open(ctx, env, cfg)
	if err != nil {
		return err
	}
	defer a.Close()
	feeds, err := a.Store.Feeds(ctx)
	if err != nil {
		return err
	}
	if *asJSON {
		out := make([]feedFile, len(feeds))
		for i, f := range feeds {
			out[i] = toFeedFile(f)
		}
		writeJSON(env.Stdout, out)
		return nil
	}
	tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tFORMAT\tKIND\tTLP\tPROVIDER\tCLASSIFICATION\tCOLLECTED BY")
	for _, f := range feeds {
		c := f.Classification
		by := "-"
		if cfg, err := collect.Parse(f.Collect); err == nil && cfg != nil {
			by = cfg.Source() + ", " + cfg.Schedule()
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", f.Name, f.Format, f.Kind, f.TLP, f.Provider,
			strings.Trim(c.Taxonomy+"/"+c.Type+"/"+c.Identifier, "/"), by)
	}
	return tw.Flush()
}

// readJSONFile reads a configuration file holding a JSON array of what, refusing fields
// it does not know so that a typo is named rather than ignored.
func readJSONFile(path, what string, v any) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	dec := json.NewDecoder(f)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("%s: not a JSON array of %s: %w", path, what, err)
	}
	return nil
}
