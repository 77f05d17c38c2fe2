package collect

import (
	"bytes"
	"cmp"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
)

// ShadowserverAPI is the Reports API's address.
const ShadowserverAPI = "https://transform.shadowserver.org/api2/"

// ShadowserverConfig lists the reports of the last days with Shadowserver's Reports API
// and downloads each one not seen before. Requests are signed as Shadowserver asks:
// a JSON body carrying the API key, and an HMAC2 header with the hexadecimal
// HMAC-SHA256 of the body under the secret.
type ShadowserverConfig struct {
	APIKey Secret `json:"api_key"`
	Secret Secret `json:"secret"`
	// URL is the API's base; default ShadowserverAPI.
	URL string `json:"url,omitempty"`
	// Reports narrows the list to these report names (your organisation or country, as
	// Shadowserver names it); empty: every report the key may read.
	Reports []string `json:"reports,omitempty"`
	// Types keeps the reports of these types only ("scan_http", "device_id", ...).
	Types []string `json:"types,omitempty"`
	// Days is how many days back each run looks, so that a missed day is caught up;
	// default 3.
	Days int `json:"days,omitempty"`
}

func (c *ShadowserverConfig) check() error {
	if c.URL != "" {
		if u, err := url.Parse(c.URL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("collect: shadowserver: url %q: want https://host/api2/", c.URL)
		}
	}
	if c.Days < 0 || c.Days > 30 {
		return fmt.Errorf("collect: shadowserver: days %d: want 1 to 30", c.Days)
	}
	return errors.Join(c.APIKey.check("shadowserver api_key"), c.Secret.check("shadowserver secret"))
}

// ssReport is one entry of reports/list.
type ssReport struct {
	ID     string `json:"id"`
	Report string `json:"report"`
	Type   string `json:"type"`
	File   string `json:"file"`
	// Timestamp is the report's date ("2026-04-01").
	Timestamp string `json:"timestamp"`
}

// ssCursor remembers the reports downloaded, with their day, for as long as the
// look-back reaches.
type ssCursor struct {
	Seen map[string]string `json:"seen,omitempty"` // report id -> day
}

func (c *ShadowserverConfig) collect(ctx context.Context, r *run) error {
	key, err := c.APIKey.Value()
	if err != nil {
		return err
	}
	secret, err := c.Secret.Value()
	if err != nil {
		return err
	}
	api := ssClient{base: cmp.Or(c.URL, ShadowserverAPI), key: key, secret: []byte(secret), http: r.httpClient()}
	var cur ssCursor
	if err := r.loadCursor(&cur); err != nil {
		return err
	}
	if cur.Seen == nil {
		cur.Seen = map[string]string{}
	}
	days := c.Days
	if days == 0 {
		days = 3
	}
	today := r.s.now().UTC()
	from := today.AddDate(0, 0, -(days - 1)).Format(time.DateOnly)
	list, err := api.list(ctx, from, today.Format(time.DateOnly), c.Reports)
	if err != nil {
		return err
	}
	var errs []error
	for _, rep := range list {
		if _, ok := cur.Seen[rep.ID]; ok || !c.wants(rep) {
			continue
		}
		data, err := api.download(ctx, rep.ID)
		if err != nil {
			errs = append(errs, fmt.Errorf("report %s: %w", rep.File, err))
			continue
		}
		if _, err := r.keep(ctx, rep.File, "shadowserver:"+rep.ID, data); err != nil {
			return errors.Join(append(errs, err)...)
		}
		cur.Seen[rep.ID] = cmp.Or(rep.Timestamp, today.Format(time.DateOnly))
	}
	// Forget the reports older than the look-back: they are not listed again.
	for id, day := range cur.Seen {
		if day < today.AddDate(0, 0, -(days+7)).Format(time.DateOnly) {
			delete(cur.Seen, id)
		}
	}
	return errors.Join(append(errs, r.saveCursor(cur))...)
}

func (c *ShadowserverConfig) wants(rep ssReport) bool {
	if len(c.Types) == 0 {
		return true
	}
	if rep.Type != "" {
		return slices.Contains(c.Types, rep.Type)
	}
	return slices.ContainsFunc(c.Types, func(t string) bool { return strings.Contains(rep.File, "-"+t+"-") })
}

// ssClient speaks Shadowserver's API.
type ssClient struct {
	base   string
	key    string
	secret []byte
	http   *http.Client
}

func (c ssClient) list(ctx context.Context, from, to string, reports []string) ([]ssReport, error) {
	req := map[string]any{"date": from + ":" + to}
	if len(reports) > 0 {
		req["reports"] = reports
	}
	body, err := c.call(ctx, "reports/list", req)
	if err != nil {
		return nil, err
	}
	var list []ssReport
	if err := json.Unmarshal(body, &list); err != nil {
		return nil, fmt.Errorf("shadowserver reports/list: %w", apiError(body, err))
	}
	return list, nil
}

func (c ssClient) download(ctx context.Context, id string) ([]byte, error) {
	body, err := c.call(ctx, "reports/download", map[string]any{"id": id})
	if err == nil && bytes.HasPrefix(bytes.TrimSpace(body), []byte(`{"error"`)) {
		return nil, fmt.Errorf("shadowserver reports/download: %w", apiError(body, nil))
	}
	return body, err
}

// Sign returns the HMAC2 header of a request body: hex(HMAC-SHA256(secret, body)).
func Sign(secret, body []byte) string {
	m := hmac.New(sha256.New, secret)
	m.Write(body)
	return hex.EncodeToString(m.Sum(nil))
}

// call posts a signed request to method and returns the response body.
func (c ssClient) call(ctx context.Context, method string, args map[string]any) ([]byte, error) {
	args["apikey"] = c.key
	body, err := json.Marshal(args)
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimSuffix(c.base, "/")+"/"+method, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("HMAC2", Sign(c.secret, body))
	resp, err := c.http.Do(req)
	if err != nil {
		// The error names the URL, never the body with the key.
		return nil, err
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("shadowserver %s: %w", method, err)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("shadowserver %s: %s: %s", method, resp.Status, apiError(out, nil))
	}
	return out, nil
}

// apiError is the message of an API error answer ({"error": "..."}), else err.
func apiError(body []byte, err error) error {
	var e struct {
		Error string `json:"error"`
	}
	if json.Unmarshal(body, &e) == nil && e.Error != "" {
		return errors.New(e.Error)
	}
	if err == nil {
		return errors.New(strings.TrimSpace(string(body[:min(len(body), 200)])))
	}
	return err
}
