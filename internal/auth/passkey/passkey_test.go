package passkey_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/baken-cert/baken/internal/auth/passkey"
	"github.com/baken-cert/baken/internal/auth/passkey/passkeytest"
	"github.com/baken-cert/baken/internal/store"
)

func TestNeedsAHostName(t *testing.T) {
	for _, u := range []string{"http://127.0.0.1:8080", "https://[2001:db8::1]/"} {
		if _, err := passkey.New(u, "Baken"); !errors.Is(err, passkey.ErrUnavailable) {
			t.Errorf("%s: %v", u, err)
		}
	}
	if _, err := passkey.New("https://portal.example.nl", "Baken"); err != nil {
		t.Fatal(err)
	}
}

// register runs a registration ceremony with authenticator a and returns the stored key.
func register(t *testing.T, rp *passkey.RelyingParty, u store.User, a *passkeytest.Authenticator) store.Passkey {
	t.Helper()
	opts, state, err := rp.BeginRegistration(u, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(opts), `"id":"localhost"`) || !strings.Contains(string(opts), u.Email) {
		t.Fatalf("creation options: %s", opts)
	}
	answer, err := a.Create(opts)
	if err != nil {
		t.Fatal(err)
	}
	id, cred, err := rp.FinishRegistration(u, nil, state, answer)
	if err != nil {
		t.Fatal(err)
	}
	return store.Passkey{ID: 1, UserID: u.ID, CredentialID: id, Credential: cred}
}

func TestRegisterAndLogIn(t *testing.T) {
	rp, err := passkey.New("http://localhost:8080", "Baken")
	if err != nil {
		t.Fatal(err)
	}
	u := store.User{ID: 7, Email: "anna@alpha.example"}
	a := passkeytest.New("http://localhost:8080")
	key := register(t, rp, u, a)

	login := func(keys []store.Passkey) (store.Passkey, error) {
		opts, state, err := rp.BeginLogin(u, keys)
		if err != nil {
			t.Fatal(err)
		}
		answer, err := a.Get(opts)
		if err != nil {
			t.Fatal(err)
		}
		return rp.FinishLogin(u, keys, state, answer)
	}
	used, err := login([]store.Passkey{key})
	if err != nil || used.ID != key.ID || bytes.Equal(used.Credential, key.Credential) {
		t.Fatalf("login: %+v %v (the counter must be in the updated credential)", used, err)
	}
	if _, err := login([]store.Passkey{used}); err != nil {
		t.Fatalf("second login: %v", err)
	}

	a.Counter = 0 // a copy of the key that lags behind
	if _, err := login([]store.Passkey{used}); err == nil {
		t.Fatal("a counter going back was accepted")
	}
}

func TestRefusesWhatDoesNotBelong(t *testing.T) {
	rp, _ := passkey.New("http://localhost:8080", "Baken")
	u := store.User{ID: 7, Email: "anna@alpha.example"}
	a := passkeytest.New("http://localhost:8080")
	key := register(t, rp, u, a)

	t.Run("another ceremony's answer", func(t *testing.T) {
		opts, _, _ := rp.BeginLogin(u, []store.Passkey{key})
		_, state, _ := rp.BeginLogin(u, []store.Passkey{key})
		answer, _ := a.Get(opts)
		if _, err := rp.FinishLogin(u, []store.Passkey{key}, state, answer); err == nil {
			t.Fatal("an answer to another challenge was accepted")
		}
	})
	t.Run("another site", func(t *testing.T) {
		evil := *a
		evil.Origin = "http://localhost.evil.example"
		opts, state, _ := rp.BeginLogin(u, []store.Passkey{key})
		answer, _ := evil.Get(opts)
		if _, err := rp.FinishLogin(u, []store.Passkey{key}, state, answer); err == nil {
			t.Fatal("an answer from another origin was accepted")
		}
	})
	t.Run("another user's key", func(t *testing.T) {
		other := store.User{ID: 8, Email: "bob@beta.example"}
		b := passkeytest.New("http://localhost:8080")
		otherKey := register(t, rp, other, b)
		opts, state, _ := rp.BeginLogin(u, []store.Passkey{key})
		answer, _ := b.Get(opts)
		if _, err := rp.FinishLogin(u, []store.Passkey{key}, state, answer); err == nil {
			t.Fatalf("bob's key %x logged anna in", otherKey.CredentialID)
		}
	})
	t.Run("no ceremony started", func(t *testing.T) {
		opts, _, _ := rp.BeginLogin(u, []store.Passkey{key})
		answer, _ := a.Get(opts)
		if _, err := rp.FinishLogin(u, []store.Passkey{key}, "", answer); err == nil {
			t.Fatal("accepted without a ceremony")
		}
	})
}
