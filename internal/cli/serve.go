package cli

import (
	"context"
	"fmt"
	"net"

	"github.com/baken-cert/baken/internal/app"
)

func serve(ctx context.Context, env Env, args []string) error {
	fs, cfg, err := flags(env, "serve")
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
	return a.Serve(ctx, func(addr net.Addr) {
		fmt.Fprintf(env.Stdout, "Baken %s is running at http://%s (database: %s)\n", Version(), addr, a.Store.Engine())
		// On an empty database nobody can log in yet: say how the first person gets in.
		if n, err := a.Store.CountUsers(ctx); err == nil && n == 0 {
			fmt.Fprintf(env.Stdout, "There are no portal users yet. Create the first administrator, who gets a one-time set-up link:\n"+
				"  baken user create --role admin --language en you@your-cert.example\n")
			a.Log.Info("no portal users yet: create the first administrator with baken user create --role admin EMAIL")
		}
	})
}

func migrate(ctx context.Context, env Env, args []string) error {
	fs, cfg, err := flags(env, "migrate")
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
	fmt.Fprintf(env.Stdout, "The %s database is up to date.\n", a.Store.Engine())
	return nil
}

func work(ctx context.Context, env Env, args []string) error {
	fs, cfg, err := flags(env, "work")
	if err != nil {
		return err
	}
	untilIdle := fs.Bool("until-idle", false, "run every due job, then exit")
	if err := parse(fs, cfg, args); err != nil {
		return err
	}
	a, err := open(ctx, env, cfg)
	if err != nil {
		return err
	}
	defer a.Close()
	if *untilIdle {
		idle, err := a.RunUntilIdle(ctx)
		printIdle(env, idle)
		return err
	}
	if err := a.StartWorkers(ctx); err != nil {
		return err
	}
	<-ctx.Done()
	a.StopWorkers()
	return nil
}

// printIdle says what work --until-idle did and what it left, in counts that do not lie:
// "nothing is due" only when nothing waits and no other process holds work.
func printIdle(env Env, idle app.Idle) {
	fmt.Fprintf(env.Stdout, "Ran %d jobs; sent %d notifications", idle.Jobs, idle.Sent)
	if idle.Retried > 0 {
		fmt.Fprintf(env.Stdout, ", %d attempts failed for now", idle.Retried)
	}
	if idle.Refused > 0 {
		fmt.Fprintf(env.Stdout, ", %d refused for good by the recipient's mail server", idle.Refused)
	}
	fmt.Fprintln(env.Stdout, ".")
	switch {
	case idle.Waiting > 0 && idle.NoMailServer:
		fmt.Fprintf(env.Stdout, "Not done: %d notifications wait in the outbox, because no mail server is configured (BAKEN_SMTP_URL).\n", idle.Waiting)
	case idle.Waiting > 0 || idle.Running > 0:
		fmt.Fprintf(env.Stdout, "Not done: %d notifications wait (for another attempt, or held by another process) and %d jobs run in another process.\n", idle.Waiting, idle.Running)
	default:
		fmt.Fprintln(env.Stdout, "Nothing is due now.")
	}
}
