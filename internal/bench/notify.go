package bench

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/baken-cert/baken/internal/app"
	"github.com/baken-cert/baken/internal/config"
	"github.com/baken-cert/baken/internal/deliver/email/smtptest"
	"github.com/baken-cert/baken/internal/registry"
	"github.com/baken-cert/baken/internal/store"
)

// NotifyFigures are the results of RunNotify.
type NotifyFigures struct {
	Organisations int
	Mails         int
	Ingest        time.Duration // ingesting the incident file
	Deliver       time.Duration // from the end of ingestion until the last mail was accepted
}

// RunNotify registers orgs organisations (one address and one contact each) in a fresh
// SQLite database under dir, ingests an incident that names every one of them, and runs
// Baken's jobs and outbox until the mail server on loopback has accepted every
// notification.
func RunNotify(ctx context.Context, dir string, orgs int) (NotifyFigures, error) {
	fig := NotifyFigures{Organisations: orgs}
	srv, err := smtptest.Start(smtptest.WithDiscard())
	if err != nil {
		return fig, err
	}
	defer srv.Close()
	cfg, err := config.Load(func(string) string { return "" })
	if err != nil {
		return fig, err
	}
	cfg.DataDir, cfg.SMTPURL, cfg.SMTPDomainRate = filepath.Join(dir, "notify"), srv.URL(), 0
	a, err := app.Open(ctx, cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		return fig, err
	}
	defer a.Close()
	if err := prepareIncident(ctx, a, dir, orgs); err != nil {
		return fig, err
	}
	f, err := a.Store.Feed(ctx, "incident")
	if err != nil {
		return fig, err
	}
	in, err := os.Open(filepath.Join(dir, "incident.csv"))
	if err != nil {
		return fig, err
	}
	defer in.Close()
	start := time.Now()
	if _, err := a.Ingest.Ingest(ctx, f, "incident.csv", in); err != nil {
		return fig, err
	}
	fig.Ingest = time.Since(start)
	start = time.Now()
	if _, err := a.RunUntilIdle(ctx); err != nil {
		return fig, err
	}
	fig.Deliver, fig.Mails = time.Since(start), srv.Count()
	return fig, nil
}

// prepareIncident registers the organisations, the incident feed with a rule that tells
// at once, and writes the incident file: one vulnerable address of each organisation.
func prepareIncident(ctx context.Context, a *app.App, dir string, orgs int) error {
	reg := filepath.Join(dir, "notify-registry.csv")
	if err := writeFile(reg, func(w io.Writer) error { return WriteRegistryCSV(w, orgs, orgs, 3) }); err != nil {
		return err
	}
	r, err := os.Open(reg)
	if err != nil {
		return err
	}
	defer r.Close()
	if _, err := a.Registry.Import(ctx, r, registry.ImportOptions{Format: registry.CSV}); err != nil {
		return err
	}
	if err := a.LoadIndices(ctx); err != nil {
		return err
	}
	f := store.Feed{Name: "incident", Provider: "NCSC", Format: "csv", Kind: "incidental", TLP: "AMBER",
		Options: []byte(`{"columns":{"source.ip":"ip","time.source":"seen","source.port":"port"}}`)}
	f.Classification.Taxonomy, f.Classification.Type, f.Classification.Identifier = "vulnerable", "vulnerable-system", "citrix-netscaler"
	if _, err := a.Store.PutFeed(ctx, f); err != nil {
		return err
	}
	if _, err := a.Store.PutRule(ctx, store.Rule{Feed: "incident", Action: "notify", Aggregation: "immediate"}); err != nil {
		return err
	}
	return writeFile(filepath.Join(dir, "incident.csv"), func(w io.Writer) error {
		fmt.Fprintln(w, "ip,seen,port")
		for o := range orgs {
			k := o * 1000 // the first asset of each organisation is this address (WriteRegistryCSV)
			fmt.Fprintf(w, "%d.%d.%d.%d,2026-11-20 10:00:00,443\n", 11+k>>24&0x7f, k>>16&0xff, k>>8&0xff, k&0xff)
		}
		return nil
	})
}
