package credentials

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
)

func TestEdges(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("x", MaxLine) + "@example.nl"
	tests := []struct {
		name, text string
		want       []string // per row: the address, or "!<line>" for a RowError
	}{
		{"empty", "", nil},
		{"blank and comments", "\n# x@example.nl\n  \n\t# y@example.nl:pw\n", nil},
		{"BOM, CRLF, no final newline", "\ufeffa@example.nl\r\nb@example.nl", []string{"a@example.nl", "b@example.nl"}},
		{"header only", "email,password\n", nil},
		{"header with one column", "Email\r\na@example.nl:pw\n", []string{"a@example.nl"}},
		{"semicolon header", "username;hash\na@example.nl;ab12\n", []string{"a@example.nl"}},
		{"tab header, address second", "hash\tmail\nab12\ta@example.nl\nab13\n", []string{"a@example.nl", "!3"}},
		{"quoted header", `"pw","account"` + "\n" + `"a,b","c@example.nl"` + "\n", []string{"c@example.nl"}},
		{"header after the first line is an address", "a@example.nl\nemail\n", []string{"a@example.nl", "!2"}},
		{"unknown header", "login,password\na@example.nl,pw\n", []string{"!1", "a@example.nl"}},
		{"line too long", "a@example.nl\n" + long + "\nb@example.nl\n", []string{"a@example.nl", "!2", "b@example.nl"}},
		{"local parts", "a.b+tag@example.nl\n.a@example.nl\na.@example.nl\na..b@example.nl\na b@example.nl\n" +
			strings.Repeat("l", 65) + "@example.nl\n" + "\"a\"@example.nl\n" + "ü@example.nl\n",
			[]string{"a.b+tag@example.nl", "!2", "!3", "!4", "!5", "!6", "!7", "ü@example.nl"}},
		{"domains", "a@EXAMPLE.nl.\na@example\na@192.0.2.1\na@[192.0.2.1]\na@-x.example.nl\na@ex_ample.nl\n",
			[]string{"a@example.nl", "!2", "!3", "!4", "!5", "!6"}},
		{"numeric labels", "a@1.example.nl\na@example.123\n", []string{"a@1.example.nl", "!2"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p, err := NewParser(strings.NewReader(tt.text), Options{})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, r := range collect(t, p) {
				if r.err != "" {
					got = append(got, fmt.Sprintf("!%d", r.line))
					continue
				}
				got = append(got, r.account)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestEventWithoutRow(t *testing.T) {
	t.Parallel()
	p, err := NewParser(strings.NewReader("nobody:pw\n"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Event(); err == nil {
		t.Error("Event before Next: no error")
	}
	if err := p.Next(); err == nil {
		t.Fatal("Next on a line without address: no error")
	}
	if _, err := p.Event(); err == nil {
		t.Error("Event after a rejected line: no error")
	}
}

type failing struct{ err error }

func (f failing) Read([]byte) (int, error) { return 0, f.err }

func TestReadError(t *testing.T) {
	t.Parallel()
	boom := errors.New("boom")
	p, err := NewParser(failing{boom}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if err := p.Next(); !errors.Is(err, boom) {
			t.Fatalf("Next = %v, want the read error", err)
		}
	}
}
