package credentials

import (
	"bufio"
	"bytes"
	"errors"
	"io"
)

// MaxLine is the longest line a Parser reads; a longer one is a *feed.RowError, and the
// parse goes on at the next line.
const MaxLine = 1 << 20

// lineReader reads lines of at most max bytes, in a buffer it reuses.
type lineReader struct {
	br   *bufio.Reader
	buf  []byte
	max  int
	line int // number of the line last returned, 1-based
}

func newLineReader(r io.Reader, max int) *lineReader {
	return &lineReader{br: bufio.NewReaderSize(r, 64<<10), max: max}
}

// next returns the next line without its line ending, valid until the next call.
// tooLong reports a line longer than max, whose content is then dropped. It returns
// io.EOF after the last line.
func (lr *lineReader) next() (line []byte, tooLong bool, err error) {
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
