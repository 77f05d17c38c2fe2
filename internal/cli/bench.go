package cli

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"strings"
	"time"

	"github.com/baken-cert/baken/internal/bench"
	"github.com/baken-cert/baken/internal/match"
	"github.com/baken-cert/baken/internal/match/matchtest"
	"github.com/baken-cert/baken/internal/store"
	"github.com/baken-cert/baken/internal/store/postgres"
	"github.com/baken-cert/baken/internal/store/sqlite"
)

// benchCmd prints Baken's end-to-end figures. It never touches the configured database:
// SQLite runs in a temporary directory, PostgreSQL (with --postgres) in a schema of its
// own that is dropped afterwards.
func benchCmd(ctx context.Context, env Env, args []string) error {
	fs, cfg, err := flags(env, "bench")
	if err != nil {
		return err
	}
	orgs := fs.Int("orgs", 10000, "organisations in the generated registry")
	assets := fs.Int("assets", 1000000, "assets in the generated registry")
	pgURL := fs.String("postgres", env.Getenv("BAKEN_TEST_POSTGRES"), "PostgreSQL server to measure too (default $BAKEN_TEST_POSTGRES)")
	rows := fs.Int("rows", 10_000_000, "rows of the generated Shadowserver report to ingest (0 skips the ingestion figures)")
	incident := fs.Int("incident", 10000, "organisations one incident concerns, for the e-mail figures (0 skips them)")
	if err := parse(fs, cfg, args); err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "baken-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)

	ready, err := bench.TimeToReady(ctx, dir+"/ready")
	if err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	fmt.Fprintf(env.Stdout, "serve ready on an empty data directory: %s\n", ready.Round(time.Millisecond))

	// Each opener gives a fresh, empty database: use names it apart on SQLite.
	engines := []func(use string) (store.Store, func(), error){func(use string) (store.Store, func(), error) {
		s, err := sqlite.Open(ctx, dir+"/"+use+"/baken.db")
		return s, func() {}, err
	}}
	if *pgURL != "" {
		engines = append(engines, func(string) (store.Store, func(), error) { return benchSchema(ctx, *pgURL) })
	}
	if *incident > 0 {
		fig, err := bench.RunNotify(ctx, dir, *incident)
		if err != nil {
			return fmt.Errorf("notify: %w", err)
		}
		fmt.Fprintf(env.Stdout, "incident for %d organisations: ingested in %s; %d e-mails decided, composed and accepted by an SMTP server on loopback %s after it (%.0f mails/s)\n",
			fig.Organisations, fig.Ingest.Round(time.Millisecond), fig.Mails, fig.Deliver.Round(time.Millisecond), float64(fig.Mails)/fig.Deliver.Seconds())
	}
	if *rows > 0 {
		if err := benchMatching(env, *assets); err != nil {
			return err
		}
		for _, open := range engines {
			if err := benchIngest(ctx, env, dir, open, *orgs, *assets, *rows); err != nil {
				return err
			}
		}
	}
	for _, open := range engines {
		s, drop, err := open("import")
		if err != nil {
			return err
		}
		if err := s.Migrate(ctx); err != nil {
			return err
		}
		fig, err := bench.RunImport(ctx, s, dir, *orgs, *assets)
		s.Close()
		drop()
		if err != nil {
			return fmt.Errorf("%s import: %w", fig.Engine, err)
		}
		fmt.Fprintf(env.Stdout, "import %d assets for %d organisations on %s: first %s (%.0f assets/s), again %s (%d added)\n",
			fig.Assets, *orgs, fig.Engine, fig.First.Round(time.Millisecond), float64(fig.Assets)/fig.First.Seconds(),
			fig.Second.Round(time.Millisecond), fig.SecondAdded)
	}
	return nil
}

// benchSchema opens PostgreSQL in a new schema and returns how to drop it.
func benchSchema(ctx context.Context, url string) (store.Store, func(), error) {
	admin, err := postgres.Open(ctx, url)
	if err != nil {
		return nil, nil, err
	}
	schema := fmt.Sprintf("baken_bench_%d", time.Now().UnixNano())
	if _, err := admin.SQL().ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		admin.Close()
		return nil, nil, err
	}
	drop := func() {
		admin.SQL().ExecContext(context.Background(), "DROP SCHEMA "+schema+" CASCADE")
		admin.Close()
	}
	sep := "?"
	if strings.Contains(url, "?") {
		sep = "&"
	}
	s, err := postgres.Open(ctx, url+sep+"search_path="+schema)
	if err != nil {
		drop()
		return nil, nil, err
	}
	return s, drop, nil
}

// benchMatching prints parse+match throughput against assets registered assets, on one
// core and on all, and a naive linear scan for comparison.
func benchMatching(env Env, assets int) error {
	entries := matchtest.Generate(assets, 1)
	ix, err := match.NewIndex(entries)
	if err != nil {
		return err
	}
	report := bench.ScanSMBSampled(2_000_000, matchtest.NewSampler(entries, 2))
	for _, workers := range []int{1, runtime.NumCPU()} {
		rows, matched, took, err := bench.ParseMatch(report, ix, workers)
		if err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "parse+match %d Shadowserver rows against %d assets, %d goroutines: %.0f rows/s (%d matched)\n",
			rows, assets, workers, float64(rows)/took.Seconds(), matched)
	}
	naive, _ := bench.NaiveMatchRate(entries, matchtest.NewSampler(entries, 3), 200)
	fmt.Fprintf(env.Stdout, "naive linear scan over the same %d assets: %.0f rows/s\n", assets, naive)
	return nil
}

// benchIngest prints the end-to-end ingestion figures on the engine open opens.
func benchIngest(ctx context.Context, env Env, dir string, open func(string) (store.Store, func(), error), orgs, assets, rows int) error {
	s, drop, err := open("ingest")
	if err != nil {
		return err
	}
	defer drop()
	defer s.Close()
	if err := s.Migrate(ctx); err != nil {
		return err
	}
	fig, err := bench.RunIngest(ctx, s, dir, orgs, assets, rows)
	if err != nil {
		return fmt.Errorf("ingest: %w", err)
	}
	fmt.Fprintf(env.Stdout, "ingest %d rows (%d MB, 1%% matching) on %s: %s with loading the index (%s of it; %s for the first process after the import; %.0f rows/s), %d events for %d organisations, peak heap %d MB, peak RSS of this process %d MB\n",
		fig.Rows, fig.FileBytes>>20, s.Engine(), fig.Took.Round(time.Millisecond), fig.LoadIndex.Round(time.Millisecond),
		fig.LoadIndexFirst.Round(time.Millisecond), float64(fig.Rows)/fig.Took.Seconds(),
		fig.Events, fig.Organisations, fig.PeakHeap>>20, fig.MaxRSS>>20)
	return nil
}
