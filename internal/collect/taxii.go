package collect

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/baken-cert/baken/internal/safehttp"
)

// TAXIIConfig polls one collection of a partner's TAXII 2.1 server: each run asks for
// the objects added after the last run's, page by page, and keeps each page as a STIX
// bundle for the feed's STIX parser (use the stix format).
type TAXIIConfig struct {
	// URL is the collection's address: https://host/{api-root}/collections/{id}/.
	URL string `json:"url"`
	// Username and Password log in with HTTP Basic authentication, which every TAXII
	// server supports; Token is sent as a bearer token instead, for servers that use one.
	Username string `json:"username,omitempty"`
	Password Secret `json:"password,omitempty"`
	Token    Secret `json:"token,omitempty"`
	// Limit is the page size asked for; default 1000. The server may send fewer.
	Limit int `json:"limit,omitempty"`
	// Since is where the first run starts (RFC 3339); default 30 days back.
	Since string `json:"since,omitempty"`
}

// taxiiMediaType is what TAXII 2.1 servers speak.
const taxiiMediaType = "application/taxii+json;version=2.1"

// taxiiMaxPages bounds the pages one run reads; the next run goes on from there.
const taxiiMaxPages = 100

func (c *TAXIIConfig) check() error {
	var errs []error
	if u, err := url.Parse(c.URL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || !strings.Contains(u.Path, "/collections/") {
		errs = append(errs, fmt.Errorf("collect: taxii: url %q: want the collection's address, https://host/api-root/collections/ID/", c.URL))
	}
	if c.Password != "" {
		errs = append(errs, c.Password.check("taxii password"))
	}
	if c.Token != "" {
		errs = append(errs, c.Token.check("taxii token"))
	}
	if (c.Username == "") != (c.Password == "") {
		errs = append(errs, errors.New("collect: taxii: give both username and password, or neither"))
	}
	if c.Since != "" {
		if _, err := time.Parse(time.RFC3339, c.Since); err != nil {
			errs = append(errs, fmt.Errorf("collect: taxii: since %q: want RFC 3339, e.g. 2026-01-01T00:00:00Z", c.Since))
		}
	}
	if c.Limit < 0 {
		errs = append(errs, errors.New("collect: taxii: limit cannot be negative"))
	}
	return errors.Join(errs...)
}

// taxiiCursor is where the next run starts: the date_added of the last object kept.
type taxiiCursor struct {
	AddedAfter string `json:"added_after,omitempty"`
}

// envelope is a TAXII 2.1 envelope, the answer to Get Objects.
type envelope struct {
	More    bool              `json:"more"`
	Next    string            `json:"next"`
	Objects []json.RawMessage `json:"objects"`
}

func (c *TAXIIConfig) collect(ctx context.Context, r *run) error {
	var cur taxiiCursor
	if err := r.loadCursor(&cur); err != nil {
		return err
	}
	if cur.AddedAfter == "" {
		cur.AddedAfter = cmpOrSince(c.Since, r.s.now())
	}
	client := r.httpClient()
	// The pages of one run are asked with the same added_after: next continues that
	// query. The cursor saved after each page is where the next run starts.
	addedAfter, next := cur.AddedAfter, ""
	for range taxiiMaxPages {
		env, last, err := c.page(ctx, client, addedAfter, next)
		if err != nil {
			return err
		}
		if len(env.Objects) > 0 {
			bundle, err := bundleOf(env.Objects)
			if err != nil {
				return err
			}
			name := fmt.Sprintf("taxii-%s-%s.json", path.Base(strings.TrimSuffix(c.URL, "/")), cmp.Or(last, r.s.now().UTC().Format(time.RFC3339)))
			if _, err := r.keep(ctx, name, c.URL, bundle); err != nil {
				return err
			}
		}
		// The cursor moves only past what is kept: a crash reads the page again.
		if last != "" {
			cur.AddedAfter = last
			if err := r.saveCursor(cur); err != nil {
				return err
			}
		}
		if !env.More || env.Next == "" {
			break
		}
		next = env.Next
	}
	return r.saveCursor(cur)
}

// page gets one page of objects; last is the X-TAXII-Date-Added-Last of the page.
func (c *TAXIIConfig) page(ctx context.Context, client *http.Client, addedAfter, next string) (envelope, string, error) {
	q := url.Values{}
	q.Set("added_after", addedAfter)
	q.Set("limit", strconv.Itoa(cmpInt(c.Limit, 1000)))
	if next != "" {
		q.Set("next", next)
	}
	u := strings.TrimSuffix(c.URL, "/") + "/objects/?" + q.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return envelope{}, "", err
	}
	req.Header.Set("Accept", taxiiMediaType)
	if err := c.authorise(req); err != nil {
		return envelope{}, "", err
	}
	resp, err := client.Do(req)
	if err != nil {
		return envelope{}, "", err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if errors.Is(err, safehttp.ErrBodyTooLarge) {
		return envelope{}, "", fmt.Errorf("TAXII %s: a page larger than the feed's max_size: lower limit", c.URL)
	} else if err != nil {
		return envelope{}, "", fmt.Errorf("TAXII %s: %w", c.URL, err)
	}
	if resp.StatusCode != http.StatusOK {
		return envelope{}, "", fmt.Errorf("TAXII %s: %s: %s", c.URL, resp.Status, taxiiError(body))
	}
	var env envelope
	if err := json.Unmarshal(body, &env); err != nil {
		return envelope{}, "", fmt.Errorf("TAXII %s: not an envelope: %w", c.URL, err)
	}
	return env, resp.Header.Get("X-TAXII-Date-Added-Last"), nil
}

func (c *TAXIIConfig) authorise(req *http.Request) error {
	switch {
	case c.Token != "":
		t, err := c.Token.Value()
		if err != nil {
			return err
		}
		req.Header.Set("Authorization", "Bearer "+t)
	case c.Username != "":
		p, err := c.Password.Value()
		if err != nil {
			return err
		}
		req.SetBasicAuth(c.Username, p)
	}
	return nil
}

// taxiiError is the title of a TAXII error message, else the start of the body.
func taxiiError(body []byte) string {
	var e struct {
		Title       string `json:"title"`
		Description string `json:"description"`
	}
	if json.Unmarshal(body, &e) == nil && e.Title != "" {
		return strings.TrimSpace(e.Title + " " + e.Description)
	}
	return strings.TrimSpace(string(body[:min(len(body), 200)]))
}

// bundleOf wraps objects in a STIX bundle whose id is derived from them, so that the
// same objects make the same file (and its hash recognises them).
func bundleOf(objects []json.RawMessage) ([]byte, error) {
	raw, err := json.Marshal(objects)
	if err != nil {
		return nil, err
	}
	h := sha256.Sum256(raw)
	h[6], h[8] = h[6]&0x0f|0x50, h[8]&0x3f|0x80 // a name-based UUID's version and variant
	x := hex.EncodeToString(h[:16])
	id := "bundle--" + x[:8] + "-" + x[8:12] + "-" + x[12:16] + "-" + x[16:20] + "-" + x[20:32]
	return json.Marshal(struct {
		Type    string            `json:"type"`
		ID      string            `json:"id"`
		Objects []json.RawMessage `json:"objects"`
	}{"bundle", id, objects})
}

func cmpOrSince(since string, now time.Time) string {
	if since != "" {
		return since
	}
	return now.UTC().AddDate(0, 0, -30).Format(time.RFC3339)
}

func cmpInt(a, b int) int {
	if a > 0 {
		return a
	}
	return b
}
