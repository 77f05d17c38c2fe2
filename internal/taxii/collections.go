package taxii

import (
	"crypto/sha1"
	"fmt"
	"net/http"
	"strconv"

	"github.com/baken-cert/baken/internal/account"
	"github.com/baken-cert/baken/internal/store"
)

// collectionInfo is a TAXII collection resource.
type collectionInfo struct {
	ID          string   `json:"id"`
	Title       string   `json:"title"`
	Description string   `json:"description,omitempty"`
	CanRead     bool     `json:"can_read"`
	CanWrite    bool     `json:"can_write"`
	MediaTypes  []string `json:"media_types"`
	orgID       int64
}

// CollectionID is the id of an organisation's collection (store.PublicCollection:
// the public one): a UUID derived from its id, the same in every process and every
// release, and telling nothing of the organisation.
func CollectionID(orgID int64) string {
	name := "public"
	if orgID != store.PublicCollection {
		name = "org:" + strconv.FormatInt(orgID, 10)
	}
	// A name-based UUID (version 5, RFC 9562) in a namespace of Baken's own.
	sum := sha1.Sum([]byte("baken.taxii.collection\x00" + name))
	sum[6] = sum[6]&0x0f | 0x50
	sum[8] = sum[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", sum[0:4], sum[4:6], sum[6:8], sum[8:10], sum[10:16])
}

// collectionsOf are the collections p reads: its organisation's, its children's,
// and the public one.
func (s *Server) collectionsOf(r *http.Request, p account.Principal) ([]collectionInfo, error) {
	orgs, err := account.Reachable(r.Context(), s.store, p)
	if err != nil {
		return nil, err
	}
	out := make([]collectionInfo, 0, len(orgs)+1)
	for _, o := range orgs {
		out = append(out, collectionInfo{ID: CollectionID(o.ID), Title: o.Name, orgID: o.ID, CanRead: true, MediaTypes: []string{STIXMediaType},
			Description: "What " + s.title + " notified " + o.Name + " of, as STIX 2.1."})
	}
	return append(out, collectionInfo{ID: CollectionID(store.PublicCollection), Title: s.title + ": general alerts", orgID: store.PublicCollection,
		CanRead: true, MediaTypes: []string{STIXMediaType}, Description: "Threat information of " + s.title + " that names no organisation."}), nil
}

// collectionOf is the collection of the request's path, when p reads it; any other
// is answered 404 (and ok false).
func (s *Server) collectionOf(w http.ResponseWriter, r *http.Request, p account.Principal) (collectionInfo, bool) {
	all, err := s.collectionsOf(r, p)
	if err != nil {
		s.failed(w, r, err)
		return collectionInfo{}, false
	}
	id := r.PathValue("collection")
	for _, c := range all {
		if c.ID == id {
			return c, true
		}
	}
	s.fail(w, http.StatusNotFound, "Not found", "There is no such collection.")
	return collectionInfo{}, false
}

func (s *Server) discovery(w http.ResponseWriter, _ *http.Request, _ account.Principal) {
	s.reply(w, http.StatusOK, map[string]any{
		"title":       s.title + " TAXII",
		"description": "STIX 2.1 of the notifications of " + s.title + ", for the organisations it warns.",
		"default":     s.publicURL + apiRoot,
		"api_roots":   []string{s.publicURL + apiRoot},
	})
}

func (s *Server) apiRootInfo(w http.ResponseWriter, _ *http.Request, _ account.Principal) {
	s.reply(w, http.StatusOK, map[string]any{
		"title":              s.title,
		"versions":           []string{MediaType},
		"max_content_length": 0, // nothing may be added
	})
}

// status: nothing is ever added, so there is no status to ask for.
func (s *Server) status(w http.ResponseWriter, _ *http.Request, _ account.Principal) {
	s.fail(w, http.StatusNotFound, "Not found", "There is no such status: Baken's collections take no objects.")
}

func (s *Server) collections(w http.ResponseWriter, r *http.Request, p account.Principal) {
	all, err := s.collectionsOf(r, p)
	if err != nil {
		s.failed(w, r, err)
		return
	}
	s.reply(w, http.StatusOK, map[string]any{"collections": all})
}

func (s *Server) collection(w http.ResponseWriter, r *http.Request, p account.Principal) {
	if c, ok := s.collectionOf(w, r, p); ok {
		s.reply(w, http.StatusOK, c)
	}
}

// addObjects refuses: the collections are read-only (after checking the collection
// and the media type, as TAXII orders the answers).
func (s *Server) addObjects(w http.ResponseWriter, r *http.Request, p account.Principal) {
	if _, ok := s.collectionOf(w, r, p); !ok {
		return
	}
	if !isTAXII(r.Header.Get("Content-Type"), false) {
		s.fail(w, http.StatusUnsupportedMediaType, "Unsupported media type", "Send "+MediaType+".")
		return
	}
	s.fail(w, http.StatusForbidden, "Forbidden", "This collection is read-only.")
}

func (s *Server) deleteObject(w http.ResponseWriter, r *http.Request, p account.Principal) {
	if _, ok := s.collectionOf(w, r, p); ok {
		s.fail(w, http.StatusForbidden, "Forbidden", "This collection is read-only.")
	}
}
