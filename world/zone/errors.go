package zone

import "errors"

// Error is one problem found in a map, such as
// "hotspot h-042: outside the map". Load joins all of them with errors.Join;
// Problems gets them back. An Error is immutable and safe for concurrent use.
type Error struct {
	// Object names what is wrong: "map", "layer ground", "building bld-3",
	// "booth b-01", "hotspot h-042", "area spawn", "tileset fair tile 5".
	// Objects without an id are named by their Tiled object id: "hotspot #17".
	Object string
	// Problem says what is wrong, in English, without the object.
	Problem string
	// Err is the underlying error, if any (a file or XML error).
	Err error
}

func (e *Error) Error() string { return e.Object + ": " + e.Problem }

func (e *Error) Unwrap() error { return e.Err }

// Problems returns every *Error inside err (as joined by Load), in order.
// It returns nil for a nil error and, for an error that holds no *Error,
// nil as well.
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

func (p *problems) add(object, problem string) {
	*p = append(*p, &Error{Object: object, Problem: problem})
}

func (p problems) err() error { return errors.Join(p...) }
