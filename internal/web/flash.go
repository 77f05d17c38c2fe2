package web

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"

	"github.com/baken-cert/baken/internal/auth"
)

// After a form, the portal redirects (POST-redirect-GET), so that reloading the page
// sends nothing again; what the form did travels in a short cookie, signed with the
// session's secret and shown once by the page it leads to.

const (
	flashCookie = "baken_flash"
	// maxFlashLines bounds the lines a flash carries (the rejected rows of an upload),
	// so that it fits a cookie; the rest are counted.
	maxFlashLines = 10
	maxFlashLine  = 200
)

// flash is the outcome of a form: a message (translated), whether it failed, and the
// lines that explain it.
type flash struct {
	Message string   `json:"m"`
	Failed  bool     `json:"f,omitempty"`
	Lines   []string `json:"l,omitempty"`
	LinesID string   `json:"i,omitempty"` // the id of the list of lines on the page
	Offers  []string `json:"o,omitempty"` // addresses a security.txt offered
	Domain  string   `json:"d,omitempty"` // the domain they came from
}

// redirectWith sends the browser to the page to (a local path) and lets that page show f.
func (p *Portal) redirectWith(w http.ResponseWriter, r *http.Request, req request, to string, f flash) {
	if len(f.Lines) > maxFlashLines {
		more := len(f.Lines) - maxFlashLines
		f.Lines = append(f.Lines[:maxFlashLines:maxFlashLines], p.t(r, "… and %d more", more))
	}
	for i, l := range f.Lines {
		if len(l) > maxFlashLine {
			f.Lines[i] = strings.ToValidUTF8(l[:maxFlashLine], "") + "…"
		}
	}
	payload, _ := json.Marshal(f)
	value := base64.RawURLEncoding.EncodeToString(payload)
	http.SetCookie(w, &http.Cookie{Name: flashCookie, Value: value + "." + auth.CSRFToken([]byte(req.token), "flash\x00"+value),
		Path: "/", HttpOnly: true, Secure: p.secure, SameSite: http.SameSiteLaxMode, MaxAge: 60})
	http.Redirect(w, r, localPath(to), http.StatusSeeOther)
}

// takeFlash returns the flash the previous form left for this session, once, or nil.
func (p *Portal) takeFlash(w http.ResponseWriter, r *http.Request, req request) *flash {
	c, err := r.Cookie(flashCookie)
	if err != nil || c.Value == "" {
		return nil
	}
	http.SetCookie(w, &http.Cookie{Name: flashCookie, Path: "/", HttpOnly: true, Secure: p.secure, SameSite: http.SameSiteLaxMode, MaxAge: -1})
	value, sig, ok := strings.Cut(c.Value, ".")
	if !ok || !auth.CheckCSRF([]byte(req.token), "flash\x00"+value, sig) {
		return nil
	}
	payload, err := base64.RawURLEncoding.DecodeString(value)
	var f flash
	if err != nil || json.Unmarshal(payload, &f) != nil {
		return nil
	}
	return &f
}
