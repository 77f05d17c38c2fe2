package registry

import (
	"bufio"
	"bytes"
	"io"
	"unicode/utf8"

	"github.com/baken-cert/baken/internal/feed"
	"github.com/baken-cert/baken/internal/problem"
)

// MaxLine is the most bytes one line of an import file may take. A longer line is
// rejected with its number and skipped without being held in memory; the import goes on.
const MaxLine = 1 << 20

// maxRow bounds a CSV row that spans lines (a quoted field with line breaks, or a quote
// that is never closed): beyond it the import stops, since no later row can be found.
const maxRow = 4 * MaxLine

// tooLongMarker stands in, for the CSV reader, for a line longer than MaxLine. It holds
// a NUL byte, which no text file has.
const tooLongMarker = "\x00baken:line-too-long\x00"

// errLineTooLong is the reason a line longer than MaxLine is rejected.
func errLineTooLong() error {
	return problem.New("the line is longer than 1 MiB: it was skipped")
}

// boundedLines gives a CSV reader the lines of an import file, each longer than MaxLine
// replaced by tooLongMarker, and fails once a row takes more than maxRow bytes.
type boundedLines struct {
	lr  *feed.LineReader
	out []byte
	row int // bytes given since the CSV reader began the current row, roughly: it reads ahead
}

func (b *boundedLines) Read(p []byte) (int, error) {
	for len(b.out) == 0 {
		line, tooLong, err := b.lr.Next()
		if err != nil {
			return 0, err
		}
		if tooLong {
			line = []byte(tooLongMarker)
		}
		b.out = append(append(b.out[:0], line...), '\n')
		if b.row += len(b.out); b.row > maxRow {
			return 0, problem.New("the row up to line %d is longer than 4 MiB (a quote that is never closed?): nothing was imported", b.lr.Line())
		}
	}
	n := copy(p, b.out)
	b.out = b.out[n:]
	return n, nil
}

// startRow tells b that the CSV reader begins a row.
func (b *boundedLines) startRow() { b.row = len(b.out) }

// binaryProbe is how much of a file is looked at to tell text from binary data.
const binaryProbe = 8 << 10

// refuseBinary returns r, or a problem when its first bytes are not text: a binary file
// (a spreadsheet, an archive, an image) is refused as a whole, and nothing of it is
// echoed back.
func refuseBinary(r io.Reader) (io.Reader, error) {
	br := bufio.NewReaderSize(r, binaryProbe)
	head, err := br.Peek(binaryProbe)
	if err != nil && err != io.EOF && err != bufio.ErrBufferFull {
		return nil, err
	}
	// A character cut off at the end of the probe is not a fault.
	for i := 0; i < utf8.UTFMax && len(head) == binaryProbe && !utf8.Valid(head); i++ {
		head = head[:len(head)-1]
	}
	if bytes.IndexByte(head, 0) >= 0 || !utf8.Valid(head) {
		return nil, problem.New("the file is not a text file (CSV or JSON Lines in UTF-8): save it as CSV and try again")
	}
	return br, nil
}
