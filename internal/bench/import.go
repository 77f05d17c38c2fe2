package bench

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/baken-cert/baken/internal/app"
	"github.com/baken-cert/baken/internal/config"
	"github.com/baken-cert/baken/internal/registry"
	"github.com/baken-cert/baken/internal/store"
)

// ImportFigures are the results of RunImport.
type ImportFigures struct {
	Engine      string
	Assets      int
	First       time.Duration // first import: everything is new
	Second      time.Duration // the same file again: nothing changes
	SecondAdded int           // must be 0
}

// RunImport writes a registry file of assets for orgs organisations into dir and imports
// it twice into s, timing each import.
func RunImport(ctx context.Context, s store.Store, dir string, orgs, assets int) (ImportFigures, error) {
	path := filepath.Join(dir, "registry.csv")
	f, err := os.Create(path)
	if err != nil {
		return ImportFigures{}, err
	}
	err = WriteRegistryCSV(f, orgs, assets, 1)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return ImportFigures{}, err
	}
	fig := ImportFigures{Engine: s.Engine(), Assets: assets}
	reg := registry.New(s)
	for i, took := range []*time.Duration{&fig.First, &fig.Second} {
		in, err := os.Open(path)
		if err != nil {
			return fig, err
		}
		start := time.Now()
		rep, err := reg.Import(ctx, in, registry.ImportOptions{Format: registry.CSV, Source: "bench.csv"})
		*took = time.Since(start)
		in.Close()
		if err != nil {
			return fig, err
		}
		if len(rep.Rejected) > 0 {
			return fig, fmt.Errorf("the generated file had %d rejected rows, first: %v", len(rep.Rejected), rep.Rejected[0])
		}
		if i == 1 {
			fig.SecondAdded = rep.AssetsAdded
		}
	}
	return fig, nil
}

// TimeToReady starts `baken serve` in-process on an empty data directory and returns how
// long it took until /readyz answered 200.
func TimeToReady(ctx context.Context, dataDir string) (time.Duration, error) {
	cfg, err := config.Load(func(string) string { return "" })
	if err != nil {
		return 0, err
	}
	cfg.DataDir, cfg.ListenAddr = dataDir, "127.0.0.1:0"
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	start := time.Now()
	a, err := app.Open(ctx, cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		return 0, err
	}
	defer a.Close()
	addr := make(chan string, 1)
	served := make(chan error, 1)
	go func() { served <- a.Serve(ctx, func(ad net.Addr) { addr <- ad.String() }) }()
	select {
	case ad := <-addr:
		resp, err := http.Get("http://" + ad + "/readyz")
		if err != nil {
			return 0, err
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return 0, fmt.Errorf("/readyz answered %d", resp.StatusCode)
		}
		took := time.Since(start)
		cancel()
		<-served
		return took, nil
	case err := <-served:
		return 0, err
	}
}
