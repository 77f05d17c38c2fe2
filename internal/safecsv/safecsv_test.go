package safecsv

import (
	"bytes"
	"testing"
)

func TestCell(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ in, want string }{
		{"", ""}, {"192.0.2.1", "192.0.2.1"}, {"=HYPERLINK(\"x\")", "'=HYPERLINK(\"x\")"}, {"+31", "'+31"},
		{"-1", "'-1"}, {"@SUM(A1)", "'@SUM(A1)"}, {"\t=1", "'\t=1"}, {"\r=1", "'\r=1"}, {"a=b", "a=b"},
	} {
		if got := Cell(tt.in); got != tt.want {
			t.Errorf("Cell(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestWriterDefusesEveryCell(t *testing.T) {
	t.Parallel()
	var b bytes.Buffer
	w := NewWriter(&b)
	w.Write([]string{"=cmd", "ok"})
	w.Write([]string{"plain", "@x"})
	w.Flush()
	if got, want := b.String(), "'=cmd,ok\nplain,'@x\n"; got != want || w.Error() != nil {
		t.Fatalf("got %q, want %q (%v)", got, want, w.Error())
	}
}
