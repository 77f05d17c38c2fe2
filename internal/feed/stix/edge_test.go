package stix

import (
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/baken-cert/baken/internal/event"
	"github.com/baken-cert/baken/internal/feed"
)

const ind = `{"type": "indicator", "id": "indicator--1", "created": "2024-07-01T00:00:00Z", "pattern": "[ipv4-addr:value = '192.0.2.1']"}`

func TestForms(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, text string
		rows       []row
		fatal      string // substring of the error that ends the parse; "" for io.EOF
	}{
		{"empty input", "", nil, ""},
		{"whitespace only", " \n\t", nil, ""},
		{"empty bundle", `{"type": "bundle", "id": "bundle--1"}`, nil, ""},
		{"bundle with empty objects", `{"type": "bundle", "objects": []}`, nil, ""},
		{"bundle with null objects", `{"type": "bundle", "objects": null}`, nil, ""},
		{"objects before type", `{"objects": [` + ind + `], "type": "bundle", "id": "bundle--1"}`,
			[]row{{line: 1, want: map[string]string{"source.ip": "192.0.2.1"}}}, ""},
		{"empty array", `[]`, nil, ""},
		{"empty bundle, then an object", `{"type": "bundle"}` + ind, []row{{line: 1}}, ""},
		{"bundle in an array", `[{"type": "bundle", "objects": [` + ind + `]}]`,
			[]row{{line: 1, err: "property objects is a JSON array"}}, ""},
		{"two bundles", `{"type": "bundle", "objects": [` + ind + `]}` + "\n" + `{"type": "bundle", "objects": [` + ind + `]}`,
			[]row{{line: 1}, {line: 2}}, ""},
		{"object, then array", ind + `[` + ind + `,` + ind + `]`, []row{{line: 1}, {line: 2}, {line: 3}}, ""},
		{"single object with scalar objects", `{"type": "observed-data", "id": "observed-data--1", "first_observed": "2024-07-04T00:00:00Z", "objects": "x"}`,
			[]row{{line: 1, err: "property objects is a JSON string"}}, ""},
		{"not JSON", "hello", nil, "invalid character 'h'"},
		{"a string", `"bundle"`, nil, "not a STIX bundle, object or array of objects, but starts with bundle"},
		{"truncated bundle", `{"type": "bundle", "objects": [` + ind + `, {"type": "indicator", "pattern": "[ipv4`,
			[]row{{line: 1}}, "stix: object 2: unexpected EOF"},
		{"bundle without its end", `{"type": "bundle", "objects": [` + ind, []row{{line: 1}}, "stix: object 2: unexpected EOF"},
		{"bundle without its last brace", `{"type": "bundle", "objects": [` + ind + `]`, []row{{line: 1}}, "unexpected EOF"},
		{"object without its end", `{"type": "indicator", "id": "x"`, nil, "stix: object 1: unexpected EOF"},
		{"syntax error in an object", `{"type": "bundle", "objects": [` + ind + `, {"type" "indicator"}, ` + ind + `]}`,
			[]row{{line: 1}}, "stix: object 2: invalid character"},
		{"syntax error after objects", `{"type": "bundle", "objects": [` + ind + `], "x": }`,
			[]row{{line: 1}}, "invalid character '}'"},
		{"stray closing brace", ind + `}`, []row{{line: 1}}, "invalid character '}'"},
		{"SCO after its observed-data, and a ref to another type", `[{"type": "observed-data", "id": "observed-data--1",
			"first_observed": "2024-07-04T00:00:00Z", "object_refs": ["ipv6-addr--2", "relationship--3"]},
			{"type": "ipv6-addr", "id": "ipv6-addr--2", "value": "2001:db8::2"}]`,
			[]row{{line: 1, want: map[string]string{"source.ip": "2001:db8::2", "extra.stix_observable": "ipv6-addr--2"}}}, ""},
		{"bad values", `[{"type": "indicator", "id": "indicator--1", "pattern": "[ipv4-addr:value = '2001:db8::1'] OR [ipv6-addr:value = '192.0.2.0/24'] OR [domain-name:value = '192.0.2.1'] OR [domain-name:value = 'a b'] OR [url:value = '/x'] OR [email-addr:value = 'nobody'] OR [ipv6-addr:value = '::ffff:192.0.2.1']"}]`,
			[]row{{line: 1, err: `ipv4-addr "2001:db8::1" is of the other IP version`},
				{line: 1, err: `ipv6-addr "192.0.2.0/24" is of the other IP version`},
				{line: 1, err: `domain-name "192.0.2.1" is not a domain name`},
				{line: 1, err: `domain-name "a b" is not a domain name`},
				{line: 1, err: `url "/x" has no host`},
				{line: 1, err: `email-addr "nobody" is not an e-mail address`},
				{line: 1, err: `ipv6-addr "::ffff:192.0.2.1" is of the other IP version`}}, ""},
		{"values that need care", `[{"type": "indicator", "id": "indicator--1", "pattern": "[ipv4-addr:value = '192.0.2.7/32'] OR [ipv6-addr:value = 'fe80::1%eth0'] OR [domain-name:value = 'Bücher.Example.'] OR [url:value = 'http://[2001:db8::9]/'] OR [ipv4-addr:value = '192.0.2.9/24']"}]`,
			[]row{{line: 1, want: map[string]string{"source.ip": "192.0.2.7", "source.network": ""}},
				{line: 1, want: map[string]string{"source.ip": "fe80::1"}},
				{line: 1, want: map[string]string{"source.fqdn": "xn--bcher-kva.example"}},
				{line: 1, want: map[string]string{"source.url": "http://[2001:db8::9]/", "source.ip": ""}},
				{line: 1, want: map[string]string{"source.network": "192.0.2.0/24"}}}, ""},
		{"no time at all", `[{"type": "indicator", "id": "indicator--1", "pattern": "[ipv4-addr:value = '192.0.2.1']"}]`,
			[]row{{line: 1, want: map[string]string{"time.source": ""}}}, ""},
		{"bad first_observed", `[{"type": "observed-data", "id": "observed-data--1", "first_observed": "soon", "objects": {"0": {"type": "ipv4-addr", "value": "192.0.2.1"}}}]`,
			[]row{{line: 1, err: `observed-data--1: first_observed: not a timestamp: "soon"`}}, ""},
		{"observable without value", `[{"type": "observed-data", "id": "observed-data--1", "first_observed": "2024-07-04T00:00:00Z", "objects": {"0": {"type": "ipv4-addr"}}}]`,
			[]row{{line: 1, err: `observed-data--1: ipv4-addr "" is not an IP address`}}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p, err := NewParser(strings.NewReader(tt.text), Options{})
			if err != nil {
				t.Fatal(err)
			}
			got, fatal := collectUntil(t, p)
			check(t, got, tt.rows)
			switch {
			case tt.fatal == "" && fatal != nil:
				t.Errorf("the parse ended with %v, want io.EOF", fatal)
			case tt.fatal != "" && (fatal == nil || !strings.Contains(fatal.Error(), tt.fatal)):
				t.Errorf("the parse ended with %v, want an error containing %q", fatal, tt.fatal)
			}
			if fatal != nil {
				if err := p.Next(); err != fatal {
					t.Errorf("Next after %v = %v, want the same error", fatal, err)
				}
			}
		})
	}
}

// collectUntil is collect that stops at the first error that is not a RowError.
func collectUntil(t *testing.T, p *Parser) ([]result, error) {
	t.Helper()
	var out []result
	for {
		err := p.Next()
		var re *feed.RowError
		switch {
		case errors.Is(err, io.EOF):
			return out, nil
		case errors.As(err, &re):
			out = append(out, result{line: re.Line, err: re.Reason})
			continue
		case err != nil:
			return out, err
		}
		e, err := p.Event()
		if err != nil {
			t.Fatalf("Event: %v", err)
		}
		if got, want := p.Subject(), e.Subject(); got != want {
			t.Errorf("line %d: Subject() = %+v, the event's is %+v", p.Line(), got, want)
		}
		out = append(out, result{line: p.Line(), fields: e.Map()})
	}
}

func TestOverrideClassification(t *testing.T) {
	t.Parallel()
	class := event.Classification{Taxonomy: "fraud", Type: "phishing", Identifier: "phishing-url"}
	text := `{"type": "indicator", "id": "indicator--1", "indicator_types": ["malicious-activity"], "pattern": "[url:value = 'http://x.example/']", "object_marking_refs": ["marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003", "marking-definition--unknown"]}`
	for _, override := range []bool{false, true} {
		p, err := NewParser(strings.NewReader(text), Options{Classification: class, OverrideClassification: override, TLP: "clear"})
		if err != nil {
			t.Fatal(err)
		}
		if err := p.Next(); err != nil {
			t.Fatal(err)
		}
		e, _ := p.Event()
		want := class
		if !override {
			want = indicatorClasses["malicious-activity"]
		}
		if e.Classification != want || e.TLP != "AMBER+STRICT" {
			t.Errorf("override %v: classification %+v, TLP %q; want %+v, AMBER+STRICT", override, e.Classification, e.TLP, want)
		}
	}
}

func TestEventWithoutRow(t *testing.T) {
	t.Parallel()
	p, err := NewParser(strings.NewReader(`[42]`), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Event(); err == nil {
		t.Error("Event before Next: no error")
	}
	if err := p.Next(); err == nil {
		t.Fatal("Next on 42: no error")
	}
	if _, err := p.Event(); err == nil {
		t.Error("Event after a rejected object: no error")
	}
}

// TestEventIsACopy checks that changing an event does not change the next call's.
func TestEventIsACopy(t *testing.T) {
	t.Parallel()
	p, err := NewParser(strings.NewReader(ind), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Next(); err != nil {
		t.Fatal(err)
	}
	e1, _ := p.Event()
	e1.Fields["extra.stix_id"] = "changed"
	if e2, _ := p.Event(); e2.Fields["extra.stix_id"] != "indicator--1" {
		t.Errorf("extra.stix_id = %q after changing an earlier copy", e2.Fields["extra.stix_id"])
	}
}
