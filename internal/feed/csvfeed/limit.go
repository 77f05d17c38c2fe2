package csvfeed

import (
	"errors"
	"io"
)

// MaxRow is about the most bytes one row may take. encoding/csv holds a whole row in
// memory; a longer row (or a quote that is never closed in a large file) ends the
// parse with ErrRowTooLong instead of using memory without bound.
const MaxRow = 1 << 20

// ErrRowTooLong ends a parse whose row is longer than MaxRow.
var ErrRowTooLong = errors.New("a row of more than 1 MiB: not a CSV feed?")

// limiter fails the stream once more than MaxRow bytes were read since the last
// reset, which Next does before each row. What encoding/csv reads ahead of a row
// (a buffer of 4 KiB) counts too, so the bound is approximate, and generous.
type limiter struct {
	r io.Reader
	n int
}

func (l *limiter) reset() { l.n = 0 }

func (l *limiter) Read(p []byte) (int, error) {
	if l.n > MaxRow {
		return 0, ErrRowTooLong
	}
	n, err := l.r.Read(p)
	l.n += n
	return n, err
}
