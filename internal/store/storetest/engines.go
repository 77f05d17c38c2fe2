// Package storetest is the conformance suite every store engine must pass, and the helpers
// with which tests anywhere in Baken get a fresh store on each engine.
//
// PostgreSQL tests read their server from BAKEN_TEST_POSTGRES (for example
// postgres://postgres@127.0.0.1:5432/test?sslmode=disable) and each get a schema of their
// own, dropped at the end. Without it they are skipped with a message, unless
// BAKEN_REQUIRE_POSTGRES=1 (as in CI), which turns the skip into a failure.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver for schema set-up

	"github.com/baken-cert/baken/internal/store"
	"github.com/baken-cert/baken/internal/store/postgres"
	"github.com/baken-cert/baken/internal/store/sqlite"
	"github.com/baken-cert/baken/internal/store/sqlstore"
)

// Engines are the names of the storage engines, as Open takes them.
var Engines = []string{"sqlite", "postgres"}

// ForEachEngine runs fn as a subtest per engine, each with a fresh, migrated store.
func ForEachEngine(t *testing.T, fn func(t *testing.T, s store.Store)) {
	for _, engine := range Engines {
		t.Run(engine, func(t *testing.T) {
			fn(t, Open(t, engine))
		})
	}
}

// Open returns a fresh, migrated store on engine, closed when the test ends.
func Open(t testing.TB, engine string) store.Store {
	t.Helper()
	ctx := context.Background()
	var s *sqlstore.DB
	var err error
	switch engine {
	case "sqlite":
		s, err = sqlite.Open(ctx, filepath.Join(t.TempDir(), "baken.db"))
	case "postgres":
		s, err = postgres.Open(ctx, PostgresURL(t))
	default:
		t.Fatalf("unknown engine %q", engine)
	}
	if err != nil {
		t.Fatalf("opening %s: %v", engine, err)
	}
	t.Cleanup(func() { s.Close() })
	if err := s.Migrate(ctx); err != nil {
		t.Fatalf("migrating %s: %v", engine, err)
	}
	return s
}

// PostgresURL returns the URL of a new, empty schema on the test server, dropped when
// the test ends; it skips (or, with BAKEN_REQUIRE_POSTGRES=1, fails) the test when
// BAKEN_TEST_POSTGRES is unset.
func PostgresURL(t testing.TB) string {
	t.Helper()
	base := os.Getenv("BAKEN_TEST_POSTGRES")
	if base == "" {
		if os.Getenv("BAKEN_REQUIRE_POSTGRES") == "1" {
			t.Fatal("BAKEN_REQUIRE_POSTGRES=1 but BAKEN_TEST_POSTGRES is unset")
		}
		t.Skip("PostgreSQL tests skipped: set BAKEN_TEST_POSTGRES=postgres://postgres@127.0.0.1:5432/test?sslmode=disable")
	}
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	schema := "baken_test_" + randomHex(6)
	if _, err := admin.Exec(`CREATE SCHEMA ` + schema); err != nil {
		t.Fatalf("creating schema on %s: %v", base, err)
	}
	t.Cleanup(func() {
		db, err := sql.Open("pgx", base)
		if err == nil {
			db.Exec(`DROP SCHEMA ` + schema + ` CASCADE`)
			db.Close()
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}
