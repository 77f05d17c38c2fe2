package taxii

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/baken-cert/baken/internal/account"
	"github.com/baken-cert/baken/internal/store"
)

// errFilter is a filter or parameter that cannot be read: 400.
var errFilter = errors.New("bad parameter")

// readPage reads the parameters of a request for objects: added_after, limit, next
// and the match[...] filters; withVersions reads match[version] too (default last).
func readPage(v url.Values, withVersions bool) (store.STIXQuery, error) {
	q := store.STIXQuery{Versions: store.VersionFilter{All: true}, Limit: DefaultLimit}
	if s := v.Get("added_after"); s != "" {
		t, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			return q, fmt.Errorf("added_after %q: %w", s, errFilter)
		}
		q.AddedAfter = t.Truncate(time.Microsecond)
	}
	if s := v.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			return q, fmt.Errorf("limit %q: %w", s, errFilter)
		}
		q.Limit = min(max(n, 1), MaxLimit)
	}
	if s := v.Get("next"); s != "" {
		var err error
		if q.AfterAdded, q.AfterSeq, err = decodeCursor(s); err != nil {
			return q, fmt.Errorf("next %q: %w", s, errFilter)
		}
	}
	q.IDs, q.Types, q.SpecVersions = list(v, "match[id]"), list(v, "match[type]"), list(v, "match[spec_version]")
	if withVersions {
		versions := list(v, "match[version]")
		if len(versions) == 0 {
			versions = []string{"last"}
		}
		q.Versions = store.VersionFilter{}
		for _, s := range versions {
			switch s {
			case "all":
				q.Versions.All = true
			case "last":
				q.Versions.Latest = true
			case "first":
				q.Versions.First = true
			default:
				t, err := time.Parse(time.RFC3339Nano, s)
				if err != nil {
					return q, fmt.Errorf("match[version] %q: %w", s, errFilter)
				}
				q.Versions.At = append(q.Versions.At, t.UTC().Truncate(time.Microsecond))
			}
		}
	}
	return q, nil
}

// list reads a filter's values: comma-separated, in one parameter or several.
func list(v url.Values, key string) []string {
	var out []string
	for _, s := range v[key] {
		for _, part := range strings.Split(s, ",") {
			if part = strings.TrimSpace(part); part != "" {
				out = append(out, part)
			}
		}
	}
	return out
}

// The cursor is the position of a page's last object, (date_added, seq): opaque to
// clients, and all any process needs to go on.
func encodeCursor(o store.STIXObject) string {
	return base64.RawURLEncoding.EncodeToString(fmt.Appendf(nil, "1.%d.%d", o.DateAdded.UnixMicro(), o.Seq))
}

func decodeCursor(s string) (time.Time, int64, error) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return time.Time{}, 0, err
	}
	parts := strings.Split(string(b), ".")
	if len(parts) != 3 || parts[0] != "1" {
		return time.Time{}, 0, errFilter
	}
	added, err1 := strconv.ParseInt(parts[1], 10, 64)
	seq, err2 := strconv.ParseInt(parts[2], 10, 64)
	if err := errors.Join(err1, err2); err != nil || seq <= 0 {
		return time.Time{}, 0, errFilter
	}
	return time.UnixMicro(added).UTC(), seq, nil
}

// query reads a page of the request's collection: its objects (at most the page's
// limit), whether more follow, and the cursor of the next page. It answers the
// errors itself, reporting ok false.
func (s *Server) query(w http.ResponseWriter, r *http.Request, p account.Principal, withVersions, withJSON bool, objectID string) (objs []store.STIXObject, more bool, next string, ok bool) {
	c, ok := s.collectionOf(w, r, p)
	if !ok {
		return nil, false, "", false
	}
	q, err := readPage(r.URL.Query(), withVersions)
	if err != nil {
		s.fail(w, http.StatusBadRequest, "Bad request", err.Error())
		return nil, false, "", false
	}
	q.OrgID, q.WithJSON = c.orgID, withJSON
	if objectID != "" {
		q.IDs = []string{objectID}
	}
	limit := q.Limit
	q.Limit++ // one more tells whether more follow
	objs, err = s.store.STIXObjects(r.Context(), q)
	if err != nil {
		s.failed(w, r, err)
		return nil, false, "", false
	}
	if len(objs) > limit {
		objs, more = objs[:limit], true
		next = encodeCursor(objs[limit-1])
	}
	if len(objs) > 0 {
		w.Header().Set("X-TAXII-Date-Added-First", timestamp(objs[0].DateAdded))
		w.Header().Set("X-TAXII-Date-Added-Last", timestamp(objs[len(objs)-1].DateAdded))
	}
	return objs, more, next, true
}

// queryObject is query for the object of the path: one the collection does not
// hold (in the versions the filters select) is 404.
func (s *Server) queryObject(w http.ResponseWriter, r *http.Request, p account.Principal, withVersions, withJSON bool) ([]store.STIXObject, bool, string, bool) {
	objs, more, next, ok := s.query(w, r, p, withVersions, withJSON, r.PathValue("object"))
	if ok && len(objs) == 0 && r.URL.Query().Get("next") == "" {
		s.fail(w, http.StatusNotFound, "Not found", "There is no such object in this collection.")
		return nil, false, "", false
	}
	return objs, more, next, ok
}

// envelope is TAXII's envelope of objects.
type envelope struct {
	More    bool              `json:"more"`
	Next    string            `json:"next,omitempty"`
	Objects []json.RawMessage `json:"objects,omitempty"`
}

func (s *Server) objects(w http.ResponseWriter, r *http.Request, p account.Principal) {
	objs, more, next, ok := s.query(w, r, p, true, true, "")
	if ok {
		s.reply(w, http.StatusOK, envelopeOf(objs, more, next))
	}
}

// object answers the versions of one object that the filters select; an object the
// collection does not hold is 404.
func (s *Server) object(w http.ResponseWriter, r *http.Request, p account.Principal) {
	objs, more, next, ok := s.queryObject(w, r, p, true, true)
	if ok {
		s.reply(w, http.StatusOK, envelopeOf(objs, more, next))
	}
}

func envelopeOf(objs []store.STIXObject, more bool, next string) envelope {
	e := envelope{More: more, Next: next}
	for _, o := range objs {
		e.Objects = append(e.Objects, json.RawMessage(o.JSON))
	}
	return e
}

// manifestEntry describes one version of an object.
type manifestEntry struct {
	ID        string `json:"id"`
	DateAdded string `json:"date_added"`
	Version   string `json:"version"`
	MediaType string `json:"media_type"`
}

func (s *Server) manifest(w http.ResponseWriter, r *http.Request, p account.Principal) {
	objs, more, next, ok := s.query(w, r, p, true, false, "")
	if !ok {
		return
	}
	out := struct {
		More    bool            `json:"more"`
		Next    string          `json:"next,omitempty"`
		Objects []manifestEntry `json:"objects,omitempty"`
	}{More: more, Next: next}
	for _, o := range objs {
		out.Objects = append(out.Objects, manifestEntry{ID: o.ID, DateAdded: timestamp(o.DateAdded), Version: version(o), MediaType: STIXMediaType})
	}
	s.reply(w, http.StatusOK, out)
}

// versions lists every version of one object (match[version] does not apply).
func (s *Server) versions(w http.ResponseWriter, r *http.Request, p account.Principal) {
	objs, more, next, ok := s.queryObject(w, r, p, false, false)
	if !ok {
		return
	}
	out := struct {
		More     bool     `json:"more"`
		Next     string   `json:"next,omitempty"`
		Versions []string `json:"versions"`
	}{More: more, Next: next}
	for _, o := range objs {
		out.Versions = append(out.Versions, version(o))
	}
	s.reply(w, http.StatusOK, out)
}

// version is an object's version as TAXII shows it: modified or created, else (an
// object with neither) its date_added.
func version(o store.STIXObject) string {
	if o.Version.Year() <= 1 {
		return timestamp(o.DateAdded)
	}
	return timestamp(o.Version)
}
