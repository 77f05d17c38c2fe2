package intelmq

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
)

// pair is one field of a row, flattened: an IntelMQ field name and its text.
type pair struct{ key, value string }

// decode reads one line as a JSON object and appends its fields to out, flattened
// and sorted by name. Nested objects become dotted names ({"source": {"ip": ...}}
// is "source.ip"); numbers and booleans their JSON text; arrays compact JSON, except
// that every element of "product.vulnerabilities" is a field of its own; nulls and
// IntelMQ's internal keys ("__type") are left out. The text of the error is a reason
// for a *feed.RowError.
func decode(line []byte, out []pair) ([]pair, error) {
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		return out, describe(err)
	}
	if m == nil {
		return out, errors.New("null, not a JSON object")
	}
	if rest := bytes.TrimSpace(line[dec.InputOffset():]); len(rest) > 0 {
		return out, errors.New("text after the JSON object")
	}
	start := len(out)
	out, err := flatten("", m, out)
	if err != nil {
		return out, err
	}
	fields := out[start:]
	sort.SliceStable(fields, func(i, j int) bool { return fields[i].key < fields[j].key })
	// A field given twice (flat and nested) must say the same thing both times.
	keep := fields[:0]
	for i, f := range fields {
		if i > 0 && f.key == fields[i-1].key && f.key != "product.vulnerabilities" {
			if f.value != fields[i-1].value {
				return out, fmt.Errorf("field %s is given twice, with different values", f.key)
			}
			continue
		}
		keep = append(keep, f)
	}
	return out[:start+len(keep)], nil
}

func flatten(prefix string, m map[string]any, out []pair) ([]pair, error) {
	var err error
	for k, v := range m {
		if prefix == "" && strings.HasPrefix(k, "__") {
			continue
		}
		key := k
		if prefix != "" {
			key = prefix + "." + k
		}
		if k == "" || strings.HasPrefix(k, ".") || strings.HasSuffix(k, ".") || strings.Contains(k, "..") {
			return out, fmt.Errorf("%q is not a field name", key)
		}
		switch v := v.(type) {
		case nil:
		case string:
			if nested, ok := jsonExtra(key, v); ok {
				out, err = flatten(key, nested, out)
			} else {
				out = append(out, pair{key, v})
			}
		case json.Number:
			out = append(out, pair{key, v.String()})
		case bool:
			out = append(out, pair{key, strconv.FormatBool(v)})
		case map[string]any:
			out, err = flatten(key, v, out)
		case []any:
			out, err = appendArray(key, v, out)
		}
		if err != nil {
			return out, err
		}
	}
	return out, nil
}

// jsonExtra reads "extra" written as a JSON text, as IntelMQ 1 did.
func jsonExtra(key, v string) (map[string]any, bool) {
	if key != "extra" || !strings.HasPrefix(strings.TrimSpace(v), "{") {
		return nil, false
	}
	dec := json.NewDecoder(strings.NewReader(v))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil || m == nil {
		return nil, false
	}
	return m, true
}

func appendArray(key string, v []any, out []pair) ([]pair, error) {
	if key == "product.vulnerabilities" {
		for _, el := range v {
			if s, ok := el.(string); ok {
				out = append(out, pair{key, s})
			}
		}
		return out, nil
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return out, fmt.Errorf("field %s: %v", key, err)
	}
	return append(out, pair{key, strings.TrimSuffix(b.String(), "\n")}), nil
}

// describe turns a decoding error into a reason a person can act on.
func describe(err error) error {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return fmt.Errorf("not valid JSON: %v (at byte %d)", se, se.Offset)
	case errors.As(err, &te) && te.Field == "":
		return fmt.Errorf("a JSON %s, not a JSON object", te.Value)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return errors.New("not valid JSON: the line ends inside the object")
	}
	return fmt.Errorf("not valid JSON: %v", err)
}
