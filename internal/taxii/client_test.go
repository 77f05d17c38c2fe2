package taxii

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/baken-cert/baken/internal/store"
	"github.com/baken-cert/baken/internal/store/storetest"
)

// client is a TAXII 2.1 client written from the specification (OASIS TAXII 2.1,
// sections 1.6.8 media types, 3.4 pagination, 4 discovery and API roots, 5
// collections), not from the server's code: it follows the discovery resource to the
// API root, lists the collections, and walks objects with limit, more and next.
type client struct {
	t     *testing.T
	token string
	seen  []string // the hosts it asked, in order
}

// get fetches an absolute URL and decodes its TAXII 2.1 answer into v; it checks the
// media type the specification requires of every response.
func (c *client) get(u string, v any) http.Header {
	c.t.Helper()
	req, _ := http.NewRequest("GET", u, nil)
	req.Header.Set("Accept", "application/taxii+json;version=2.1")
	req.Header.Set("Authorization", "Bearer "+c.token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		c.t.Fatalf("GET %s: %d %s", u, resp.StatusCode, body)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "application/taxii+json;version=2.1" {
		c.t.Fatalf("GET %s: Content-Type %q", u, ct)
	}
	if err := json.Unmarshal(body, v); err != nil {
		c.t.Fatalf("GET %s: %v\n%s", u, err, body)
	}
	pu, _ := url.Parse(u)
	c.seen = append(c.seen, pu.Host)
	return resp.Header
}

// discover returns the default API root's URL, which must be absolute and end in /.
func (c *client) discover(base string) string {
	var d struct {
		Default  string   `json:"default"`
		APIRoots []string `json:"api_roots"`
	}
	c.get(base+"/taxii2/", &d)
	if len(d.APIRoots) != 1 || d.Default != d.APIRoots[0] {
		c.t.Fatalf("discovery: %+v", d)
	}
	u, err := url.Parse(d.APIRoots[0])
	if err != nil || !u.IsAbs() || !strings.HasSuffix(u.Path, "/") {
		c.t.Fatalf("api root %q is not an absolute URL ending in /", d.APIRoots[0])
	}
	var root struct {
		Versions []string `json:"versions"`
	}
	c.get(d.APIRoots[0], &root)
	if len(root.Versions) == 0 || root.Versions[0] != "application/taxii+json;version=2.1" {
		c.t.Fatalf("api root versions: %v", root.Versions)
	}
	return d.APIRoots[0]
}

type stixObject struct {
	ID       string `json:"id"`
	Type     string `json:"type"`
	Modified string `json:"modified"`
}

// walk reads every object of a collection a page of limit at a time, each page from
// the next of roots (round robin): the cursor must work on any of them.
func (c *client) walk(roots []string, collection string, limit int, filter string) []stixObject {
	var all []stixObject
	next := ""
	for page := 0; ; page++ {
		q := url.Values{"limit": {fmt.Sprint(limit)}}
		if next != "" {
			q.Set("next", next)
		}
		var env struct {
			More    bool         `json:"more"`
			Next    string       `json:"next"`
			Objects []stixObject `json:"objects"`
		}
		h := c.get(roots[page%len(roots)]+"collections/"+collection+"/objects/?"+q.Encode()+filter, &env)
		if len(env.Objects) > limit {
			c.t.Fatalf("page %d: %d objects, limit %d", page, len(env.Objects), limit)
		}
		if len(env.Objects) > 0 {
			first, err1 := time.Parse(time.RFC3339Nano, h.Get("X-TAXII-Date-Added-First"))
			last, err2 := time.Parse(time.RFC3339Nano, h.Get("X-TAXII-Date-Added-Last"))
			if err1 != nil || err2 != nil || last.Before(first) {
				c.t.Fatalf("page %d: date added headers %q %q", page, h.Get("X-TAXII-Date-Added-First"), h.Get("X-TAXII-Date-Added-Last"))
			}
		}
		all = append(all, env.Objects...)
		if !env.More {
			if env.Next != "" {
				c.t.Fatalf("page %d: next without more", page)
			}
			return all
		}
		if env.Next == "" || page > 100 {
			c.t.Fatalf("page %d: more without next", page)
		}
		next = env.Next
	}
}

// TestClientWalksACollection: a client of the specification walks Alpha's collection
// end to end, a page at a time, continuing each page on another server over the same
// database; it sees every object once, each in its latest version, and nothing of
// Bravo's.
func TestClientWalksACollection(t *testing.T) {
	storetest.ForEachEngine(t, func(t *testing.T, s store.Store) {
		tb := setup(t, s)
		other := serve(t, s)
		c := &client{t: t, token: tb.tokens["a"]}
		roots := []string{c.discover(tb.base), c.discover(other)}
		var collections struct {
			Collections []struct {
				ID      string `json:"id"`
				Title   string `json:"title"`
				CanRead bool   `json:"can_read"`
			} `json:"collections"`
		}
		c.get(roots[0]+"collections/", &collections)
		if len(collections.Collections) != 3 || collections.Collections[0].Title != "Alpha" || !collections.Collections[0].CanRead {
			t.Fatalf("collections: %+v", collections)
		}
		col := collections.Collections[0].ID
		for _, limit := range []int{1, 2, 3, 7, 100} {
			objs := c.walk(roots, col, limit, "")
			if len(objs) != 7 {
				t.Fatalf("limit %d: %d objects: %+v", limit, len(objs), objs)
			}
			seen := map[string]bool{}
			for _, o := range objs {
				if seen[o.ID] || !strings.HasPrefix(o.ID, "indicator--") {
					t.Fatalf("limit %d: %s twice or not Alpha's", limit, o.ID)
				}
				seen[o.ID] = true
				if o.ID == indicatorID(0) && !strings.HasPrefix(o.Modified, tb.t0.Add(time.Hour).Format("2006-01-02T15")) {
					t.Fatalf("the latest version of the first: %+v", o)
				}
			}
			// Added one at a time, they come in the order they were added; the first
			// object's latest version was added last.
			if objs[len(objs)-1].ID != indicatorID(0) {
				t.Fatalf("limit %d: order %+v", limit, objs)
			}
		}
		if hosts := strings.Join(c.seen, " "); !strings.Contains(hosts, strings.TrimPrefix(other, "http://")) {
			t.Fatalf("the walk never used the second server: %s", hosts)
		}
		if objs := c.walk(roots, col, 3, "&match[version]=all"); len(objs) != 8 {
			t.Fatalf("every version: %d", len(objs))
		}
	})
}

// TestFilters: added_after (exclusive), match[id], match[type], match[version] and
// match[spec_version]; limit clamped; the manifest, one object and its versions.
func TestFilters(t *testing.T) {
	tb := setup(t, storetest.Open(t, "sqlite"))
	c := &client{t: t, token: tb.tokens["a"]}
	root := c.discover(tb.base)
	col := root + "collections/" + CollectionID(tb.a.ID) + "/"
	ids := func(path string) string {
		var env struct {
			More    bool         `json:"more"`
			Objects []stixObject `json:"objects"`
		}
		c.get(col+path, &env)
		var out []string
		for _, o := range env.Objects {
			out = append(out, o.ID[len(o.ID)-1:])
		}
		return fmt.Sprint(out, env.More)
	}
	added := func(d time.Duration) string { return url.QueryEscape(timestamp(tb.t0.Add(d))) }
	v0, v1 := url.QueryEscape(tb.t0.Format(time.RFC3339)), url.QueryEscape(tb.t0.Add(time.Hour).Format(time.RFC3339))
	for path, want := range map[string]string{
		"objects/?added_after=" + added(5*time.Second):                          "[6 0] false",
		"objects/?added_after=" + added(6*time.Second):                          "[0] false",
		"objects/?added_after=" + added(10*time.Second):                         "[] false",
		"objects/?match[id]=" + indicatorID(2) + "," + indicatorID(4):           "[2 4] false",
		"objects/?match[id]=" + indicatorID(2) + "&match[id]=" + indicatorID(4): "[2 4] false",
		"objects/?match[type]=report":                                           "[] false",
		"objects/?match[type]=report,indicator&limit=2":                         "[1 2] true",
		"objects/?match[version]=first&match[id]=" + indicatorID(0):             "[0] false",
		"objects/?match[version]=first,last&match[id]=" + indicatorID(0):        "[0 0] false",
		"objects/?match[version]=" + v0 + "&match[id]=" + indicatorID(0):        "[0] false",
		"objects/?match[version]=" + v1:                                         "[0] false",
		"objects/?match[spec_version]=2.0":                                      "[] false",
		"objects/?match[spec_version]=2.1&limit=0":                              "[1] true",
		"objects/?limit=-5":                                  "[1] true",
		"objects/?limit=100000":                              "[1 2 3 4 5 6 0] false",
		"objects/" + indicatorID(0) + "/":                    "[0] false",
		"objects/" + indicatorID(0) + "/?match[version]=all": "[0 0] false",
		"objects/" + indicatorID(0) + "/?match[version]=all&added_after=" + added(time.Second): "[0] false",
	} {
		if got := ids(path); got != want {
			t.Errorf("%s: %s, want %s", path, got, want)
		}
	}
	var manifest struct {
		Objects []struct {
			ID        string `json:"id"`
			DateAdded string `json:"date_added"`
			Version   string `json:"version"`
			MediaType string `json:"media_type"`
		} `json:"objects"`
	}
	c.get(col+"manifest/?match[id]="+indicatorID(0)+"&match[version]=all", &manifest)
	m := manifest.Objects
	if len(m) != 2 || m[0].MediaType != STIXMediaType || m[0].DateAdded != timestamp(tb.t0) || m[0].Version != timestamp(tb.t0) || m[1].Version != timestamp(tb.t0.Add(time.Hour)) {
		t.Fatalf("manifest: %+v", m)
	}
	var raw map[string]any
	c.get(col+"manifest/?limit=1", &raw)
	entry := raw["objects"].([]any)[0].(map[string]any)
	// The latest version of the first object was added last: the first is the second.
	if entry["id"] != indicatorID(1) || entry["date_added"] != timestamp(tb.t0.Add(time.Second)) {
		t.Fatalf("manifest date_added: %+v", entry)
	}
	var versions struct {
		More     bool     `json:"more"`
		Versions []string `json:"versions"`
	}
	c.get(col+"objects/"+indicatorID(0)+"/versions/", &versions)
	if len(versions.Versions) != 2 || versions.Versions[1] != timestamp(tb.t0.Add(time.Hour)) {
		t.Fatalf("versions: %+v", versions)
	}
}
