package cli

import (
	"context"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/baken-cert/baken/internal/bench"
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

	engines := []func() (store.Store, func(), error){func() (store.Store, func(), error) {
		s, err := sqlite.Open(ctx, dir+"/import/baken.db")
		return s, func() {}, err
	}}
	if *pgURL != "" {
		engines = append(engines, func() (store.Store, func(), error) { return benchSchema(ctx, *pgURL) })
	}
	for _, open := range engines {
		s, drop, err := open()
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
