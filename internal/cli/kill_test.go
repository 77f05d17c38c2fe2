package cli

import (
	"math/rand/v2"
	"os"
	"os/exec"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/baken-cert/baken/internal/store/storetest"
)

// faultKills is how many processes a fault test kills per engine: BAKEN_FAULT_KILLS, or
// def (make faults runs the long version).
func faultKills(t *testing.T, def int) int {
	if v := os.Getenv("BAKEN_FAULT_KILLS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			t.Fatalf("BAKEN_FAULT_KILLS=%q: want a number of kills", v)
		}
		return n
	}
	return def
}

// proc is a running baken process; done is closed when it has exited.
type proc struct {
	cmd  *exec.Cmd
	done chan struct{}
}

func (p *pipeline) start(args ...string) *proc {
	pr := &proc{cmd: p.command(args...), done: make(chan struct{})}
	if err := pr.cmd.Start(); err != nil {
		p.t.Fatal(err)
	}
	go func() { pr.cmd.Wait(); close(pr.done) }()
	return pr
}

func (pr *proc) exited() bool {
	select {
	case <-pr.done:
		return true
	default:
		return false
	}
}

// kill kills the process with SIGKILL; it reports whether it ran to success before.
func (pr *proc) kill() (succeeded bool) {
	pr.cmd.Process.Signal(syscall.SIGKILL)
	<-pr.done
	return pr.cmd.ProcessState.Success()
}

// TestPipelineAfterKills kills ingesting and working processes (SIGKILL) at random
// moments, over and over, and restarts them: at the end every stored event is decided
// and told once to each contact of its organisation, every notification is sent, no
// window is split over two e-mails, and a message arrives twice only when a sending
// process died between the server's acceptance and the commit that marks it sent (at
// most the messages in flight per kill).
func TestPipelineAfterKills(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and kills processes")
	}
	bin := buildBaken(t)
	kills := faultKills(t, 12)
	for _, engine := range storetest.Engines {
		t.Run(engine, func(t *testing.T) {
			// Files longer than a batch of the ingestion (2,000 rows), so that a kill
			// can leave one half stored.
			p := newPipeline(t, engine, bin, 4, 2500)
			workers := []*proc{p.start("work"), p.start("work")}
			next := 0 // the file being ingested
			ingest := p.start("ingest", p.files[next])
			var workerKills, ingestKills int
			for range kills {
				time.Sleep(time.Duration(50+rand.IntN(400)) * time.Millisecond)
				if ingest != nil && ingest.exited() {
					if !ingest.cmd.ProcessState.Success() {
						t.Fatalf("ingest %s: %v", p.files[next], ingest.cmd.ProcessState)
					}
					if next++; next < len(p.files) {
						ingest = p.start("ingest", p.files[next])
					} else {
						ingest = nil
					}
				}
				if victim := rand.IntN(3); victim < 2 || ingest == nil {
					workers[victim%2].kill()
					workerKills++
					workers[victim%2] = p.start("work")
				} else {
					if ingest.kill() {
						next++ // it had finished
					} else {
						ingestKills++
					}
					if next < len(p.files) {
						ingest = p.start("ingest", p.files[next])
					} else {
						ingest = nil
					}
				}
			}
			if ingest != nil {
				<-ingest.done
				next++
			}
			for ; next < len(p.files); next++ {
				p.mustRun("ingest", p.files[next])
			}
			for _, w := range workers {
				w.kill()
				workerKills++
			}
			p.finish()
			dup := p.check()
			// At most the messages in flight at each kill of a sender: 2 connections,
			// 4 sending at once.
			if dup > workerKills*4 {
				t.Errorf("%d duplicates after %d kills of senders: more than the messages in flight", dup, workerKills)
			}
			t.Logf("%s: %d findings, %d e-mails; killed %d work and %d ingest processes; %d sent twice (%.2f per kill)",
				engine, len(p.findings), p.srv.Count(), workerKills, ingestKills, dup, float64(dup)/float64(workerKills+ingestKills))
		})
	}
}
