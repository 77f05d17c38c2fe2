package message

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"

	"github.com/baken-cert/baken/internal/event"
	"github.com/baken-cert/baken/internal/safecsv"
)

// csvFixed are the CSV columns before the extra.* fields, in order. time.source and
// classification.identifier are always written; the others when an event has them.
var csvFixed = []string{
	"time.source", "source.ip", "source.port", "source.fqdn", "source.reverse_dns", "source.url", "source.account",
	"classification.identifier", "severity",
	"product.vendor", "product.product", "product.version", "product.vulnerabilities",
	"malware.name", "matched_asset",
}

var csvAlways = []string{"time.source", "classification.identifier"}

// eventsCSV writes the events as CSV with a header row: the fixed columns that fit
// the events, then their extra.* fields, sorted. matched_asset is the registered asset
// that matched each event (see Data.Matched).
func eventsCSV(events []event.Event, matched []string) ([]byte, error) {
	maps := make([]map[string]string, len(events))
	extras := map[string]bool{}
	for i := range events {
		maps[i] = publicMap(&events[i])
		if i < len(matched) && matched[i] != "" {
			maps[i]["matched_asset"] = matched[i]
		}
		for k := range maps[i] {
			if strings.HasPrefix(k, "extra.") {
				extras[k] = true
			}
		}
	}
	var cols []string
	for _, k := range csvFixed {
		if slices.Contains(csvAlways, k) || anyHas(maps, k) {
			cols = append(cols, k)
		}
	}
	extraCols := make([]string, 0, len(extras))
	for k := range extras {
		extraCols = append(extraCols, k)
	}
	slices.Sort(extraCols)
	cols = append(cols, extraCols...)

	var b bytes.Buffer
	w := safecsv.NewWriter(&b)
	row := make([]string, len(cols))
	for i, k := range cols {
		row[i] = k
	}
	w.Write(row)
	for _, m := range maps {
		for i, k := range cols {
			row[i] = m[k]
		}
		w.Write(row)
	}
	w.Flush()
	return b.Bytes(), w.Error()
}

func anyHas(maps []map[string]string, key string) bool {
	for _, m := range maps {
		if m[key] != "" {
			return true
		}
	}
	return false
}

// eventsJSON writes the events as an indented JSON array of their IntelMQ field maps,
// with values typed as IntelMQ types them: ports and AS numbers are numbers.
func eventsJSON(events []event.Event) ([]byte, error) {
	maps := make([]map[string]any, len(events))
	for i := range events {
		maps[i] = event.Typed(publicMap(&events[i]))
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false) // an attachment, not a page: keep URLs readable
	if err := enc.Encode(maps); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// publicMap is the event's Map without the fields no message may carry.
func publicMap(e *event.Event) map[string]string {
	m := e.Map()
	for k := range m {
		if forbiddenField(k) {
			delete(m, k)
		}
	}
	return m
}

// forbiddenField reports a field no message carries, whatever a feed put in it: the
// raw line, and anything named like a password, a hash or a secret. Passwords should
// never reach an event; this is defence in depth.
func forbiddenField(key string) bool {
	k := strings.ToLower(key)
	for _, part := range strings.FieldsFunc(k, func(r rune) bool { return r == '.' || r == '_' || r == '-' }) {
		if part == "raw" {
			return true
		}
	}
	for _, bad := range []string{"password", "passwd", "passphrase", "pwd", "hash", "secret"} {
		if strings.Contains(k, bad) {
			return true
		}
	}
	return false
}
