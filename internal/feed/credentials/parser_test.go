package credentials

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/baken-cert/baken/internal/event"
	"github.com/baken-cert/baken/internal/feed"
)

// result is what happened to one line.
type result struct {
	line    int
	err     string // the RowError reason, "" for a good line
	account string
	ev      event.Event
}

// collect reads every line of p. A RowError must carry a positive line, and Subject
// must agree with the Event's.
func collect(t testing.TB, p *Parser) []result {
	t.Helper()
	var out []result
	for {
		err := p.Next()
		if errors.Is(err, io.EOF) {
			return out
		}
		var re *feed.RowError
		if errors.As(err, &re) {
			if re.Line < 1 {
				t.Errorf("RowError %q has line %d", re.Reason, re.Line)
			}
			out = append(out, result{line: re.Line, err: re.Error()})
			continue
		}
		if err != nil {
			t.Fatalf("Next: %v", err)
		}
		e, err := p.Event()
		if err != nil {
			t.Fatalf("Event: %v", err)
		}
		if got, want := p.Subject(), e.Subject(); got != want {
			t.Errorf("line %d: Subject() = %+v, the event's is %+v", p.Line(), got, want)
		}
		out = append(out, result{line: p.Line(), account: e.Source.Account, ev: e})
	}
}

func openTestdata(t testing.TB, name string, opts Options) *Parser {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	p, err := NewParser(f, opts)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// secrets are every password, hash and other column in testdata: none may leave
// the parser.
var secrets = []string{"Winter2024!", "p@ss", "with:colons", "hunter2", "5baa61e4c9b93f3f0682250b6cf8331b7ee68fd8",
	"tabbed-secret", "secret1", "secret2", "nolocal", "spacey", "pa,ss", "secret3", `x"y`, `x""y`, "secret4",
	"examplebreach", "commented-secret"}

func TestTestdata(t *testing.T) {
	t.Parallel()
	type row struct {
		line    int
		account string // the address, or "" for a rejected line
	}
	tests := []struct {
		file string
		rows []row
	}{
		{"combolist.txt", []row{
			{2, "alice@example.nl"}, {3, "bob.smith@example.nl"}, {5, ""}, {6, "carol@xn--bcher-kva.example"},
			{7, "dave@example.nl"}, {8, "eve@sub.example.nl"}, {9, ""}, {10, "quoted@example.nl"},
			{11, "trent@example.nl"}, {12, ""}, {13, ""},
		}},
		{"with-header.csv", []row{{2, "frank@example.nl"}, {3, "grace@example.com"}, {4, ""}, {5, ""}}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			t.Parallel()
			got := collect(t, openTestdata(t, tt.file, Options{}))
			if len(got) != len(tt.rows) {
				t.Fatalf("got %d rows, want %d: %+v", len(got), len(tt.rows), got)
			}
			for i, w := range tt.rows {
				g := got[i]
				if g.line != w.line || g.account != w.account || (w.account == "") != (g.err != "") {
					t.Errorf("row %d: line %d, account %q, error %q; want line %d, account %q",
						i, g.line, g.account, g.err, w.line, w.account)
				}
				if w.account == "" && !strings.Contains(g.err, "no valid e-mail address in column") {
					t.Errorf("line %d: error %q", g.line, g.err)
				}
			}
		})
	}
}

// TestNoSecretsLeave checks that no password, hash or other column appears anywhere
// in what the parser hands out: events (printed in full), subjects and row errors.
func TestNoSecretsLeave(t *testing.T) {
	t.Parallel()
	for _, file := range []string{"combolist.txt", "with-header.csv"} {
		p := openTestdata(t, file, Options{FeedName: "Paste leak", TLP: "amber"})
		for _, r := range collect(t, p) {
			printed := fmt.Sprintf("%+v %#v %v %+v", r.ev, r.ev, r.err, r.ev.Subject())
			for k, v := range r.ev.Map() {
				printed += k + "=" + v + "\n"
			}
			for _, s := range secrets {
				if strings.Contains(printed, s) {
					t.Errorf("%s line %d: %q appears in %s", file, r.line, s, printed)
				}
			}
			if r.err == "" && (r.ev.Raw != "" || len(r.ev.Fields) != 0) {
				t.Errorf("%s line %d: Raw %q, Fields %v; want neither", file, r.line, r.ev.Raw, r.ev.Fields)
			}
		}
	}
}

func TestOptions(t *testing.T) {
	t.Parallel()
	when := time.Date(2024, 7, 4, 12, 0, 0, 0, time.FixedZone("CEST", 2*3600))
	tests := []struct {
		name string
		opts Options
		want event.Event
	}{
		{"defaults", Options{}, event.Event{Classification: event.Classification{
			Taxonomy: "information-content-security", Type: "data-leak", Identifier: "leaked-credentials"}}},
		{"everything", Options{FeedName: "Leaks", FeedProvider: "Example CERT", TLP: "amber+strict", TimeSource: when,
			Classification: event.Classification{Identifier: "combolist"}},
			event.Event{FeedName: "Leaks", FeedProvider: "Example CERT", TLP: "AMBER+STRICT", TimeSource: when.UTC(),
				Classification: event.Classification{Taxonomy: "information-content-security", Type: "data-leak", Identifier: "combolist"}}},
		{"classification", Options{Classification: event.Classification{Taxonomy: "fraud", Type: "phishing"}},
			event.Event{Classification: event.Classification{Taxonomy: "fraud", Type: "phishing", Identifier: "leaked-credentials"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p, err := NewParser(strings.NewReader("x@example.nl:pw\n"), tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			if err := p.Next(); err != nil {
				t.Fatal(err)
			}
			got, _ := p.Event()
			tt.want.Source.Account = "x@example.nl"
			if fmt.Sprintf("%+v", got) != fmt.Sprintf("%+v", tt.want) {
				t.Errorf("Event() = %+v\nwant       %+v", got, tt.want)
			}
			if s := p.Subject(); s.EmailDomain != "example.nl" || s != (event.Subject{EmailDomain: "example.nl"}) {
				t.Errorf("Subject() = %+v, want only the e-mail domain example.nl", s)
			}
		})
	}
}
