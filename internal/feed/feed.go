// Package feed turns the files threat feeds deliver into normalised events. Each format
// has its own sub-package with a pure, streaming Parser: constant memory whatever the size
// of the file, one row at a time.
package feed

import (
	"fmt"

	"github.com/baken-cert/baken/internal/event"
)

// Parser reads the rows of one feed file, one at a time.
//
// Next advances to the next row. It returns io.EOF after the last row, a *RowError for a
// row it rejects (the caller records it and calls Next again), and any other error when
// the file cannot be read further. After Next returned nil, Line, Subject and Event
// describe the current row until the next call to Next.
type Parser interface {
	Next() error
	// Line is the 1-based line (or record) number of the current row in the file.
	Line() int
	// Subject returns what the current row names, cheaply: enough to match it.
	Subject() event.Subject
	// Event converts the whole current row. A row whose Subject was fine can still be
	// refused here (a *RowError), for instance for a malformed timestamp.
	Event() (event.Event, error)
}

// RowError says why one row was rejected. The rows around it go on.
type RowError struct {
	Line   int    // 1-based line or record number in the file
	Reason string // what is wrong, for a person to read
}

func (e *RowError) Error() string { return fmt.Sprintf("line %d: %s", e.Line, e.Reason) }

// Rejectf returns a *RowError for line with a formatted reason.
func Rejectf(line int, format string, args ...any) *RowError {
	return &RowError{Line: line, Reason: fmt.Sprintf(format, args...)}
}
