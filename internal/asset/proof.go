package asset

import (
	"time"

	"github.com/baken-cert/baken/internal/problem"
)

// Proof is how Baken knows that an organisation owns an asset: its state, and when and
// by whom it was proven.
type Proof struct {
	State Verification
	At    time.Time // when it was proven, approved, or its proof lapsed; zero if unknown
	By    string    // the analyst who approved it
}

// Describe says in words how the asset is proven, the same on every surface: the
// command line prints its English, the portal translates it.
func (p Proof) Describe() *problem.Problem {
	day := p.At.UTC().Format(time.DateOnly)
	switch {
	case p.State == Pending:
		return problem.New("waiting for proof")
	case p.State == DNSVerified && !p.At.IsZero():
		return problem.New("proven by DNS on %s", day)
	case p.State == DNSVerified:
		return problem.New("proven by DNS")
	case p.State == RegistryBacked:
		return problem.New("backed by the RIPE database")
	case p.State == AnalystApproved && p.By != "" && !p.At.IsZero():
		return problem.New("approved by %s on %s", p.By, day)
	case p.State == AnalystApproved:
		return problem.New("approved by an analyst")
	case p.State == Lapsed && !p.At.IsZero():
		return problem.New("proof lapsed on %s: it matches nothing until proven again", day)
	case p.State == Lapsed:
		return problem.New("proof lapsed: it matches nothing until proven again")
	}
	return problem.New("imported by the CERT")
}
