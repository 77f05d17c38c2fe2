package stix

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// walker walks the top level of the input and hands out one STIX object at a time.
// It reads a bundle ({"type": "bundle", "objects": [...]}), a bare array of objects,
// a single object, or several of these one after the other (such as JSON Lines of
// objects). A bundle's "objects" array is streamed: only the current object is in
// memory.
type walker struct {
	dec    *json.Decoder
	state  int
	bundle bool // the array being streamed is a bundle's "objects"
	n      int  // number of objects handed out
}

const (
	stTop      = iota // before a top-level value
	stArray           // in a top-level array of objects
	stObjects         // in a bundle's "objects" array
	stAfterArr        // in a bundle, after "objects": the rest of its keys
)

// rowError is an object the walker could read past but not decode; the walk goes on.
type rowError struct{ err error }

func (e *rowError) Error() string { return e.err.Error() }

func newWalker(r io.Reader) *walker {
	dec := json.NewDecoder(r)
	dec.UseNumber()
	return &walker{dec: dec}
}

// next decodes the next object into o (which it clears first). It returns io.EOF
// at the end, a *rowError for an object of the wrong shape, and any other error
// when the input cannot be read further (a JSON syntax error, for one).
func (w *walker) next(o *object) error {
	for {
		switch w.state {
		case stArray, stObjects:
			if w.dec.More() {
				w.n++
				*o = object{}
				return w.decodeObject(o)
			}
			if _, err := w.dec.Token(); err != nil { // the closing ]
				return w.fail(w.n+1, unexpected(err))
			}
			w.state = stTop
			if w.bundle {
				w.state = stAfterArr
			}
		case stAfterArr:
			if err := w.skipRest(); err != nil {
				return w.fail(w.n+1, unexpected(err))
			}
			w.state = stTop
		default:
			single, err := w.top()
			if err != nil {
				return w.fail(w.n+1, err)
			}
			if single == nil {
				continue // streaming an array now
			}
			*o = object{}
			err = json.Unmarshal(single, o)
			if err == nil && o.Type == "bundle" {
				continue // a bundle without an "objects" array: nothing in it
			}
			w.n++
			if err != nil {
				return &rowError{describe(err)}
			}
			return nil
		}
	}
}

// decodeObject decodes one element of an array of objects.
func (w *walker) decodeObject(o *object) error {
	err := w.dec.Decode(o)
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return &rowError{describe(err)}
	}
	return w.fail(w.n, err)
}

// fail says which object the input could not be read at; io.EOF stays io.EOF.
func (w *walker) fail(n int, err error) error {
	if err == nil || errors.Is(err, io.EOF) {
		return err
	}
	return fmt.Errorf("object %d: %w", n, err)
}

// top reads the start of a top-level value. For an array, or a bundle whose
// "objects" array begins, it moves into streaming and returns nil. For any other
// object it returns the whole object, re-encoded.
func (w *walker) top() (json.RawMessage, error) {
	tok, err := w.dec.Token()
	if err != nil {
		return nil, err // io.EOF here is the end of the input
	}
	single, err := w.topValue(tok)
	return single, unexpected(err)
}

// topValue reads the rest of a top-level value that starts with tok.
func (w *walker) topValue(tok json.Token) (json.RawMessage, error) {
	switch tok {
	case json.Delim('['):
		w.state, w.bundle = stArray, false
		return nil, nil
	case json.Delim('{'):
	default:
		return nil, fmt.Errorf("the input is not a STIX bundle, object or array of objects, but starts with %v", tok)
	}
	fields := make(map[string]json.RawMessage)
	for w.dec.More() {
		key, err := w.key()
		if err != nil {
			return nil, err
		}
		if key != "objects" {
			var v json.RawMessage
			if err := w.dec.Decode(&v); err != nil {
				return nil, err
			}
			fields[key] = v
			continue
		}
		// "objects" is a bundle's array, or an observed-data's dictionary.
		tok, err := w.dec.Token()
		switch {
		case err != nil:
			return nil, err
		case tok == json.Delim('['):
			w.state, w.bundle = stObjects, true
			return nil, nil
		case tok == json.Delim('{'):
			fields[key], err = w.restOfObject()
		default:
			fields[key], err = json.Marshal(tok)
		}
		if err != nil {
			return nil, err
		}
	}
	if _, err := w.dec.Token(); err != nil { // the closing }
		return nil, err
	}
	return json.Marshal(fields)
}

// key reads an object's key.
func (w *walker) key() (string, error) {
	tok, err := w.dec.Token()
	if err != nil {
		return "", err
	}
	key, ok := tok.(string)
	if !ok {
		return "", fmt.Errorf("an object key is %v", tok)
	}
	return key, nil
}

// restOfObject reads the members of an object whose { was read, up to its }.
func (w *walker) restOfObject() (json.RawMessage, error) {
	m := make(map[string]json.RawMessage)
	for w.dec.More() {
		key, err := w.key()
		if err != nil {
			return nil, err
		}
		var v json.RawMessage
		if err := w.dec.Decode(&v); err != nil {
			return nil, err
		}
		m[key] = v
	}
	if _, err := w.dec.Token(); err != nil {
		return nil, err
	}
	return json.Marshal(m)
}

// skipRest reads past the bundle's keys after "objects", up to its }.
func (w *walker) skipRest() error {
	for w.dec.More() {
		if _, err := w.key(); err != nil {
			return err
		}
		var v json.RawMessage
		if err := w.dec.Decode(&v); err != nil {
			return err
		}
	}
	_, err := w.dec.Token()
	return err
}

// unexpected turns io.EOF, met inside a value, into io.ErrUnexpectedEOF.
func unexpected(err error) error {
	if errors.Is(err, io.EOF) {
		return io.ErrUnexpectedEOF
	}
	return err
}

// describe turns a decoding error into a reason a person can act on.
func describe(err error) error {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		if te.Field == "" {
			return fmt.Errorf("a JSON %s, not a STIX object", te.Value)
		}
		return fmt.Errorf("property %s is a JSON %s, not a %v", te.Field, te.Value, te.Type)
	}
	return err
}
