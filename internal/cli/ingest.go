package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"path/filepath"

	"github.com/schollz/progressbar/v3"

	"github.com/baken-cert/baken/internal/app"
	"github.com/baken-cert/baken/internal/asset"
	"github.com/baken-cert/baken/internal/ingest"
	"github.com/baken-cert/baken/internal/match"
	"github.com/baken-cert/baken/internal/store"
)

func ingestCmd(ctx context.Context, env Env, args []string) error {
	fs, cfg, err := flags(env, "ingest")
	if err != nil {
		return err
	}
	feedName := fs.String("feed", "", "the feed the files come from (default: shadowserver, created when missing)")
	asJSON := fs.Bool("json", false, "print each file's report as a JSON object")
	if err := parse(fs, cfg, args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return usageError{"name the files to ingest, or - for standard input"}
	}
	a, err := open(ctx, env, cfg)
	if err != nil {
		return err
	}
	defer a.Close()
	f, err := ingestFeed(ctx, a, *feedName)
	if err != nil {
		return err
	}
	if err := a.LoadIndices(ctx); err != nil {
		return err
	}
	failed := 0
	for _, name := range fs.Args() {
		rep, err := ingestFile(ctx, env, a, f, name)
		if err != nil {
			if rep.Events > 0 {
				fmt.Fprintf(env.Stderr, "%s: %v (%d events read before it were stored and will be decided; the rest of the file was not read)\n", name, err, rep.Events)
			} else {
				fmt.Fprintf(env.Stderr, "%s: %v (nothing of it was stored)\n", name, err)
			}
			failed++
			continue
		}
		if rep.Detected != "" {
			fmt.Fprintf(env.Stderr, "%s: read as %s\n", name, rep.Detected)
		}
		if *asJSON {
			writeJSON(env.Stdout, rep)
		} else {
			printIngest(env, rep)
		}
		if rep.Rejected > 0 {
			failed++ // as baken org import: status 1 when anything was not taken
		}
	}
	if failed > 0 {
		return exitError(1)
	}
	return nil
}

// ingestFeed returns the named feed, or the Shadowserver feed (created when missing).
func ingestFeed(ctx context.Context, a *app.App, name string) (store.Feed, error) {
	if name != "" {
		f, err := a.Store.Feed(ctx, name)
		if errors.Is(err, store.ErrNotFound) {
			return f, fmt.Errorf("no feed %q: add it with baken feed add (baken feed list shows the feeds)", name)
		}
		return f, err
	}
	f, err := a.Store.Feed(ctx, ingest.ShadowserverFeed().Name)
	if errors.Is(err, store.ErrNotFound) {
		return putFeed(ctx, a.Store, a.Ingest.Parsers(), ingest.ShadowserverFeed())
	}
	return f, err
}

func ingestFile(ctx context.Context, env Env, a *app.App, f store.Feed, name string) (ingest.Report, error) {
	in, size, err := openInput(env, name)
	if err != nil {
		return ingest.Report{}, err
	}
	defer in.Close()
	var r io.Reader = in
	if bar := progress(env, size, "ingesting "+filepath.Base(name)); bar != nil {
		pr := progressbar.NewReader(in, bar)
		r = &pr
		defer bar.Clear()
	}
	if name == "-" {
		name = "stdin"
	}
	return a.Ingest.Ingest(ctx, f, filepath.Base(name), r)
}

func printIngest(env Env, rep ingest.Report) {
	rt := ""
	if rep.ReportType != "" {
		rt = ", " + rep.ReportType
	}
	fmt.Fprintf(env.Stdout, "%s (feed %s%s): %d rows, %d rejected\n", rep.FileName, rep.Feed, rt, rep.Rows, rep.Rejected)
	fmt.Fprintf(env.Stdout, "  events stored    %d (%d already known)\n", rep.Events, rep.Duplicates)
	fmt.Fprintf(env.Stdout, "  matched          %d events, %d organisations\n", rep.MatchedEvents, rep.Organisations)
	fmt.Fprintf(env.Stdout, "  network owners   %d events\n", rep.FallbackEvents)
	fmt.Fprintf(env.Stdout, "  unmatched        %d rows\n", rep.Unmatched)
	for _, r := range rep.Rejects {
		fmt.Fprintf(env.Stderr, "%s: line %d: %s\n", rep.FileName, r.Line, r.Reason)
	}
	if rep.Rejected > len(rep.Rejects) {
		fmt.Fprintf(env.Stderr, "%s: %d more rejected rows are in ingestion report %d\n", rep.FileName, rep.Rejected-len(rep.Rejects), rep.ID)
	}
}

// lookupResult is what `baken lookup` answers.
type lookupResult struct {
	Query         string        `json:"query"`
	Organisations []lookupOwner `json:"organisations"`
	NetworkOwner  *ingest.Owner `json:"network_owner"`
}

type lookupOwner struct {
	OrgRef       string `json:"org_ref"`
	Name         string `json:"name"`
	Asset        string `json:"asset"`
	Kind         string `json:"kind"`
	How          string `json:"how"`
	Verification string `json:"verification"`
	Proof        string `json:"proof"`   // the same in words
	Primary      bool   `json:"primary"` // the organisation that is told first
}

func lookupCmd(ctx context.Context, env Env, args []string) error {
	fs, cfg, err := flags(env, "lookup")
	if err != nil {
		return err
	}
	asJSON := fs.Bool("json", false, "print JSON")
	if err := parse(fs, cfg, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageError{"name one IP address, domain name, e-mail address or AS number"}
	}
	subj, err := ingest.Subject(fs.Arg(0))
	if err != nil {
		return usageError{err.Error()}
	}
	a, err := open(ctx, env, cfg)
	if err != nil {
		return err
	}
	defer a.Close()
	if err := a.LoadIndices(ctx); err != nil {
		return err
	}
	res := lookupResult{Query: fs.Arg(0), Organisations: []lookupOwner{}}
	hits := a.Matcher.Match(subj, nil)
	match.Rank(hits)
	for i, h := range hits {
		o, err := a.Store.OrganisationByID(ctx, h.OrgID)
		if err != nil {
			return err
		}
		res.Organisations = append(res.Organisations, lookupOwner{OrgRef: o.Ref, Name: o.Name, Asset: h.Asset().Value,
			Kind: string(h.Kind), How: string(h.By), Verification: string(h.Verification),
			Proof: asset.Proof{State: h.Verification}.Describe().Error(), Primary: i == 0})
	}
	if owner, ok := a.Matcher.Owner(subj); ok {
		res.NetworkOwner = &owner
	}
	if *asJSON {
		writeJSON(env.Stdout, res)
		return nil
	}
	printLookup(env, res, subj.IP)
	return nil
}

func printLookup(env Env, res lookupResult, ip netip.Addr) {
	w := env.Stdout
	if len(res.Organisations) == 0 {
		fmt.Fprintf(w, "%s: no registered organisation.\n", res.Query)
	}
	for _, o := range res.Organisations {
		mark := " "
		if o.Primary {
			mark = "*"
		}
		fmt.Fprintf(w, "%s %s (%s): %s %s, matched by %s, %s\n", mark, o.Name, o.OrgRef, o.Kind, o.Asset, o.How, o.Proof)
	}
	switch {
	case res.NetworkOwner != nil:
		n := res.NetworkOwner
		fmt.Fprintf(w, "Network owner: %s %s %s, abuse contact %s\n", n.Network, n.Netname, n.OrgName, orNone(n.AbuseMailbox))
	case ip.IsValid():
		fmt.Fprintln(w, "Network owner: unknown (baken ripe import loads the RIPE data)")
	}
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}
