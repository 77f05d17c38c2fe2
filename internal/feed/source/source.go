// Package source opens the files that feeds deliver: plain, gzip-compressed or zipped. It
// tells them apart by their first bytes, not by their names, and hands back the
// decompressed stream together with the name of the file inside, because parsers (the
// Shadowserver one, for instance) read the report type from that name.
package source

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"
)

// Format is how a file's content is packed.
type Format int

// The formats Open recognises.
const (
	Plain Format = iota // not compressed
	Gzip                // RFC 1952, one or more members
	Zip                 // a zip archive holding exactly one regular file
)

// String returns the name of the format: "plain", "gzip" or "zip".
func (f Format) String() string {
	switch f {
	case Gzip:
		return "gzip"
	case Zip:
		return "zip"
	}
	return "plain"
}

// File is the decompressed content of a feed file. Read it like any reader and Close it
// when done: Close releases the decompressor and removes any temporary file.
type File struct {
	// Name is the base name of the file inside: the gzip header's name (or the outer
	// name without ".gz"), the zip member's name, or the outer name for plain files.
	Name   string
	Format Format

	r       io.Reader
	closers []func() error
}

// Read reads decompressed bytes.
func (f *File) Read(p []byte) (int, error) { return f.r.Read(p) }

// Close releases everything Open acquired. It does not close the reader given to Open,
// and it does not repeat decompression errors, which Read has already returned.
func (f *File) Close() error {
	var errs []error
	for i := len(f.closers) - 1; i >= 0; i-- {
		errs = append(errs, f.closers[i]())
	}
	f.closers = nil
	return errors.Join(errs...)
}

// peekSize is how much of the start of a file Open looks at.
const peekSize = 512

// Open detects how the content of r is packed and returns it unpacked. name is the
// outer file name, used for File.Name; it may be a path. A zip archive must hold exactly
// one regular file (directories and macOS "__MACOSX/" metadata are ignored): feeds
// deliver one report per file, and concatenating several would mix their headers. Zip
// needs random access: when r is an *os.File that can seek, Open reads it in place,
// otherwise it copies r to a temporary file that Close removes.
//
// Content that starts like bzip2, xz, zstd or 7-zip, or that holds NUL bytes in its
// first 512 bytes, is refused: it is not a text file Baken can parse.
func Open(name string, r io.Reader) (*File, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	head, err := br.Peek(peekSize)
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("open %s: %w", name, err)
	}
	base := baseName(name)
	switch {
	case bytes.HasPrefix(head, []byte{0x1f, 0x8b}):
		return openGzip(base, br)
	case bytes.HasPrefix(head, []byte("PK\x03\x04")), bytes.HasPrefix(head, []byte("PK\x05\x06")):
		return openZip(base, r, br)
	}
	if kind := unsupported(head); kind != "" {
		return nil, fmt.Errorf("open %s: %s content is not supported", name, kind)
	}
	if bytes.IndexByte(head, 0) >= 0 {
		return nil, fmt.Errorf("open %s: binary content (NUL bytes), not a text file", name)
	}
	return &File{Name: base, Format: Plain, r: br}, nil
}

// unsupported names the compression formats Open recognises but cannot unpack.
func unsupported(head []byte) string {
	for _, m := range []struct{ magic, kind string }{
		{"BZh", "bzip2"},
		{"\xfd7zXZ\x00", "xz"},
		{"\x28\xb5\x2f\xfd", "zstd"},
		{"7z\xbc\xaf\x27\x1c", "7-zip"},
		{"Rar!\x1a\x07", "rar"},
	} {
		if bytes.HasPrefix(head, []byte(m.magic)) {
			return m.kind
		}
	}
	return ""
}

func openGzip(base string, br *bufio.Reader) (*File, error) {
	zr, err := gzip.NewReader(br)
	if err != nil {
		return nil, fmt.Errorf("open %s: gzip: %w", base, err)
	}
	inner := baseName(zr.Name)
	if inner == "" {
		inner = trimExt(base, ".gz", ".gzip")
	}
	return &File{Name: inner, Format: Gzip, r: zr, closers: []func() error{quiet(zr)}}, nil
}

// quiet returns a Close that drops the error, for decompressors whose Close only
// repeats the last Read error.
func quiet(c io.Closer) func() error {
	return func() error {
		_ = c.Close()
		return nil
	}
}

// baseName returns the last element of a path written with / or \, "" for none.
func baseName(name string) string {
	name = strings.ReplaceAll(name, `\`, "/")
	b := path.Base(name)
	if b == "." || b == "/" {
		return ""
	}
	return b
}

// trimExt removes the first of exts that name ends with, in any case.
func trimExt(name string, exts ...string) string {
	for _, ext := range exts {
		if len(name) > len(ext) && strings.EqualFold(name[len(name)-len(ext):], ext) {
			return name[:len(name)-len(ext)]
		}
	}
	return name
}
