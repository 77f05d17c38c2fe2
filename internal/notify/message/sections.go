package message

import (
	"strings"
	"sync"
	"sync/atomic"

	htmltemplate "html/template"
)

// Sections keeps the parts of messages that many messages share, rendered once: the
// advice for a set of courses of action (the same for every message about one kind of
// threat in one language). It is safe for concurrent use; the zero value is ready.
type Sections struct {
	courses sync.Map // courses key → renderedAdvice
	n       atomic.Int64
}

// maxSections bounds what Sections keeps; past it, sections are rendered every time.
const maxSections = 4096

type renderedAdvice struct {
	text string
	html htmltemplate.HTML
}

// advice returns the advice sections of courses, rendering them when s does not have
// them (or s is nil).
func (s *Sections) advice(courses []Course) (renderedAdvice, error) {
	if s == nil {
		return renderAdvice(courses)
	}
	key := coursesKey(courses)
	if r, ok := s.courses.Load(key); ok {
		return r.(renderedAdvice), nil
	}
	r, err := renderAdvice(courses)
	if err == nil && s.n.Add(1) <= maxSections {
		s.courses.Store(key, r)
	}
	return r, err
}

func renderAdvice(courses []Course) (renderedAdvice, error) {
	var t, h strings.Builder
	if err := textTemplate.ExecuteTemplate(&t, "advice", courses); err != nil {
		return renderedAdvice{}, err
	}
	if err := htmlTemplate.ExecuteTemplate(&h, "advice", courses); err != nil {
		return renderedAdvice{}, err
	}
	// html/template escaped what it wrote: it goes into the message as it is.
	return renderedAdvice{t.String(), htmltemplate.HTML(h.String())}, nil
}

// coursesKey is a key that differs between any two lists of courses.
func coursesKey(courses []Course) string {
	var b strings.Builder
	for _, c := range courses {
		b.WriteString(c.Title)
		b.WriteByte(0)
		b.WriteString(c.Explanation)
		for _, st := range c.Steps {
			b.WriteByte(1)
			b.WriteString(st)
		}
		b.WriteByte(2)
	}
	return b.String()
}
