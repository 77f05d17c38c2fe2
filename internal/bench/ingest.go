package bench

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/baken-cert/baken/internal/ingest"
	"github.com/baken-cert/baken/internal/registry"
	"github.com/baken-cert/baken/internal/store"
)

// scanSMBHeader is the header of Shadowserver's scan_smb report.
const scanSMBHeader = `"timestamp","ip","port","hostname","tag","asn","geo","region","city","naics","sic","smb_implant","arch","key","smbv1_support","smb_major_number","smb_minor_number","smb_revision","smb_version_string"`

// WriteScanSMB writes a scan_smb report of rows rows in random IP order. A share hit of
// them (0.01 for 1%) names an address in a /24 prefix that WriteRegistryCSV registers
// for one of orgs organisations; the others name unregistered addresses.
func WriteScanSMB(w io.Writer, rows, orgs int, hit float64, seed uint64) error {
	bw := bufio.NewWriterSize(w, 1<<20)
	rng := rand.New(rand.NewPCG(seed, seed+1))
	fmt.Fprintln(bw, scanSMBHeader)
	day := time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)
	for i := range rows {
		var ip string
		if rng.Float64() < hit {
			k := rng.IntN(orgs)*1000 + 4 // the first /24 prefix of a random organisation
			ip = fmt.Sprintf("%d.%d.%d.%d", 140+k>>16&0x3f, k>>8&0xff, k&0xff, 1+rng.IntN(254))
		} else {
			ip = fmt.Sprintf("%d.%d.%d.%d", 1+rng.IntN(10), rng.IntN(256), rng.IntN(256), 1+rng.IntN(254))
		}
		ts := day.Add(time.Duration(i%86400) * time.Second).Format("2006-01-02 15:04:05")
		fmt.Fprintf(bw, "\"%s\",%s,445,,smb,64500,NL,Noord-Holland,Amsterdam,0,0,N,,,Y,1,0,0,\"SMB 1\"\n", ts, ip)
	}
	return bw.Flush()
}

// IngestFigures are the results of RunIngest.
type IngestFigures struct {
	Rows, Events, Organisations int
	FileBytes                   int64
	LoadIndexFirst              time.Duration // loading the index from the asset rows, after the import
	LoadIndex                   time.Duration // loading the index from the stored asset index, before the file
	Took                        time.Duration // loading the index and ingesting the file
	PeakHeap                    uint64        // the largest heap in use seen while ingesting
	MaxRSS                      int64         // the process's peak resident memory, bytes
}

// RunIngest registers assets for orgs organisations in s, writes a scan_smb report of
// rows rows (1% of them naming registered addresses) into dir, and ingests it end to end:
// parse, match, store the matches.
func RunIngest(ctx context.Context, s store.Store, dir string, orgs, assets, rows int) (IngestFigures, error) {
	var fig IngestFigures
	if err := registerAssets(ctx, s, dir, orgs, assets); err != nil {
		return fig, err
	}
	path := filepath.Join(dir, "2026-11-20-scan_smb-bench-asn.csv")
	if err := writeFile(path, func(w io.Writer) error { return WriteScanSMB(w, rows, orgs, 0.01, 7) }); err != nil {
		return fig, err
	}
	log := slog.New(slog.DiscardHandler)
	// The first process after the import reads every asset row, and stores the asset
	// index for the next ones.
	start := time.Now()
	if err := ingest.NewMatcher(s, log, ingest.LoadRIPEOwners).Refresh(ctx); err != nil {
		return fig, err
	}
	fig.LoadIndexFirst = time.Since(start)
	// As `baken ingest` does: the index is loaded, with the (absent) RIPE data, then
	// the file is read.
	start = time.Now()
	m := ingest.NewMatcher(s, log, ingest.LoadRIPEOwners)
	if err := m.Refresh(ctx); err != nil {
		return fig, err
	}
	fig.LoadIndex = time.Since(start)
	parsers := ingest.NewParsers()
	f, err := s.PutFeed(ctx, ingest.ShadowserverFeed())
	if err != nil {
		return fig, err
	}
	in, err := os.Open(path)
	if err != nil {
		return fig, err
	}
	defer in.Close()
	st, _ := in.Stat()
	fig.FileBytes = st.Size()
	stop := watchHeap(&fig.PeakHeap)
	rep, err := ingest.New(s, m, parsers, log).Ingest(ctx, f, filepath.Base(path), in)
	fig.Took = time.Since(start)
	stop()
	if err != nil {
		return fig, err
	}
	fig.Rows, fig.Events, fig.Organisations = rep.Rows, rep.Events, rep.Organisations
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) == nil {
		fig.MaxRSS = ru.Maxrss * 1024
	}
	return fig, nil
}

func registerAssets(ctx context.Context, s store.Store, dir string, orgs, assets int) error {
	path := filepath.Join(dir, "registry.csv")
	if err := writeFile(path, func(w io.Writer) error { return WriteRegistryCSV(w, orgs, assets, 1) }); err != nil {
		return err
	}
	in, err := os.Open(path)
	if err != nil {
		return err
	}
	defer in.Close()
	_, err = registry.New(s).Import(ctx, in, registry.ImportOptions{Format: registry.CSV, Source: "bench.csv"})
	return err
}

func writeFile(path string, write func(io.Writer) error) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	err = write(f)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// watchHeap samples the heap in use every 50 ms into peak until the returned stop.
func watchHeap(peak *uint64) (stop func()) {
	var done atomic.Bool
	var wg sync.WaitGroup
	wg.Go(func() {
		var ms runtime.MemStats
		for !done.Load() {
			runtime.ReadMemStats(&ms)
			*peak = max(*peak, ms.HeapInuse)
			time.Sleep(50 * time.Millisecond)
		}
	})
	return func() { done.Store(true); wg.Wait() }
}
