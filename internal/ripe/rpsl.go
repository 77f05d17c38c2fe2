package ripe

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
)

// MaxLineLen is the length of the longest line, without its line ending, that a Reader
// accepts. A longer line makes its object malformed.
const MaxLineLen = 1 << 20

const (
	// maxObjectBytes and maxAttributes bound the memory one object may take.
	maxObjectBytes = 16 << 20
	maxAttributes  = 1 << 16
)

// Attribute is one "name: value" line of an object, with its continuation lines.
type Attribute struct {
	// Name is the attribute name in lower case, without the colon.
	Name string
	// Value is the value with end-of-line comments ('#' to the end of the line) removed,
	// surrounding white space trimmed and continuation lines joined by single spaces.
	// Bytes that are not valid UTF-8 are read as Latin-1, the RIPE database's historical
	// character set; ASCII control characters other than tab are dropped.
	Value string
}

// Object is one RPSL object.
type Object struct {
	// Type is the object's class, the name of its first attribute ("inetnum").
	Type string
	// Key is the value of its first attribute ("192.0.2.0 - 192.0.2.255").
	Key string
	// Line is the line number of the first attribute, counted from 1.
	Line int
	// Attributes holds every attribute in the order written, the first one included.
	Attributes []Attribute
}

// Get returns the value of the first attribute called name (in any case), or "".
func (o Object) Get(name string) string {
	for _, a := range o.Attributes {
		if strings.EqualFold(a.Name, name) {
			return a.Value
		}
	}
	return ""
}

// Values returns the values of every attribute called name (in any case), in order.
func (o Object) Values(name string) []string {
	var vs []string
	for _, a := range o.Attributes {
		if strings.EqualFold(a.Name, name) {
			vs = append(vs, a.Value)
		}
	}
	return vs
}

// ObjectError reports an object skipped because it is malformed. It is not fatal: the
// Reader has moved past the object, and the next call to Next reads the one after it.
type ObjectError struct {
	// File names the dump; Dataset.ReadDump and Load set it, a Reader leaves it empty.
	File string
	// Line is the number of the offending line, counted from 1; for an object whose
	// content is wrong (a bad range, say) it is the object's first line.
	Line int
	// Reason says what is wrong.
	Reason string
}

func (e *ObjectError) Error() string {
	if e.File != "" {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Reason)
	}
	return fmt.Sprintf("line %d: %s", e.Line, e.Reason)
}

// errLineTooLong is what readLine returns for a line longer than MaxLineLen.
var errLineTooLong = errors.New("line longer than 1 MiB")

// Reader reads RPSL objects one at a time. Objects are separated by blank lines (lines
// empty or holding only spaces and tabs); a line starting with '%' or '#' is a comment,
// between objects or inside one; a line starting with a space, a tab or '+' continues the
// previous attribute. Anything else must be "name: value".
type Reader struct {
	br    *bufio.Reader
	line  int    // number of the last line read
	err   error  // io.EOF or the read error to return once the lines before it are used
	long  []byte // a line that does not fit br's buffer
	buf   []byte // names and values of the object being read, back to back
	spans []span // where each attribute of that object lies in buf
}

// span places one attribute in Reader.buf: buf[name:value] is its name, buf[value:end] its
// value. The last attribute's value is always at the end of buf, so a continuation line
// can be appended to it.
type span struct{ name, value, end int }

// NewReader returns a Reader that reads from r.
func NewReader(r io.Reader) *Reader {
	return &Reader{br: bufio.NewReaderSize(r, 64<<10)}
}

// Next returns the next object. At the end of the input it returns io.EOF. For a
// malformed object it returns an *ObjectError and has skipped the object; any other error
// comes from the underlying reader and is final.
func (r *Reader) Next() (Object, error) {
	line, err := r.readLine()
	for err == nil && (isBlank(line) || isComment(line)) {
		line, err = r.readLine()
	}
	if err != nil {
		if err == errLineTooLong {
			return Object{}, r.skip(err.Error())
		}
		return Object{}, err
	}
	start := r.line
	r.buf, r.spans = r.buf[:0], r.spans[:0]
	for {
		if reason := r.add(line); reason != "" {
			return Object{}, r.skip(reason)
		}
		line, err = r.readLine()
		switch {
		case err == io.EOF, err == nil && isBlank(line):
			return r.object(start), nil
		case err == errLineTooLong:
			return Object{}, r.skip(err.Error())
		case err != nil:
			return Object{}, err
		}
	}
}

// add adds one line of an object, or says why the object is malformed.
func (r *Reader) add(line []byte) string {
	switch c := line[0]; {
	case c == '%' || c == '#':
		return ""
	case c == ' ' || c == '\t' || c == '+':
		if len(r.spans) == 0 {
			return "continuation line before the first attribute"
		}
		if v := clean(line[1:]); len(v) > 0 {
			s := &r.spans[len(r.spans)-1]
			if s.end > s.value {
				r.buf = append(r.buf, ' ')
			}
			r.buf = appendText(r.buf, v)
			s.end = len(r.buf)
		}
	default:
		i := bytes.IndexByte(line, ':')
		if i <= 0 || !validName(line[:i]) {
			return "line is neither an attribute nor a continuation"
		}
		if len(r.spans) == maxAttributes {
			return fmt.Sprintf("object has more than %d attributes", maxAttributes)
		}
		s := span{name: len(r.buf)}
		for _, c := range line[:i] {
			r.buf = append(r.buf, lower(c))
		}
		s.value = len(r.buf)
		r.buf = appendText(r.buf, clean(line[i+1:]))
		s.end = len(r.buf)
		r.spans = append(r.spans, s)
	}
	if len(r.buf) > maxObjectBytes {
		return "object larger than 16 MiB"
	}
	return ""
}

// object returns the object read into buf. All its strings share one allocation.
func (r *Reader) object(start int) Object {
	s := string(r.buf)
	attrs := make([]Attribute, len(r.spans))
	for i, sp := range r.spans {
		attrs[i] = Attribute{Name: s[sp.name:sp.value], Value: s[sp.value:sp.end]}
	}
	return Object{Type: attrs[0].Name, Key: attrs[0].Value, Line: start, Attributes: attrs}
}

// skip reads up to the end of the current object and returns an error for it that
// names the line last read.
func (r *Reader) skip(reason string) error {
	e := &ObjectError{Line: r.line, Reason: reason}
	for {
		line, err := r.readLine()
		if err == errLineTooLong {
			continue
		}
		if err != nil || isBlank(line) {
			return e
		}
	}
}

// readLine returns the next line without its line ending; the slice is valid until the
// next call. A last line without a newline is returned like any other.
func (r *Reader) readLine() ([]byte, error) {
	if r.err != nil {
		return nil, r.err
	}
	line, err := r.br.ReadSlice('\n')
	if err == bufio.ErrBufferFull {
		// Collect the line up to just past the limit; beyond it only its end matters.
		r.long = append(r.long[:0], line...)
		for err == bufio.ErrBufferFull {
			line, err = r.br.ReadSlice('\n')
			if len(r.long) <= MaxLineLen+2 {
				r.long = append(r.long, line...)
			}
		}
		line = r.long
	}
	if err != nil {
		r.err = err
		if len(line) == 0 {
			return nil, err
		}
	}
	r.line++
	line = bytes.TrimSuffix(line, []byte("\n"))
	line = bytes.TrimSuffix(line, []byte("\r"))
	if len(line) > MaxLineLen {
		return nil, errLineTooLong
	}
	return line, nil
}
