package shadowserver

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"slices"
	"strings"
	"testing"
	"testing/iotest"
)

// readAll returns the records of text as string fields, and the row errors by line.
func readAll(t testing.TB, r io.Reader) (recs [][]string, lines []int, bad map[int]string) {
	t.Helper()
	rs := newRecords(r)
	bad = map[int]string{}
	for {
		err := rs.next()
		if errors.Is(err, io.EOF) {
			return recs, lines, bad
		}
		var re *rowErr
		if errors.As(err, &re) {
			bad[rs.line] = re.Error()
			continue
		}
		if err != nil {
			t.Fatalf("next: %v", err)
		}
		rec := make([]string, len(rs.fields))
		for i, f := range rs.fields {
			rec[i] = string(f)
		}
		recs = append(recs, rec)
		lines = append(lines, rs.line)
	}
}

func TestRecords(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in string
		want     [][]string
		lines    []int
		bad      map[int]string
	}{
		{"plain", "a,b,c\n1,2,3\n", [][]string{{"a", "b", "c"}, {"1", "2", "3"}}, []int{1, 2}, nil},
		{"empty fields", ",a,,\n", [][]string{{"", "a", "", ""}}, []int{1}, nil},
		{"quoted", `"a","b,c","d""e"""` + "\n", [][]string{{"a", "b,c", `d"e"`}}, []int{1}, nil},
		{"empty quoted", `"",""` + "\n", [][]string{{"", ""}}, []int{1}, nil},
		{"multi-line", "\"a\r\nb\",c\r\nd,e\r\n", [][]string{{"a\nb", "c"}, {"d", "e"}}, []int{1, 3}, nil},
		{"quote escaped across lines", "\"a\"\"\n\"\"b\",c\n", [][]string{{"a\"\n\"b", "c"}}, []int{1}, nil},
		// Shadowserver escapes quotes in quoted fields with a backslash (real http_proxy,
		// http_vulnerable and mdns reports); a backslash before anything else is text.
		{"backslash-escaped quotes", `"Basic realm=\"OpenWebif\"",x` + "\n",
			[][]string{{`Basic realm="OpenWebif"`, "x"}}, []int{1}, nil},
		{"escaped backslash", `"C:\\temp","a\b"` + "\n", [][]string{{`C:\temp`, `a\b`}}, []int{1}, nil},
		{"escaped quote across lines", "\"a\\\"\nb\",c\n", [][]string{{"a\"\nb", "c"}}, []int{1}, nil},
		{"bare quote kept", "a\"b,c\n", [][]string{{`a"b`, "c"}}, []int{1}, nil},
		{"blank lines skipped", "\n\na\n\r\n\nb", [][]string{{"a"}, {"b"}}, []int{3, 6}, nil},
		{"text after quote", "\"a\"b,c\nd\n", [][]string{{"d"}}, []int{2}, map[int]string{1: "field 1: text after the closing quote"}},
		{"unclosed at end", "a\n\"b,c\n", [][]string{{"a"}}, []int{1}, map[int]string{2: "field 1: the quoted text is not closed"}},
		// A quote left open does not swallow the lines after it: they are read again.
		{"open quote, read on", "a,b\n\"x,y\nc,d\ne,f\n", [][]string{{"a", "b"}, {"c", "d"}, {"e", "f"}}, []int{1, 3, 4},
			map[int]string{2: "field 1: the quoted text is not closed at the end of the file"}},
		{"open quote closed by a later one", "\"x,y\nc,\"d\ne,f\n", [][]string{{"e", "f"}}, []int{3},
			map[int]string{1: "field 1: a quote opened in this field is not closed on its line", 2: "field 2: the quoted text is not closed"}},
		{"line over 4 MiB skipped", "a\n" + strings.Repeat("x", maxRecord+10) + "\nb\n", [][]string{{"a"}, {"b"}}, []int{1, 3},
			map[int]string{2: "longer than 4 MiB"}},
		{"long line", strings.Repeat("x", 100_000) + ",y\n", [][]string{{strings.Repeat("x", 100_000), "y"}}, []int{1}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			// One byte at a time as well, to cross every buffer boundary.
			for _, r := range []io.Reader{strings.NewReader(tt.in), iotest.OneByteReader(strings.NewReader(tt.in))} {
				recs, lines, bad := readAll(t, r)
				if !slices.EqualFunc(recs, tt.want, slices.Equal) || !slices.Equal(lines, tt.lines) {
					t.Errorf("records = %q at %v, want %q at %v", recs, lines, tt.want, tt.lines)
				}
				for line, want := range tt.bad {
					if !strings.Contains(bad[line], want) {
						t.Errorf("line %d: error %q, want %q", line, bad[line], want)
					}
				}
				if len(bad) != len(tt.bad) {
					t.Errorf("errors %v, want %v", bad, tt.bad)
				}
			}
		})
	}
}

// FuzzRecords checks the record reader against encoding/csv: whatever encoding/csv reads
// without error, records reads the same way, except for backslashes, which Shadowserver
// (unlike RFC 4180) uses as escapes in quoted fields: TestRecords covers those.
func FuzzRecords(f *testing.F) {
	for _, s := range []string{"a,b\n1,2\n", `"a""b",c` + "\n", "\"a\nb\",c\r\n", ",,\n\n\"\"\n", "a\r\nb"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		cr := csv.NewReader(bytes.NewReader(data))
		cr.FieldsPerRecord = -1
		want, err := cr.ReadAll()
		got, _, bad := readAll(t, bytes.NewReader(data))
		if err != nil || bytes.IndexByte(data, '\\') >= 0 {
			return // malformed for encoding/csv, or Shadowserver's own dialect
		}
		if len(bad) > 0 || !slices.EqualFunc(got, want, slices.Equal) {
			t.Errorf("records = %q (errors %v), encoding/csv = %q", got, bad, want)
		}
	})
}
