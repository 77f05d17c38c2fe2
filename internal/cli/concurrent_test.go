package cli

import (
	"os/exec"
	"syscall"
	"testing"

	"github.com/baken-cert/baken/internal/store/storetest"
)

// TestPipelineConcurrent ingests overlapping reports while two work processes decide,
// compose and send at once, then runs work --until-idle: every finding is told once to
// each contact of its organisation, each e-mail lists it once and counts it right, and
// one aggregation window is one e-mail per contact.
func TestPipelineConcurrent(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs processes")
	}
	bin := buildBaken(t)
	for _, engine := range storetest.Engines {
		t.Run(engine, func(t *testing.T) {
			p := newPipeline(t, engine, bin, 5, 1200)
			var workers []*exec.Cmd
			for range 2 {
				w := p.command("work")
				if err := w.Start(); err != nil {
					t.Fatal(err)
				}
				workers = append(workers, w)
			}
			done := make(chan error, len(p.files))
			for _, f := range p.files {
				go func() {
					out, err := p.command("ingest", f).CombinedOutput()
					if err != nil {
						t.Errorf("ingest %s: %v\n%s", f, err, out)
					}
					done <- err
				}()
			}
			for range p.files {
				<-done
			}
			for _, w := range workers {
				w.Process.Signal(syscall.SIGTERM)
				w.Wait()
			}
			p.finish()
			if dup := p.check(); dup != 0 {
				t.Errorf("%d messages sent twice without a crash", dup)
			}
			t.Logf("%s: %d findings, %d e-mails", engine, len(p.findings), p.srv.Count())
		})
	}
}
