// Package problem carries what is wrong with something people wrote in a form that can
// be translated: the English format, as for fmt, and its arguments, kept apart until the
// text is shown.
//
// Its English text (Error) is what the command line, the logs and the API show. The
// portal looks the format up in its catalog instead, with the format as the key, and
// formats the arguments in the reader's language; an argument that is itself a problem is
// translated with it. So that a test can find every format and check its translations,
// New is always called with a string literal.
package problem

import "fmt"

// Problem is a message for people: Format as for fmt, in English, and its Args.
type Problem struct {
	Format string
	Args   []any
}

// New returns the problem of format and args; format is a string literal. Errors among
// args are wrapped as by fmt.Errorf's %w, which format writes as %v.
func New(format string, args ...any) *Problem { return &Problem{Format: format, Args: args} }

// Error returns the problem in English.
func (p *Problem) Error() string { return fmt.Sprintf(p.Format, p.Args...) }

// Unwrap returns the arguments that are errors, so that errors.Is and errors.As see
// through a problem as through fmt.Errorf's %w.
func (p *Problem) Unwrap() []error {
	var errs []error
	for _, a := range p.Args {
		if err, ok := a.(error); ok {
			errs = append(errs, err)
		}
	}
	return errs
}
