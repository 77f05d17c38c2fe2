package email

import (
	"errors"
	"fmt"
	"os"

	"github.com/ProtonMail/go-crypto/openpgp"
)

// LoadSigningKey reads an ASCII-armored OpenPGP private key (as `gpg --export-secret-keys
// --armor` writes it) for Sign. A key protected by a passphrase is unlocked with it.
func LoadSigningKey(path, passphrase string) (*openpgp.Entity, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	keys, err := openpgp.ReadArmoredKeyRing(f)
	if err != nil {
		return nil, fmt.Errorf("%s: not an armored OpenPGP key: %w", path, err)
	}
	for _, k := range keys {
		if k.PrivateKey == nil {
			continue
		}
		if k.PrivateKey.Encrypted {
			if passphrase == "" {
				return nil, fmt.Errorf("%s: the key is protected by a passphrase; set BAKEN_PGP_PASSPHRASE", path)
			}
			if err := k.DecryptPrivateKeys([]byte(passphrase)); err != nil {
				return nil, fmt.Errorf("%s: the passphrase does not unlock the key: %w", path, err)
			}
		}
		return k, nil
	}
	return nil, errors.New(path + ": holds no private key")
}
