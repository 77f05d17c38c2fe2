package cli

import (
	"context"
	"fmt"
	"time"

	"github.com/baken-cert/baken/internal/ingest"
)

func ripeImport(ctx context.Context, env Env, args []string) error {
	fs, cfg, err := flags(env, "ripe import")
	if err != nil {
		return err
	}
	asJSON := fs.Bool("json", false, "print what was read as JSON")
	if err := parse(fs, cfg, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageError{"name the directory of the RIPE split dumps (ripe.db.inetnum.gz, ...)"}
	}
	a, err := open(ctx, env, cfg)
	if err != nil {
		return err
	}
	defer a.Close()
	start := time.Now()
	res, err := ingest.ImportRIPE(ctx, a.Store, fs.Arg(0))
	if err != nil {
		return err
	}
	audit(ctx, env, a, "ripe.import", fmt.Sprintf("%s: %d prefixes, %d AS numbers", fs.Arg(0), res.Prefixes, res.ASNs))
	if *asJSON {
		writeJSON(env.Stdout, res)
		return nil
	}
	fmt.Fprintf(env.Stdout, "RIPE data from %s imported in %s: %d inetnum, %d inet6num (%d prefixes), %d aut-num, %d organisations, %d roles; %d objects skipped.\n",
		fs.Arg(0), time.Since(start).Round(time.Millisecond), res.Inetnums, res.Inet6nums, res.Prefixes, res.AutNums,
		res.Organisations, res.Roles, res.Skipped)
	for _, p := range res.Problems {
		fmt.Fprintf(env.Stderr, "%v\n", p)
	}
	return nil
}
