// Package registry keeps the organisations Baken serves, their contacts and the assets
// they own: bulk import from CSV and JSON Lines, and looking them up.
package registry

import (
	"github.com/baken-cert/baken/internal/store"
)

// Service is the registry, over a store.
type Service struct {
	store  store.Store
	claims ClaimPolicy
}

// New returns the registry over s, with the default claim policy.
func New(s store.Store) *Service { return &Service{store: s, claims: ClaimPolicy{}.withDefaults()} }
