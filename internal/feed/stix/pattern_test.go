package stix

import (
	"errors"
	"reflect"
	"testing"
)

func TestParsePattern(t *testing.T) {
	t.Parallel()
	v := func(objType, value string) disjunct { return disjunct{objType: objType, value: value} }
	r := func(reason string) disjunct { return disjunct{reason: reason} }
	tests := []struct {
		pattern string
		want    []disjunct // nil with wantSyntax
		syntax  bool
	}{
		{"[ipv4-addr:value = '192.0.2.1']", []disjunct{v("ipv4-addr", "192.0.2.1")}, false},
		{"[ipv4-addr:value='192.0.2.1']", []disjunct{v("ipv4-addr", "192.0.2.1")}, false},
		{"  [ ipv6-addr:value = '2001:db8::/32' ]  ", []disjunct{v("ipv6-addr", "2001:db8::/32")}, false},
		{"[domain-name:value = 'a.example' OR url:value = 'http://b.example/']",
			[]disjunct{v("domain-name", "a.example"), v("url", "http://b.example/")}, false},
		{"[email-addr:value = 'a@b.example'] OR [domain-name:value = 'c.example']",
			[]disjunct{v("email-addr", "a@b.example"), v("domain-name", "c.example")}, false},
		{"([ipv4-addr:value = '192.0.2.1'] OR ([ipv4-addr:value = '192.0.2.2']))",
			[]disjunct{v("ipv4-addr", "192.0.2.1"), v("ipv4-addr", "192.0.2.2")}, false},
		{"[(ipv4-addr:value = '192.0.2.1' OR (ipv4-addr:value = '192.0.2.2'))]",
			[]disjunct{v("ipv4-addr", "192.0.2.1"), v("ipv4-addr", "192.0.2.2")}, false},
		{"[ipv4-addr:value IN ('192.0.2.1', '192.0.2.2')]",
			[]disjunct{v("ipv4-addr", "192.0.2.1"), v("ipv4-addr", "192.0.2.2")}, false},
		{"[ipv4-addr:value ISSUBSET '192.0.2.0/24']", []disjunct{v("ipv4-addr", "192.0.2.0/24")}, false},
		{"[url:value = 'http://x.example/it\\'s\\\\']", []disjunct{v("url", `http://x.example/it's\`)}, false},
		{"[ipv4-addr:value = '192.0.2.1'] or [ipv4-addr:value = '192.0.2.2']",
			[]disjunct{v("ipv4-addr", "192.0.2.1"), v("ipv4-addr", "192.0.2.2")}, false},

		// What is skipped, alternative by alternative.
		{"[ipv4-addr:value = '192.0.2.1' AND ipv4-addr:value = '192.0.2.2']", []disjunct{r(ReasonAND)}, false},
		{"[ipv4-addr:value = '192.0.2.1'] AND [ipv4-addr:value = '192.0.2.2']", []disjunct{r(ReasonAND)}, false},
		{"[ipv4-addr:value = '192.0.2.1' OR ipv4-addr:value = '192.0.2.2' AND ipv4-addr:value = '192.0.2.3']",
			[]disjunct{v("ipv4-addr", "192.0.2.1"), r(ReasonAND)}, false},
		{"[ipv4-addr:value = '192.0.2.1'] OR [ipv4-addr:value = '192.0.2.2'] FOLLOWEDBY [ipv4-addr:value = '192.0.2.3']",
			[]disjunct{r(ReasonFollowedBy)}, false},
		{"[ipv4-addr:value = '192.0.2.1'] WITHIN 60 SECONDS", []disjunct{r(ReasonQualifier)}, false},
		{"[ipv4-addr:value = '192.0.2.1'] REPEATS 5 TIMES OR [ipv4-addr:value = '192.0.2.2']",
			[]disjunct{r(ReasonQualifier), v("ipv4-addr", "192.0.2.2")}, false},
		{"[ipv4-addr:value = '192.0.2.1'] START t'2024-01-01T00:00:00Z' STOP t'2024-02-01T00:00:00Z'",
			[]disjunct{r(ReasonQualifier)}, false},
		{"[file:hashes.'SHA-256' = 'abc'] OR [ipv4-addr:value = '192.0.2.1']",
			[]disjunct{r(ReasonObjectType), v("ipv4-addr", "192.0.2.1")}, false},
		{"[email-message:to_refs[*].value = 'a@b.example']", []disjunct{r(ReasonObjectType)}, false},
		{"[network-traffic:dst_ref.value = '192.0.2.1']", []disjunct{r(ReasonObjectType)}, false},
		{"[domain-name:resolves_to_refs[0].value = '192.0.2.1']", []disjunct{r(ReasonProperty)}, false},
		{"[ipv4-addr:value != '192.0.2.1']", []disjunct{r(ReasonOperator)}, false},
		{"[ipv4-addr:value NOT = '192.0.2.1']", []disjunct{r(ReasonOperator)}, false},
		{"[url:value LIKE 'http://%.example/']", []disjunct{r(ReasonOperator)}, false},
		{"[url:value MATCHES '^http']", []disjunct{r(ReasonOperator)}, false},
		{"[domain-name:value ISSUBSET 'example']", []disjunct{r(ReasonOperator)}, false},
		{"[ipv4-addr:value ISSUPERSET '192.0.2.1/32']", []disjunct{r(ReasonOperator)}, false},
		{"[ipv4-addr:value = 5]", []disjunct{r(ReasonOperator)}, false},
		{"[ipv4-addr:value IN ('192.0.2.1', 5)]", []disjunct{r(ReasonOperator)}, false},
		{"[EXISTS ipv4-addr:value]", []disjunct{r(ReasonOperator)}, false},
		{"[x-custom:value = 'a'] OR [artifact:payload_bin = b'AAAA'] OR [file:size > 1e3]",
			[]disjunct{r(ReasonObjectType), r(ReasonObjectType), r(ReasonObjectType)}, false},

		// Syntax the parser does not follow: the whole pattern is skipped.
		{"", nil, true},
		{"ipv4-addr:value = '192.0.2.1'", nil, true},
		{"[ipv4-addr:value = '192.0.2.1'", nil, true},
		{"[ipv4-addr:value = '192.0.2.1]", nil, true},
		{"[ipv4-addr:value = '192.0.2.1']]", nil, true},
		{"[ipv4-addr:value '192.0.2.1']", nil, true},
		{"[ipv4-addr:value = '192.0.2.1' OR]", nil, true},
		{"[value = '192.0.2.1']", nil, true},
		{"[ipv4-addr:value IN ('192.0.2.1'", nil, true},
		{"[ipv4-addr:value = '192.0.2.1'] WITHIN SECONDS", nil, true},
		{"[ipv4-addr:value = 'a\\b']", nil, true},
		{"[ipv4-addr:value ! '192.0.2.1']", nil, true},
		{"[a:b[x] = 'c']", nil, true},
		{"[ipv4-addr:value = '192.0.2.1'] # comment", nil, true},
		{string(make([]byte, 200)), nil, true},
		{repeat("(", 100) + "[ipv4-addr:value = '192.0.2.1']" + repeat(")", 100), nil, true},
		{"[" + repeat("(", 100) + "ipv4-addr:value = '192.0.2.1'" + repeat(")", 100) + "]", nil, true},
	}
	for _, tt := range tests {
		got, err := parsePattern(tt.pattern)
		if tt.syntax {
			if !errors.Is(err, errSyntax) {
				t.Errorf("parsePattern(%q) = %v, %v; want a syntax error", tt.pattern, got, err)
			}
			continue
		}
		if err != nil || !reflect.DeepEqual(got, tt.want) {
			t.Errorf("parsePattern(%q) = %+v, %v; want %+v", tt.pattern, got, err, tt.want)
		}
	}
}

func repeat(s string, n int) string {
	out := ""
	for range n {
		out += s
	}
	return out
}

// FuzzParsePattern checks that no pattern makes the parser panic or loop, and that
// every value it returns is of a supported type.
func FuzzParsePattern(f *testing.F) {
	for _, s := range []string{
		"[ipv4-addr:value = '192.0.2.1' OR ipv4-addr:value IN ('a', 'b')] OR ([url:value = 'x'] AND [file:name = 'y'])",
		"[file:hashes.'SHA-256' = 'abc'] WITHIN 5 SECONDS FOLLOWEDBY [email-message:to_refs[*].value = 'a@b']",
		"[ipv4-addr:value ISSUBSET '192.0.2.0/24'] START t'2024-01-01T00:00:00Z' STOP t'2024-02-01T00:00:00Z'",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ds, err := parsePattern(s)
		if err != nil {
			return
		}
		for _, d := range ds {
			if d.reason == "" && !supported[d.objType] {
				t.Fatalf("parsePattern(%q) gave a value of type %q", s, d.objType)
			}
		}
	})
}
