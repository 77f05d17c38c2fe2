package bench

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"sync"
	"time"

	"github.com/baken-cert/baken/internal/feed"
	"github.com/baken-cert/baken/internal/feed/shadowserver"
	"github.com/baken-cert/baken/internal/match"
	"github.com/baken-cert/baken/internal/match/matchtest"
)

// ScanSMBSampled returns a scan_smb report of rows rows whose addresses the sampler
// draws: matchtest.HitRate of them inside a registered asset, in random order.
func ScanSMBSampled(rows int, s *matchtest.Sampler) []byte {
	var b bytes.Buffer
	b.Grow(rows * 110)
	fmt.Fprintln(&b, scanSMBHeader)
	for i := range rows {
		fmt.Fprintf(&b, "\"2026-11-20 %02d:%02d:%02d\",%s,445,,smb,64500,NL,Noord-Holland,Amsterdam,0,0,N,,,Y,1,0,0,\"SMB 1\"\n",
			i/3600%24, i/60%60, i%60, s.Addr(matchtest.HitRate))
	}
	return b.Bytes()
}

// ParseMatch parses a report held in memory and matches every row against ix, with
// workers goroutines each taking an equal share of the rows (each share gets the header,
// as a file split by lines would). It returns the rows parsed and the rows that matched.
func ParseMatch(report []byte, ix *match.Index, workers int) (rows, matched int, took time.Duration, err error) {
	header, body, _ := bytes.Cut(report, []byte("\n"))
	chunks := splitLines(body, workers)
	var mu sync.Mutex
	var wg sync.WaitGroup
	start := time.Now()
	for _, chunk := range chunks {
		wg.Go(func() {
			r, m, e := parseMatchChunk(io.MultiReader(bytes.NewReader(header), bytes.NewReader([]byte("\n")), bytes.NewReader(chunk)), ix)
			mu.Lock()
			rows, matched, err = rows+r, matched+m, errors.Join(err, e)
			mu.Unlock()
		})
	}
	wg.Wait()
	return rows, matched, time.Since(start), err
}

func parseMatchChunk(r io.Reader, ix *match.Index) (rows, matched int, err error) {
	p, err := shadowserver.NewParser(r, "2026-11-20-scan_smb-bench-asn.csv", nil)
	if err != nil {
		return 0, 0, err
	}
	var hits []match.Hit
	for {
		err := p.Next()
		if errors.Is(err, io.EOF) {
			return rows, matched, nil
		}
		var rowErr *feed.RowError
		if err != nil && !errors.As(err, &rowErr) {
			return rows, matched, err
		}
		rows++
		if err != nil {
			continue
		}
		if hits = ix.Match(p.Subject(), hits[:0]); len(hits) > 0 {
			matched++
		}
	}
}

// splitLines cuts b into n pieces at line ends.
func splitLines(b []byte, n int) [][]byte {
	var out [][]byte
	for i := n; i > 1; i-- {
		cut := len(b) / i
		nl := bytes.IndexByte(b[cut:], '\n')
		if nl < 0 {
			break
		}
		out = append(out, b[:cut+nl+1])
		b = b[cut+nl+1:]
	}
	return append(out, b)
}

// NaiveMatchRate is what matching costs without an index: every row compared with every
// registered prefix, to find every one that contains it. It returns rows per second
// over rows sampled rows, and how many prefixes matched.
func NaiveMatchRate(entries []match.Entry, s *matchtest.Sampler, rows int) (float64, int) {
	var prefixes []netip.Prefix
	for _, e := range entries {
		if p, ok := e.Asset.Prefix(); ok {
			prefixes = append(prefixes, p)
		}
	}
	start := time.Now()
	found := 0
	for range rows {
		ip := s.Addr(matchtest.HitRate)
		for _, p := range prefixes {
			if p.Contains(ip) {
				found++
			}
		}
	}
	return float64(rows) / time.Since(start).Seconds(), found
}
