// Package shadowserver parses the CSV reports of the Shadowserver Foundation into Baken
// events, with the field mappings IntelMQ uses.
//
// A Schema says, for each report type, which CSV column goes to which IntelMQ field and
// through which conversion. LoadSchema reads Shadowserver's machine-readable schema (the
// intelmq.json file IntelMQ downloads); Builtin returns the copy of that file Baken ships,
// every report type Shadowserver publishes. A file is read as the report type its name
// says (DetectType); only a file whose name says nothing is judged by its header. A Parser streams one
// report: Next and Subject are cheap enough for millions of rows a second, and Event
// converts the few rows that match in full.
package shadowserver

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
)

// Report describes one Shadowserver report type.
type Report struct {
	// Type is the report type as Shadowserver writes it in file names: "scan_smb",
	// "event4_sinkhole". It is the schema's file_name.
	Type string
	// Key is the schema's own name for the report, which IntelMQ uses and which can
	// differ from Type ("event_sinkhole" for "event4_sinkhole").
	Key      string
	FeedName string // feed.name of the events, e.g. "Accessible-SMB"
	URL      string // Shadowserver's page about the report, may be ""
	// Constants are fields every event of the report gets, such as
	// classification.taxonomy; they win over mapped columns, as in IntelMQ.
	Constants map[string]string
	// Required are mapped first; their columns must be in the header. A required value
	// that is present but malformed rejects the row.
	Required []Mapping
	// Optional values that are malformed are kept as "extra.<column>" instead.
	Optional []Mapping
}

// Mapping maps one CSV column to one event field.
type Mapping struct {
	// Field is the IntelMQ field name. "extra." means "extra.<Column>".
	Field      string
	Column     string
	Conversion Conversion // "" for none
}

// Columns returns every column the report maps, each once, in mapping order.
func (r *Report) Columns() []string {
	cols := make([]string, 0, len(r.Required)+len(r.Optional))
	for _, m := range slices.Concat(r.Required, r.Optional) {
		if !slices.Contains(cols, m.Column) {
			cols = append(cols, m.Column)
		}
	}
	return cols
}

// Schema is a set of report types.
type Schema struct {
	reports  map[string]*Report // by Type
	keys     map[string]string  // Key to Type
	unknown  []string           // conversion names the schema uses that this package lacks
	prefixes map[string]bool    // first words of the report types: "scan", "event4", ...

	version   string   // _meta.date_created
	changeLog []string // _meta.change_log
}

// NewSchema returns a schema of the given reports; a report without Key gets its Type.
// It fails when two reports share a type or a key.
func NewSchema(reports []Report) (*Schema, error) {
	reports = slices.Clone(reports)
	s := &Schema{reports: make(map[string]*Report, len(reports)), keys: make(map[string]string, len(reports)),
		prefixes: map[string]bool{}}
	for i := range reports {
		r := &reports[i]
		if r.Type == "" {
			return nil, fmt.Errorf("report %q has no type (file_name)", r.Key)
		}
		if r.Key == "" {
			r.Key = r.Type
		}
		if _, dup := s.reports[r.Type]; dup {
			return nil, fmt.Errorf("report type %q appears twice", r.Type)
		}
		if _, dup := s.keys[r.Key]; dup {
			return nil, fmt.Errorf("report key %q appears twice", r.Key)
		}
		s.reports[r.Type] = r
		s.keys[r.Key] = r.Type
		for _, name := range []string{r.Type, r.Key} {
			if first, _, ok := strings.Cut(name, "_"); ok {
				s.prefixes[first] = true
			}
		}
		for _, m := range slices.Concat(r.Required, r.Optional) {
			if !m.Conversion.Known() && !slices.Contains(s.unknown, string(m.Conversion)) {
				s.unknown = append(s.unknown, string(m.Conversion))
			}
		}
	}
	slices.Sort(s.unknown)
	return s, nil
}

// Report returns the report of a type ("event4_sinkhole") or schema key
// ("event_sinkhole"). The report is the schema's own: do not change it.
func (s *Schema) Report(name string) (*Report, bool) {
	if r, ok := s.reports[name]; ok {
		return r, true
	}
	if t, ok := s.keys[name]; ok {
		return s.reports[t], true
	}
	return nil, false
}

// Types returns every report type in the schema, sorted.
func (s *Schema) Types() []string {
	types := make([]string, 0, len(s.reports))
	for t := range s.reports {
		types = append(types, t)
	}
	slices.Sort(types)
	return types
}

// UnknownConversions returns the conversion names the schema uses that this package
// does not implement, sorted. Such conversions pass values through unchanged.
func (s *Schema) UnknownConversions() []string { return slices.Clone(s.unknown) }

// LoadSchema reads a schema in the format of Shadowserver's intelmq.json: an object of
// reports by key, each with constant_fields, feed_name, file_name, url, required_fields
// and optional_fields, the latter two lists of [field, column, conversion, row_aware].
// "_meta" gives the schema's Version and ChangeLog; other keys starting with "_" are
// skipped. Conversions this package does not know are recorded (see
// UnknownConversions), not refused.
func LoadSchema(r io.Reader) (*Schema, error) {
	var raw map[string]json.RawMessage
	if err := json.NewDecoder(r).Decode(&raw); err != nil {
		return nil, fmt.Errorf("read shadowserver schema: %w", err)
	}
	reports := make([]Report, 0, len(raw))
	var meta schemaMeta
	for key, msg := range raw {
		if key == "_meta" {
			var err error
			if meta, err = decodeMeta(msg); err != nil {
				return nil, fmt.Errorf("read shadowserver schema: _meta: %w", err)
			}
			continue
		}
		if strings.HasPrefix(key, "_") {
			continue
		}
		rep, err := decodeReport(key, msg)
		if err != nil {
			return nil, fmt.Errorf("read shadowserver schema: report %s: %w", key, err)
		}
		reports = append(reports, rep)
	}
	// Map iteration order is random: sort so that errors about duplicates are stable.
	slices.SortFunc(reports, func(a, b Report) int { return strings.Compare(a.Key, b.Key) })
	if len(reports) == 0 {
		return nil, fmt.Errorf("read shadowserver schema: no report types")
	}
	s, err := NewSchema(reports)
	if err != nil {
		return nil, fmt.Errorf("read shadowserver schema: %w", err)
	}
	s.version, s.changeLog = meta.DateCreated, meta.ChangeLog
	return s, nil
}

type jsonReport struct {
	Constants map[string]string `json:"constant_fields"`
	FeedName  string            `json:"feed_name"`
	FileName  string            `json:"file_name"`
	URL       string            `json:"url"`
	Required  [][]any           `json:"required_fields"`
	Optional  [][]any           `json:"optional_fields"`
}

func decodeReport(key string, msg json.RawMessage) (Report, error) {
	var jr jsonReport
	if err := json.Unmarshal(msg, &jr); err != nil {
		return Report{}, err
	}
	rep := Report{Type: jr.FileName, Key: key, FeedName: jr.FeedName, URL: jr.URL, Constants: jr.Constants}
	var err error
	if rep.Required, err = decodeMappings(jr.Required); err != nil {
		return Report{}, fmt.Errorf("required_fields: %w", err)
	}
	if rep.Optional, err = decodeMappings(jr.Optional); err != nil {
		return Report{}, fmt.Errorf("optional_fields: %w", err)
	}
	return rep, nil
}

// decodeMappings reads [field, column] and [field, column, conversion] entries. A
// fourth element (IntelMQ's "pass the whole row") is implied by the conversion here.
func decodeMappings(items [][]any) ([]Mapping, error) {
	out := make([]Mapping, 0, len(items))
	for i, item := range items {
		if len(item) < 2 || len(item) > 4 {
			return nil, fmt.Errorf("entry %d has %d elements, want 2 to 4", i, len(item))
		}
		var m Mapping
		var ok bool
		if m.Field, ok = item[0].(string); !ok || m.Field == "" {
			return nil, fmt.Errorf("entry %d: field is %v, want a name", i, item[0])
		}
		if m.Column, ok = item[1].(string); !ok || m.Column == "" {
			return nil, fmt.Errorf("entry %d: column is %v, want a name", i, item[1])
		}
		if len(item) > 2 && item[2] != nil {
			conv, ok := item[2].(string)
			if !ok {
				return nil, fmt.Errorf("entry %d: conversion is %v, want a name", i, item[2])
			}
			m.Conversion = Conversion(conv)
		}
		out = append(out, m)
	}
	return out, nil
}
