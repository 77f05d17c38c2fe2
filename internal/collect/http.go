package collect

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"path"
	"strings"

	"github.com/baken-cert/baken/internal/safehttp"
)

// HTTPConfig downloads one URL (a list or a file) each run, asking the server whether it
// changed (If-None-Match, If-Modified-Since) so that an unchanged file is not fetched.
type HTTPConfig struct {
	URL string `json:"url"`
	// Name is the file name it is ingested as (it may tell the report type); default
	// the name the server gives (Content-Disposition) or the URL's last segment.
	Name string `json:"name,omitempty"`
	// Headers are sent with the request: literal values, or secrets ("env:NAME",
	// "file:/path") for those that start with one of these.
	Headers map[string]string `json:"headers,omitempty"`
	// Token, when set, is sent as "Authorization: Bearer <token>".
	Token Secret `json:"token,omitempty"`
}

func (h *HTTPConfig) check() error {
	u, err := url.Parse(h.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("collect: http: url %q: want http(s)://host/path", h.URL)
	}
	if u.User != nil {
		return errors.New("collect: http: put no credentials in the url; use token or headers with a secret")
	}
	if h.Token != "" {
		return h.Token.check("http token")
	}
	return nil
}

// httpCursor is what the HTTP collector remembers: the validators of the last download.
type httpCursor struct {
	ETag         string `json:"etag,omitempty"`
	LastModified string `json:"last_modified,omitempty"`
}

func (h *HTTPConfig) collect(ctx context.Context, r *run) error {
	var cur httpCursor
	if err := r.loadCursor(&cur); err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, h.URL, nil)
	if err != nil {
		return err
	}
	if err := h.authorise(req); err != nil {
		return err
	}
	if cur.ETag != "" {
		req.Header.Set("If-None-Match", cur.ETag)
	}
	if cur.LastModified != "" {
		req.Header.Set("If-Modified-Since", cur.LastModified)
	}
	resp, err := r.httpClient().Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	switch {
	case resp.StatusCode == http.StatusNotModified:
		return nil
	case resp.StatusCode != http.StatusOK:
		return fmt.Errorf("GET %s: %s", h.URL, resp.Status)
	}
	data, err := io.ReadAll(resp.Body)
	if errors.Is(err, safehttp.ErrBodyTooLarge) {
		return fmt.Errorf("GET %s: larger than the feed's max_size of %d bytes", h.URL, r.cfg.maxSize())
	} else if err != nil {
		return fmt.Errorf("GET %s: %w", h.URL, err)
	}
	if len(data) == 0 {
		return nil // nothing to ingest; the next run asks again
	}
	if _, err := r.keep(ctx, h.fileName(resp), h.URL, data); err != nil {
		return err
	}
	// The validators are remembered only once the file is kept: a crash before that
	// downloads it again, and the content hash sees that it is the same.
	return r.saveCursor(httpCursor{ETag: resp.Header.Get("ETag"), LastModified: resp.Header.Get("Last-Modified")})
}

func (h *HTTPConfig) authorise(req *http.Request) error {
	for k, v := range h.Headers {
		if strings.HasPrefix(v, "env:") || strings.HasPrefix(v, "file:") {
			s, err := Secret(v).Value()
			if err != nil {
				return fmt.Errorf("header %s: %w", k, err)
			}
			v = s
		}
		req.Header.Set(k, v)
	}
	if h.Token != "" {
		t, err := h.Token.Value()
		if err != nil {
			return err
		}
		req.Header.Set("Authorization", "Bearer "+t)
	}
	return nil
}

// fileName is the name the file is ingested as: the configured one, the server's or the
// URL's last segment.
func (h *HTTPConfig) fileName(resp *http.Response) string {
	if h.Name != "" {
		return h.Name
	}
	if _, p, err := mime.ParseMediaType(resp.Header.Get("Content-Disposition")); err == nil {
		if n := path.Base(strings.ReplaceAll(p["filename"], `\`, "/")); n != "." && n != "/" && n != "" {
			return n
		}
	}
	if u, err := url.Parse(h.URL); err == nil {
		if n := path.Base(u.Path); n != "." && n != "/" {
			return n
		}
	}
	return "download"
}
