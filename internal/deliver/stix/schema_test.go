package stix

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// schemaBase is the $id prefix of the OASIS STIX 2.1 JSON schemas.
const schemaBase = "http://raw.githubusercontent.com/oasis-open/cti-stix2-json-schemas/stix2.1/schemas/"

// schemas validates objects against the OASIS schemas, each against its own type's.
type schemas struct {
	byType map[string]*jsonschema.Schema
}

var (
	loadOnce   sync.Once
	loaded     *schemas
	loadErr    error
	loadReason string // why the schemas are absent, when they are
)

// schemaDir is the folder of the OASIS schemas: ../shared/reference beside the repository.
// In a git worktree, whose .git is a file naming the main repository's, it is the one
// beside the main repository.
func schemaDir() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", os.ErrNotExist
		}
		dir = parent
	}
	rel := filepath.Join("..", "shared", "reference", "stix2-json-schemas", "schemas")
	candidate := filepath.Join(dir, rel)
	if _, err := os.Stat(candidate); err == nil {
		return candidate, nil
	}
	if data, err := os.ReadFile(filepath.Join(dir, ".git")); err == nil {
		if gitdir, ok := strings.CutPrefix(strings.TrimSpace(string(data)), "gitdir: "); ok {
			// gitdir is <main>/.git/worktrees/<name>.
			main := filepath.Dir(filepath.Dir(filepath.Dir(gitdir)))
			return filepath.Join(main, rel), nil
		}
	}
	return candidate, nil
}

// stixSchemas returns the compiled schemas, or nil when they are absent (which fails the
// test on CI, which always has them). Tests check everything else without them.
func stixSchemas(t testing.TB) *schemas {
	t.Helper()
	loadOnce.Do(func() { loaded, loadErr = loadSchemas() })
	if loadErr != nil {
		if loadReason == "" {
			t.Fatalf("STIX schemas: %v", loadErr)
		}
		if os.Getenv("CI") == "true" {
			t.Fatalf("STIX schemas: %s (CI must have ../shared/reference)", loadReason)
		}
		t.Logf("STIX schemas: %s; schema validation skipped", loadReason)
		return nil
	}
	return loaded
}

// requireSchemas is stixSchemas for tests that are about the schemas: they skip without.
func requireSchemas(t testing.TB) *schemas {
	t.Helper()
	s := stixSchemas(t)
	if s == nil {
		t.Skip("no STIX schemas")
	}
	return s
}

func loadSchemas() (*schemas, error) {
	dir, err := schemaDir()
	if err == nil {
		_, err = os.Stat(dir)
	}
	if err != nil {
		loadReason = "no ../shared/reference/stix2-json-schemas beside the repository"
		return nil, err
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	var files []string
	err = filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".json") {
			return err
		}
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		doc, err := jsonschema.UnmarshalJSON(f)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		rel = filepath.ToSlash(rel)
		// Register each file under its $id, so that references resolve offline.
		if err := c.AddResource(schemaBase+rel, doc); err != nil {
			return err
		}
		files = append(files, rel)
		return nil
	})
	if err != nil {
		return nil, err
	}
	s := &schemas{byType: map[string]*jsonschema.Schema{}}
	for _, rel := range files {
		folder, name, _ := strings.Cut(rel, "/")
		typ := strings.TrimSuffix(name, ".json")
		if folder == "common" && typ != "marking-definition" && typ != "bundle" {
			continue
		}
		sch, err := c.Compile(schemaBase + rel)
		if err != nil {
			return nil, err
		}
		s.byType[typ] = sch
	}
	return s, nil
}

// validate checks one serialised object against the schema of its type.
func (s *schemas) validate(typ string, data []byte) error {
	sch, ok := s.byType[typ]
	if !ok {
		return &missingSchema{typ}
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		return err
	}
	return sch.Validate(doc)
}

type missingSchema struct{ typ string }

func (m *missingSchema) Error() string { return "no schema for type " + m.typ }

// checkObjects checks what the schemas cannot: that every object is valid against its
// type's schema, that Object's fields agree with the JSON, that "modified" is not before
// "created", and that every reference resolves within objs.
func checkObjects(t testing.TB, s *schemas, objs []Object) {
	t.Helper()
	ids := map[string]bool{}
	for _, o := range objs {
		if ids[o.ID] {
			t.Errorf("%s twice", o.ID)
		}
		ids[o.ID] = true
	}
	for _, o := range objs {
		if s != nil {
			if err := s.validate(o.Type, o.JSON); err != nil {
				t.Errorf("%s: %v\n%s", o.ID, err, o.JSON)
			}
		}
		var m map[string]any
		if err := json.Unmarshal(o.JSON, &m); err != nil {
			t.Fatalf("%s: %v", o.ID, err)
		}
		if m["id"] != o.ID || m["type"] != o.Type || !strings.HasPrefix(o.ID, o.Type+"--") {
			t.Errorf("%s: JSON id %v, type %v; Object type %s", o.ID, m["id"], m["type"], o.Type)
		}
		if c, ok := m["created"].(string); ok {
			if md, ok := m["modified"].(string); ok && md < c {
				t.Errorf("%s: modified %s before created %s", o.ID, md, c)
			}
		}
		for _, ref := range refsOf(m) {
			if !ids[ref] {
				t.Errorf("%s refers to %s, which is not among the objects", o.ID, ref)
			}
		}
	}
}

// refsOf returns every value of a *_ref or *_refs property of m, at any depth.
func refsOf(m map[string]any) []string {
	var out []string
	for k, v := range m {
		switch {
		case strings.HasSuffix(k, "_ref"):
			if s, ok := v.(string); ok {
				out = append(out, s)
			}
		case strings.HasSuffix(k, "_refs"):
			if list, ok := v.([]any); ok {
				for _, x := range list {
					if s, ok := x.(string); ok {
						out = append(out, s)
					}
				}
			}
		default:
			if sub, ok := v.(map[string]any); ok {
				out = append(out, refsOf(sub)...)
			}
		}
	}
	return out
}
