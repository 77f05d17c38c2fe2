// Package taxii is Baken's TAXII 2.1 server, at /taxii2/: a discovery resource, one API
// root, and a read-only collection of STIX objects per organisation (an
// intermediary's token reads its children's too) plus a public one, for general
// alerts. Clients authenticate with an organisation's API token (scope taxii:read),
// as a Bearer token or as the password of HTTP Basic. Another organisation's
// collection, or an object of it, is not found, whatever the token.
//
// Pages are served from the JSON stored when the objects were published, one query a
// page; the cursor (next) is the position of the page's last object, so that any
// process behind a load balancer continues a page that another one began.
package taxii

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/baken-cert/baken/internal/account"
	"github.com/baken-cert/baken/internal/store"
)

// Media types of TAXII 2.1 and of the STIX 2.1 objects it carries.
const (
	MediaType     = "application/taxii+json;version=2.1"
	STIXMediaType = "application/stix+json;version=2.1"
)

// Page sizes: what a page holds unless the client asks (limit), and at most.
const (
	DefaultLimit = 100
	MaxLimit     = 1000
)

// Server is the TAXII 2.1 server.
type Server struct {
	store     store.Store
	accounts  *account.Service
	publicURL string // the base of the absolute URLs of api_roots
	title     string
	log       *slog.Logger
	mux       *http.ServeMux
}

// New returns the server: publicURL is where clients reach Baken (the API root's URL
// is built from it), title the CERT's name.
func New(s store.Store, accounts *account.Service, publicURL, title string, log *slog.Logger) *Server {
	srv := &Server{store: s, accounts: accounts, publicURL: strings.TrimSuffix(publicURL, "/"), title: title, log: log}
	srv.mux = srv.routes()
	return srv
}

// apiRoot is the path of the one API root.
const apiRoot = "/taxii2/api/"

// routes is the route table: every path ends in /; a path without it is redirected
// there (see fallback).
func (s *Server) routes() *http.ServeMux {
	m := http.NewServeMux()
	m.Handle("GET /taxii2/{$}", s.authed(s.discovery))
	m.Handle("GET /taxii2/api/{$}", s.authed(s.apiRootInfo))
	m.Handle("GET /taxii2/api/status/{status}/{$}", s.authed(s.status))
	m.Handle("GET /taxii2/api/collections/{$}", s.authed(s.collections))
	m.Handle("GET /taxii2/api/collections/{collection}/{$}", s.authed(s.collection))
	m.Handle("GET /taxii2/api/collections/{collection}/manifest/{$}", s.authed(s.manifest))
	m.Handle("GET /taxii2/api/collections/{collection}/objects/{$}", s.authed(s.objects))
	m.Handle("POST /taxii2/api/collections/{collection}/objects/{$}", s.authed(s.addObjects))
	m.Handle("GET /taxii2/api/collections/{collection}/objects/{object}/{$}", s.authed(s.object))
	m.Handle("DELETE /taxii2/api/collections/{collection}/objects/{object}/{$}", s.authed(s.deleteObject))
	m.Handle("GET /taxii2/api/collections/{collection}/objects/{object}/versions/{$}", s.authed(s.versions))
	m.Handle("/taxii2/", http.HandlerFunc(s.fallback))
	return m
}

// ServeHTTP serves /taxii2/ and everything below it.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

// fallback answers what no route took: a path without its final / is redirected
// there (307, as ServeMux does for the routes, so that a POST stays one; the query
// kept); a known path with another method is 405; anything else 404,
// both only to an authenticated client.
func (s *Server) fallback(w http.ResponseWriter, r *http.Request) {
	if !strings.HasSuffix(r.URL.Path, "/") {
		u := *r.URL
		u.Path += "/"
		u.RawPath = ""
		http.Redirect(w, r, u.RequestURI(), http.StatusTemporaryRedirect)
		return
	}
	s.authed(func(w http.ResponseWriter, r *http.Request, _ account.Principal) {
		for _, method := range []string{http.MethodGet, http.MethodPost, http.MethodDelete} {
			probe := r.Clone(r.Context())
			probe.Method = method
			if _, pattern := s.mux.Handler(probe); pattern != "/taxii2/" {
				s.fail(w, http.StatusMethodNotAllowed, "Method not allowed", r.Method+" is not a method of this resource.")
				return
			}
		}
		s.fail(w, http.StatusNotFound, "Not found", "There is no such resource.")
	}).ServeHTTP(w, r)
}

// errorBody is a TAXII error message.
type errorBody struct {
	Title       string `json:"title"`
	Description string `json:"description,omitempty"`
	HTTPStatus  string `json:"http_status"`
}

// fail answers an error as TAXII's error message.
func (s *Server) fail(w http.ResponseWriter, status int, title, description string) {
	s.reply(w, status, errorBody{Title: title, Description: description, HTTPStatus: strconv.Itoa(status)})
}

// failed answers an error of Baken's own: 500, logged, without its details.
func (s *Server) failed(w http.ResponseWriter, r *http.Request, err error) {
	s.log.Error("taxii", "path", r.URL.Path, "err", err)
	s.fail(w, http.StatusInternalServerError, "Internal error", "Baken could not answer; try again later.")
}

func (s *Server) reply(w http.ResponseWriter, status int, body any) {
	out, err := json.Marshal(body)
	if err != nil {
		status, out = http.StatusInternalServerError, []byte(`{"title":"Internal error","http_status":"500"}`)
	}
	w.Header().Set("Content-Type", MediaType)
	w.WriteHeader(status)
	w.Write(out)
	w.Write([]byte("\n"))
}

// timestamp writes a time as TAXII does: UTC, to the microsecond, fixed width.
func timestamp(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000000Z") }
