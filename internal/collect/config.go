package collect

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"
)

// Config is a feed's collector, as the feed definition's "collect" object carries it:
// a schedule and exactly one source.
type Config struct {
	// Every runs the collector once per period, aligned to the clock ("1h": on the hour).
	Every Duration `json:"every,omitzero"`
	// Daily runs it once a day at this time ("06:30"), in Zone (default UTC).
	Daily string `json:"daily,omitempty"`
	Zone  string `json:"zone,omitempty"`
	// ExpectWithin flags the feed when no new file arrived for this long; 0: never.
	ExpectWithin Duration `json:"expect_within,omitzero"`
	// MaxSize is the largest file accepted, in bytes; default 256 MiB.
	MaxSize int64 `json:"max_size,omitempty"`

	HTTP         *HTTPConfig         `json:"http,omitempty"`
	Shadowserver *ShadowserverConfig `json:"shadowserver,omitempty"`
	Dir          *DirConfig          `json:"dir,omitempty"`
	IMAP         *IMAPConfig         `json:"imap,omitempty"`
	TAXII        *TAXIIConfig        `json:"taxii,omitempty"`
}

// DefaultMaxSize bounds a collected file when the feed sets no max_size.
const DefaultMaxSize = 256 << 20

// Duration is a time.Duration written as "90m", "36h" in JSON.
type Duration time.Duration

// MarshalJSON implements json.Marshaler.
func (d Duration) MarshalJSON() ([]byte, error) { return json.Marshal(time.Duration(d).String()) }

// UnmarshalJSON implements json.Unmarshaler.
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("a duration is a string such as \"1h\" or \"36h\": %w", err)
	}
	v, err := time.ParseDuration(s)
	*d = Duration(v)
	return err
}

// Parse reads a feed's collector configuration, refusing unknown fields; an empty one
// is nil (the feed is not collected).
func Parse(raw []byte) (*Config, error) {
	if len(bytes.TrimSpace(raw)) == 0 || string(raw) == "null" {
		return nil, nil
	}
	var c Config
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil {
		return nil, fmt.Errorf("collect: %w", err)
	}
	return &c, c.Check()
}

// Check says what is wrong with a configuration, in words a person understands.
func (c *Config) Check() error {
	var errs []error
	switch {
	case c.Every > 0 && c.Daily != "":
		errs = append(errs, errors.New("collect: set every or daily, not both"))
	case c.Every == 0 && c.Daily == "":
		errs = append(errs, errors.New(`collect: set a schedule: "every": "1h" or "daily": "06:30"`))
	case c.Every < 0 || (c.Every > 0 && c.Every < Duration(time.Minute)):
		errs = append(errs, errors.New("collect: every must be at least 1m"))
	}
	if c.Daily != "" {
		if _, err := c.schedule(); err != nil {
			errs = append(errs, err)
		}
	}
	if c.ExpectWithin < 0 || c.MaxSize < 0 {
		errs = append(errs, errors.New("collect: expect_within and max_size cannot be negative"))
	}
	n := 0
	for _, set := range []bool{c.HTTP != nil, c.Shadowserver != nil, c.Dir != nil, c.IMAP != nil, c.TAXII != nil} {
		if set {
			n++
		}
	}
	if n != 1 {
		errs = append(errs, errors.New("collect: configure exactly one source: http, shadowserver, dir, imap or taxii"))
	}
	switch {
	case c.HTTP != nil:
		errs = append(errs, c.HTTP.check())
	case c.Shadowserver != nil:
		errs = append(errs, c.Shadowserver.check())
	case c.Dir != nil:
		errs = append(errs, c.Dir.check())
	case c.IMAP != nil:
		errs = append(errs, c.IMAP.check())
	case c.TAXII != nil:
		errs = append(errs, c.TAXII.check())
	}
	return errors.Join(errs...)
}

// Source names the kind of source: http, shadowserver, dir, imap or taxii.
func (c *Config) Source() string {
	switch {
	case c.HTTP != nil:
		return "http"
	case c.Shadowserver != nil:
		return "shadowserver"
	case c.Dir != nil:
		return "dir"
	case c.IMAP != nil:
		return "imap"
	case c.TAXII != nil:
		return "taxii"
	}
	return ""
}

// Schedule says when the collector runs, for people: "every 1h0m0s", "daily 06:30 UTC".
func (c *Config) Schedule() string {
	if c.Every > 0 {
		return "every " + time.Duration(c.Every).String()
	}
	return "daily " + c.Daily + " " + cmp.Or(c.Zone, "UTC")
}

func (c *Config) maxSize() int64 {
	if c.MaxSize > 0 {
		return c.MaxSize
	}
	return DefaultMaxSize
}

// Secret names where a secret is read, so that the secret itself is never stored in the
// database nor printed: "env:NAME" (the variable NAME, or the file named by NAME_FILE)
// or "file:/path" (the file's content, without surrounding white space).
type Secret string

func (s Secret) check(what string) error {
	kind, rest, _ := strings.Cut(string(s), ":")
	if (kind != "env" && kind != "file") || rest == "" {
		return fmt.Errorf(`collect: %s must say where the secret is, "env:NAME" or "file:/path", not the secret itself`, what)
	}
	return nil
}

// Value reads the secret.
func (s Secret) Value() (string, error) {
	kind, rest, _ := strings.Cut(string(s), ":")
	switch kind {
	case "env":
		if v := os.Getenv(rest); v != "" {
			return v, nil
		}
		if f := os.Getenv(rest + "_FILE"); f != "" {
			return readSecretFile(f)
		}
		return "", fmt.Errorf("the secret %s: neither %s nor %s_FILE is set", s, rest, rest)
	case "file":
		return readSecretFile(rest)
	}
	return "", fmt.Errorf("the secret %q: want env:NAME or file:/path", s)
}

func readSecretFile(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("reading a secret: %w", err)
	}
	v := strings.TrimSpace(string(b))
	if v == "" {
		return "", fmt.Errorf("the secret file %s is empty", path)
	}
	return v, nil
}
