package web

import (
	_ "embed"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/baken-cert/baken/internal/auth"
	"github.com/baken-cert/baken/internal/auth/passkey"
	"github.com/baken-cert/baken/internal/store"
)

//go:embed static/passkey.js
var passkeyScript []byte

// maxPasskeyAnswer bounds the JSON a browser sends back from a WebAuthn ceremony.
const maxPasskeyAnswer = 64 << 10

// UsePasskeys offers passkeys as a second factor, registered with relying party rp.
func (p *Portal) UsePasskeys(rp *passkey.RelyingParty) { p.passkeys = rp }

func (p *Portal) passkeyRoutes(mux *routeTable) {
	mux.HandleFunc("GET /static/passkey.js", servePasskeyScript)
	mux.Handle("GET /account/passkeys", p.signedIn(p.passkeyPage))
	mux.Handle("POST /account/passkeys/begin", p.signedIn(p.beginPasskey))
	mux.Handle("POST /account/passkeys/finish", p.signedIn(p.finishPasskey))
	mux.Handle("POST /account/passkeys/remove", p.signedIn(p.removePasskey))
	mux.HandleFunc("POST /login/passkey/begin", p.beginPasskeyLogin)
	mux.HandleFunc("POST /login/passkey/finish", p.finishPasskeyLogin)
}

func servePasskeyScript(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Header().Set("Cache-Control", "no-cache")
	w.Write(passkeyScript)
}

type passkeysPage struct {
	User      store.User
	CSRF      string
	Available bool // the public URL names a host, so browsers make passkeys for it
	Keys      []passkeyRow
	Flash     *flash
}

type passkeyRow struct {
	ID                      int64
	Name, Created, LastUsed string
}

func (p *Portal) passkeyPage(w http.ResponseWriter, r *http.Request, req request) {
	keys, err := p.store.Passkeys(r.Context(), req.session.User.ID)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	page := passkeysPage{User: req.session.User, CSRF: req.csrf, Available: p.passkeys != nil, Flash: p.takeFlash(w, r, req)}
	for _, k := range keys {
		row := passkeyRow{ID: k.ID, Name: k.Name, Created: k.CreatedAt.Format(time.DateTime)}
		if !k.LastUsedAt.IsZero() {
			row.LastUsed = k.LastUsedAt.Format(time.DateTime)
		}
		page.Keys = append(page.Keys, row)
	}
	p.render(w, r, http.StatusOK, "passkeys.html", page)
}

// beginPasskey starts adding a passkey to the signed-in user's account.
func (p *Portal) beginPasskey(w http.ResponseWriter, r *http.Request, req request) {
	u := req.session.User
	p.beginCeremony(w, r, req.session.Hash, u.ID, func(keys []store.Passkey) ([]byte, string, error) {
		return p.passkeys.BeginRegistration(u, keys)
	})
}

// finishPasskey checks the browser's new passkey and stores it, audited.
func (p *Portal) finishPasskey(w http.ResponseWriter, r *http.Request, req request) {
	u := req.session.User
	var answer struct {
		Name       string          `json:"name"`
		Credential json.RawMessage `json:"credential"`
	}
	keys, state, ok := p.ceremony(w, r, req.session.Hash, u.ID, &answer)
	if !ok {
		return
	}
	id, credential, err := p.passkeys.FinishRegistration(u, keys, state, answer.Credential)
	if err != nil {
		jsonError(w, http.StatusBadRequest, p.t(r, "The passkey was not accepted: %s", err.Error()))
		return
	}
	name := strings.TrimSpace(answer.Name)
	if name == "" {
		name = p.t(r, "passkey")
	}
	name = truncate(name, 60)
	_, err = p.store.AddPasskey(r.Context(), store.PasskeyInput{UserID: u.ID, Name: name, CredentialID: id, Credential: credential, Now: p.now()},
		store.AuditEntry{At: p.now(), ActorID: u.ID, OrgID: req.ownOrgID, Action: "passkey.add", Detail: name})
	if errors.Is(err, store.ErrConflict) {
		jsonError(w, http.StatusConflict, p.t(r, "This passkey is registered already."))
		return
	}
	if err != nil {
		p.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"next": "/account/passkeys"})
}

// removePasskey removes one of the user's passkeys; another user's is not found.
func (p *Portal) removePasskey(w http.ResponseWriter, r *http.Request, req request) {
	u := req.session.User
	id, _ := strconv.ParseInt(r.FormValue("id"), 10, 64)
	name := strconv.FormatInt(id, 10)
	if keys, err := p.store.Passkeys(r.Context(), u.ID); err == nil {
		for _, k := range keys {
			if k.ID == id {
				name = k.Name
			}
		}
	}
	err := p.store.DeletePasskey(r.Context(), u.ID, id, store.AuditEntry{At: p.now(), ActorID: u.ID, OrgID: req.ownOrgID,
		Action: "passkey.remove", Detail: name})
	p.changed(w, r, req, err, "/account/passkeys", flash{Message: p.t(r, "The passkey %s is removed.", name)})
}

// firstStep returns the session of a login that passed the password and waits for its
// second factor, when the request carries that session's CSRF token and the account is
// not held back (see held). Otherwise it answers the request itself and ok is false.
func (p *Portal) firstStep(w http.ResponseWriter, r *http.Request) (plain string, sess store.Session, ok bool) {
	plain, sess, err := p.session(r)
	if err != nil || sess.MFADone {
		jsonError(w, http.StatusUnauthorized, p.t(r, "Log in with your password first."))
		return "", sess, false
	}
	if !auth.CheckCSRF([]byte(plain), "csrf", r.Header.Get("X-CSRF-Token")) {
		jsonError(w, http.StatusForbidden, p.t(r, "This form has expired or did not come from Baken: reload the page and try again."))
		return "", sess, false
	}
	if held := p.held(r, sess.User); held != "" {
		jsonError(w, http.StatusTooManyRequests, held)
		return "", sess, false
	}
	return plain, sess, true
}

// beginPasskeyLogin starts the second step of a login with a passkey.
func (p *Portal) beginPasskeyLogin(w http.ResponseWriter, r *http.Request) {
	_, sess, ok := p.firstStep(w, r)
	if !ok {
		return
	}
	p.beginCeremony(w, r, sess.Hash, sess.User.ID, func(keys []store.Passkey) ([]byte, string, error) {
		if len(keys) == 0 {
			return nil, "", errNoPasskeys
		}
		return p.passkeys.BeginLogin(sess.User, keys)
	})
}

var errNoPasskeys = errors.New("no passkeys")

// finishPasskeyLogin checks the passkey's signature: the second factor. A wrong one
// counts as a failed login, as a wrong code does.
func (p *Portal) finishPasskeyLogin(w http.ResponseWriter, r *http.Request) {
	plain, sess, ok := p.firstStep(w, r)
	if !ok {
		return
	}
	u := sess.User
	var answer struct {
		Credential json.RawMessage `json:"credential"`
	}
	keys, state, ok := p.ceremony(w, r, sess.Hash, u.ID, &answer)
	if !ok {
		return
	}
	key, err := p.passkeys.FinishLogin(u, keys, state, answer.Credential)
	if err != nil {
		p.log.Info("a passkey was refused", "user", u.ID, "err", err)
		p.failedLogin(r, u)
		jsonError(w, http.StatusUnauthorized, p.t(r, "That passkey was not accepted."))
		return
	}
	if err := p.store.UsePasskey(r.Context(), u.ID, key.ID, key.Credential, p.now()); err != nil {
		p.fail(w, r, err)
		return
	}
	if err := p.completeLogin(w, r, plain, u); err != nil {
		p.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"next": p.afterLogin(w, r)})
}

// beginCeremony starts a WebAuthn ceremony with the user's passkeys, keeps its state on
// the session and sends the browser its options.
func (p *Portal) beginCeremony(w http.ResponseWriter, r *http.Request, sessionHash string, userID int64, begin func([]store.Passkey) ([]byte, string, error)) {
	if p.passkeys == nil {
		p.notFound(w, r)
		return
	}
	keys, err := p.store.Passkeys(r.Context(), userID)
	if err != nil {
		p.fail(w, r, err)
		return
	}
	options, state, err := begin(keys)
	if errors.Is(err, errNoPasskeys) {
		jsonError(w, http.StatusBadRequest, p.t(r, "This account has no passkeys."))
		return
	}
	if err == nil {
		err = p.store.SetCeremony(r.Context(), sessionHash, state)
	}
	if err != nil {
		p.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.Write(options)
}

// ceremony reads the browser's answer into answer and takes the ceremony's state off
// the session (each challenge is answered once). Otherwise it answers the request
// itself and ok is false.
func (p *Portal) ceremony(w http.ResponseWriter, r *http.Request, sessionHash string, userID int64, answer any) ([]store.Passkey, string, bool) {
	if p.passkeys == nil {
		p.notFound(w, r)
		return nil, "", false
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxPasskeyAnswer))
	if err == nil {
		err = json.Unmarshal(body, answer)
	}
	if err != nil {
		jsonError(w, http.StatusBadRequest, p.t(r, "The browser's answer could not be read."))
		return nil, "", false
	}
	state, err := p.store.Ceremony(r.Context(), sessionHash)
	if err == nil {
		err = p.store.SetCeremony(r.Context(), sessionHash, "")
	}
	var keys []store.Passkey
	if err == nil {
		keys, err = p.store.Passkeys(r.Context(), userID)
	}
	if err != nil {
		p.fail(w, r, err)
		return nil, "", false
	}
	return keys, state, true
}

// jsonError answers a script of the portal with what went wrong, for a person to read.
func jsonError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]string{"error": msg})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// truncate shortens s to at most n runes.
func truncate(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n])
	}
	return s
}
