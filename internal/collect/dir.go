package collect

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// DirConfig watches a directory that another tool (an SFTP server, a mail filter, a
// script) drops files in. Each run keeps every complete file, then moves it to the done
// folder (kept by Baken; its ingestion is shown by `baken feed status`) or, when it
// cannot be kept (unreadable, too large), to the failed folder.
type DirConfig struct {
	Path string `json:"path"`
	// Done and Failed are where handled files go; default Path/done and Path/failed.
	Done   string `json:"done,omitempty"`
	Failed string `json:"failed,omitempty"`
	// Pattern keeps only the names that match it (filepath.Match, e.g. "*.csv").
	Pattern string `json:"pattern,omitempty"`
	// Settle is how long a file must be left unchanged before it counts as complete;
	// default 1m. Names starting with "." or ending in .part, .tmp or .filepart are
	// never taken: they are still being written.
	Settle Duration `json:"settle,omitzero"`
}

func (d *DirConfig) check() error {
	if d.Path == "" || !filepath.IsAbs(d.Path) {
		return fmt.Errorf("collect: dir: path %q: want an absolute directory", d.Path)
	}
	if d.Pattern != "" {
		if _, err := filepath.Match(d.Pattern, "x"); err != nil {
			return fmt.Errorf("collect: dir: pattern %q: %w", d.Pattern, err)
		}
	}
	if d.Settle < 0 {
		return errors.New("collect: dir: settle cannot be negative")
	}
	return nil
}

func (d *DirConfig) folders() (done, failed string) {
	return cmp.Or(d.Done, filepath.Join(d.Path, "done")), cmp.Or(d.Failed, filepath.Join(d.Path, "failed"))
}

func (d *DirConfig) collect(ctx context.Context, r *run) error {
	entries, err := os.ReadDir(d.Path)
	if err != nil {
		return err
	}
	done, failed := d.folders()
	settle := time.Duration(d.Settle)
	if settle == 0 {
		settle = time.Minute
	}
	now := r.s.now()
	var errs []error
	for _, e := range entries {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		name := e.Name()
		if !e.Type().IsRegular() || partial(name) {
			continue
		}
		if ok, _ := filepath.Match(cmp.Or(d.Pattern, "*"), name); !ok {
			continue
		}
		path := filepath.Join(d.Path, name)
		info, err := e.Info()
		if err != nil || now.Sub(info.ModTime()) < settle {
			continue // gone, or still being written
		}
		data, err := readLimited(path, r.cfg.maxSize())
		if err != nil {
			errs = append(errs, err, move(path, failed))
			continue
		}
		// The file is moved only once it is kept: after a crash in between it is read
		// again, and the content hash sees that it was kept.
		if _, err := r.keep(ctx, name, path, data); err != nil {
			return errors.Join(append(errs, err)...)
		}
		errs = append(errs, move(path, done))
	}
	return errors.Join(errs...)
}

// partial says whether a name is that of a file still being written.
func partial(name string) bool {
	if strings.HasPrefix(name, ".") {
		return true
	}
	for _, ext := range []string{".part", ".tmp", ".filepart", ".partial"} {
		if strings.HasSuffix(strings.ToLower(name), ext) {
			return true
		}
	}
	return false
}

func readLimited(path string, max int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", path, err)
	}
	if int64(len(data)) > max {
		return nil, fmt.Errorf("%s is larger than the feed's max_size of %d bytes", path, max)
	}
	return data, nil
}

// move moves a file into folder, under a new name when one of the same name is there.
func move(path, folder string) error {
	if err := os.MkdirAll(folder, 0o750); err != nil {
		return err
	}
	base := filepath.Base(path)
	dst := filepath.Join(folder, base)
	for i := 1; ; i++ {
		if _, err := os.Lstat(dst); errors.Is(err, os.ErrNotExist) {
			break
		}
		ext := filepath.Ext(base)
		dst = filepath.Join(folder, fmt.Sprintf("%s.%d%s", strings.TrimSuffix(base, ext), i, ext))
	}
	if err := os.Rename(path, dst); err != nil {
		return fmt.Errorf("moving %s to %s: %w", path, folder, err)
	}
	return nil
}
