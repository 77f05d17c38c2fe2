package config

import (
	"flag"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestDefaultsNeedNothing(t *testing.T) {
	c, err := Load(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.DataDir != "./baken-data" || c.ListenAddr != "127.0.0.1:8080" || c.DatabaseURL != "" || c.Workers != 4 ||
		c.LogLevel != slog.LevelInfo || c.PollInterval != time.Second || c.SQLitePath() != "baken-data/baken.db" {
		t.Fatalf("defaults: %+v", c)
	}
}

func TestEnvThenFlags(t *testing.T) {
	secret := filepath.Join(t.TempDir(), "db-url")
	os.WriteFile(secret, []byte("postgres://u@db/baken\n"), 0o600)
	c, err := Load(env(map[string]string{"BAKEN_LISTEN_ADDR": ":9000", "BAKEN_LOG_LEVEL": "debug", "BAKEN_DATABASE_URL_FILE": secret}))
	if err != nil {
		t.Fatal(err)
	}
	if c.ListenAddr != ":9000" || c.LogLevel != slog.LevelDebug || c.DatabaseURL != "postgres://u@db/baken" {
		t.Fatalf("from env: %+v", c)
	}
	fs := flag.NewFlagSet("x", flag.ContinueOnError)
	c.RegisterFlags(fs)
	if err := fs.Parse([]string{"--listen", "127.0.0.1:1", "--workers", "9"}); err != nil {
		t.Fatal(err)
	}
	if c.ListenAddr != "127.0.0.1:1" || c.Workers != 9 || c.LogLevel != slog.LevelDebug {
		t.Fatalf("flags must override env and keep the rest: %+v", c)
	}
}

func TestBadValuesAreNamed(t *testing.T) {
	for k, v := range map[string]string{
		"BAKEN_WORKERS": "many", "BAKEN_POLL_INTERVAL": "soon", "BAKEN_LOG_FORMAT": "xml",
		"BAKEN_DATABASE_URL": "mysql://x", "BAKEN_LOG_LEVEL": "loud", "BAKEN_MAX_HASHES": "-1", "BAKEN_METRICS_TOKEN": "short",
	} {
		_, err := Load(env(map[string]string{k: v}))
		if err == nil || !strings.Contains(err.Error(), k) {
			t.Errorf("%s=%s: error %v should name the variable", k, v, err)
		}
	}
}

// TestREADMEListsEverySetting keeps the README's configuration table true.
func TestREADMEListsEverySetting(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	var c Config
	for _, s := range c.Settings() {
		row := "| `" + s.Env + "` | `--" + s.Flag + "` |"
		if !strings.Contains(string(readme), row) {
			t.Errorf("README.md has no row for %s (want it to start with %q)", s.Env, row)
		}
		if !strings.Contains(string(readme), "`"+s.Default+"`") && s.Default != "" {
			t.Errorf("README.md does not give the default %q of %s", s.Default, s.Env)
		}
	}
}
