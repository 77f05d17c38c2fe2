package ripe

import (
	"bufio"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// ErrNoNetworks is returned by Load for a directory that holds neither an inetnum nor an
// inet6num dump.
var ErrNoNetworks = errors.New("ripe: no ripe.db.inetnum or ripe.db.inet6num dump")

// Load reads the RIPE split dumps in dir: ripe.db.inetnum, ripe.db.inet6num,
// ripe.db.aut-num, ripe.db.organisation and ripe.db.role, each with or without ".gz"
// (the name with ".gz" is tried first; whether a file is compressed is decided by its
// content, not its name). A missing dump is skipped, but at least one of inetnum and
// inet6num must be there. Malformed objects are skipped and counted in Stats; the error
// is for what stops the load: a file that cannot be read or decompressed.
func Load(dir string) (*Dataset, error) {
	d := NewDataset()
	networks := false
	for _, name := range []string{"ripe.db.inetnum", "ripe.db.inet6num", "ripe.db.aut-num", "ripe.db.organisation", "ripe.db.role"} {
		found, err := d.loadFile(filepath.Join(dir, name))
		if err != nil {
			return nil, err
		}
		if found && (name == "ripe.db.inetnum" || name == "ripe.db.inet6num") {
			networks = true
		}
	}
	if !networks {
		return nil, fmt.Errorf("%w in %s", ErrNoNetworks, dir)
	}
	return d, nil
}

// loadFile reads path+".gz", else path, and reports whether either exists.
func (d *Dataset) loadFile(path string) (bool, error) {
	for _, p := range []string{path + ".gz", path} {
		f, err := os.Open(p)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return false, fmt.Errorf("ripe: %w", err)
		}
		err = d.ReadDump(f, p)
		f.Close()
		return true, err
	}
	return false, nil
}

// ReadDump adds the objects of one dump to d, decompressing it first if it starts with
// gzip's magic bytes. Malformed objects are skipped and counted in Stats, with name as
// their File. It returns an error only if r cannot be read or decompressed.
func (d *Dataset) ReadDump(r io.Reader, name string) error {
	br := bufio.NewReaderSize(r, 64<<10) // the size NewReader uses, so it reuses br
	src := io.Reader(br)
	if magic, _ := br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return fmt.Errorf("ripe: %s: %w", name, err)
		}
		defer zr.Close()
		src = zr
	}
	rd := NewReader(src)
	for {
		o, err := rd.Next()
		if err == io.EOF {
			return nil
		}
		if err == nil {
			err = d.Add(o)
		}
		if err = d.problem(name, err); err != nil {
			return fmt.Errorf("ripe: %s: %w", name, err)
		}
	}
}
