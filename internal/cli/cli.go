// Package cli is Baken's command line: `baken serve`, `baken org import`, and the rest.
// Each command reads the configuration (environment first, then its flags), does its
// work through internal/app, and prints for people or, with --json, for programs.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/baken-cert/baken/internal/account"
	"github.com/baken-cert/baken/internal/app"
	"github.com/baken-cert/baken/internal/config"
	"github.com/baken-cert/baken/internal/store"
)

// version is set at build time with -ldflags "-X github.com/baken-cert/baken/internal/cli.version=v1.2.3".
var version = ""

// Env is what a command sees of the world; tests give their own.
type Env struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	Getenv func(string) string
}

// command is one subcommand.
type command struct {
	usage string // arguments, after the command's name
	help  string // one line
	run   func(ctx context.Context, env Env, args []string) error
}

func commands() map[string]command {
	return map[string]command{
		"serve":                      {"[flags]", "run the HTTP server and the background workers until SIGTERM", serve},
		"migrate":                    {"[flags]", "bring the database schema up to date", migrate},
		"work":                       {"[--until-idle] [flags]", "run background jobs (with --until-idle: every due job, then exit)", work},
		"version":                    {"", "print the version", printVersion},
		"bench":                      {"[--orgs N] [--assets N] [--postgres URL]", "measure start-up and import figures on generated data", benchCmd},
		"org import":                 {"[--replace] [--format csv|jsonl] [--json] FILE|-", "import organisations, contacts and assets", orgImport},
		"org list":                   {"[--parent REF] [--json]", "list organisations", orgList},
		"org show":                   {"[--json] REF", "show an organisation with its contacts and assets", orgShow},
		"feed add":                   {"--format F [--kind K] [--tlp T] [--column FIELD=COLUMN ...] [--collect JSON] NAME", "add or change a feed", feedAdd},
		"feed list":                  {"[--json]", "list the feeds", feedList},
		"feed apply":                 {"FILE", "add or change the feeds of a JSON file (configuration as code)", feedApply},
		"feed status":                {"[--json]", "the health of every collected feed: last runs, files, rows, rejected rows, errors, next run", feedStatus},
		"feed files":                 {"[--feed NAME] [--state pending|ingested|failed] [--limit N] [--json]", "list the collected files", feedFiles},
		"feed rerun":                 {"ID...", "ingest collected files again (after fixing the feed)", feedRerun},
		"feed collect":               {"NAME", "run a feed's collector now, outside its schedule", feedCollect},
		"ingest":                     {"[--feed NAME] [--json] FILE...|-", "ingest threat feed files and match them to their owners", ingestCmd},
		"ripe import":                {"[--json] DIR", "load the RIPE database's split dumps, for the network-owner fallback", ripeImport},
		"rule list":                  {"[--json] [--defaults]", "list the notification rules", ruleList},
		"rule set":                   {"[--feed F] [--taxonomy T] [--type T] [--identifier I] --action A [--repeat 7d] [--aggregation daily]", "add or change a rule", ruleSet},
		"rule apply":                 {"FILE", "add or change the rules of a JSON file", ruleApply},
		"review list":                {"[--json]", "list the notifications held for review", reviewList},
		"review show":                {"[--json] TICKET", "show a held notification", reviewShow},
		"review approve":             {"[--advice FILE] TICKET...", "release held notifications for sending", reviewApprove},
		"review reject":              {"TICKET...", "reject held notifications: they are never sent", reviewReject},
		"notification list":          {"[--state S] [--org REF] [--json]", "list notifications", notificationList},
		"notification show":          {"[--json] [--message] TICKET", "show a notification, its events and deliveries", notificationShow},
		"user create":                {"--role admin|analyst|org-admin|org-member [--org REF] [--language nl|en] EMAIL", "create a portal user; prints a one-time set-up link", userCreate},
		"user list":                  {"[--org REF]", "list the portal's users, with their role and state", userList},
		"user role":                  {"EMAIL ROLE", "give a user another role", userRole},
		"user disable":               {"EMAIL", "stop a user logging in; ends their sessions", userChange("disable", (*account.Service).Disable, "is disabled")},
		"user enable":                {"EMAIL", "let a disabled user log in again", userChange("enable", (*account.Service).Enable, "is enabled")},
		"user remove":                {"EMAIL", "remove a user, their sessions and passkeys", userChange("remove", (*account.Service).Remove, "is removed")},
		"user unlock":                {"EMAIL", "unlock an account locked after failed logins", userChange("unlock", (*account.Service).Unlock, "is unlocked")},
		"user invite":                {"EMAIL", "a new set-up link for a user who has not set up their account", userInvite},
		"token create":               {"--org REF [--scope taxii:read,...] [--expires 90d] [--allow PREFIX,...] NAME", "make an API token of an organisation; prints it once", tokenCreate},
		"token list":                 {"[--org REF] [--json]", "list the live API tokens, without their secrets", tokenList},
		"token revoke":               {"ID...", "revoke API tokens: they stop working at once", tokenRevoke},
		"advice list":                {"", "list the analysts' own advice texts", adviceList},
		"advice set":                 {"--for TYPE|IDENTIFIER --language nl|en [--delete] FILE", "replace the built-in advice of a kind of threat", adviceSet},
		"lookup":                     {"[--json] VALUE", "who owns an IP address, domain, e-mail address or AS number", lookupCmd},
		"shadowserver schema show":   {"[--json] [--types]", "which Shadowserver schema is in force: its version and report types", shadowserverSchemaShow},
		"shadowserver schema update": {"FILE|-", "store a newer Shadowserver schema (intelmq.json) that every process then reads with", shadowserverSchemaUpdate},
	}
}

// exitError carries an exit code without a message of its own.
type exitError int

func (e exitError) Error() string { return fmt.Sprintf("exit status %d", int(e)) }

// usageError is a mistake in how a command was called.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

// Main runs the command line and returns the process exit code.
func Main(args []string) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return Run(ctx, Env{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv}, args)
}

// Run runs one command line (without the program name) in env.
func Run(ctx context.Context, env Env, args []string) int {
	cmds := commands()
	name, rest := pick(cmds, args)
	if name == "" {
		usage(env.Stderr, cmds)
		if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
			return 0
		}
		fmt.Fprintf(env.Stderr, "\nbaken: unknown command %q\n", strings.Join(args, " "))
		return 2
	}
	err := cmds[name].run(ctx, env, rest)
	var code exitError
	var uerr usageError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &code):
		return int(code)
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.As(err, &uerr):
		fmt.Fprintf(env.Stderr, "baken %s: %s\nusage: baken %s %s\n", name, uerr.msg, name, cmds[name].usage)
		return 2
	}
	fmt.Fprintf(env.Stderr, "baken %s: %v\n", name, err)
	return 1
}

// pick finds the longest command name that args start with.
func pick(cmds map[string]command, args []string) (string, []string) {
	for n := min(3, len(args)); n > 0; n-- {
		name := strings.Join(args[:n], " ")
		if _, ok := cmds[name]; ok {
			return name, args[n:]
		}
	}
	return "", nil
}

func usage(w io.Writer, cmds map[string]command) {
	fmt.Fprintln(w, "baken: automated threat notification\n\nusage: baken COMMAND [flags]\n\ncommands:")
	names := make([]string, 0, len(cmds))
	for n := range cmds {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-26s %s\n", n, cmds[n].help)
	}
	fmt.Fprintln(w, "\nEvery command takes the configuration flags (baken serve --help lists them);\nthe BAKEN_* environment variables set the same.")
}

// flags returns a flag set for a command with the configuration flags registered, and the
// configuration they fill.
func flags(env Env, name string) (*flag.FlagSet, *config.Config, error) {
	cfg, err := config.Load(env.Getenv)
	if err != nil {
		return nil, nil, err
	}
	fs := flag.NewFlagSet("baken "+name, flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	cfg.RegisterFlags(fs)
	return fs, cfg, nil
}

// parse parses args, flags before or after the other arguments, and validates the
// configuration again, as flags may have changed it. The other arguments are left in
// fs.Args.
func parse(fs *flag.FlagSet, cfg *config.Config, args []string) error {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return err
			}
			return usageError{err.Error()}
		}
		args = fs.Args()
		if len(args) == 0 {
			break
		}
		positional = append(positional, args[0])
		args = args[1:]
	}
	fs.Parse(append([]string{"--"}, positional...))
	return cfg.Validate()
}

// open opens the application for a command that needs the database.
func open(ctx context.Context, env Env, cfg *config.Config) (*app.App, error) {
	return app.Open(ctx, cfg, cfg.Logger(env.Stderr))
}

func printVersion(_ context.Context, env Env, _ []string) error {
	fmt.Fprintln(env.Stdout, "baken", Version())
	return nil
}

// Version is the version of this build.
func Version() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok {
		if bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			return bi.Main.Version
		}
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" && len(s.Value) >= 12 {
				return "dev-" + s.Value[:12]
			}
		}
	}
	return "dev"
}

// audit writes a change made on the command line in the audit log, as the portal does
// for its users; a failure to write it is reported but does not undo the change.
func audit(ctx context.Context, env Env, a *app.App, action, detail string) {
	err := a.Store.Audit(ctx, store.AuditEntry{At: time.Now(), Action: action, Detail: detail + " (command line)"})
	if err != nil {
		fmt.Fprintf(env.Stderr, "baken: writing the audit log: %v\n", err)
	}
}
