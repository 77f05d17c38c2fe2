package cli

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/baken-cert/baken/internal/collect"
	"github.com/baken-cert/baken/internal/store"
)

func feedStatus(ctx context.Context, env Env, args []string) error {
	fs, cfg, err := flags(env, "feed status")
	if err != nil {
		return err
	}
	asJSON := fs.Bool("json", false, "print JSON")
	if err := parse(fs, cfg, args); err != nil {
		return err
	}
	a, err := open(ctx, env, cfg)
	if err != nil {
		return err
	}
	defer a.Close()
	status, err := a.Collect.Status(ctx)
	if err != nil {
		return err
	}
	if *asJSON {
		if status == nil {
			status = []collect.FeedStatus{}
		}
		writeJSON(env.Stdout, status)
		return nil
	}
	if len(status) == 0 {
		fmt.Fprintln(env.Stdout, "No feed has a collector; see docs/feeds.md.")
		return nil
	}
	tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "FEED\tSOURCE\tHEALTH\tLAST SUCCESS\tLAST NEW FILE\tNEXT RUN\tFAILED FILES")
	for _, s := range status {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%d\n", s.Feed, s.Source, health(s), when(s.LastSuccessAt), when(s.LastNewAt), when(s.NextRunAt), s.Failed)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, s := range status {
		fmt.Fprintf(env.Stdout, "\n%s:\n", s.Feed)
		if s.LastError != "" {
			fmt.Fprintf(env.Stdout, "  last run failed: %s\n", s.LastError)
		}
		if len(s.Files) == 0 {
			fmt.Fprintln(env.Stdout, "  no file collected yet")
		}
		for _, f := range s.Files {
			fmt.Fprintf(env.Stdout, "  #%d %s  %s  %s", f.ID, when(f.CollectedAt), f.Name, f.State)
			if f.State == store.FileIngested {
				fmt.Fprintf(env.Stdout, ": %d rows, %d events, %d rejected", f.Rows, f.Events, f.Rejected)
			}
			fmt.Fprintln(env.Stdout)
			if f.LastError != "" {
				fmt.Fprintf(env.Stdout, "      error: %s\n", f.LastError)
			}
			for _, r := range f.Rejects {
				fmt.Fprintf(env.Stdout, "      line %d rejected: %s\n", r.Line, r.Reason)
			}
		}
	}
	return nil
}

func health(s collect.FeedStatus) string {
	switch {
	case s.Silent:
		return "SILENT"
	case s.LastError != "":
		return "error"
	case s.Failed > 0:
		return "failed files"
	case s.LastRunAt.IsZero() && s.Source != "routed":
		return "not run yet"
	}
	return "ok"
}

func when(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format("2006-01-02 15:04Z")
}

func feedFiles(ctx context.Context, env Env, args []string) error {
	fs, cfg, err := flags(env, "feed files")
	if err != nil {
		return err
	}
	feedName := fs.String("feed", "", "only this feed's files")
	state := fs.String("state", "", "only files in this state: pending, ingested or failed")
	limit := fs.Int("limit", 50, "at most this many files (0: all)")
	asJSON := fs.Bool("json", false, "print JSON")
	if err := parse(fs, cfg, args); err != nil {
		return err
	}
	a, err := open(ctx, env, cfg)
	if err != nil {
		return err
	}
	defer a.Close()
	filter := store.CollectedFileFilter{State: *state, Limit: *limit}
	if *feedName != "" {
		f, err := a.Store.Feed(ctx, *feedName)
		if err != nil {
			return err
		}
		filter.FeedID = f.ID
	}
	files, err := a.Store.CollectedFiles(ctx, filter)
	if err != nil {
		return err
	}
	if *asJSON {
		if files == nil {
			files = []store.CollectedFile{}
		}
		writeJSON(env.Stdout, files)
		return nil
	}
	tw := tabwriter.NewWriter(env.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tFEED\tCOLLECTED\tNAME\tSIZE\tSTATE\tATTEMPTS\tERROR")
	for _, f := range files {
		state := f.State
		if !f.PrunedAt.IsZero() {
			state += " (content dropped)"
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%d\t%s\t%d\t%s\n", f.ID, f.Feed, when(f.CollectedAt), f.Name, f.Size, state, f.Attempts,
			strings.ReplaceAll(f.LastError, "\n", " "))
	}
	return tw.Flush()
}

func feedRerun(ctx context.Context, env Env, args []string) error {
	fs, cfg, err := flags(env, "feed rerun")
	if err != nil {
		return err
	}
	if err := parse(fs, cfg, args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return usageError{"name the collected files to ingest again by id (see baken feed files)"}
	}
	a, err := open(ctx, env, cfg)
	if err != nil {
		return err
	}
	defer a.Close()
	for _, arg := range fs.Args() {
		id, err := strconv.ParseInt(arg, 10, 64)
		if err != nil {
			return usageError{fmt.Sprintf("%q is not the id of a collected file", arg)}
		}
		if err := a.Collect.Rerun(ctx, id); err != nil {
			return err
		}
		audit(ctx, env, a, "feed.rerun", arg)
		fmt.Fprintf(env.Stdout, "Collected file %d will be ingested again.\n", id)
	}
	return nil
}

func feedCollect(ctx context.Context, env Env, args []string) error {
	fs, cfg, err := flags(env, "feed collect")
	if err != nil {
		return err
	}
	if err := parse(fs, cfg, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageError{"name the feed to collect now"}
	}
	a, err := open(ctx, env, cfg)
	if err != nil {
		return err
	}
	defer a.Close()
	f, err := a.Store.Feed(ctx, fs.Arg(0))
	if err != nil {
		return err
	}
	// Outside the schedule: the period's own run still happens.
	n, err := a.Collect.Run(ctx, f, time.Time{})
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "%d new files kept for %s; baken serve or baken work ingests them (baken work --until-idle: now).\n", n, f.Name)
	return nil
}
