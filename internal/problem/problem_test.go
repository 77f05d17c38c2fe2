package problem

import (
	"errors"
	"fmt"
	"io"
	"testing"
)

// TestProblem: a problem reads as fmt would write it, and wraps the errors among its
// arguments as %w would.
func TestProblem(t *testing.T) {
	t.Parallel()
	inner := New("the domain name is empty")
	p := New("domain %q: %v", "x.", inner)
	if got, want := p.Error(), fmt.Sprintf("domain %q: %v", "x.", inner); got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
	var got *Problem
	if !errors.As(p, &got) || got != p {
		t.Errorf("errors.As finds %v", got)
	}
	wrapped := New("reading the file: %v", fmt.Errorf("line 3: %w", io.ErrUnexpectedEOF))
	if !errors.Is(wrapped, io.ErrUnexpectedEOF) || errors.Is(New("line %d", 3), io.EOF) {
		t.Errorf("errors.Is does not see through %v", wrapped)
	}
	if !errors.Is(p, inner) {
		t.Errorf("errors.Is(%v, %v) = false", p, inner)
	}
}
