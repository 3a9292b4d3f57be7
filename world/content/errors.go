package content

import (
	"errors"
	"fmt"
)

// Error is one problem found in a contents file, such as
// "content h-042: quiz question 3 has no right answer". Load joins all of
// them with errors.Join; Problems gets them back. An Error is immutable and
// safe for concurrent use.
type Error struct {
	// Object names what is wrong: "file", "sector aero", "booth b-01",
	// "job soudeur", "content h-042". Entries without a usable id are named
	// by their position in their list, from 1: "content #17".
	Object string
	// Problem says what is wrong, in English, without the object.
	Problem string
	// Err is the underlying error, if any (a file or JSON error).
	Err error
}

func (e *Error) Error() string { return e.Object + ": " + e.Problem }

func (e *Error) Unwrap() error { return e.Err }

// Problems returns every *Error inside err (as joined by Load), in order.
// It returns nil for a nil error and for an error that holds no *Error.
func Problems(err error) []*Error {
	var out []*Error
	var walk func(error)
	walk = func(err error) {
		if err == nil {
			return
		}
		if e, ok := err.(*Error); ok {
			out = append(out, e)
			return
		}
		switch u := err.(type) {
		case interface{ Unwrap() []error }:
			for _, e := range u.Unwrap() {
				walk(e)
			}
		case interface{ Unwrap() error }:
			walk(u.Unwrap())
		}
	}
	walk(err)
	return out
}

// problems collects the Errors of one load.
type problems []error

func (p *problems) add(object, format string, args ...any) {
	*p = append(*p, &Error{Object: object, Problem: fmt.Sprintf(format, args...)})
}

func (p problems) err() error { return errors.Join(p...) }
