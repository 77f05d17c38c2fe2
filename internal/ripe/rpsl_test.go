package ripe

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"testing"
)

// readAll reads every object of input and renders each as "L<line> name=value|..." and each
// ObjectError as "error L<line>", so that tests can compare whole streams at a glance.
func readAll(t *testing.T, input string) []string {
	t.Helper()
	r := NewReader(strings.NewReader(input))
	var got []string
	for {
		o, err := r.Next()
		if err == io.EOF {
			return got
		}
		var oe *ObjectError
		if errors.As(err, &oe) {
			got = append(got, fmt.Sprintf("error L%d", oe.Line))
			continue
		}
		if err != nil {
			t.Fatalf("Next: %v", err)
		}
		if o.Type != o.Attributes[0].Name || o.Key != o.Attributes[0].Value {
			t.Errorf("Type/Key %q/%q do not match the first attribute %+v", o.Type, o.Key, o.Attributes[0])
		}
		var parts []string
		for _, a := range o.Attributes {
			parts = append(parts, a.Name+"="+a.Value)
		}
		got = append(got, fmt.Sprintf("L%d %s", o.Line, strings.Join(parts, "|")))
	}
}

func TestReader(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		input string
		want  []string
	}{
		{"empty", "", nil},
		{"only header", "% header\n%\n\n% more\n", nil},
		{"one object no final newline", "role: R\nnic-hdl: R1", []string{"L1 role=R|nic-hdl=R1"}},
		{"header then objects", "% RIPE dump\n%\n\ninetnum: 192.0.2.0 - 192.0.2.255\nnetname: N\n\n\naut-num: AS1\n",
			[]string{"L4 inetnum=192.0.2.0 - 192.0.2.255|netname=N", "L8 aut-num=AS1"}},
		{"names case-insensitive", "INETNUM: x\nNetName:  y\n", []string{"L1 inetnum=x|netname=y"}},
		{"value without space and empty value", "role:R\nremarks:\nremarks:   \n", []string{"L1 role=R|remarks=|remarks="}},
		{"end-of-line comments", "country: EU # really world wide\nremarks: #only comment\n",
			[]string{"L1 country=EU|remarks="}},
		{"continuations", "descr: one\n two\n\tthree\n+four\n+\n+   # c\nnetname: N\n",
			[]string{"L1 descr=one two three four|netname=N"}},
		{"continuation of empty value", "remarks:\n  first\n", []string{"L1 remarks=first"}},
		{"repeated attributes keep order", "role: R\nremarks: a\nnic-hdl: H\nremarks: b\n",
			[]string{"L1 role=R|remarks=a|nic-hdl=H|remarks=b"}},
		{"comment lines inside", "role: R\n# c\n% d\nnic-hdl: H\n", []string{"L1 role=R|nic-hdl=H"}},
		{"whitespace-only line separates", "role: A\n \t \nrole: B\n", []string{"L1 role=A", "L3 role=B"}},
		{"CRLF", "role: A\r\nnic-hdl: H\r\n\r\nrole: B\r\n", []string{"L1 role=A|nic-hdl=H", "L4 role=B"}},
		{"malformed in the middle", "role: A\n\nrole: B\nnot an attribute\nnic-hdl: H\n\nrole: C\n",
			[]string{"L1 role=A", "error L4", "L7 role=C"}},
		{"malformed at the end", "role: A\n\nrole: B\nbad line", []string{"L1 role=A", "error L4"}},
		{"continuation first", " leading\nrole: A\n\nrole: B\n", []string{"error L1", "L4 role=B"}},
		{"bad attribute names", "1role: A\n\n-x: B\n\nro le: C\n\n:x\n\nrole: D\n",
			[]string{"error L1", "error L3", "error L5", "error L7", "L9 role=D"}},
		{"colon in value", "remarks: http://example.net/a:b\n", []string{"L1 remarks=http://example.net/a:b"}},
		{"latin-1", "org-name: Caf\xe9 \xdcber\n", []string{"L1 org-name=Café Über"}},
		{"utf-8 kept", "org-name: Café Über\n", []string{"L1 org-name=Café Über"}},
		{"controls dropped", "org-name: a\x00b\x07c\td\x7f\n", []string{"L1 org-name=abc\td"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := readAll(t, tt.input); !slices.Equal(got, tt.want) {
				t.Errorf("got\n  %q\nwant\n  %q", got, tt.want)
			}
		})
	}
}

func TestReaderLongLines(t *testing.T) {
	t.Parallel()
	fits := strings.Repeat("x", MaxLineLen-len("remarks: "))
	tooLong := fits + "y"
	input := "role: A\nremarks: " + fits + "\n\nrole: B\nremarks: " + tooLong + "\nnic-hdl: H\n\n" +
		"remarks: " + tooLong + "\n\nrole: C\n"
	got := readAll(t, input)
	want := []string{"L1 role=A|remarks=" + fits, "error L5", "error L8", "L10 role=C"}
	if !slices.Equal(got, want) {
		t.Errorf("got %d results %.60q, want %.60q", len(got), got, want)
	}
}

func TestObjectGet(t *testing.T) {
	t.Parallel()
	o := Object{Attributes: []Attribute{{"role", "R"}, {"remarks", "a"}, {"remarks", "b"}}}
	if got := o.Get("REMARKS"); got != "a" {
		t.Errorf(`Get("REMARKS") = %q, want "a"`, got)
	}
	if got := o.Get("nic-hdl"); got != "" {
		t.Errorf(`Get("nic-hdl") = %q, want ""`, got)
	}
	if got := o.Values("remarks"); !slices.Equal(got, []string{"a", "b"}) {
		t.Errorf(`Values("remarks") = %q`, got)
	}
}

// failingReader returns its data, then err.
type failingReader struct {
	data string
	err  error
}

func (f *failingReader) Read(p []byte) (int, error) {
	if f.data == "" {
		return 0, f.err
	}
	n := copy(p, f.data)
	f.data = f.data[n:]
	return n, nil
}

func TestReaderReadError(t *testing.T) {
	t.Parallel()
	boom := errors.New("boom")
	r := NewReader(&failingReader{data: "role: A\n\nrole: B\n", err: boom})
	if o, err := r.Next(); err != nil || o.Key != "A" {
		t.Fatalf("first Next = %q, %v", o.Key, err)
	}
	if _, err := r.Next(); !errors.Is(err, boom) {
		t.Fatalf("second Next error = %v, want boom", err)
	}
	if _, err := r.Next(); !errors.Is(err, boom) {
		t.Fatalf("third Next error = %v, want boom again", err)
	}
}
