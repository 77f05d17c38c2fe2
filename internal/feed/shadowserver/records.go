package shadowserver

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
)

// maxRecord bounds one CSV record, so that an unclosed quote cannot swallow the file.
const maxRecord = 4 << 20

// records reads CSV records (RFC 4180) from a stream without allocating per record. A
// record is usually one line, cut in place inside the bufio buffer: its fields point into
// that buffer and stay valid until the next call to next. Quoted fields with doubled
// or backslash-escaped quotes are unescaped into a scratch buffer; records whose quoted
// fields span lines are assembled in rec. Bare quotes inside unquoted fields are kept as text, as
// Python's csv module (which IntelMQ uses) does.
type records struct {
	br       *bufio.Reader
	physical int      // physical lines read so far
	line     int      // first physical line of the current record
	raw      []byte   // the current record's text, newlines as "\n"
	fields   [][]byte // the current record's fields
	complete bool     // the current record ended with a newline, not at end of file

	long    []byte // a line longer than the bufio buffer
	rec     []byte // a record of several lines
	scratch []byte // unescaped quoted fields
	eol     bool   // the last line read ended with a newline

	// width is the header's number of fields, once it is known: a record of several
	// lines with another number of fields is a quote left open, not a record.
	width int
	// back holds the lines after the first of a record given up on, to be read again
	// as records of their own; backEOL says whether its last line ended with a newline.
	back    []byte
	backEOL bool
	// longNext is set when a line longer than maxRecord came after the lines put back:
	// once they are read again, it is reported in its place.
	longNext bool
}

// newRecords returns a reader of the records of r, without any UTF-8 byte order mark.
func newRecords(r io.Reader) *records {
	br := bufio.NewReaderSize(r, 64<<10)
	if bom, _ := br.Peek(3); string(bom) == "\ufeff" {
		_, _ = br.Discard(3)
	}
	return &records{br: br}
}

// errLineTooLong is a line longer than maxRecord: it is skipped, and the next line read.
var errLineTooLong = errors.New("the line is longer than 4 MiB")

// errOpenQuote is what a line whose quote is not closed on it is rejected with, when
// what follows shows that the quote was never meant to span lines.
const errOpenQuote = "a quote opened in this field is not closed on its line"

// rowErr is a problem with the current record only; the records after it go on.
type rowErr struct {
	field  int // 1-based field the problem is in, 0 for the whole record
	reason string
}

func (e *rowErr) Error() string {
	if e.field > 0 {
		return fmt.Sprintf("field %d: %s", e.field, e.reason)
	}
	return e.reason
}

// next reads the next non-blank record. It returns io.EOF at the end, a *rowErr for a
// malformed record, and any other error when the stream cannot be read.
func (rs *records) next() error {
	for {
		line, err := rs.readLine()
		if errors.Is(err, errLineTooLong) {
			rs.line, rs.raw, rs.fields, rs.complete = rs.physical, nil, rs.fields[:0], true
			return &rowErr{0, errLineTooLong.Error()}
		}
		if err != nil {
			return err
		}
		if len(line) == 0 {
			continue
		}
		rs.line = rs.physical
		done, bad := rs.split(line)
		if done {
			rs.raw, rs.complete = line, rs.eol
			if bad > 0 {
				return &rowErr{bad, errAfterQuote}
			}
			return nil
		}
		return rs.multiline(line)
	}
}

// multiline assembles a record whose quoted field goes on past the end of the line. A
// quote that is never closed would swallow the lines after it: when the record does not
// end before the end of the file or maxRecord, or ends with another number of fields
// than the header's, only its first line is rejected, and the lines after it are read
// again as records of their own.
func (rs *records) multiline(first []byte) error {
	rs.rec = append(rs.rec[:0], first...)
	state := quoteState(stFieldStart, first)
	for state == stQuoted {
		line, err := rs.readLine()
		if errors.Is(err, io.EOF) {
			return rs.giveUp(len(first), false, "the quoted text is not closed at the end of the file")
		}
		if errors.Is(err, errLineTooLong) {
			rs.longNext = true
			return rs.giveUp(len(first), true, errOpenQuote)
		}
		if err != nil {
			return err
		}
		rs.rec = append(append(rs.rec, '\n'), line...)
		if len(rs.rec) > maxRecord {
			return rs.giveUp(len(first), rs.eol, errOpenQuote)
		}
		state = quoteState(state, line)
	}
	done, bad := rs.split(rs.rec)
	if !done || bad > 0 || rs.width > 0 && len(rs.fields) != rs.width {
		return rs.giveUp(len(first), rs.eol, errOpenQuote)
	}
	rs.raw, rs.complete = rs.rec, rs.eol
	return nil
}

// giveUp rejects the first line of rs.rec (n bytes), whose quote is left open, for
// reason, and puts the lines after it back to be read again; eol says whether the last
// of them ended with a newline.
func (rs *records) giveUp(n int, eol bool, reason string) error {
	first := rs.rec[:n]
	if rest := rs.rec[n:]; len(rest) > 0 {
		// A copy: rec is reused by the records read from it. Lines put back before and
		// not read again yet come after these, with their own end.
		again := append([]byte(nil), rest[1:]...)
		if rs.back != nil {
			again = append(append(again, '\n'), rs.back...)
		} else {
			rs.backEOL = eol
		}
		rs.back = again
	}
	rs.physical = rs.line
	rs.split(first) // the fields before the open one
	rs.raw, rs.complete = first, true
	return &rowErr{len(rs.fields) + 1, reason}
}

// readLine returns the next physical line without its line ending: first the lines put
// back, then those of the stream. A line longer than maxRecord is errLineTooLong, its
// content skipped.
func (rs *records) readLine() ([]byte, error) {
	if rs.back != nil {
		rs.physical++
		line, rest, found := bytes.Cut(rs.back, []byte{'\n'})
		rs.back, rs.eol = rest, found || rs.backEOL
		if !found {
			rs.back = nil
		}
		return bytes.TrimSuffix(line, []byte{'\r'}), nil
	}
	if rs.longNext {
		rs.longNext = false
		rs.physical++
		return nil, errLineTooLong
	}
	line, err := rs.br.ReadSlice('\n')
	if errors.Is(err, bufio.ErrBufferFull) {
		rs.long = append(rs.long[:0], line...)
		for errors.Is(err, bufio.ErrBufferFull) {
			line, err = rs.br.ReadSlice('\n')
			rs.long = append(rs.long, line...)
			if len(rs.long) > maxRecord+2 { // +2 for "\r\n"
				rs.long = rs.long[:0]
				for errors.Is(err, bufio.ErrBufferFull) {
					_, err = rs.br.ReadSlice('\n')
				}
				rs.physical++
				if err != nil && !errors.Is(err, io.EOF) {
					return nil, err
				}
				return nil, errLineTooLong
			}
		}
		line = rs.long
	}
	rs.eol = err == nil
	if errors.Is(err, io.EOF) && len(line) > 0 {
		err = nil
	}
	if err != nil {
		return nil, err
	}
	rs.physical++
	line = bytes.TrimSuffix(line, []byte{'\n'})
	return bytes.TrimSuffix(line, []byte{'\r'}), nil
}

// The states of quoteState, which follows quoting across the lines of a record.
const (
	stFieldStart = iota // at the start of a field
	stUnquoted          // inside an unquoted field
	stQuoted            // inside a quoted field
	stQuote             // just after a quote inside a quoted field
	stEscape            // just after a backslash inside a quoted field
)

// quoteState returns the quoting state after line, starting from state. A record ends
// at the end of a line unless the state there is stQuoted.
func quoteState(state int, line []byte) int {
	for _, c := range line {
		switch state {
		case stFieldStart:
			switch c {
			case '"':
				state = stQuoted
			case ',':
			default:
				state = stUnquoted
			}
		case stUnquoted:
			if c == ',' {
				state = stFieldStart
			}
		case stQuoted:
			switch c {
			case '"':
				state = stQuote
			case '\\':
				state = stEscape
			}
		case stEscape:
			state = stQuoted
		case stQuote:
			switch c {
			case '"':
				state = stQuoted
			case ',':
				state = stFieldStart
			default:
				state = stUnquoted // malformed; split says so
			}
		}
	}
	switch state {
	case stQuote:
		return stFieldStart
	case stEscape:
		return stQuoted
	}
	return state
}

// errAfterQuote says what is wrong with `"a"b`.
const errAfterQuote = "text after the closing quote"

// split cuts a record into rs.fields. done is false when rec ends inside a quoted
// field; bad is the 1-based number of a field with text after its closing quote.
// Fields are short: a plain loop beats bytes.IndexByte's call per field.
func (rs *records) split(rec []byte) (done bool, bad int) {
	rs.fields = rs.fields[:0]
	if cap(rs.scratch) < len(rec) {
		// Unescaped fields are never longer than rec: appending never moves scratch.
		rs.scratch = make([]byte, 0, len(rec)+len(rec)/2)
	}
	rs.scratch = rs.scratch[:0]
	n, i := len(rec), 0
	for {
		if i == n || rec[i] != '"' {
			start := i
			for i < n && rec[i] != ',' {
				i++
			}
			rs.fields = append(rs.fields, rec[start:i])
			if i == n {
				return true, 0
			}
			i++
			continue
		}
		j := closingQuote(rec, i+1)
		if j == n {
			return false, 0
		}
		field := rec[i+1 : j]
		if rec[j] == '\\' || j+1 < n && rec[j+1] == '"' {
			// Escaped quotes, doubled or after a backslash: unescape into scratch.
			start := len(rs.scratch)
			if j = rs.unescape(rec, i+1); j == n {
				return false, 0
			}
			field = rs.scratch[start:len(rs.scratch):len(rs.scratch)]
		}
		rs.fields = append(rs.fields, field)
		i = j + 1
		if i == n {
			return true, 0
		}
		if rec[i] != ',' {
			return true, len(rs.fields)
		}
		i++
	}
}

// closingQuote returns the position of the first quote or backslash in rec from i,
// len(rec) if none: where a quoted field may end or holds an escape.
func closingQuote(rec []byte, i int) int {
	for i < len(rec) && rec[i] != '"' && rec[i] != '\\' {
		i++
	}
	return i
}

// unescape appends the quoted field that starts at rec[i] (after its opening quote) to
// scratch, unescaped, and returns the position of its closing quote, len(rec) if the
// field does not end in rec. Both escapes occur: RFC 4180's doubled quote and, in
// Shadowserver's reports, a backslash before a quote or a backslash
// ("Basic realm=\"x\""); any other backslash is text.
func (rs *records) unescape(rec []byte, i int) int {
	n := len(rec)
	for i < n {
		c := rec[i]
		switch {
		case c == '\\' && i+1 < n && (rec[i+1] == '"' || rec[i+1] == '\\'):
			rs.scratch = append(rs.scratch, rec[i+1])
			i += 2
		case c == '"' && i+1 < n && rec[i+1] == '"':
			rs.scratch = append(rs.scratch, '"')
			i += 2
		case c == '"':
			return i
		default:
			rs.scratch = append(rs.scratch, c)
			i++
		}
	}
	return n
}
