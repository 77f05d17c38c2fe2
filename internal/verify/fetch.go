package verify

import (
	"context"
	"errors"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/baken-cert/baken/internal/problem"
	"github.com/baken-cert/baken/internal/safehttp"
)

// MaxSecurityTxt is the largest security.txt file Fetch reads.
const MaxSecurityTxt = 32 << 10

// Where a security.txt file lives: RFC 9116 section 3, and the legacy place.
const (
	wellKnownPath = "/.well-known/security.txt"
	legacyPath    = "/security.txt"
)

// Fetch gets https://<domain>/.well-known/security.txt, or https://<domain>/security.txt
// if that is not found (404), and parses it as of now. c should be a
// safehttp client. It fails if neither place has the file, if the server answers
// other than 200, if the file is not text/plain, larger than MaxSecurityTxt, or
// ends up (after redirects) elsewhere than on https. Problems with the file
// itself are problems, not errors. The error is a *problem.Problem.
func Fetch(ctx context.Context, c *http.Client, domain string) (SecurityTxt, []Problem, error) {
	host := normaliseDomain(domain)
	if host == "" || strings.ContainsAny(host, "/?#@: \t") {
		return SecurityTxt{}, nil, problem.New("fetching security.txt: %q is not a domain name", domain)
	}
	return fetch(ctx, c, "https://"+host, time.Now())
}

// fetch is Fetch from base, a scheme and host without a final slash, so that tests
// can use a server on a loopback port.
func fetch(ctx context.Context, c *http.Client, base string, now time.Time) (SecurityTxt, []Problem, error) {
	asked := base + wellKnownPath
	body, resp, err := get(ctx, c, asked)
	if err == nil && resp.StatusCode == http.StatusNotFound {
		asked = base + legacyPath
		body, resp, err = get(ctx, c, asked)
	}
	if err != nil {
		return SecurityTxt{}, nil, err
	}
	where := resp.Request.URL
	if resp.StatusCode != http.StatusOK {
		return SecurityTxt{}, nil, problem.New("fetching security.txt: %s answered %s", where.Redacted(), resp.Status)
	}
	if where.Scheme != "https" {
		return SecurityTxt{}, nil, problem.New("fetching security.txt: redirected to %s, which is not https", where.Redacted())
	}
	charsetProblem, badType := checkContentType(resp.Header.Get("Content-Type"))
	if badType != nil {
		return SecurityTxt{}, nil, problem.New("fetching security.txt: %s %v", where.Redacted(), badType)
	}

	st, problems := Parse(body, now)
	st.URL = where.String()
	if charsetProblem != nil {
		problems = append(problems, problemAt(0, charsetProblem, false))
	}
	if canonical := canonicalProblem(st.Canonical, asked, where); canonical != nil {
		problems = append(problems, problemAt(0, canonical, true))
		st.Valid = false
	}
	return st, problems, nil
}

// canonicalProblem says what is wrong when a file lists Canonical URIs and neither
// the URL asked for nor the one redirects ended at is among them (RFC 9116 section
// 2.5.2: then the file is not to be trusted; the DTC's validator accepts either
// end of the redirect chain).
func canonicalProblem(canonical []string, asked string, where *url.URL) *problem.Problem {
	if len(canonical) == 0 || slices.ContainsFunc(canonical, sameURL(where)) {
		return nil
	}
	first, err := url.Parse(asked)
	if err != nil {
		return problem.New("the file was found at %s, which is not among its Canonical URIs", where)
	}
	if slices.ContainsFunc(canonical, sameURL(first)) {
		return nil
	}
	if first.String() == where.String() {
		return problem.New("the file was found at %s, which is not among its Canonical URIs", where)
	}
	return problem.New("the file was asked for at %s and found at %s, neither of which is among its Canonical URIs", first, where)
}

// get fetches url, at most MaxSecurityTxt bytes of it, with errors saying so.
func get(ctx context.Context, c *http.Client, url string) ([]byte, *http.Response, error) {
	body, resp, err := safehttp.Get(ctx, c, url, MaxSecurityTxt)
	switch {
	case errors.Is(err, safehttp.ErrBodyTooLarge):
		return nil, nil, problem.New("fetching security.txt: %s is larger than %d KiB: %v", url, MaxSecurityTxt>>10, err)
	case err != nil:
		return nil, nil, problem.New("fetching security.txt: %v", err)
	}
	return body, resp, nil
}

// checkContentType requires text/plain. RFC 9116 also asks for charset=utf-8; a
// missing or other charset is returned as a problem (Parse checks the bytes).
func checkContentType(ct string) (charsetProblem, badType *problem.Problem) {
	if ct == "" {
		return nil, problem.New("has no Content-Type; text/plain is required")
	}
	mediaType, params, parseErr := mime.ParseMediaType(ct)
	if parseErr != nil {
		return nil, problem.New("has an unreadable Content-Type %q", ct)
	}
	if mediaType != "text/plain" {
		return nil, problem.New("is %s, not text/plain", mediaType)
	}
	switch charset := strings.ToLower(params["charset"]); charset {
	case "utf-8":
		return nil, nil
	case "":
		return problem.New("the Content-Type has no charset; RFC 9116 asks for text/plain; charset=utf-8"), nil
	default:
		return problem.New("the Content-Type says charset=%s; RFC 9116 asks for utf-8", charset), nil
	}
}

// sameURL returns a test for a Canonical URI naming u (scheme and host are
// case-insensitive, and https's port 443 may be left out).
func sameURL(u *url.URL) func(string) bool {
	return func(canonical string) bool {
		c, err := url.Parse(canonical)
		return err == nil && strings.EqualFold(c.Scheme, u.Scheme) &&
			strings.EqualFold(httpsHost(c), httpsHost(u)) && c.EscapedPath() == u.EscapedPath()
	}
}

// httpsHost returns u's host and port, without the port if it is https's own.
func httpsHost(u *url.URL) string {
	if strings.EqualFold(u.Scheme, "https") && u.Port() == "443" {
		return strings.TrimSuffix(u.Host, ":443")
	}
	return u.Host
}
