// Package auth holds the security building blocks of the self-service portal:
// argon2id password hashing and a password policy, TOTP second factors with
// recovery codes, random tokens (session IDs, invitation, reset and API
// tokens), CSRF synchronizer tokens and an in-memory login throttle.
//
// The package is pure: no database, no HTTP. The store persists what these
// functions return (password hashes, TOTP secrets and last used steps, hashed
// recovery codes, token hashes); the portal calls them from its handlers.
//
// Secrets are compared in constant time throughout, and everything that must
// be unpredictable comes from crypto/rand.
package auth
