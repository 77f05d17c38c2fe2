package shadowserver

import (
	"fmt"
	"slices"
	"strings"

	"github.com/baken-cert/baken/internal/event"
)

// plan is a report compiled against the header of one file: every mapping resolved to
// a column position, so that rows are read by position but mapped by name.
type plan struct {
	report  *Report
	header  []string
	index   map[string]int // column name to position
	ncols   int
	minCols int // a shorter row lacks a required column

	steps     []step   // required mappings, then optional ones, for columns in the header
	extras    []string // "extra.<column>" by position, "" for a column without name
	constants [][2]string
	tagCol    int // a "tag" column no mapping takes CVE identifiers from, or -1

	// What Subject needs; -1 when the report does not map the field.
	ipCol, asnCol int
	ipRequired    bool
	named         []step // mappings to source.fqdn, source.url and source.account
}

// step is one mapping resolved against the header.
type step struct {
	field    string // the event field; "extra.<column>" for the schema's "extra."
	col      int
	name     string // the column name
	conv     convertFunc
	required bool
}

// compile resolves a report against a header. It fails when the header lacks a
// required column or names a column twice.
func compile(rep *Report, header []string) (*plan, error) {
	pl := &plan{
		report: rep, header: header, index: make(map[string]int, len(header)), ncols: len(header),
		tagCol: -1, ipCol: -1, asnCol: -1, extras: make([]string, len(header)),
	}
	for i, name := range header {
		if _, dup := pl.index[name]; dup && name != "" {
			return nil, fmt.Errorf("the header names column %q twice", name)
		}
		pl.index[name] = i
		if name != "" {
			pl.extras[i] = "extra." + name
		}
	}
	for _, m := range rep.Required {
		i, ok := pl.index[m.Column]
		if !ok {
			return nil, fmt.Errorf("the header lacks column %q, which report type %s requires", m.Column, rep.Type)
		}
		pl.minCols = max(pl.minCols, i+1)
		pl.add(m, i, true)
	}
	for _, m := range rep.Optional {
		if i, ok := pl.index[m.Column]; ok {
			pl.add(m, i, false)
		}
	}
	if i, ok := pl.index["tag"]; ok && !pl.maps("product.vulnerabilities") {
		pl.tagCol = i
	}
	for k, v := range rep.Constants {
		var e event.Event
		if err := e.Set(k, v); err != nil {
			return nil, fmt.Errorf("report type %s: constant %v", rep.Type, err)
		}
		pl.constants = append(pl.constants, [2]string{k, v})
	}
	slices.SortFunc(pl.constants, func(a, b [2]string) int { return strings.Compare(a[0], b[0]) })
	return pl, nil
}

// maps reports whether a step sets field.
func (pl *plan) maps(field string) bool {
	for _, st := range pl.steps {
		if st.field == field {
			return true
		}
	}
	return false
}

func (pl *plan) add(m Mapping, col int, required bool) {
	st := step{field: m.Field, col: col, name: m.Column, conv: m.Conversion.fn(), required: required}
	if st.field == "extra." {
		st.field = "extra." + m.Column
	}
	if st.conv == nil {
		st.conv = identity
	}
	pl.steps = append(pl.steps, st)
	switch st.field {
	case "source.ip":
		if pl.ipCol < 0 {
			pl.ipCol, pl.ipRequired = col, required
		}
	case "source.asn":
		if pl.asnCol < 0 {
			pl.asnCol = col
		}
	case "source.fqdn", "source.url", "source.account":
		pl.named = append(pl.named, st)
	}
}

// values gives conversions the current row by column name.
type values struct {
	pl     *plan
	fields [][]byte
}

func (v values) get(column string) (string, bool) {
	i, ok := v.pl.index[column]
	if !ok {
		return "", false
	}
	if i >= len(v.fields) {
		return "", true
	}
	return string(v.fields[i]), true
}
