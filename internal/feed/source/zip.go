package source

import (
	"archive/zip"
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
)

// openZip opens the single regular file in a zip archive. orig is the reader given to
// Open and br the buffered reader over it, which has already consumed some of orig.
func openZip(base string, orig io.Reader, br *bufio.Reader) (*File, error) {
	ra, size, cleanup, err := randomAccess(orig, br)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", base, err)
	}
	f, err := openMember(base, ra, size)
	if err != nil {
		return nil, errors.Join(err, cleanup())
	}
	f.closers = append([]func() error{cleanup}, f.closers...)
	return f, nil
}

// randomAccess returns the zip content as an io.ReaderAt. An *os.File that can seek is
// used in place, from where its offset stood when Open was called; anything else is
// copied to a temporary file that cleanup removes.
func randomAccess(orig io.Reader, br *bufio.Reader) (io.ReaderAt, int64, func() error, error) {
	noop := func() error { return nil }
	if f, ok := orig.(*os.File); ok {
		if ra, size, ok := inPlace(f, br); ok {
			return ra, size, noop, nil
		}
	}
	tmp, err := os.CreateTemp("", "baken-zip-*")
	if err != nil {
		return nil, 0, nil, fmt.Errorf("zip needs a temporary file: %w", err)
	}
	cleanup := func() error {
		return errors.Join(tmp.Close(), os.Remove(tmp.Name()))
	}
	size, err := io.Copy(tmp, br)
	if err != nil {
		return nil, 0, nil, errors.Join(fmt.Errorf("copy zip to a temporary file: %w", err), cleanup())
	}
	return tmp, size, cleanup, nil
}

// inPlace returns a section of f that starts where Open began reading, when f can seek.
func inPlace(f *os.File, br *bufio.Reader) (io.ReaderAt, int64, bool) {
	// The buffered reader has read ahead: the content started br.Buffered() bytes back.
	cur, err := f.Seek(0, io.SeekCurrent)
	if err != nil {
		return nil, 0, false
	}
	start := cur - int64(br.Buffered())
	st, err := f.Stat()
	if err != nil || !st.Mode().IsRegular() || start < 0 || st.Size() < start {
		return nil, 0, false
	}
	return io.NewSectionReader(f, start, st.Size()-start), st.Size() - start, true
}

// openMember finds the one regular file in the archive and opens it.
func openMember(base string, ra io.ReaderAt, size int64) (*File, error) {
	zr, err := zip.NewReader(ra, size)
	if err != nil {
		return nil, fmt.Errorf("open %s: zip: %w", base, err)
	}
	var members []*zip.File
	for _, zf := range zr.File {
		if zf.FileInfo().IsDir() || zf.Mode()&os.ModeType != 0 || isMetadata(zf.Name) {
			continue
		}
		members = append(members, zf)
	}
	switch len(members) {
	case 0:
		return nil, fmt.Errorf("open %s: zip holds no file", base)
	case 1:
	default:
		names := make([]string, 0, 4)
		for i, m := range members {
			if i == 3 {
				names = append(names, "...")
				break
			}
			names = append(names, m.Name)
		}
		return nil, fmt.Errorf("open %s: zip holds %d files (%s), expected one",
			base, len(members), strings.Join(names, ", "))
	}
	rc, err := members[0].Open()
	if err != nil {
		return nil, fmt.Errorf("open %s: zip member %s: %w", base, members[0].Name, err)
	}
	return &File{Name: baseName(members[0].Name), Format: Zip, r: rc, closers: []func() error{quiet(rc)}}, nil
}

// isMetadata reports whether a zip entry is macOS Finder metadata, not content.
func isMetadata(name string) bool {
	return strings.HasPrefix(name, "__MACOSX/") || baseName(name) == ".DS_Store"
}
