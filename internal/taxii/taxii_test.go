package taxii

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/baken-cert/baken/internal/account"
	"github.com/baken-cert/baken/internal/auth"
	"github.com/baken-cert/baken/internal/store"
	"github.com/baken-cert/baken/internal/store/storetest"
)

// bundle is a TAXII server over a store with an intermediary a, its child a1, and
// b; tokens of each; and objects in their collections.
type bundle struct {
	s        store.Store
	base     string
	a, a1, b store.Organisation
	tokens   map[string]string // name -> plain token
	t0       time.Time
}

// serve returns the base URL of another server (another process, as it were) over s.
func serve(t *testing.T, s store.Store) string {
	var srv *Server
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { srv.ServeHTTP(w, r) }))
	t.Cleanup(ts.Close)
	srv = New(s, account.New(s, time.Now), ts.URL, "Digital Trust Center", slog.New(slog.DiscardHandler))
	return ts.URL
}

func setup(t *testing.T, s store.Store) *bundle {
	t.Helper()
	ctx := context.Background()
	im, _ := s.BeginRegistryImport(ctx)
	if _, err := im.Commit(ctx, store.ImportCommit{Organisations: []store.OrgInput{{Ref: "a", Name: "Alpha"}, {Ref: "a1", Name: "Alpha One", ParentRef: "a"},
		{Ref: "b", Name: "Bravo"}}, Now: time.Now()}); err != nil {
		t.Fatal(err)
	}
	tb := &bundle{s: s, tokens: map[string]string{}, t0: time.Now().UTC().Truncate(time.Second)}
	tb.a, _ = s.Organisation(ctx, "a")
	tb.a1, _ = s.Organisation(ctx, "a1")
	tb.b, _ = s.Organisation(ctx, "b")
	svc := account.New(s, time.Now)
	mk := func(name string, org int64, spec account.TokenSpec) {
		spec.Name = name
		if spec.Scopes == nil {
			spec.Scopes = []string{account.ScopeTAXIIRead}
		}
		plain, _, err := svc.CreateToken(ctx, account.CommandLine, org, spec)
		if err != nil {
			t.Fatal(err)
		}
		tb.tokens[name] = plain
	}
	mk("a", tb.a.ID, account.TokenSpec{})
	mk("a1", tb.a1.ID, account.TokenSpec{})
	mk("b", tb.b.ID, account.TokenSpec{})
	mk("no-scope", tb.a.ID, account.TokenSpec{Scopes: []string{account.ScopeAssetsRead}})
	mk("elsewhere", tb.a.ID, account.TokenSpec{Allow: []string{"192.0.2.0/24"}})
	mk("revoked", tb.a.ID, account.TokenSpec{})
	list, _ := svc.Tokens(ctx, account.CommandLine, tb.a.ID)
	for _, tok := range list {
		if tok.Name == "revoked" {
			svc.RevokeToken(ctx, account.CommandLine, tb.a.ID, tok.ID)
		}
	}
	// An expired token, as the store would hold one after its time.
	if _, err := s.CreateAPIToken(ctx, store.APITokenInput{OrgID: tb.a.ID, Name: "expired", Hash: hashOf("baken_expired"), Scopes: []string{account.ScopeTAXIIRead},
		ExpiresAt: time.Now().Add(-time.Minute), Now: time.Now().Add(-time.Hour)}, store.AuditEntry{Action: "token.create"}); err != nil {
		t.Fatal(err)
	}
	tb.tokens["expired"] = "baken_expired"

	// Alpha: 7 indicators added one at a time, the first in two versions; Alpha One:
	// one; Bravo: its secret; the public collection: one report.
	for i := range 7 {
		tb.add(t, tb.a.ID, indicator(i, tb.t0, "alpha"), tb.t0.Add(time.Duration(i)*time.Second))
	}
	tb.add(t, tb.a.ID, indicator(0, tb.t0.Add(time.Hour), "alpha"), tb.t0.Add(10*time.Second))
	tb.add(t, tb.a1.ID, indicator(100, tb.t0, "alpha-one"), tb.t0)
	tb.add(t, tb.b.ID, indicator(200, tb.t0, "secret-bravo"), tb.t0)
	tb.add(t, store.PublicCollection, []byte(`{"type":"report","spec_version":"2.1","id":"report--00000000-0000-4000-8000-000000000300","created":"2026-01-01T00:00:00Z","modified":"2026-01-01T00:00:00Z","name":"general"}`), tb.t0)
	tb.base = serve(t, s)
	return tb
}

// hashOf is the hash the accounts service looks a token up by.
func hashOf(plain string) string { return auth.HashToken(plain) }

func (tb *bundle) add(t *testing.T, org int64, raw []byte, at time.Time) {
	t.Helper()
	in, err := store.NewSTIXObject(org, raw)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tb.s.AddSTIXObjects(context.Background(), []store.STIXObjectInput{in}, at); err != nil {
		t.Fatal(err)
	}
}

func indicatorID(i int) string { return fmt.Sprintf("indicator--00000000-0000-4000-8000-%012d", i) }

func indicator(i int, modified time.Time, name string) []byte {
	return fmt.Appendf(nil, `{"type":"indicator","spec_version":"2.1","id":%q,"created":%q,"modified":%q,"name":%q,"pattern":"[ipv4-addr:value = '192.0.2.%d']","pattern_type":"stix","valid_from":%q}`,
		indicatorID(i), modified.Format(time.RFC3339), modified.Format(time.RFC3339Nano), name, i%250, modified.Format(time.RFC3339))
}

// request is one request of a scenario.
type request struct {
	method, path, token, accept, contentType, body string
	basic                                          bool
}

func (tb *bundle) do(t *testing.T, base string, rq request) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest(cmpOr(rq.method, "GET"), base+rq.path, strings.NewReader(rq.body))
	if rq.accept != "-" {
		req.Header.Set("Accept", cmpOr(rq.accept, MediaType))
	}
	if rq.contentType != "" {
		req.Header.Set("Content-Type", rq.contentType)
	}
	if tok, ok := tb.tokens[rq.token]; ok && rq.basic {
		req.SetBasicAuth("anyone", tok)
	} else if ok {
		req.Header.Set("Authorization", "Bearer "+tok)
	} else if rq.token != "" {
		req.Header.Set("Authorization", "Bearer "+rq.token)
	}
	resp, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// TestTenancy is the scenario table of every route: tokens of other organisations,
// or without the scope, or none, see nothing of Alpha's collection; what they must not
// see is checked in every answer.
func TestTenancy(t *testing.T) {
	tb := setup(t, storetest.Open(t, "sqlite"))
	colA, colA1, colB, public := CollectionID(tb.a.ID), CollectionID(tb.a1.ID), CollectionID(tb.b.ID), CollectionID(store.PublicCollection)
	objA := "/taxii2/api/collections/" + colA + "/objects/"
	secretA := []string{"alpha", indicatorID(3)}
	secretB := []string{"secret-bravo", indicatorID(200), colB, "Bravo"}
	for _, c := range []struct {
		name    string
		rq      request
		status  int
		want    []string
		mustNot []string
	}{
		{"discovery", request{path: "/taxii2/", token: "a"}, 200, []string{`"api_roots":["` + tb.base + `/taxii2/api/"]`}, nil},
		{"api root", request{path: "/taxii2/api/", token: "a"}, 200, []string{MediaType}, nil},
		{"collections of an intermediary", request{path: "/taxii2/api/collections/", token: "a"}, 200, []string{colA, colA1, public, "Alpha One"}, secretB},
		{"collections of a child", request{path: "/taxii2/api/collections/", token: "a1"}, 200, []string{colA1}, append([]string{colA + `"`}, secretB...)},
		{"collections of another", request{path: "/taxii2/api/collections/", token: "b"}, 200, []string{colB}, []string{colA, colA1, "Alpha"}},
		{"own collection", request{path: "/taxii2/api/collections/" + colA + "/", token: "a"}, 200, []string{`"can_write":false`}, nil},
		{"a child's collection", request{path: "/taxii2/api/collections/" + colA1 + "/objects/", token: "a"}, 200, []string{"alpha-one"}, secretB},
		{"own objects", request{path: objA, token: "a"}, 200, secretA, secretB},
		{"own objects, Basic", request{path: objA, token: "a", basic: true}, 200, secretA, nil},
		{"the parent's collection from a child", request{path: objA, token: "a1"}, 404, []string{`"http_status":"404"`}, secretA},
		{"another's collection", request{path: "/taxii2/api/collections/" + colA + "/", token: "b"}, 404, nil, secretA},
		{"another's objects", request{path: objA, token: "b"}, 404, nil, secretA},
		{"another's manifest", request{path: "/taxii2/api/collections/" + colA + "/manifest/", token: "b"}, 404, nil, secretA},
		{"another's object", request{path: objA + indicatorID(3) + "/", token: "b"}, 404, nil, secretA},
		{"another's versions", request{path: objA + indicatorID(0) + "/versions/", token: "b"}, 404, nil, secretA},
		{"another's object in own collection", request{path: "/taxii2/api/collections/" + colB + "/objects/" + indicatorID(3) + "/", token: "b"}, 404, nil, secretA},
		{"own collection, another's object id", request{path: objA + indicatorID(200) + "/", token: "a"}, 404, nil, secretB},
		{"own collection, filtered to another's id", request{path: objA + "?match[id]=" + indicatorID(200), token: "a"}, 200, nil, secretB},
		{"public collection", request{path: "/taxii2/api/collections/" + public + "/objects/", token: "b"}, 200, []string{"general"}, secretA},
		{"no token", request{path: objA}, 401, []string{`"http_status":"401"`}, append(secretA, "<html")},
		{"no token, discovery", request{path: "/taxii2/"}, 401, nil, []string{"api_roots"}},
		{"an unknown token", request{path: objA, token: "baken_nope"}, 401, nil, secretA},
		{"a revoked token", request{path: objA, token: "revoked"}, 401, nil, secretA},
		{"an expired token", request{path: objA, token: "expired"}, 401, nil, secretA},
		{"a token without taxii:read", request{path: objA, token: "no-scope"}, 403, nil, secretA},
		{"a token from an address not allowed", request{path: objA, token: "elsewhere"}, 403, nil, secretA},
		{"POST to own collection", request{method: "POST", path: objA, token: "a", contentType: MediaType, body: `{"objects":[]}`}, 403, []string{"read-only"}, nil},
		{"POST of another media type", request{method: "POST", path: objA, token: "a", contentType: "application/json", body: `{}`}, 415, nil, nil},
		{"POST to another's collection", request{method: "POST", path: objA, token: "b", contentType: MediaType, body: `{}`}, 404, nil, secretA},
		{"DELETE of own object", request{method: "DELETE", path: objA + indicatorID(3) + "/", token: "a"}, 403, nil, nil},
		{"DELETE of another's object", request{method: "DELETE", path: objA + indicatorID(3) + "/", token: "b"}, 404, nil, secretA},
		{"status", request{path: "/taxii2/api/status/x/", token: "a"}, 404, nil, nil},
		{"an unknown path", request{path: "/taxii2/api/nothing/", token: "a"}, 404, nil, nil},
		{"an unknown path, no token", request{path: "/taxii2/api/nothing/"}, 401, nil, nil},
		{"a method not allowed", request{method: "PUT", path: objA, token: "a"}, 405, nil, secretA},
		{"Accept: JSON", request{path: objA, token: "a", accept: "application/json"}, 406, []string{`"http_status":"406"`}, secretA},
		{"Accept: anything", request{path: objA, token: "a", accept: "*/*"}, 406, nil, secretA},
		{"no Accept", request{path: objA, token: "a", accept: "-"}, 406, nil, secretA},
		{"Accept: TAXII 2.0", request{path: objA, token: "a", accept: "application/taxii+json;version=2.0"}, 406, nil, secretA},
		{"Accept: TAXII, no version", request{path: objA, token: "a", accept: "application/taxii+json"}, 200, secretA, nil},
		{"Accept: several", request{path: objA, token: "a", accept: "application/json, application/taxii+json; version=2.1; q=0.5"}, 200, secretA, nil},
		{"Accept: q=0", request{path: objA, token: "a", accept: "application/taxii+json;version=2.1;q=0"}, 406, nil, secretA},
		{"a bad filter", request{path: objA + "?added_after=yesterday", token: "a"}, 400, nil, secretA},
		{"a forged cursor", request{path: objA + "?next=" + base64.RawURLEncoding.EncodeToString([]byte("1.x.y")), token: "a"}, 400, nil, secretA},
	} {
		resp, body := tb.do(t, tb.base, c.rq)
		if resp.StatusCode != c.status {
			t.Errorf("%s: %d, want %d\n%s", c.name, resp.StatusCode, c.status, body)
			continue
		}
		if ct := resp.Header.Get("Content-Type"); ct != MediaType {
			t.Errorf("%s: Content-Type %q", c.name, ct)
		}
		if c.status == 401 && len(resp.Header.Values("WWW-Authenticate")) != 2 {
			t.Errorf("%s: WWW-Authenticate %q", c.name, resp.Header.Values("WWW-Authenticate"))
		}
		if c.status >= 400 && !json.Valid([]byte(body)) || c.status >= 400 && !strings.Contains(body, fmt.Sprintf(`"http_status":"%d"`, c.status)) {
			t.Errorf("%s: not a TAXII error: %s", c.name, body)
		}
		for _, w := range c.want {
			if !strings.Contains(body, w) {
				t.Errorf("%s: %q missing from\n%s", c.name, w, body)
			}
		}
		for _, w := range c.mustNot {
			if strings.Contains(body, w) {
				t.Errorf("%s: %q must not appear in\n%s", c.name, w, body)
			}
		}
	}
}

// TestRedirects: every path ends in /; one without it is redirected there (307: a
// POST stays a POST), the query kept, before any token is asked for.
func TestRedirects(t *testing.T) {
	tb := setup(t, storetest.Open(t, "sqlite"))
	col := CollectionID(tb.a.ID)
	for path, want := range map[string]string{
		"/taxii2/api":                                          "/taxii2/api/",
		"/taxii2/api/collections":                              "/taxii2/api/collections/",
		"/taxii2/api/collections/" + col + "/objects":          "/taxii2/api/collections/" + col + "/objects/",
		"/taxii2/api/collections/" + col + "/manifest?limit=2": "/taxii2/api/collections/" + col + "/manifest/?limit=2",
	} {
		resp, _ := tb.do(t, tb.base, request{path: path})
		if resp.StatusCode != http.StatusTemporaryRedirect || resp.Header.Get("Location") != want {
			t.Errorf("%s: %d %q, want %s", path, resp.StatusCode, resp.Header.Get("Location"), want)
		}
	}
}
