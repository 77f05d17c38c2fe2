package storetest

import (
	"bytes"
	"context"
	"errors"
	"testing"
	"time"

	"github.com/baken-cert/baken/internal/store"
)

// TestShadowserverSchema: none is stored at first; a stored schema replaces the one
// before it, comes back byte for byte and grows the version other processes watch.
func TestShadowserverSchema(t *testing.T) {
	ForEachEngine(t, func(t *testing.T, s store.Store) {
		ctx := context.Background()
		if _, err := s.ShadowserverSchema(ctx); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("ShadowserverSchema on a new store: %v, want ErrNotFound", err)
		}
		v0, _ := s.Version(ctx, "shadowserver-schema")
		at := time.Date(2026, 3, 25, 9, 0, 0, 0, time.UTC)
		for i, data := range []string{`{"a": {"file_name": "a"}}`, `{"_meta": {"date_created": "x"}, "b": {"file_name": "b"}}`} {
			in := store.SchemaFile{Version: "v" + string(rune('1'+i)), SHA256: "ab", Types: i + 1, Data: []byte(data), StoredAt: at}
			if err := s.PutShadowserverSchema(ctx, in); err != nil {
				t.Fatal(err)
			}
			got, err := s.ShadowserverSchema(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if got.Version != in.Version || got.Types != in.Types || !bytes.Equal(got.Data, in.Data) || !got.StoredAt.Equal(at) {
				t.Errorf("stored %+v, read %+v", in, got)
			}
		}
		if v, _ := s.Version(ctx, "shadowserver-schema"); v != v0+2 {
			t.Errorf("version %d after two updates from %d", v, v0)
		}
	})
}
