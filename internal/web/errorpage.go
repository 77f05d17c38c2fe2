package web

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"slices"

	"github.com/baken-cert/baken/internal/auth"
)

// Every refusal and failure of the pages is an error page in the portal's layout and
// the reader's language: errorPage is the one renderer; nothing answers with
// http.Error's plain text.

type errorView struct {
	Title, Message string
	Nav            *navData // the signed-in header, when the request had a session
}

// errorTitles are the headings of the error pages by status (keys of the catalog).
var errorTitles = map[int]string{
	http.StatusBadRequest:            "This request is not right",
	http.StatusForbidden:             "Not allowed",
	http.StatusNotFound:              "Page not found",
	http.StatusMethodNotAllowed:      "Not possible this way",
	http.StatusInternalServerError:   "Something went wrong",
	http.StatusRequestEntityTooLarge: "Too large",
	http.StatusTooManyRequests:       "One at a time",
	http.StatusServiceUnavailable:    "Busy",
}

// errorPage answers with status and an explanation (already translated) in the layout
// of the portal.
func (v *views) errorPage(w http.ResponseWriter, r *http.Request, status int, message string) {
	title, ok := errorTitles[status]
	if !ok {
		title = errorTitles[http.StatusBadRequest]
	}
	page := errorView{Title: v.t(r, title), Message: message}
	if n, ok := r.Context().Value(navKey{}).(navData); ok {
		// The switch leads to the overview, not back to the refusal; no link is the
		// current page.
		n.Here, n.Links = "/", slices.Clone(n.Links)
		for i := range n.Links {
			n.Links[i].Current = false
		}
		page.Nav = &n
	}
	v.render(w, r, status, "error.html", page)
}

// notFound answers that the page, or what a form named, does not exist or is not the
// reader's: the two look the same.
func (v *views) notFound(w http.ResponseWriter, r *http.Request) {
	v.errorPage(w, r, http.StatusNotFound, v.t(r, "There is no such page, or it is not yours to see. Check the address, or start from the overview."))
}

func (v *views) fail(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, auth.ErrBusy) {
		// Too many password checks at once: the client may come back in a moment.
		w.Header().Set("Retry-After", "5")
		v.errorPage(w, r, http.StatusServiceUnavailable, v.t(r, "Baken is very busy right now; please try again in a few seconds."))
		return
	}
	if !errors.Is(err, context.Canceled) {
		v.log.Error("serving a page", "path", r.URL.Path, "err", err)
	}
	v.errorPage(w, r, http.StatusInternalServerError, v.t(r, "Something went wrong; please try again later."))
}

// ErrorPages gives the mux's own answers, to an unknown path (404) or a method a path
// does not take (405), the portal's error page; everything else goes to mux unchanged.
func (p *Portal) ErrorPages(mux *http.ServeMux) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h, pattern := mux.Handler(r)
		if pattern != "" {
			mux.ServeHTTP(w, r)
			return
		}
		rec := &recorder{header: http.Header{}}
		h.ServeHTTP(rec, r)
		// A signed-in reader gets their language and their navigation here too.
		if plain, sess, err := p.session(r); err == nil && sess.MFADone {
			r = p.withUserLanguage(r, sess.User)
			r = withNav(r, navFor(sess.User, auth.CSRFToken([]byte(plain), "csrf"), "/"))
		}
		switch rec.status {
		case http.StatusNotFound:
			p.notFound(w, r)
		case http.StatusMethodNotAllowed:
			w.Header().Set("Allow", rec.header.Get("Allow"))
			p.errorPage(w, r, http.StatusMethodNotAllowed, p.t(r, "This address does not take that kind of request. Go back and use the page's links and buttons."))
		default: // a redirect to the cleaned path, as the mux answers it
			for k, vs := range rec.header {
				w.Header()[k] = vs
			}
			w.WriteHeader(rec.status)
			w.Write(rec.body.Bytes())
		}
	})
}

// recorder keeps what the mux's own handler answered.
type recorder struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (r *recorder) Header() http.Header { return r.header }
func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.body.Write(b)
}
func (r *recorder) WriteHeader(status int) {
	if r.status == 0 {
		r.status = status
	}
}
