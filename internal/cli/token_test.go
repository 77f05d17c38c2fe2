package cli

import (
	"context"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/baken-cert/baken/internal/store/sqlite"
)

// TestTokenCommands: an analyst makes, lists and revokes API tokens on the command
// line; the secret is printed once, and every change is in the audit log.
func TestTokenCommands(t *testing.T) {
	b := setup(t, "sqlite")
	b.run("", "org", "import", b.file("m.csv", "organisation,org_ref,asset\nA,a,a.example\nB,b,b.example\n"))
	code, out, errOut := b.run("", "token", "create", "--org", "a", "--scope", "taxii:read,assets:read", "--expires", "30d", "--allow", "192.0.2.0/24", "opencti")
	plain := regexp.MustCompile(`baken_[A-Za-z0-9_-]{43}`).FindString(out)
	if code != 0 || plain == "" || !strings.Contains(out, "shown only now") {
		t.Fatalf("create: %d %s %s", code, out, errOut)
	}
	b.run("", "token", "create", "--org", "b", "bravo-feed")
	steps := []struct {
		args    []string
		code    int
		want    string
		mustNot string
	}{
		{[]string{"token", "create", "--org", "a", "opencti"}, 1, "named \"opencti\" already", ""},
		{[]string{"token", "create", "--org", "a", "--scope", "everything", "x"}, 1, "scope", ""},
		{[]string{"token", "create", "--org", "a", "--expires", "1000d", "x"}, 1, "two years", ""},
		{[]string{"token", "create", "--org", "a", "--allow", "nonsense", "x"}, 1, "not an IP address", ""},
		{[]string{"token", "create", "opencti"}, 2, "--org REF", ""},
		{[]string{"token", "create", "--org", "zzz", "x"}, 1, "organisation zzz", ""},
		{[]string{"token", "list"}, 0, "bravo-feed", plain},
		{[]string{"token", "list", "--org", "a"}, 0, "192.0.2.0/24", "bravo-feed"},
		{[]string{"token", "list", "--org", "a", "--json"}, 0, `"Name": "opencti"`, plain},
		{[]string{"token", "revoke", "999"}, 1, "no live API token 999", ""},
		{[]string{"token", "revoke"}, 2, "by their ids", ""},
		{[]string{"token", "revoke", "1"}, 0, `"opencti" is revoked`, ""},
		{[]string{"token", "revoke", "1"}, 1, "no live API token 1", ""},
		{[]string{"token", "list", "--org", "a"}, 0, "ID", "opencti"},
	}
	for _, st := range steps {
		code, out, errOut := b.run("", st.args...)
		all := out + errOut
		if code != st.code || !strings.Contains(all, st.want) || st.mustNot != "" && strings.Contains(all, st.mustNot) {
			t.Errorf("%v: %d, want %d with %q and without %q:\n%s", st.args, code, st.code, st.want, st.mustNot, all)
		}
	}
	s, err := sqlite.Open(context.Background(), filepath.Join(b.env["BAKEN_DATA_DIR"], "baken.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	log, _ := s.AuditLog(context.Background(), 0, 3)
	var got []string
	for _, e := range log {
		got = append(got, e.Action+": "+e.Detail)
	}
	if len(got) != 3 || !strings.HasPrefix(got[0], "token.revoke: opencti (by the command line)") || !strings.HasPrefix(got[1], "token.create: bravo-feed") ||
		!strings.HasPrefix(got[2], "token.create: opencti: assets:read taxii:read") {
		t.Fatalf("audit log: %q", got)
	}
}
