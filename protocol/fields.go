package protocol

import "math"

// fields reads the positional fields of one array (a message after its type
// code, an enter record, an event after its kind) in order. It is the one
// place where the forward-compatibility rules of docs/PROTOCOL.md are
// applied:
//
//   - a required field the array does not hold makes it malformed;
//   - after optional(), a field the array does not hold keeps the value its
//     destination already has: set the default before reading;
//   - done skips the fields beyond the last one read (a later version's),
//     which must still be valid msgpack, nested at most 4 deep.
//
// So adding an optional trailing field is one line after optional(), with
// its default set where the destination is zeroed. A field that is present
// must be valid whether it is required or not. Errors stick: after the
// first one, the other calls do nothing and done returns it.
//
// It holds its reader by value, not a pointer: a pointer would make the
// decoders' readers escape to the heap (escape analysis does not tell the
// fields of *fields apart), and decoding an intent must not allocate.
// Nested arrays read with a fields of their own, from sub, and hand the
// offset back with join.
type fields struct {
	r    reader
	what string // names the array in errors: "HELLO", "enter"
	n    int    // fields the array holds
	i    int    // fields read so far
	opt  bool   // the fields from here on are optional
	err  error
}

// next reports whether there is a field to read, and records the error of
// a missing required one.
func (f *fields) next() bool {
	if f.err != nil {
		return false
	}
	if f.i == f.n {
		if !f.opt {
			f.err = malformed("%s has %d fields; field %d is required", f.what, f.n, f.i+1)
		}
		return false
	}
	f.i++
	return true
}

// optional marks the fields read from here on as optional.
func (f *fields) optional() { f.opt = true }

func (f *fields) str(dst *string, max int) {
	if f.next() {
		*dst, f.err = f.r.str(max)
	}
}

func (f *fields) float(dst *float64) {
	if f.next() {
		*dst, f.err = f.r.number()
	}
}

func (f *fields) boolean(dst *bool) {
	if f.next() {
		*dst, f.err = f.r.boolean()
	}
}

func (f *fields) bin(dst *[]byte, max int) {
	if f.next() {
		*dst, f.err = f.r.bin(max)
	}
}

// array reads the header of a nested array of at most max elements; ok is
// false when it is missing (optional) or on error.
func (f *fields) array(max int) (n int, ok bool) {
	if !f.next() {
		return 0, false
	}
	n, f.err = f.r.arrayHeader(0, max)
	return n, f.err == nil
}

// sub returns the fields of a nested array of n elements starting at f's offset.
func (f *fields) sub(what string, n int) fields {
	return fields{r: f.r, what: what, n: n}
}

// join takes back the offset a sub reached and its error.
func (f *fields) join(s *fields) {
	f.r.off = s.r.off
	f.fail(s.err)
}

// fail records an error found by the caller in a field it read.
func (f *fields) fail(err error) {
	if f.err == nil {
		f.err = err
	}
}

// done skips the fields a later version added and returns the first error.
func (f *fields) done() error {
	if f.err != nil {
		return f.err
	}
	return f.r.skipN(f.n - f.i)
}

// uintField reads an unsigned integer field of at most max into dst. (A
// function, not a method: methods cannot have type parameters.)
func uintField[T ~uint8 | ~uint16 | ~uint32](f *fields, dst *T, max T) {
	if f.next() {
		var v uint64
		v, f.err = f.r.uint(uint64(max))
		*dst = T(v)
	}
}

// u32 reads a uint32 field, the common case.
func (f *fields) u32(dst *uint32) { uintField(f, dst, math.MaxUint32) }

// u16 reads a uint16 field (quantised coordinates).
func (f *fields) u16(dst *uint16) { uintField(f, dst, math.MaxUint16) }
