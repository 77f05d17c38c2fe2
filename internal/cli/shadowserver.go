package cli

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/baken-cert/baken/internal/feed/shadowserver"
	"github.com/baken-cert/baken/internal/ingest"
	"github.com/baken-cert/baken/internal/store"
)

// schemaShown is what `baken shadowserver schema show --json` prints.
type schemaShown struct {
	Source      string    `json:"source"` // "shipped" or "database"
	Version     string    `json:"version"`
	Types       int       `json:"types"`
	SHA256      string    `json:"sha256,omitempty"`
	StoredAt    time.Time `json:"stored_at,omitzero"`
	ShippedOnly []string  `json:"shipped_only,omitempty"` // types the shipped schema has and this one lacks
	ChangeLog   []string  `json:"change_log,omitempty"`
	ReportTypes []string  `json:"report_types,omitempty"` // with --types
}

func shadowserverSchemaShow(ctx context.Context, env Env, args []string) error {
	fs, cfg, err := flags(env, "shadowserver schema show")
	if err != nil {
		return err
	}
	asJSON := fs.Bool("json", false, "print as JSON")
	types := fs.Bool("types", false, "list the report types too")
	if err := parse(fs, cfg, args); err != nil {
		return err
	}
	a, err := open(ctx, env, cfg)
	if err != nil {
		return err
	}
	defer a.Close()
	shown := showSchema(a.Ingest.Parsers().Schema())
	if *types {
		shown.ReportTypes = a.Ingest.Parsers().Schema().Schema.Types()
	}
	if *asJSON {
		writeJSON(env.Stdout, shown)
		return nil
	}
	if shown.Source == "shipped" {
		fmt.Fprintf(env.Stdout, "Shadowserver schema in force: the one Baken ships, of %s, %d report types.\n", shown.Version, shown.Types)
	} else {
		fmt.Fprintf(env.Stdout, "Shadowserver schema in force: of %s, %d report types, stored in the database on %s (sha256 %s).\n",
			shown.Version, shown.Types, shown.StoredAt.Format(time.DateTime+" MST"), shown.SHA256)
		if len(shown.ShippedOnly) > 0 {
			fmt.Fprintf(env.Stdout, "It lacks %d report types the shipped one has: %s.\n", len(shown.ShippedOnly), strings.Join(shown.ShippedOnly, ", "))
		}
	}
	for _, c := range shown.ChangeLog {
		fmt.Fprintf(env.Stdout, "  changes: %s\n", c)
	}
	for _, t := range shown.ReportTypes {
		fmt.Fprintln(env.Stdout, t)
	}
	return nil
}

func showSchema(in *ingest.SchemaInForce) schemaShown {
	s := in.Schema
	shown := schemaShown{Source: "shipped", Version: s.Version(), Types: len(s.Types()), ChangeLog: s.ChangeLog()}
	if in.Stored.SHA256 != "" {
		shown.Source, shown.SHA256, shown.StoredAt = "database", in.Stored.SHA256, in.Stored.StoredAt
		for _, t := range shadowserver.Builtin().Types() {
			if _, ok := s.Report(t); !ok {
				shown.ShippedOnly = append(shown.ShippedOnly, t)
			}
		}
	}
	return shown
}

func shadowserverSchemaUpdate(ctx context.Context, env Env, args []string) error {
	fs, cfg, err := flags(env, "shadowserver schema update")
	if err != nil {
		return err
	}
	if err := parse(fs, cfg, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageError{"name the schema file (intelmq.json, from https://interchange.shadowserver.org/intelmq/v1/schema), or - for standard input"}
	}
	in, _, err := openInput(env, fs.Arg(0))
	if err != nil {
		return err
	}
	data, err := io.ReadAll(io.LimitReader(in, 64<<20))
	in.Close()
	if err != nil {
		return err
	}
	schema, err := checkSchema(data)
	if err != nil {
		return err
	}
	a, err := open(ctx, env, cfg)
	if err != nil {
		return err
	}
	defer a.Close()
	sum := sha256.Sum256(data)
	f := store.SchemaFile{Version: schema.Version(), SHA256: hex.EncodeToString(sum[:]), Types: len(schema.Types()),
		Data: data, StoredAt: time.Now().UTC()}
	if err := a.Store.PutShadowserverSchema(ctx, f); err != nil {
		return err
	}
	if err := a.Ingest.Parsers().Refresh(ctx, a.Store); err != nil {
		return err
	}
	shown := showSchema(a.Ingest.Parsers().Schema())
	fmt.Fprintf(env.Stdout, "Stored the Shadowserver schema of %s, %d report types: every process reads reports with it from its next file.\n",
		shown.Version, shown.Types)
	if len(shown.ShippedOnly) > 0 {
		fmt.Fprintf(env.Stdout, "It lacks %d report types the shipped one has: %s.\n", len(shown.ShippedOnly), strings.Join(shown.ShippedOnly, ", "))
	}
	return nil
}

// checkSchema refuses a file that is no Shadowserver schema, or one that uses
// conversions Baken does not implement: reports of such types would be read wrong.
func checkSchema(data []byte) (*shadowserver.Schema, error) {
	schema, err := shadowserver.LoadSchema(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	if u := schema.UnknownConversions(); len(u) > 0 {
		return nil, fmt.Errorf("the schema uses conversions Baken does not implement (%s): upgrade Baken first", strings.Join(u, ", "))
	}
	if schema.Version() == "" {
		return nil, fmt.Errorf("the schema has no _meta.date_created: is it Shadowserver's intelmq.json?")
	}
	return schema, nil
}
