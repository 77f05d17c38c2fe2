package shadowserver

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"sync"
)

// builtinSchema is Shadowserver's schema as Baken ships it: see schema/README.md.
//
//go:embed schema/intelmq.json
var builtinSchema []byte

// BuiltinSchemaFile returns the schema file Baken ships, as Shadowserver published it.
func BuiltinSchemaFile() []byte { return bytes.Clone(builtinSchema) }

// builtin parses the shipped schema once: a Schema never changes after it is made, so
// every caller may share it.
var builtin = sync.OnceValue(func() *Schema {
	s, err := LoadSchema(bytes.NewReader(builtinSchema))
	if err != nil {
		panic("shadowserver: the shipped schema: " + err.Error()) // TestBuiltin fails first
	}
	return s
})

// Builtin returns the report types Baken knows without configuration: every report type
// of the Shadowserver schema shipped in schema/intelmq.json. A newer schema is loaded
// with LoadSchema. The Schema is shared: never change it.
func Builtin() *Schema { return builtin() }

// Version returns the schema's _meta.date_created ("2026-03-24T15:31:20Z"), "" when
// the file has none.
func (s *Schema) Version() string { return s.version }

// ChangeLog returns the schema's _meta.change_log: what its last revision changed.
func (s *Schema) ChangeLog() []string { return append([]string(nil), s.changeLog...) }

// schemaMeta is the "_meta" object of Shadowserver's schema.
type schemaMeta struct {
	DateCreated string   `json:"date_created"`
	ChangeLog   []string `json:"change_log"`
}

func decodeMeta(msg json.RawMessage) (schemaMeta, error) {
	var m schemaMeta
	err := json.Unmarshal(msg, &m)
	return m, err
}
