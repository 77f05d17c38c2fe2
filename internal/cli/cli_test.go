package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/baken-cert/baken/internal/store/sqlite"
	"github.com/baken-cert/baken/internal/store/storetest"
)

// bundle is a test's view of the command line: a data directory or a PostgreSQL schema.
type bundle struct {
	t   *testing.T
	env map[string]string
	dir string
}

func setup(t *testing.T, engine string) *bundle {
	b := &bundle{t: t, dir: t.TempDir(), env: map[string]string{"BAKEN_LOG_LEVEL": "warn"}}
	b.env["BAKEN_DATA_DIR"] = filepath.Join(b.dir, "data")
	if engine == "postgres" {
		b.env["BAKEN_DATABASE_URL"] = storetest.PostgresURL(t)
	}
	return b
}

// run runs a command line and returns its exit code, standard output and standard error.
func (b *bundle) run(stdin string, args ...string) (int, string, string) {
	var out, errOut bytes.Buffer
	env := Env{Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errOut, Getenv: func(k string) string { return b.env[k] }}
	code := Run(context.Background(), env, args)
	return code, out.String(), errOut.String()
}

func (b *bundle) file(name, content string) string {
	p := filepath.Join(b.dir, name)
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		b.t.Fatal(err)
	}
	return p
}

const members = `organisation,org_ref,asset,contact_email,language
Acme B.V.,100,192.0.2.0/24,soc@acme.example,nl
Acme B.V.,100,*.acme.example,,
Acme B.V.,100,192.0.2.1/24,,
Beta,200,AS64496,noc@beta.example,en
Beta,200,nonsense..example,,
`

func TestOrgImportListShow(t *testing.T) {
	for _, engine := range storetest.Engines {
		t.Run(engine, func(t *testing.T) {
			b := setup(t, engine)
			path := b.file("members.csv", members)
			code, out, errOut := b.run("", "org", "import", path)
			if code != 1 {
				t.Fatalf("exit %d, want 1 for rejected rows\n%s%s", code, out, errOut)
			}
			for _, want := range []string{"members.csv: line 4: \"192.0.2.1/24\" has host bits set", "members.csv: line 6: domain \"nonsense..example\""} {
				if !strings.Contains(errOut, want) {
					t.Errorf("stderr lacks %q:\n%s", want, errOut)
				}
			}
			if !strings.Contains(out, "3 added, 0 unchanged, 0 removed") {
				t.Errorf("summary:\n%s", out)
			}

			code, out, _ = b.run("", "org", "import", "--json", path)
			var rep struct {
				Rows            int `json:"rows"`
				AssetsAdded     int `json:"assets_added"`
				AssetsUnchanged int `json:"assets_unchanged"`
				Rejected        []struct{ Line int }
			}
			if err := json.Unmarshal([]byte(out), &rep); err != nil || code != 1 {
				t.Fatalf("second import: exit %d, %v\n%s", code, err, out)
			}
			if rep.Rows != 5 || rep.AssetsAdded != 0 || rep.AssetsUnchanged != 3 || len(rep.Rejected) != 2 {
				t.Fatalf("second import must change nothing: %+v", rep)
			}

			code, out, _ = b.run("", "org", "list", "--json")
			var orgs []struct {
				Ref  string `json:"org_ref"`
				Name string `json:"name"`
			}
			if err := json.Unmarshal([]byte(out), &orgs); err != nil || code != 0 || len(orgs) != 2 || orgs[0].Ref != "100" {
				t.Fatalf("org list: %d %v %s", code, err, out)
			}
			code, out, _ = b.run("", "org", "show", "100")
			if code != 0 || !strings.Contains(out, "Acme B.V. (100)") || !strings.Contains(out, "soc@acme.example") || !strings.Contains(out, "*.acme.example") {
				t.Fatalf("org show: %d\n%s", code, out)
			}
			code, out, _ = b.run("", "org", "show", "--json", "200")
			if code != 0 || !strings.Contains(out, `"value": "AS64496"`) || strings.Contains(out, "acme") {
				t.Fatalf("org show --json 200 must show Beta's data only: %d\n%s", code, out)
			}
			code, _, errOut = b.run("", "org", "show", "999")
			if code != 1 || !strings.Contains(errOut, `no organisation with ref "999"`) {
				t.Fatalf("unknown org: %d %s", code, errOut)
			}
		})
	}
}

func TestOrgImportStdinAndReplace(t *testing.T) {
	b := setup(t, "sqlite")
	if code, out, errOut := b.run("organisation,asset\nA,a.example\nA,b.example\n", "org", "import", "-"); code != 0 {
		t.Fatalf("exit %d\n%s%s", code, out, errOut)
	}
	code, out, _ := b.run(`{"organisation":"A","asset":"c.example"}`+"\n", "org", "import", "--replace", "--format", "jsonl", "-")
	if code != 0 || !strings.Contains(out, "1 added, 0 unchanged, 2 removed") {
		t.Fatalf("replace: %d\n%s", code, out)
	}
}

func TestUsageErrors(t *testing.T) {
	b := setup(t, "sqlite")
	for _, args := range [][]string{{"org", "import"}, {"org", "import", "--format", "xml", "x.csv"}, {"frobnicate"}, {"serve", "--nope"}} {
		code, _, errOut := b.run("", args...)
		if code == 0 || errOut == "" {
			t.Errorf("%v: exit %d, stderr %q; want an error", args, code, errOut)
		}
	}
	b.file("x.csv", "organisation,asset\n")
	code, _, errOut := b.run("", "org", "import", "--format", "xml", filepath.Join(b.dir, "x.csv"))
	if code != 1 || !strings.Contains(errOut, `unknown format "xml"`) {
		t.Errorf("bad format: %d %s", code, errOut)
	}
	code, _, errOut = b.run("", "org", "import", filepath.Join(b.dir, "missing.csv"))
	if code != 1 || !strings.Contains(errOut, "no such file") {
		t.Errorf("missing file: %d %s", code, errOut)
	}
}

func TestServeAnswersAndStops(t *testing.T) {
	for _, engine := range storetest.Engines {
		t.Run(engine, func(t *testing.T) {
			b := setup(t, engine)
			b.env["BAKEN_LISTEN_ADDR"] = "127.0.0.1:0"
			b.env["BAKEN_METRICS_TOKEN"] = "a-metrics-token-for-the-test"
			b.env["BAKEN_METRICS_ADDR"] = freeAddr(t)
			ctx, cancel := context.WithCancel(context.Background())
			out := &syncBuffer{}
			env := Env{Stdin: strings.NewReader(""), Stdout: out, Stderr: io.Discard, Getenv: func(k string) string { return b.env[k] }}
			done := make(chan int)
			go func() { done <- Run(ctx, env, []string{"serve"}) }()
			base := waitForURL(t, out)
			// On an empty database it says how the first administrator is made.
			waitForText(t, out, "baken user create --role admin")
			// /metrics answers on its own address, and on the public one only with its token;
			// every answer carries the security headers.
			for _, c := range []struct {
				url, token string
				status     int
				want       string
			}{
				{base + "/healthz", "", 200, "ok"}, {base + "/readyz", "", 200, "ready"}, {base + "/nothing-here", "", 404, ""},
				{base + "/metrics", "", 401, ""}, {base + "/metrics", "wrong-token-of-enough-length", 401, ""},
				{base + "/metrics", b.env["BAKEN_METRICS_TOKEN"], 200, "go_goroutines"},
				{"http://" + b.env["BAKEN_METRICS_ADDR"] + "/metrics", "", 200, "go_goroutines"},
				// TAXII answers its own errors, in JSON, not the portal's pages.
				{base + "/taxii2/", "", 401, `"http_status":"401"`}, {base + "/taxii2", "baken_not-a-token", 401, `"http_status":"401"`},
			} {
				req, _ := http.NewRequest("GET", c.url, nil)
				if c.token != "" {
					req.Header.Set("Authorization", "Bearer "+c.token)
				}
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != c.status || !strings.Contains(string(body), c.want) {
					t.Errorf("%s (token %q): %d %.200q", c.url, c.token, resp.StatusCode, body)
				}
				if strings.HasPrefix(c.url, base) && (resp.Header.Get("X-Content-Type-Options") != "nosniff" || resp.Header.Get("Content-Security-Policy") == "") {
					t.Errorf("%s: no security headers: %v", c.url, resp.Header)
				}
			}
			cancel()
			select {
			case code := <-done:
				if code != 0 {
					t.Fatalf("serve exited %d", code)
				}
			case <-time.After(30 * time.Second):
				t.Fatal("serve did not stop")
			}
		})
	}
}

func TestWorkUntilIdle(t *testing.T) {
	b := setup(t, "sqlite")
	// The first run runs the periodic jobs of this period (the hourly prunes, domain and
	// feed health checks, the sweep, the TAXII publication and the collection schedule of
	// each minute); a second one finds at most the three of a new minute.
	code, out, errOut := b.run("", "work", "--until-idle")
	if code != 0 || !strings.Contains(out, "Ran 7 jobs; sent 0 notifications.\nNothing is due now.") {
		t.Fatalf("first run: %d %s %s", code, out, errOut)
	}
	if _, out, _ = b.run("", "work", "--until-idle"); !regexp.MustCompile(`Ran [0-3] jobs`).MatchString(out) {
		t.Fatalf("second run: %s", out)
	}
	// With no mail server a notification waits: the run must not say that nothing does.
	storeNotifications(t, b, "sqlite", 2)
	if _, out, _ = b.run("", "work", "--until-idle"); !strings.Contains(out, "Not done: 2 notifications wait in the outbox, because no mail server is configured") || strings.Contains(out, "Nothing is due") {
		t.Fatalf("with notifications waiting: %s", out)
	}
}

// freeAddr is a loopback address with a port that was free a moment ago.
func freeAddr(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// TestServeWithUsersSaysNothingOfTheFirst: once there is a user, serve does not
// tell how to make the first administrator.
func TestServeWithUsersSaysNothingOfTheFirst(t *testing.T) {
	b := setup(t, "sqlite")
	if code, _, errOut := b.run("", "user", "create", "--role", "admin", "admin@cert.example"); code != 0 {
		t.Fatalf("user create: %d %s", code, errOut)
	}
	b.env["BAKEN_LISTEN_ADDR"] = "127.0.0.1:0"
	ctx, cancel := context.WithCancel(context.Background())
	out := &syncBuffer{}
	env := Env{Stdin: strings.NewReader(""), Stdout: out, Stderr: io.Discard, Getenv: func(k string) string { return b.env[k] }}
	done := make(chan int)
	go func() { done <- Run(ctx, env, []string{"serve"}) }()
	waitForURL(t, out)
	resp, err := http.Get(strings.Fields(out.String()[strings.Index(out.String(), "http://"):])[0] + "/healthz")
	if err == nil {
		resp.Body.Close()
	}
	cancel()
	<-done
	if strings.Contains(out.String(), "user create") {
		t.Fatalf("serve with a user:\n%s", out.String())
	}
}

func waitForText(t *testing.T, out *syncBuffer, want string) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if strings.Contains(out.String(), want) {
			return
		}
	}
	t.Fatalf("no %q in:\n%s", want, out.String())
}

// waitForURL waits for serve to print where it listens.
func waitForURL(t *testing.T, out *syncBuffer) string {
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		s := out.String()
		if i := strings.Index(s, "http://"); i >= 0 {
			return strings.Fields(s[i:])[0]
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatal("serve did not start")
	return ""
}

func TestUserCreate(t *testing.T) {
	b := setup(t, "sqlite")
	code, out, errOut := b.run("", "user", "create", "--role", "admin", "Admin@CERT.example")
	if code != 0 || !regexp.MustCompile(`http://localhost:8080/setup/[A-Za-z0-9_-]{40,}`).MatchString(out) {
		t.Fatalf("user create: %d %s %s", code, out, errOut)
	}
	for _, args := range [][]string{
		{"user", "create", "--role", "admin", "admin@cert.example"}, // taken
		{"user", "create", "--role", "king", "x@cert.example"},      // no such role
		{"user", "create", "--role", "org-admin", "x@cert.example"}, // no organisation
		{"user", "create", "--role", "admin", "--org", "1", "y@cert.example"},
		{"user", "create", "not-an-address"},
		{"user", "create", "no-role@cert.example"}, // no --role: never an administrator by default
	} {
		if code, _, errOut := b.run("", args...); code == 0 || errOut == "" {
			t.Errorf("%v: exit %d; want a clear error", args, code)
		}
	}
}

// TestUserCommands: list, role, disable, enable, unlock, invite and remove, with clear
// refusals for the last administrator and for a user who set up already.
func TestUserCommands(t *testing.T) {
	b := setup(t, "sqlite")
	b.run("", "org", "import", b.file("m.csv", "organisation,org_ref,asset\nA,a,a.example\nB,b,b.example\n"))
	b.run("", "user", "create", "--role", "admin", "admin@cert.example")
	b.run("", "user", "create", "--role", "org-member", "--org", "a", "m@a.example")
	b.run("", "user", "create", "--role", "org-admin", "--org", "b", "x@b.example")
	steps := []struct {
		args    []string
		code    int
		want    string // in the output (or the error)
		mustNot string // must not be in it
	}{
		{[]string{"user", "list"}, 0, "m@a.example", ""},
		{[]string{"user", "list", "--org", "a"}, 0, "invited until", "x@b.example"},
		{[]string{"user", "role", "m@a.example", "org-admin"}, 0, "is now org-admin", ""},
		{[]string{"user", "role", "m@a.example", "analyst"}, 1, "organisation's role", ""},
		{[]string{"user", "role", "admin@cert.example", "analyst"}, 1, "without an enabled administrator", ""},
		{[]string{"user", "disable", "admin@cert.example"}, 1, "without an enabled administrator", ""},
		{[]string{"user", "remove", "admin@cert.example"}, 1, "without an enabled administrator", ""},
		{[]string{"user", "disable", "m@a.example"}, 0, "is disabled", ""},
		{[]string{"user", "list", "--org", "a"}, 0, "disabled", ""},
		{[]string{"user", "enable", "m@a.example"}, 0, "is enabled", ""},
		{[]string{"user", "unlock", "m@a.example"}, 0, "is unlocked", ""},
		{[]string{"user", "invite", "m@a.example"}, 0, "/setup/", ""},
		{[]string{"user", "invite", "nobody@a.example"}, 1, "no user nobody@a.example", ""},
		{[]string{"user", "remove", "x@b.example"}, 0, "is removed", ""},
		{[]string{"user", "list"}, 0, "admin@cert.example", "x@b.example"},
	}
	for _, st := range steps {
		code, out, errOut := b.run("", st.args...)
		all := out + errOut
		if (code == 0) != (st.code == 0) || !strings.Contains(all, st.want) || (st.mustNot != "" && strings.Contains(all, st.mustNot)) {
			t.Errorf("%v: exit %d, want %d with %q without %q:\n%s", st.args, code, st.code, st.want, st.mustNot, all)
		}
	}
}

// TestCommandLineChangesAreAudited: changes made with the command line are in the audit
// log, as the portal's are.
func TestCommandLineChangesAreAudited(t *testing.T) {
	b := setup(t, "sqlite")
	b.run("", "org", "import", b.file("m.csv", "organisation,asset\nA,a.example\n"))
	b.run("", "feed", "add", "--format", "shadowserver", "ss")
	b.run("", "rule", "set", "--taxonomy", "vulnerable", "--action", "notify")
	s, err := sqlite.Open(context.Background(), filepath.Join(b.env["BAKEN_DATA_DIR"], "baken.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	log, _ := s.AuditLog(context.Background(), 0, 10)
	var actions []string
	for _, a := range log {
		actions = append(actions, a.Action)
	}
	if got := strings.Join(actions, " "); got != "rule.put feed.put registry.import" {
		t.Fatalf("audit log: %s", got)
	}
}

// xs is an io.Reader of n bytes of 'x', made as they are read.
type xs struct{ n int64 }

func (x *xs) Read(p []byte) (int, error) {
	if x.n <= 0 {
		return 0, io.EOF
	}
	p = p[:min(int64(len(p)), x.n)]
	for i := range p {
		p[i] = 'x'
	}
	x.n -= int64(len(p))
	return len(p), nil
}

// TestOrgImportSurvivesAHugeLine: a line of 2 GiB is rejected with its number and reason
// and the import goes on, in bounded memory.
func TestOrgImportSurvivesAHugeLine(t *testing.T) {
	b := setup(t, "sqlite")
	in := io.MultiReader(strings.NewReader("organisation,asset\nAcme,a.example\n"), &xs{n: 2 << 30}, strings.NewReader("\nAcme,b.example\n"))
	var out, errOut bytes.Buffer
	var after runtime.MemStats
	code := Run(context.Background(), Env{Stdin: in, Stdout: &out, Stderr: &errOut, Getenv: func(k string) string { return b.env[k] }},
		[]string{"org", "import", "-"})
	runtime.ReadMemStats(&after)
	if code != 0 && code != 1 || !strings.Contains(out.String()+errOut.String(), "line 3") || !strings.Contains(out.String()+errOut.String(), "longer than 1 MiB") {
		t.Fatalf("exit %d\n%s\n%s", code, out.String(), errOut.String())
	}
	if !strings.Contains(out.String(), "2 added") {
		t.Fatalf("the rows around the line must be imported:\n%s", out.String())
	}
	if after.HeapSys > 512<<20 {
		t.Fatalf("the heap grew to %d MiB", after.HeapSys>>20)
	}
}
