package csvfeed

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/baken-cert/baken/internal/event"
)

// Mapping maps IntelMQ field names to the CSV columns that hold them:
// {"source.ip": "ip", "time.source": "first_seen"}. Without a header, columns are
// named by their 1-based position: {"source.ip": "2"}.
type Mapping map[string]string

// Options configure a Parser. Only Mapping is required.
type Options struct {
	// Mapping says which column holds which field. Every mapped column must exist.
	Mapping Mapping
	// Delimiter separates fields; ',' when zero.
	Delimiter rune
	// Comment, when not zero, starts lines that are skipped (for instance '#').
	Comment rune
	// NoHeader says the file has no header line: columns are then named "1", "2", ...
	// By default the first line is the header.
	NoHeader bool
	// Constants are fields every event gets, such as "classification.type". They win
	// over FeedName, FeedProvider, Classification and TLP, and may not name a field
	// that Mapping also sets.
	Constants map[string]string
	// TimeLayout is the Go time layout of the mapped "time.*" columns; a layout
	// without a zone reads UTC. "unix" and "unixmilli" read seconds or milliseconds
	// since 1970. When empty, event.ParseTime reads the usual forms.
	TimeLayout string

	FeedName       string               // feed.name of every event
	FeedProvider   string               // feed.provider of every event
	Classification event.Classification // classification.*, field by field when not empty
	TLP            string               // tlp of every event
}

// subjectKeys are the fields of event.Subject; Next reads only these.
var subjectKeys = map[string]bool{
	"source.ip": true, "source.network": true, "source.asn": true,
	"source.fqdn": true, "source.url": true, "source.account": true,
}

// column is one mapped column.
type column struct {
	field string // IntelMQ field name
	name  string // column name, for messages
	index int    // 0-based position in the row
	time  bool   // a "time.*" field, read with the TimeLayout
}

// plan is what the parser does with each row, worked out once from the header.
type plan struct {
	ncols   int            // fields per row; 0 without a header (rows may vary)
	minCols int            // fields a row needs to reach every mapped column
	subject []column       // mapped columns that feed Subject
	rest    []column       // every other mapped column
	extras  []string       // per column: its "extra.*" key, "" for mapped columns
	base    event.Event    // Options and Constants applied: each row starts from a copy
	layout  string         // Options.TimeLayout
	header  []string       // column names
	byName  map[string]int // column name -> index
}

// baseEvent applies the Options and Constants to an empty event and checks them.
func baseEvent(o *Options) (event.Event, error) {
	var e event.Event
	for _, kv := range [][2]string{
		{"feed.name", o.FeedName}, {"feed.provider", o.FeedProvider},
		{"classification.taxonomy", o.Classification.Taxonomy},
		{"classification.type", o.Classification.Type},
		{"classification.identifier", o.Classification.Identifier},
		{"tlp", o.TLP},
	} {
		if err := e.Set(kv[0], kv[1]); err != nil {
			return e, err
		}
	}
	for _, k := range sortedKeys(o.Constants) {
		if _, mapped := o.Mapping[k]; mapped {
			return e, fmt.Errorf("field %s is both a constant and mapped to column %q", k, o.Mapping[k])
		}
		if err := e.Set(k, o.Constants[k]); err != nil {
			return e, fmt.Errorf("constant %v", err)
		}
	}
	return e, nil
}

// compile checks the mapping against the header and returns the plan. Without a
// header, header is nil and mapped columns must be positions.
func compile(o *Options, header []string) (*plan, error) {
	base, err := baseEvent(o)
	if err != nil {
		return nil, err
	}
	pl := &plan{ncols: len(header), base: base, layout: o.TimeLayout, header: header,
		byName: make(map[string]int, len(header))}
	for i, h := range header {
		if j, dup := pl.byName[h]; dup {
			return nil, fmt.Errorf("the header names column %q twice (columns %d and %d)", h, j+1, i+1)
		}
		pl.byName[h] = i
	}
	mapped := make(map[int]bool)
	taken := make(map[string]bool) // field names set by Mapping or Constants
	for _, field := range sortedKeys(o.Mapping) {
		name := o.Mapping[field]
		if field == "" || strings.TrimSpace(field) != field {
			return nil, fmt.Errorf("mapping: %q is not a field name", field)
		}
		idx, err := pl.index(name)
		if err != nil {
			return nil, fmt.Errorf("mapping %s: %w", field, err)
		}
		c := column{field: field, name: name, index: idx, time: strings.HasPrefix(field, "time.")}
		if subjectKeys[field] {
			pl.subject = append(pl.subject, c)
		} else {
			pl.rest = append(pl.rest, c)
		}
		mapped[idx], taken[field] = true, true
		pl.minCols = max(pl.minCols, idx+1)
	}
	for k := range o.Constants {
		taken[k] = true
	}
	if header != nil {
		pl.extras = extraKeys(header, mapped, taken)
	}
	return pl, nil
}

// index finds a mapped column by name, or by position without a header.
func (pl *plan) index(name string) (int, error) {
	if pl.header == nil {
		n, err := strconv.Atoi(name)
		if err != nil || n < 1 {
			return 0, fmt.Errorf("the file has no header, so columns are named by position (\"1\", \"2\", ...), not %q", name)
		}
		return n - 1, nil
	}
	if i, ok := pl.byName[name]; ok {
		return i, nil
	}
	return 0, fmt.Errorf("the header has no column %q (it has %s)", name, strings.Join(quoted(pl.header), ", "))
}

// extraKeys names the "extra.*" field of every unmapped column: the column name in
// lower case with every other character than a-z, 0-9 and _ made _. A name already
// taken gets the column's position appended.
func extraKeys(header []string, mapped map[int]bool, taken map[string]bool) []string {
	out := make([]string, len(header))
	for i, h := range header {
		if mapped[i] {
			continue
		}
		key := "extra." + sanitise(h, i)
		if taken[key] {
			key += "_" + strconv.Itoa(i+1)
		}
		taken[key] = true
		out[i] = key
	}
	return out
}

func sanitise(name string, i int) string {
	b := []byte(strings.ToLower(name))
	for j, c := range b {
		if (c < 'a' || c > 'z') && (c < '0' || c > '9') && c != '_' {
			b[j] = '_'
		}
	}
	if s := strings.Trim(string(b), "_"); s != "" {
		return s
	}
	return strconv.Itoa(i + 1)
}

// parseTime reads a mapped time column with the configured layout.
func parseTime(layout, v string) (string, error) {
	var t time.Time
	switch layout {
	case "":
		return v, nil // event.Set reads it
	case "unix", "unixmilli":
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return "", fmt.Errorf("not a %s timestamp: %q", layout, v)
		}
		if layout == "unix" {
			t = time.Unix(n, 0)
		} else {
			t = time.UnixMilli(n)
		}
	default:
		var err error
		if t, err = time.Parse(layout, v); err != nil {
			return "", fmt.Errorf("not a timestamp in the layout %q: %q", layout, v)
		}
	}
	return event.FormatTime(t), nil
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func quoted(names []string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = strconv.Quote(n)
	}
	return out
}
