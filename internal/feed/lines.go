package feed

import (
	"bufio"
	"bytes"
	"errors"
	"io"
)

// LineReader reads the lines of a line-based feed (JSON Lines, lists), at most max bytes
// each, in a buffer it reuses; a byte-order mark before the first line is dropped.
type LineReader struct {
	br   *bufio.Reader
	buf  []byte
	max  int
	line int // number of the line last returned, 1-based
}

// NewLineReader returns a LineReader of r for lines of at most max bytes.
func NewLineReader(r io.Reader, max int) *LineReader {
	return &LineReader{br: bufio.NewReaderSize(r, 64<<10), max: max}
}

// Next returns the next line without its line ending, valid until the next call.
// tooLong reports a line longer than max, whose content is then dropped. It returns
// io.EOF after the last line.
func (lr *LineReader) Next() (line []byte, tooLong bool, err error) {
	lr.buf = lr.buf[:0]
	read := false
	for {
		chunk, err := lr.br.ReadSlice('\n')
		read = read || len(chunk) > 0
		if !tooLong {
			if len(lr.buf)+len(chunk) > lr.max+2 { // +2 for "\r\n"
				tooLong, lr.buf = true, lr.buf[:0]
			} else {
				lr.buf = append(lr.buf, chunk...)
			}
		}
		switch {
		case errors.Is(err, bufio.ErrBufferFull):
			continue
		case errors.Is(err, io.EOF) && !read:
			return nil, false, io.EOF
		case err != nil && !errors.Is(err, io.EOF):
			return nil, false, err
		}
		lr.line++
		line = bytes.TrimSuffix(bytes.TrimSuffix(lr.buf, []byte{'\n'}), []byte{'\r'})
		if lr.line == 1 {
			line = bytes.TrimPrefix(line, []byte("\ufeff"))
		}
		if !tooLong && len(line) > lr.max {
			tooLong, line = true, nil
		}
		if tooLong {
			line = nil
		}
		return line, tooLong, nil
	}
}

// Line is the 1-based number of the line Next returned last.
func (lr *LineReader) Line() int { return lr.line }
