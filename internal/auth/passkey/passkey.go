// Package passkey lets portal users register passkeys (WebAuthn credentials) and use
// them as their second factor. It wraps github.com/go-webauthn/webauthn: the ceremony
// state travels as JSON that the caller keeps on the server-side session, and stored
// credentials are the library's own JSON.
package passkey

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
	"time"

	"github.com/go-webauthn/webauthn/protocol"
	"github.com/go-webauthn/webauthn/webauthn"

	"github.com/baken-cert/baken/internal/store"
)

// ceremonyTimeout is how long a person has to touch their authenticator.
const ceremonyTimeout = 3 * time.Minute

// ErrUnavailable: passkeys need a host name, not an address, in the public URL.
var ErrUnavailable = errors.New("passkeys need BAKEN_PUBLIC_URL to name a host (such as localhost or portal.example.nl), not an IP address")

// RelyingParty runs the WebAuthn ceremonies for the portal at one public URL.
type RelyingParty struct {
	w *webauthn.WebAuthn
}

// New returns the relying party for the portal at publicURL (http(s)://host[:port]).
func New(publicURL, displayName string) (*RelyingParty, error) {
	u, err := url.Parse(publicURL)
	if err != nil {
		return nil, err
	}
	if net.ParseIP(u.Hostname()) != nil || u.Hostname() == "" {
		return nil, ErrUnavailable
	}
	timeout := webauthn.TimeoutConfig{Enforce: true, Timeout: ceremonyTimeout, TimeoutUVD: ceremonyTimeout}
	w, err := webauthn.New(&webauthn.Config{
		RPID:          u.Hostname(),
		RPDisplayName: displayName,
		RPOrigins:     []string{u.Scheme + "://" + u.Host},
		Timeouts:      webauthn.TimeoutsConfig{Login: timeout, Registration: timeout},
	})
	if err != nil {
		return nil, fmt.Errorf("passkeys: %w", err)
	}
	return &RelyingParty{w: w}, nil
}

// user is a portal user as WebAuthn sees them.
type user struct {
	u     store.User
	creds []webauthn.Credential
}

func (u user) WebAuthnID() []byte                         { return binary.BigEndian.AppendUint64(nil, uint64(u.u.ID)) }
func (u user) WebAuthnName() string                       { return u.u.Email }
func (u user) WebAuthnDisplayName() string                { return u.u.Email }
func (u user) WebAuthnCredentials() []webauthn.Credential { return u.creds }

func newUser(u store.User, keys []store.Passkey) (user, error) {
	out := user{u: u}
	for _, k := range keys {
		var c webauthn.Credential
		if err := json.Unmarshal(k.Credential, &c); err != nil {
			return out, fmt.Errorf("passkey %d: %w", k.ID, err)
		}
		out.creds = append(out.creds, c)
	}
	return out, nil
}

// BeginRegistration starts adding a passkey for u, who has keys already (the
// authenticator is told not to make a second one for the same account). It returns the
// options for navigator.credentials.create and the state to keep until Finish.
func (rp *RelyingParty) BeginRegistration(u store.User, keys []store.Passkey) (options []byte, state string, err error) {
	wu, err := newUser(u, keys)
	if err != nil {
		return nil, "", err
	}
	creation, session, err := rp.w.BeginRegistration(wu,
		webauthn.WithExclusions(webauthn.Credentials(wu.creds).CredentialDescriptors()),
		webauthn.WithResidentKeyRequirement(protocol.ResidentKeyRequirementPreferred))
	if err != nil {
		return nil, "", err
	}
	return encode(creation, session)
}

// FinishRegistration checks the browser's answer to BeginRegistration (the JSON of the
// PublicKeyCredential) and returns the new credential's id and what to store of it.
func (rp *RelyingParty) FinishRegistration(u store.User, keys []store.Passkey, state string, answer []byte) (id, credential []byte, err error) {
	wu, session, err := decode(u, keys, state)
	if err != nil {
		return nil, nil, err
	}
	parsed, err := protocol.ParseCredentialCreationResponseBytes(answer)
	if err != nil {
		return nil, nil, explain(err)
	}
	c, err := rp.w.CreateCredential(wu, session, parsed)
	if err != nil {
		return nil, nil, explain(err)
	}
	credential, err = json.Marshal(c)
	return c.ID, credential, err
}

// BeginLogin starts the second step of a login with one of u's passkeys.
func (rp *RelyingParty) BeginLogin(u store.User, keys []store.Passkey) (options []byte, state string, err error) {
	wu, err := newUser(u, keys)
	if err != nil {
		return nil, "", err
	}
	assertion, session, err := rp.w.BeginLogin(wu)
	if err != nil {
		return nil, "", err
	}
	return encode(assertion, session)
}

// FinishLogin checks the browser's answer to BeginLogin (the JSON of the
// PublicKeyCredential). It returns the passkey used with its credential updated (the
// signature counter), to store.
func (rp *RelyingParty) FinishLogin(u store.User, keys []store.Passkey, state string, answer []byte) (store.Passkey, error) {
	wu, session, err := decode(u, keys, state)
	if err != nil {
		return store.Passkey{}, err
	}
	parsed, err := protocol.ParseCredentialRequestResponseBytes(answer)
	if err != nil {
		return store.Passkey{}, explain(err)
	}
	c, err := rp.w.ValidateLogin(wu, session, parsed)
	if err != nil {
		return store.Passkey{}, explain(err)
	}
	if c.Authenticator.CloneWarning {
		return store.Passkey{}, errors.New("this passkey's signature counter went back: it may have been copied")
	}
	for _, k := range keys {
		if string(k.CredentialID) == string(c.ID) {
			k.Credential, err = json.Marshal(c)
			return k, err
		}
	}
	return store.Passkey{}, errors.New("the passkey used is not one of this account's")
}

func encode(options any, session *webauthn.SessionData) ([]byte, string, error) {
	o, err := json.Marshal(options)
	if err != nil {
		return nil, "", err
	}
	s, err := json.Marshal(session)
	return o, string(s), err
}

func decode(u store.User, keys []store.Passkey, state string) (user, webauthn.SessionData, error) {
	var session webauthn.SessionData
	if state == "" {
		return user{}, session, errors.New("no passkey ceremony was started in this session")
	}
	if err := json.Unmarshal([]byte(state), &session); err != nil {
		return user{}, session, err
	}
	wu, err := newUser(u, keys)
	return wu, session, err
}

// explain turns the library's protocol errors into their details, which say what was
// wrong ("Error validating challenge"), rather than only their kind.
func explain(err error) error {
	var pe *protocol.Error
	if errors.As(err, &pe) && pe.DevInfo != "" {
		return fmt.Errorf("%s: %s", strings.TrimSuffix(pe.Details, "."), pe.DevInfo)
	}
	return err
}
