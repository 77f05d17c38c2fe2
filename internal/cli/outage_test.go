package cli

import (
	"net/http"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/baken-cert/baken/internal/deliver/email/smtptest"
)

// pgBin is where Debian installs PostgreSQL 15's server programs.
const pgBin = "/usr/lib/postgresql/15/bin"

// ownPostgres is a PostgreSQL server of the test's own, on a free loopback port, that
// the test may stop and start; the shared one is never touched.
type ownPostgres struct {
	t    *testing.T
	data string
	port string
}

// startOwnPostgres makes and starts a server. It skips when PostgreSQL's programs are
// not installed, and fails instead when BAKEN_REQUIRE_POSTGRES=1 (CI).
func startOwnPostgres(t *testing.T) *ownPostgres {
	if _, err := os.Stat(filepath.Join(pgBin, "initdb")); err != nil {
		if os.Getenv("BAKEN_REQUIRE_POSTGRES") == "1" {
			t.Fatalf("BAKEN_REQUIRE_POSTGRES=1 but PostgreSQL's server programs are not in %s", pgBin)
		}
		t.Skipf("PostgreSQL's server programs are not in %s (apt-get install postgresql-15)", pgBin)
	}
	// A directory the server's own user can reach: as root, PostgreSQL runs as postgres.
	root, err := os.MkdirTemp("", "baken-pg-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(root) })
	os.Chmod(root, 0o755)
	pg := &ownPostgres{t: t, data: filepath.Join(root, "data"), port: strconv.Itoa(freePort(t))}
	os.Mkdir(pg.data, 0o700)
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			t.Fatalf("running as root, PostgreSQL needs the postgres user: %v", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		os.Chown(pg.data, uid, gid)
	}
	pg.ctl("initdb", "-D", pg.data, "-A", "trust", "-U", "postgres", "--no-sync")
	pg.start()
	t.Cleanup(func() { pg.ctl("pg_ctl", "stop", "-D", pg.data, "-m", "immediate") })
	return pg
}

// ctl runs one of PostgreSQL's programs as the server's user.
func (pg *ownPostgres) ctl(program string, args ...string) {
	pg.t.Helper()
	cmd := exec.Command(filepath.Join(pgBin, program), args...)
	if os.Geteuid() == 0 {
		cmd = exec.Command("runuser", append([]string{"-u", "postgres", "--", filepath.Join(pgBin, program)}, args...)...)
	}
	if out, err := cmd.CombinedOutput(); err != nil {
		pg.t.Fatalf("%s %s: %v\n%s", program, strings.Join(args, " "), err, out)
	}
}

func (pg *ownPostgres) start() {
	pg.ctl("pg_ctl", "start", "-w", "-D", pg.data, "-l", filepath.Join(pg.data, "log"),
		"-o", "-p "+pg.port+" -c listen_addresses=127.0.0.1 -k "+pg.data+" -c fsync=off")
}

func (pg *ownPostgres) stop() { pg.ctl("pg_ctl", "stop", "-w", "-D", pg.data, "-m", "fast") }

func (pg *ownPostgres) url() string {
	return "postgres://postgres@127.0.0.1:" + pg.port + "/postgres?sslmode=disable"
}

func freePort(t *testing.T) int {
	addr := freeAddr(t)
	port, _ := strconv.Atoi(addr[strings.LastIndex(addr, ":")+1:])
	return port
}

// faultOutage is how long the database is down: BAKEN_FAULT_OUTAGE, or 6 s.
func faultOutage(t *testing.T) time.Duration {
	if v := os.Getenv("BAKEN_FAULT_OUTAGE"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			t.Fatalf("BAKEN_FAULT_OUTAGE=%q: %v", v, err)
		}
		return d
	}
	return 6 * time.Second
}

// TestDatabaseOutage stops PostgreSQL while baken serve sends: /readyz answers 503
// meanwhile, sending stops at once but for the messages in flight, and when the
// database is back the same process sends the rest: nothing lost, and a message twice
// only when its mark as sent could not be committed.
func TestDatabaseOutage(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a PostgreSQL server of its own")
	}
	pg := startOwnPostgres(t)
	bin := buildBaken(t)
	b := &bundle{t: t, dir: t.TempDir(), env: map[string]string{"BAKEN_LOG_LEVEL": "error"}}
	b.env["BAKEN_DATA_DIR"] = filepath.Join(b.dir, "data")
	b.env["BAKEN_DATABASE_URL"] = pg.url()
	srv := smtptest.NewServer(t)
	b.env["BAKEN_SMTP_URL"] = srv.URL()
	b.env["BAKEN_SMTP_CONNECTIONS"] = "2"
	b.env["BAKEN_SMTP_DOMAIN_RATE"] = "25" // so that sending lasts through the outage
	outage := faultOutage(t)
	// A lease longer than twice the outage: the records of the messages in flight are
	// retried for half of it, and land when the database is back.
	b.env["BAKEN_JOB_LEASE"] = (2*outage + 10*time.Second).String()
	b.env["BAKEN_POLL_INTERVAL"] = "50ms"
	addr := freeAddr(t)
	b.env["BAKEN_LISTEN_ADDR"] = addr
	if code, _, errOut := b.run("", "migrate"); code != 0 {
		t.Fatal(errOut)
	}
	n := int(25 * (outage.Seconds() + 6)) // more than the rate sends before, during and after
	ids := storeNotifications(t, b, "postgres", n)

	p := &pipeline{t: t, b: b, bin: bin}
	serve := p.start("serve")
	defer func() {
		serve.cmd.Process.Signal(syscall.SIGTERM)
		<-serve.done
	}()
	ready := func() int {
		resp, err := http.Get("http://" + addr + "/readyz")
		if err != nil {
			return 0
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	waitUntil(t, "serve answers /readyz with 200", func() bool { return ready() == 200 })
	waitUntil(t, "the first messages arrive", func() bool { return srv.Count() >= 25 })

	pg.stop()
	atStop := srv.Count()
	waitUntil(t, "/readyz answers 503 while the database is down", func() bool { return ready() == 503 })
	time.Sleep(outage)
	inOutage := srv.Count() - atStop
	if ready() != 503 {
		t.Errorf("/readyz: %d at the end of the outage, want 503", ready())
	}
	pg.start()
	waitUntil(t, "/readyz answers 200 again", func() bool { return ready() == 200 })
	waitUntil(t, "every notification arrives, sent by the same serve process", func() bool { return distinct(srv) >= n })
	if serve.exited() {
		t.Fatalf("serve exited: %v", serve.cmd.ProcessState)
	}
	got := map[string]int{}
	for _, m := range srv.Messages() {
		got[m.Header.Get("Message-Id")]++
	}
	twice := 0
	for _, id := range ids {
		twice += max(got[id]-1, 0)
	}
	// At most the messages in flight when the database went: 2 connections, 4 senders.
	if inOutage > 4 || twice > 4 {
		t.Errorf("%d messages sent during the outage, %d twice: more than the 4 in flight", inOutage, twice)
	}
	t.Logf("%d notifications, PostgreSQL down for %s: %d sent after it went down, %d sent twice", n, outage, inOutage, twice)
}

// waitUntil waits for cond, at most two minutes: a condition that never comes is a
// failure, however fast or slow the machine.
func waitUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(2 * time.Minute); !cond(); time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("no: %s", what)
		}
	}
}
