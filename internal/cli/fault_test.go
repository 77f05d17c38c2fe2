package cli

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/baken-cert/baken/internal/deliver/email"
	"github.com/baken-cert/baken/internal/deliver/email/smtptest"
	"github.com/baken-cert/baken/internal/store"
	"github.com/baken-cert/baken/internal/store/postgres"
	"github.com/baken-cert/baken/internal/store/sqlite"
	"github.com/baken-cert/baken/internal/store/sqlstore"
	"github.com/baken-cert/baken/internal/store/storetest"
)

// buildBaken builds the baken command into a temporary directory.
func buildBaken(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "baken")
	cmd := exec.Command("go", "build", "-o", bin, "../../cmd/baken")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("building baken: %v\n%s", err, out)
	}
	return bin
}

// TestDeliveryAfterKills kills the delivering process (SIGKILL) at random moments, over
// and over, and restarts it: every notification reaches the mail server, and a message
// arrives twice only when the process died between the server's acceptance and the
// commit that marks it sent.
func TestDeliveryAfterKills(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and kills processes")
	}
	bin := buildBaken(t)
	rounds := faultKills(t, 25)
	for _, engine := range storetest.Engines {
		t.Run(engine, func(t *testing.T) {
			b := setup(t, engine)
			srv := smtptest.NewServer(t)
			b.env["BAKEN_SMTP_URL"] = srv.URL()
			b.env["BAKEN_JOB_LEASE"] = "1s"
			b.env["BAKEN_POLL_INTERVAL"] = "20ms"
			b.env["BAKEN_LOG_LEVEL"] = "error"
			b.env["BAKEN_SMTP_CONNECTIONS"] = "2"
			if code, _, errOut := b.run("", "migrate"); code != 0 {
				t.Fatal(errOut)
			}
			const n = 200
			ids := storeNotifications(t, b, engine, n)

			env := os.Environ()
			for k, v := range b.env {
				env = append(env, k+"="+v)
			}
			kills := 0
			for round := 0; round < rounds && distinct(srv) < n; round++ {
				cmd := exec.Command(bin, "work")
				cmd.Env = env
				if err := cmd.Start(); err != nil {
					t.Fatal(err)
				}
				time.Sleep(time.Duration(50+rand.IntN(400)) * time.Millisecond)
				cmd.Process.Signal(syscall.SIGKILL)
				cmd.Wait()
				kills++
			}
			time.Sleep(1100 * time.Millisecond) // the last leases run out
			cmd := exec.Command(bin, "work", "--until-idle")
			cmd.Env = env
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("final run: %v\n%s", err, out)
			}
			got := map[string]int{}
			for _, m := range srv.Messages() {
				got[m.Header.Get("Message-Id")]++
			}
			twice := 0
			for _, id := range ids {
				switch c := got[id]; {
				case c == 0:
					t.Fatalf("%s never arrived (after %d kills)", id, kills)
				case c > 1:
					twice += c - 1
				}
			}
			// At most the messages in flight at each kill: 2 connections, 4 senders.
			if twice > kills*4 {
				t.Fatalf("%d duplicates after %d kills: more than the messages in flight", twice, kills)
			}
			t.Logf("%s: %d notifications, %d kills, %d sent twice", engine, n, kills, twice)
		})
	}
}

func distinct(srv *smtptest.Server) int {
	seen := map[string]bool{}
	for _, m := range srv.Messages() {
		seen[m.Header.Get("Message-Id")] = true
	}
	return len(seen)
}

// storeNotifications writes n pending notifications into the bundle's database.
func storeNotifications(t *testing.T, b *bundle, engine string, n int) []string {
	ctx := context.Background()
	s := openStore(t, b, engine)
	var in []store.NotificationInput
	var ids []string
	for i := range n {
		id := fmt.Sprintf("<k%d.fault@baken>", i)
		mime, err := email.Build(email.Message{MessageID: id, From: "baken@localhost", To: []string{"soc@org.example"}, Subject: "s", Text: "t"}, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		in = append(in, store.NotificationInput{Ticket: fmt.Sprint("K", i), Recipient: "r", Email: "soc@org.example", Language: "en",
			Subject: "s", MessageID: id, Message: mime, VerifyCode: "c", FeedbackToken: fmt.Sprint("k", i), Now: time.Now()})
		ids = append(ids, id)
	}
	if err := s.CreateNotifications(ctx, in, nil, nil); err != nil {
		t.Fatal(err)
	}
	return ids
}

// openStore opens the bundle's database, until the test ends.
func openStore(t *testing.T, b *bundle, engine string) *sqlstore.DB {
	t.Helper()
	ctx := context.Background()
	var s *sqlstore.DB
	var err error
	if engine == "postgres" {
		s, err = postgres.Open(ctx, b.env["BAKEN_DATABASE_URL"])
	} else {
		s, err = sqlite.Open(ctx, filepath.Join(b.env["BAKEN_DATA_DIR"], "baken.db"))
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}
