package web

import "net/http"

// routeTable is where the portal and the public pages mount their routes: every route
// is guarded against cross-site requests, and the table remembers its patterns, so that
// a test can walk every one of them.
type routeTable struct {
	mux      *http.ServeMux
	guard    *http.CrossOriginProtection
	patterns *[]string
}

// newRouteTable mounts on mux, refusing cross-site changes with a page in v's languages.
func newRouteTable(mux *http.ServeMux, v *views, patterns *[]string) *routeTable {
	guard := http.NewCrossOriginProtection()
	guard.SetDenyHandler(http.HandlerFunc(v.crossSite))
	return &routeTable{mux: mux, guard: guard, patterns: patterns}
}

// Handle mounts h at pattern, behind the cross-origin check.
func (t *routeTable) Handle(pattern string, h http.Handler) {
	*t.patterns = append(*t.patterns, pattern)
	t.mux.Handle(pattern, t.guard.Handler(h))
}

// HandleFunc mounts h at pattern, behind the cross-origin check.
func (t *routeTable) HandleFunc(pattern string, h func(http.ResponseWriter, *http.Request)) {
	t.Handle(pattern, http.HandlerFunc(h))
}

// crossSite answers a change that a browser sent from another site (a form or script
// on a page that is not Baken's): nothing is done, and the page says why.
func (v *views) crossSite(w http.ResponseWriter, r *http.Request) {
	http.Error(w, v.t(r, "Baken did not act on this request: it was sent from another web site. Open Baken yourself and try again there."), http.StatusForbidden)
}

// contentSecurityPolicy lets a page load nothing but Baken's own scripts and send forms
// only to Baken.
const contentSecurityPolicy = "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

// SecureHeaders sets the security headers on every response of h: pages, error pages,
// 404s, downloads and static files alike. hsts adds Strict-Transport-Security, for a
// site served over HTTPS only.
func SecureHeaders(h http.Handler, hsts bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		setSecurityHeaders(w.Header())
		if hsts {
			w.Header().Set("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
		}
		h.ServeHTTP(w, r)
	})
}

// setSecurityHeaders sets the headers every response carries; a handler may loosen
// Cache-Control for what may be cached (a static script).
func setSecurityHeaders(h http.Header) {
	h.Set("Content-Security-Policy", contentSecurityPolicy)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
	h.Set("Cache-Control", "no-store")
}
