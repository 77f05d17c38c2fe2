package taxii

import (
	"errors"
	"mime"
	"net/http"
	"net/netip"
	"strings"

	"github.com/baken-cert/baken/internal/account"
)

// handler is a route's handler, with the token's principal.
type handler func(w http.ResponseWriter, r *http.Request, p account.Principal)

// authed lets a request through with a valid API token of scope taxii:read, used
// from an address it allows, that accepts TAXII 2.1. Without a token it answers 401
// with the challenges of both schemes, never a login page.
func (s *Server) authed(h handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		plain, ok := tokenOf(r)
		if !ok {
			s.challenge(w, "An API token is needed: as a Bearer token, or as the password of HTTP Basic.")
			return
		}
		from, _ := netip.ParseAddrPort(r.RemoteAddr)
		p, err := s.accounts.Authenticate(r.Context(), plain, from.Addr())
		switch {
		case errors.Is(err, account.ErrBadToken):
			s.challenge(w, "This API token is not valid: unknown, expired or revoked.")
			return
		case errors.Is(err, account.ErrTokenAddress):
			s.fail(w, http.StatusForbidden, "Forbidden", "This API token may not be used from this address.")
			return
		case err != nil:
			s.failed(w, r, err)
			return
		case !p.Can(account.ScopeTAXIIRead):
			s.fail(w, http.StatusForbidden, "Forbidden", "This API token lacks the scope "+account.ScopeTAXIIRead+".")
			return
		}
		if !accepts(r.Header.Values("Accept")) {
			s.fail(w, http.StatusNotAcceptable, "Not acceptable", "Accept "+MediaType+".")
			return
		}
		h(w, r, p)
	})
}

// challenge answers 401 with the schemes a token may come in.
func (s *Server) challenge(w http.ResponseWriter, description string) {
	w.Header().Add("WWW-Authenticate", `Bearer realm="taxii"`)
	w.Header().Add("WWW-Authenticate", `Basic realm="taxii", charset="UTF-8"`)
	s.fail(w, http.StatusUnauthorized, "Unauthorized", description)
}

// tokenOf is the token of a request: its Bearer token, or its Basic password (the
// user name is not read).
func tokenOf(r *http.Request) (string, bool) {
	h := r.Header.Get("Authorization")
	if scheme, token, ok := strings.Cut(h, " "); ok && strings.EqualFold(scheme, "Bearer") {
		token = strings.TrimSpace(token)
		return token, token != ""
	}
	if _, password, ok := r.BasicAuth(); ok && password != "" {
		return password, true
	}
	return "", false
}

// accepts reports whether an Accept header takes TAXII 2.1: application/taxii+json
// of version 2.1 or of no version (the latest), with a q above 0.
func accepts(values []string) bool {
	for _, v := range values {
		for _, part := range strings.Split(v, ",") {
			if isTAXII(part, true) {
				return true
			}
		}
	}
	return false
}

// isTAXII reports whether a media type (of Accept, or a Content-Type) is TAXII 2.1.
func isTAXII(s string, accept bool) bool {
	typ, params, err := mime.ParseMediaType(strings.TrimSpace(s))
	if err != nil || typ != "application/taxii+json" {
		return false
	}
	if v, ok := params["version"]; ok && v != "2.1" {
		return false
	}
	if q, ok := params["q"]; accept && ok && strings.Trim(q, "0.") == "" {
		return false
	}
	return true
}
