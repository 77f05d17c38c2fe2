// Package config holds Baken's settings: one typed Config, read from BAKEN_* environment
// variables first and then from command-line flags, with defaults that need nothing.
package config

import (
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net/mail"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Config is every setting of a baken process. Settings lists them with their
// environment variables, flags and defaults; the README's table is made from it.
type Config struct {
	// DataDir holds the SQLite database and other local state.
	DataDir string
	// DatabaseURL selects PostgreSQL ("postgres://user@host:5432/db?sslmode=..."); empty
	// means the embedded SQLite database DataDir/baken.db.
	DatabaseURL string
	// ListenAddr is where `baken serve` answers HTTP.
	ListenAddr string
	// LogLevel is the least severe level logged: debug, info, warn or error.
	LogLevel slog.Level
	// LogFormat is "text" (for people) or "json" (for log collectors).
	LogFormat string
	// Workers is how many background jobs run at once in one process.
	Workers int
	// PollInterval is how often workers look for due jobs.
	PollInterval time.Duration
	// JobRetention is how long finished jobs are kept before the hourly prune removes them.
	JobRetention time.Duration
	// ShutdownTimeout bounds a clean stop on SIGTERM.
	ShutdownTimeout time.Duration
	// ClaimMaxPrefixV4 and ClaimMaxPrefixV6 are the widest address ranges that the RIPE
	// data alone proves for an organisation that registers them itself; a wider one
	// waits for an analyst.
	ClaimMaxPrefixV4, ClaimMaxPrefixV6 int
	// UnprovenQuota is how many assets one organisation may have waiting for proof.
	UnprovenQuota int
	// UploadMaxRows is how many rows one upload in the portal may have.
	UploadMaxRows int
	// SMTPURL is the mail server notifications go through: smtp://user:pass@host:587
	// (STARTTLS required), smtps://host:465, or smtp://host:25?starttls=none for a local
	// relay. Empty: notifications are composed but wait in the outbox.
	SMTPURL string
	// MailFrom is the sender address of notifications.
	MailFrom string
	// SenderName is the name notifications are signed with, e.g. "Digital Trust Center".
	SenderName string
	// PublicURL is where people reach `baken serve`: the base of the links in e-mails.
	PublicURL string
	// SMTPConnections is how many connections to the mail server are kept open.
	SMTPConnections int
	// SMTPDomainRate limits messages per second to one recipient domain (0: no limit).
	SMTPDomainRate float64
	// PGPKeyFile is an armored OpenPGP private key that signs every notification
	// (PGP/MIME); empty sends them unsigned.
	PGPKeyFile string
	// PGPPassphrase unlocks PGPKeyFile when it is protected.
	PGPPassphrase string
	// DNSServer is the DNS server that domain checks ask (host:port); empty uses the
	// system's resolvers.
	DNSServer string
	// JobLease is how long a worker holds a job or a message before another may take it.
	JobLease time.Duration
	// IndexRefresh is how often `baken serve` checks whether the registered assets or
	// the network-owner data changed, and reloads its matching indices.
	IndexRefresh time.Duration
	// MetricsAddr is where `baken serve` answers GET /metrics, on a listener of its own
	// (e.g. 127.0.0.1:9090, reachable by Prometheus only). Empty: not on a port of its own.
	MetricsAddr string
	// MetricsToken, when set, also serves GET /metrics on ListenAddr, to requests with
	// "Authorization: Bearer <token>" only. With neither, /metrics is not served.
	MetricsToken string
	// MaxHashes bounds the password checks (argon2id, 64 MiB each) that run at once;
	// 0 sizes it from the memory available. Logins beyond it wait briefly, then get 503.
	MaxHashes int
	// CollectRetention is how long the content of collected feed files is kept (their
	// records and content hashes stay, so the same file is still not ingested twice).
	CollectRetention time.Duration
	// CollectAllowPrivate lets feed collectors fetch from private and loopback addresses,
	// for a feed server inside the CERT's own network.
	CollectAllowPrivate bool
}

// Setting is one configurable value.
type Setting struct {
	Env     string // environment variable
	Flag    string // command-line flag, without dashes
	Default string
	Help    string
	Secret  bool // also read from the file named by Env+"_FILE"
	value   flag.Value
}

// Settings describes every setting of c, bound to its fields.
func (c *Config) Settings() []Setting {
	return []Setting{
		{"BAKEN_DATA_DIR", "data-dir", "./baken-data", "directory for the SQLite database and local state", false, (*stringValue)(&c.DataDir)},
		{"BAKEN_DATABASE_URL", "database-url", "", "PostgreSQL URL (postgres://...); empty uses SQLite in the data directory", true, (*stringValue)(&c.DatabaseURL)},
		{"BAKEN_LISTEN_ADDR", "listen", "127.0.0.1:8080", "HTTP listen address of baken serve", false, (*stringValue)(&c.ListenAddr)},
		{"BAKEN_LOG_LEVEL", "log-level", "info", "debug, info, warn or error", false, (*levelValue)(&c.LogLevel)},
		{"BAKEN_LOG_FORMAT", "log-format", "text", "text or json", false, (*stringValue)(&c.LogFormat)},
		{"BAKEN_WORKERS", "workers", "4", "background jobs run at once", false, (*intValue)(&c.Workers)},
		{"BAKEN_POLL_INTERVAL", "poll-interval", "1s", "how often workers look for due jobs", false, (*durationValue)(&c.PollInterval)},
		{"BAKEN_JOB_RETENTION", "job-retention", "168h", "how long finished jobs are kept", false, (*durationValue)(&c.JobRetention)},
		{"BAKEN_SHUTDOWN_TIMEOUT", "shutdown-timeout", "30s", "how long a clean stop may take", false, (*durationValue)(&c.ShutdownTimeout)},
		{"BAKEN_CLAIM_MAX_PREFIX_V4", "claim-max-prefix-v4", "16", "widest IPv4 range (prefix length) the RIPE data alone proves for an organisation's own registration; wider ones wait for an analyst", false, (*intValue)(&c.ClaimMaxPrefixV4)},
		{"BAKEN_CLAIM_MAX_PREFIX_V6", "claim-max-prefix-v6", "32", "the same for IPv6", false, (*intValue)(&c.ClaimMaxPrefixV6)},
		{"BAKEN_UNPROVEN_QUOTA", "unproven-quota", "10000", "assets one organisation may have waiting for proof", false, (*intValue)(&c.UnprovenQuota)},
		{"BAKEN_UPLOAD_MAX_ROWS", "upload-max-rows", "100000", "rows one upload in the portal may have", false, (*intValue)(&c.UploadMaxRows)},
		{"BAKEN_SMTP_URL", "smtp-url", "", "mail server: smtp://user:pass@host:587 (STARTTLS), smtps://host:465; empty keeps mail in the outbox", true, (*stringValue)(&c.SMTPURL)},
		{"BAKEN_MAIL_FROM", "mail-from", "baken@localhost", "sender address of notifications", false, (*stringValue)(&c.MailFrom)},
		{"BAKEN_SENDER_NAME", "sender-name", "Baken", "the CERT's name, as notifications are signed", false, (*stringValue)(&c.SenderName)},
		{"BAKEN_PUBLIC_URL", "public-url", "http://localhost:8080", "where people reach baken serve: the base of links in e-mails and the site passkeys belong to", false, (*stringValue)(&c.PublicURL)},
		{"BAKEN_SMTP_CONNECTIONS", "smtp-connections", "4", "connections kept open to the mail server", false, (*intValue)(&c.SMTPConnections)},
		{"BAKEN_SMTP_DOMAIN_RATE", "smtp-domain-rate", "20", "messages per second to one recipient domain (0: no limit)", false, (*floatValue)(&c.SMTPDomainRate)},
		{"BAKEN_PGP_KEY_FILE", "pgp-key-file", "", "armored OpenPGP private key that signs every notification; empty: unsigned", false, (*stringValue)(&c.PGPKeyFile)},
		{"BAKEN_PGP_PASSPHRASE", "pgp-passphrase", "", "the passphrase of the OpenPGP key, when it has one", true, (*stringValue)(&c.PGPPassphrase)},
		{"BAKEN_DNS_SERVER", "dns-server", "", "DNS server for domain checks (host:port); empty uses the system's", false, (*stringValue)(&c.DNSServer)},
		{"BAKEN_JOB_LEASE", "job-lease", "2m", "how long a worker holds a job or a message before another may take it", false, (*durationValue)(&c.JobLease)},
		{"BAKEN_INDEX_REFRESH", "index-refresh", "5s", "how often serve reloads the matching indices when the data changed", false, (*durationValue)(&c.IndexRefresh)},
		{"BAKEN_METRICS_ADDR", "metrics-addr", "", "listen address of its own for /metrics (e.g. 127.0.0.1:9090); empty: none", false, (*stringValue)(&c.MetricsAddr)},
		{"BAKEN_METRICS_TOKEN", "metrics-token", "", "bearer token that /metrics on the listen address asks for; empty: /metrics is not on the listen address", true, (*stringValue)(&c.MetricsToken)},
		{"BAKEN_COLLECT_RETENTION", "collect-retention", "720h", "how long the content of collected feed files is kept", false, (*durationValue)(&c.CollectRetention)},
		{"BAKEN_COLLECT_ALLOW_PRIVATE", "collect-allow-private", "false", "let feed collectors fetch from private and loopback addresses (a feed server inside your network)", false, (*boolValue)(&c.CollectAllowPrivate)},
		{"BAKEN_MAX_HASHES", "max-hashes", "0", "password checks (64 MiB each) run at once; 0 sizes it from the available memory", false, (*intValue)(&c.MaxHashes)},
	}
}

// Load reads the defaults, then the environment (through getenv, os.Getenv in
// production). Flags registered with RegisterFlags override it; call Validate after them.
func Load(getenv func(string) string) (*Config, error) {
	c := &Config{}
	for _, s := range c.Settings() {
		if err := s.value.Set(s.Default); err != nil {
			return nil, fmt.Errorf("default of %s: %w", s.Env, err)
		}
		v, err := lookup(getenv, s)
		if err != nil {
			return nil, err
		}
		if v == "" {
			continue
		}
		if err := s.value.Set(v); err != nil {
			return nil, fmt.Errorf("%s=%q: %w", s.Env, v, err)
		}
	}
	return c, c.Validate()
}

func lookup(getenv func(string) string, s Setting) (string, error) {
	if v := getenv(s.Env); v != "" || !s.Secret {
		return v, nil
	}
	file := getenv(s.Env + "_FILE")
	if file == "" {
		return "", nil
	}
	b, err := os.ReadFile(file)
	if err != nil {
		return "", fmt.Errorf("%s_FILE: %w", s.Env, err)
	}
	return strings.TrimSpace(string(b)), nil
}

// RegisterFlags adds a flag per setting to fs, defaulting to the loaded value.
func (c *Config) RegisterFlags(fs *flag.FlagSet) {
	for _, s := range c.Settings() {
		fs.Var(s.value, s.Flag, s.Help+" (env "+s.Env+")")
	}
}

// Validate checks the settings together.
func (c *Config) Validate() error {
	var errs []error
	if c.DatabaseURL == "" && c.DataDir == "" {
		errs = append(errs, errors.New("BAKEN_DATA_DIR is empty and no BAKEN_DATABASE_URL is set"))
	}
	if c.DatabaseURL != "" && !strings.HasPrefix(c.DatabaseURL, "postgres://") && !strings.HasPrefix(c.DatabaseURL, "postgresql://") {
		errs = append(errs, errors.New("BAKEN_DATABASE_URL must start with postgres:// (leave it empty for SQLite)"))
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		errs = append(errs, fmt.Errorf("BAKEN_LOG_FORMAT=%q: want text or json", c.LogFormat))
	}
	if c.Workers < 1 {
		errs = append(errs, fmt.Errorf("BAKEN_WORKERS=%d: want at least 1", c.Workers))
	}
	if c.PollInterval <= 0 || c.JobRetention <= 0 || c.ShutdownTimeout <= 0 || c.IndexRefresh <= 0 || c.JobLease <= 0 {
		errs = append(errs, errors.New("BAKEN_POLL_INTERVAL, BAKEN_JOB_RETENTION, BAKEN_SHUTDOWN_TIMEOUT, BAKEN_INDEX_REFRESH and BAKEN_JOB_LEASE must be positive"))
	}
	if c.ClaimMaxPrefixV4 < 1 || c.ClaimMaxPrefixV4 > 32 || c.ClaimMaxPrefixV6 < 1 || c.ClaimMaxPrefixV6 > 128 {
		errs = append(errs, fmt.Errorf("BAKEN_CLAIM_MAX_PREFIX_V4=%d, BAKEN_CLAIM_MAX_PREFIX_V6=%d: want prefix lengths (1 to 32, 1 to 128)", c.ClaimMaxPrefixV4, c.ClaimMaxPrefixV6))
	}
	if c.UnprovenQuota < 1 || c.UploadMaxRows < 1 {
		errs = append(errs, errors.New("BAKEN_UNPROVEN_QUOTA and BAKEN_UPLOAD_MAX_ROWS must be at least 1"))
	}
	if c.SMTPURL != "" && !strings.HasPrefix(c.SMTPURL, "smtp://") && !strings.HasPrefix(c.SMTPURL, "smtps://") {
		errs = append(errs, errors.New("BAKEN_SMTP_URL must start with smtp:// or smtps://"))
	}
	if _, err := mail.ParseAddress(c.MailFrom); err != nil {
		errs = append(errs, fmt.Errorf("BAKEN_MAIL_FROM=%q is not an e-mail address", c.MailFrom))
	}
	if u, err := url.Parse(c.PublicURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		errs = append(errs, fmt.Errorf("BAKEN_PUBLIC_URL=%q: want http(s)://host", c.PublicURL))
	}
	if c.SMTPConnections < 1 || c.SMTPDomainRate < 0 {
		errs = append(errs, errors.New("BAKEN_SMTP_CONNECTIONS must be at least 1 and BAKEN_SMTP_DOMAIN_RATE 0 or more"))
	}
	if c.MetricsAddr != "" && c.MetricsAddr == c.ListenAddr {
		errs = append(errs, errors.New("BAKEN_METRICS_ADDR must differ from BAKEN_LISTEN_ADDR (or use BAKEN_METRICS_TOKEN)"))
	}
	if c.MetricsToken != "" && len(c.MetricsToken) < 16 {
		errs = append(errs, errors.New("BAKEN_METRICS_TOKEN is too short: use at least 16 random characters"))
	}
	if c.CollectRetention <= 0 {
		errs = append(errs, errors.New("BAKEN_COLLECT_RETENTION must be positive"))
	}
	if c.MaxHashes < 0 {
		errs = append(errs, fmt.Errorf("BAKEN_MAX_HASHES=%d: want 0 (from the memory) or more", c.MaxHashes))
	}
	return errors.Join(errs...)
}

// SQLitePath is the SQLite database file used when DatabaseURL is empty.
func (c *Config) SQLitePath() string { return filepath.Join(c.DataDir, "baken.db") }

// Logger returns the logger the settings ask for, writing to w.
func (c *Config) Logger(w interface{ Write([]byte) (int, error) }) *slog.Logger {
	opts := &slog.HandlerOptions{Level: c.LogLevel}
	if c.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

type stringValue string

func (v *stringValue) Set(s string) error { *v = stringValue(s); return nil }
func (v *stringValue) String() string     { return string(*v) }

type intValue int

func (v *intValue) Set(s string) error {
	n, err := strconv.Atoi(s)
	*v = intValue(n)
	return err
}
func (v *intValue) String() string { return strconv.Itoa(int(*v)) }

type floatValue float64

func (v *floatValue) Set(s string) error {
	f, err := strconv.ParseFloat(s, 64)
	*v = floatValue(f)
	return err
}
func (v *floatValue) String() string { return strconv.FormatFloat(float64(*v), 'g', -1, 64) }

type durationValue time.Duration

func (v *durationValue) Set(s string) error {
	d, err := time.ParseDuration(s)
	*v = durationValue(d)
	return err
}
func (v *durationValue) String() string { return time.Duration(*v).String() }

type boolValue bool

func (v *boolValue) Set(s string) error {
	b, err := strconv.ParseBool(s)
	*v = boolValue(b)
	return err
}
func (v *boolValue) String() string   { return strconv.FormatBool(bool(*v)) }
func (v *boolValue) IsBoolFlag() bool { return true }

type levelValue slog.Level

func (v *levelValue) Set(s string) error { return (*slog.Level)(v).UnmarshalText([]byte(s)) }
func (v *levelValue) String() string     { return strings.ToLower(slog.Level(*v).String()) }
