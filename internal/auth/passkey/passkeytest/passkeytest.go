// Package passkeytest is a software authenticator for tests: it answers the options of
// a WebAuthn registration or login as a browser with a platform authenticator would,
// with a P-256 key, "none" attestation, and a signature counter.
package passkeytest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"fmt"

	"github.com/fxamacker/cbor/v2"
)

// Authenticator holds one credential, made by Create.
type Authenticator struct {
	Origin  string // the page's origin the browser reports, e.g. http://localhost:8080
	Counter uint32 // the signature counter; set it back to pretend a cloned key
	key     *ecdsa.PrivateKey
	id      []byte
}

// New returns an authenticator for pages at origin.
func New(origin string) *Authenticator { return &Authenticator{Origin: origin} }

var b64 = base64.RawURLEncoding

type options struct {
	PublicKey struct {
		Challenge string `json:"challenge"`
		RP        struct {
			ID string `json:"id"`
		} `json:"rp"`
		RPID string `json:"rpId"`
	} `json:"publicKey"`
}

// Flags of the authenticator data: user present, user verified, attested credential.
const (
	flagUP = 0x01
	flagUV = 0x04
	flagAT = 0x40
)

// Create answers the options of navigator.credentials.create with a new credential, as
// the JSON body the portal expects.
func (a *Authenticator) Create(opts []byte) ([]byte, error) {
	var o options
	if err := json.Unmarshal(opts, &o); err != nil {
		return nil, err
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	a.key, a.id = key, make([]byte, 16)
	rand.Read(a.id)
	pub, err := key.PublicKey.Bytes() // 0x04 || X || Y
	if err != nil {
		return nil, err
	}
	cose, err := cbor.Marshal(map[int]any{1: 2, 3: -7, -1: 1, -2: pub[1:33], -3: pub[33:]})
	if err != nil {
		return nil, err
	}
	auth := a.authData(o.PublicKey.RP.ID, flagUP|flagUV|flagAT)
	auth = append(auth, make([]byte, 16)...) // AAGUID
	auth = binary.BigEndian.AppendUint16(auth, uint16(len(a.id)))
	auth = append(append(auth, a.id...), cose...)
	att, err := cbor.Marshal(map[string]any{"fmt": "none", "attStmt": map[string]any{}, "authData": auth})
	if err != nil {
		return nil, err
	}
	return json.Marshal(map[string]any{"id": b64.EncodeToString(a.id), "rawId": b64.EncodeToString(a.id), "type": "public-key",
		"response": map[string]string{"clientDataJSON": a.clientData("webauthn.create", o.PublicKey.Challenge),
			"attestationObject": b64.EncodeToString(att)}})
}

// Get answers the options of navigator.credentials.get with a signed assertion.
func (a *Authenticator) Get(opts []byte) ([]byte, error) {
	if a.key == nil {
		return nil, fmt.Errorf("no credential: call Create first")
	}
	var o options
	if err := json.Unmarshal(opts, &o); err != nil {
		return nil, err
	}
	a.Counter++
	auth := a.authData(o.PublicKey.RPID, flagUP|flagUV)
	client := a.clientData("webauthn.get", o.PublicKey.Challenge)
	raw, _ := b64.DecodeString(client)
	digest := sha256.Sum256(raw)
	signed := sha256.Sum256(append(append([]byte{}, auth...), digest[:]...))
	sig, err := ecdsa.SignASN1(rand.Reader, a.key, signed[:])
	if err != nil {
		return nil, err
	}
	return json.Marshal(map[string]any{"id": b64.EncodeToString(a.id), "rawId": b64.EncodeToString(a.id), "type": "public-key",
		"response": map[string]string{"clientDataJSON": client, "authenticatorData": b64.EncodeToString(auth),
			"signature": b64.EncodeToString(sig)}})
}

// authData is the start of the authenticator data: the RP ID's hash, flags, counter.
func (a *Authenticator) authData(rpID string, flags byte) []byte {
	h := sha256.Sum256([]byte(rpID))
	return binary.BigEndian.AppendUint32(append(h[:], flags), a.Counter)
}

func (a *Authenticator) clientData(typ, challenge string) string {
	c, _ := json.Marshal(map[string]any{"type": typ, "challenge": challenge, "origin": a.Origin, "crossOrigin": false})
	return b64.EncodeToString(c)
}
