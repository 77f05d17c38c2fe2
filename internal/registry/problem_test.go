package registry

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"strings"
	"testing"

	"github.com/baken-cert/baken/internal/problem"
	"github.com/baken-cert/baken/internal/store/storetest"
)

// TestRejectedRowsCarryTheirProblem: every reason of a rejected row is Baken's own and
// comes with its problem, for the portal to translate; the English stays as the command
// line shows it, and the JSON report has only the line and the reason.
func TestRejectedRowsCarryTheirProblem(t *testing.T) {
	s := storetest.Open(t, "sqlite")
	ctx := context.Background()
	files := []struct {
		name   string
		format Format
		in     string
		lines  int
	}{
		{"rows of every kind", CSV, goodAndBad, 6},
		{"rows CSV cannot read", CSV, "organisation,asset\nA,a\"b.example\nA,\"a.example\nB,b.example\n", 2},
		{"too many fields", CSV, "organisation,asset\nB,b.example,extra\n", 1},
		{"lines that are no JSON object", JSONL, "{\"organisation\":\"A\",\"asset\":7}\nnot json\n", 2},
	}
	for _, f := range files {
		rep, err := New(s).Import(ctx, strings.NewReader(f.in), ImportOptions{Format: f.format})
		if err != nil {
			t.Fatalf("%s: %v", f.name, err)
		}
		if len(rep.Rejected) != f.lines {
			t.Errorf("%s: rejected %+v, want %d rows", f.name, rep.Rejected, f.lines)
		}
		for _, r := range rep.Rejected {
			if r.Problem == nil || r.Problem.Error() != r.Reason {
				t.Errorf("%s: line %d: %q comes with the problem %#v", f.name, r.Line, r.Reason, r.Problem)
			}
		}
		out, _ := json.Marshal(rep.Rejected[0])
		var fields map[string]any
		json.Unmarshal(out, &fields)
		if len(fields) != 2 || fields["line"] != float64(rep.Rejected[0].Line) || fields["reason"] != rep.Rejected[0].Reason {
			t.Errorf("%s: the JSON of a rejected row is %s", f.name, out)
		}
	}

	// The problems of encoding/csv keep its words.
	for _, err := range []error{csv.ErrBareQuote, csv.ErrQuote} {
		if p := csvProblem(err); p.Error() != err.Error() {
			t.Errorf("csvProblem(%q) says %q", err, p)
		}
	}

	// A file that cannot be imported at all says why, translatable too.
	for _, in := range []string{"", "name,value\nA,b.example\n", "organisation,asset,asset\n"} {
		_, err := New(s).Import(ctx, strings.NewReader(in), ImportOptions{Format: CSV})
		if _, ok := err.(*problem.Problem); !ok {
			t.Errorf("%q: the error %v (%T) is no problem to translate", in, err, err)
		}
	}
}
