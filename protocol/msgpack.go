package protocol

import (
	"encoding/binary"
	"math"
)

// Minimal msgpack primitives. The spec is https://github.com/msgpack/msgpack/blob/master/spec.md;
// vmihailenco/msgpack is the reference the tests check these against.

func appendArrayHeader(b []byte, n int) []byte {
	switch {
	case n < 16:
		return append(b, 0x90|byte(n))
	case n <= math.MaxUint16:
		return append(b, 0xdc, byte(n>>8), byte(n))
	default:
		return append(b, 0xdd, byte(n>>24), byte(n>>16), byte(n>>8), byte(n))
	}
}

func appendUint(b []byte, v uint64) []byte {
	switch {
	case v < 128:
		return append(b, byte(v))
	case v <= math.MaxUint8:
		return append(b, 0xcc, byte(v))
	case v <= math.MaxUint16:
		return append(b, 0xcd, byte(v>>8), byte(v))
	case v <= math.MaxUint32:
		return append(b, 0xce, byte(v>>24), byte(v>>16), byte(v>>8), byte(v))
	default:
		return binary.BigEndian.AppendUint64(append(b, 0xcf), v)
	}
}

// appendFloat always writes float64, as JavaScript encoders do, so the page
// and the Go client produce the same bytes for the same intent.
func appendFloat(b []byte, f float64) []byte {
	return binary.BigEndian.AppendUint64(append(b, 0xcb), math.Float64bits(f))
}

func appendString(b []byte, s string) []byte {
	n := len(s)
	switch {
	case n < 32:
		b = append(b, 0xa0|byte(n))
	case n <= math.MaxUint8:
		b = append(b, 0xd9, byte(n))
	case n <= math.MaxUint16:
		b = append(b, 0xda, byte(n>>8), byte(n))
	default:
		b = append(b, 0xdb, byte(n>>24), byte(n>>16), byte(n>>8), byte(n))
	}
	return append(b, s...)
}

func appendBinHeader(b []byte, n int) []byte {
	switch {
	case n <= math.MaxUint8:
		return append(b, 0xc4, byte(n))
	case n <= math.MaxUint16:
		return append(b, 0xc5, byte(n>>8), byte(n))
	default:
		return append(b, 0xc6, byte(n>>24), byte(n>>16), byte(n>>8), byte(n))
	}
}

func appendBool(b []byte, v bool) []byte {
	if v {
		return append(b, 0xc3)
	}
	return append(b, 0xc2)
}

// reader decodes msgpack values from a byte slice, checking every length
// against the bytes that remain. It never allocates except for strings it is
// asked to return.
type reader struct {
	b   []byte
	off int
}

func (r *reader) need(n int) error {
	if n < 0 || len(r.b)-r.off < n {
		return malformed("truncated at byte %d", r.off)
	}
	return nil
}

func (r *reader) byte1() (byte, error) {
	if err := r.need(1); err != nil {
		return 0, err
	}
	c := r.b[r.off]
	r.off++
	return c, nil
}

func (r *reader) bigEndian(n int) (uint64, error) {
	if err := r.need(n); err != nil {
		return 0, err
	}
	var v uint64
	for _, c := range r.b[r.off : r.off+n] {
		v = v<<8 | uint64(c)
	}
	r.off += n
	return v, nil
}

// arrayHeader reads an array header whose length must be in [min, max]. Each
// element takes at least one byte, so a length beyond the remaining bytes is
// rejected before the caller allocates for it.
func (r *reader) arrayHeader(min, max int) (int, error) {
	c, err := r.byte1()
	if err != nil {
		return 0, err
	}
	var n uint64
	switch {
	case c&0xf0 == 0x90:
		n = uint64(c & 0x0f)
	case c == 0xdc:
		n, err = r.bigEndian(2)
	case c == 0xdd:
		n, err = r.bigEndian(4)
	default:
		return 0, malformed("expected an array at byte %d, got 0x%02x", r.off-1, c)
	}
	if err != nil {
		return 0, err
	}
	if n < uint64(min) || n > uint64(max) {
		return 0, malformed("array of %d elements, want %d to %d", n, min, max)
	}
	if n > uint64(len(r.b)-r.off) {
		return 0, malformed("array of %d elements in %d bytes", n, len(r.b)-r.off)
	}
	return int(n), nil
}

func (r *reader) uint(max uint64) (uint64, error) {
	c, err := r.byte1()
	if err != nil {
		return 0, err
	}
	var v uint64
	switch {
	case c < 0x80:
		v = uint64(c)
	case c == 0xcc:
		v, err = r.bigEndian(1)
	case c == 0xcd:
		v, err = r.bigEndian(2)
	case c == 0xce:
		v, err = r.bigEndian(4)
	case c == 0xcf:
		v, err = r.bigEndian(8)
	case c >= 0xd0 && c <= 0xd3: // signed ints are accepted when non-negative (JS encoders use them)
		var s int64
		s, err = r.signed(c)
		if err == nil && s < 0 {
			return 0, malformed("negative value %d where an unsigned integer is expected", s)
		}
		v = uint64(s)
	default:
		return 0, malformed("expected an unsigned integer at byte %d, got 0x%02x", r.off-1, c)
	}
	if err != nil {
		return 0, err
	}
	if v > max {
		return 0, malformed("integer %d over its limit %d", v, max)
	}
	return v, nil
}

func (r *reader) signed(c byte) (int64, error) {
	switch c {
	case 0xd0:
		v, err := r.bigEndian(1)
		return int64(int8(v)), err
	case 0xd1:
		v, err := r.bigEndian(2)
		return int64(int16(v)), err
	case 0xd2:
		v, err := r.bigEndian(4)
		return int64(int32(v)), err
	default:
		v, err := r.bigEndian(8)
		return int64(v), err
	}
}

// number reads any msgpack number (integers or floats) as a float64. NaN and
// infinities are returned as they are; callers validate ranges.
func (r *reader) number() (float64, error) {
	c, err := r.byte1()
	if err != nil {
		return 0, err
	}
	switch {
	case c < 0x80:
		return float64(c), nil
	case c >= 0xe0:
		return float64(int8(c)), nil
	case c == 0xca:
		v, err := r.bigEndian(4)
		return float64(math.Float32frombits(uint32(v))), err
	case c == 0xcb:
		v, err := r.bigEndian(8)
		return math.Float64frombits(v), err
	case c >= 0xcc && c <= 0xcf:
		v, err := r.bigEndian(1 << (c - 0xcc))
		return float64(v), err
	case c >= 0xd0 && c <= 0xd3:
		v, err := r.signed(c)
		return float64(v), err
	}
	return 0, malformed("expected a number at byte %d, got 0x%02x", r.off-1, c)
}

func (r *reader) strBytes(max int) ([]byte, error) {
	c, err := r.byte1()
	if err != nil {
		return nil, err
	}
	var n uint64
	switch {
	case c&0xe0 == 0xa0:
		n = uint64(c & 0x1f)
	case c == 0xd9:
		n, err = r.bigEndian(1)
	case c == 0xda:
		n, err = r.bigEndian(2)
	case c == 0xdb:
		n, err = r.bigEndian(4)
	case c == 0xc0: // nil reads as the empty string
		return nil, nil
	default:
		return nil, malformed("expected a string at byte %d, got 0x%02x", r.off-1, c)
	}
	if err != nil {
		return nil, err
	}
	if n > uint64(max) {
		return nil, malformed("string of %d bytes over its limit %d", n, max)
	}
	if err := r.need(int(n)); err != nil {
		return nil, err
	}
	s := r.b[r.off : r.off+int(n)]
	r.off += int(n)
	return s, nil
}

func (r *reader) str(max int) (string, error) {
	s, err := r.strBytes(max)
	return string(s), err
}

func (r *reader) bin(max int) ([]byte, error) {
	c, err := r.byte1()
	if err != nil {
		return nil, err
	}
	var n uint64
	switch c {
	case 0xc4:
		n, err = r.bigEndian(1)
	case 0xc5:
		n, err = r.bigEndian(2)
	case 0xc6:
		n, err = r.bigEndian(4)
	default:
		return nil, malformed("expected binary data at byte %d, got 0x%02x", r.off-1, c)
	}
	if err != nil {
		return nil, err
	}
	if n > uint64(max) {
		return nil, malformed("binary of %d bytes over its limit %d", n, max)
	}
	if err := r.need(int(n)); err != nil {
		return nil, err
	}
	s := r.b[r.off : r.off+int(n)]
	r.off += int(n)
	return s, nil
}

func (r *reader) boolean() (bool, error) {
	c, err := r.byte1()
	if err != nil {
		return false, err
	}
	switch c {
	case 0xc2:
		return false, nil
	case 0xc3:
		return true, nil
	}
	return false, malformed("expected a boolean at byte %d, got 0x%02x", r.off-1, c)
}

func (r *reader) end() error {
	if r.off != len(r.b) {
		return malformed("%d trailing bytes", len(r.b)-r.off)
	}
	return nil
}

// varint helpers for the MOVES binary: unsigned LEB128 and zigzag.

func appendUvarint(b []byte, v uint64) []byte { return binary.AppendUvarint(b, v) }

func appendZigzag(b []byte, v int64) []byte {
	return binary.AppendUvarint(b, uint64(v<<1)^uint64(v>>63))
}

func unzigzag(u uint64) int64 { return int64(u>>1) ^ -int64(u&1) }

func (r *reader) uvarint() (uint64, error) {
	v, n := binary.Uvarint(r.b[r.off:])
	if n <= 0 {
		return 0, malformed("bad varint at byte %d", r.off)
	}
	r.off += n
	return v, nil
}

// maxSkipDepth bounds the nesting of values skipped for forward compatibility.
const maxSkipDepth = 4

// skipN skips n values (fields a newer version added): nil, booleans,
// numbers, strings, binary data and arrays of them, nested at most
// maxSkipDepth deep. Maps and extension types are malformed: no message of
// this protocol uses them.
func (r *reader) skipN(n int) error {
	for range n {
		if err := r.skip(0); err != nil {
			return err
		}
	}
	return nil
}

func (r *reader) skip(depth int) error {
	if depth > maxSkipDepth {
		return malformed("values nested deeper than %d", maxSkipDepth)
	}
	c, err := r.byte1()
	if err != nil {
		return err
	}
	var n uint64 // bytes to skip, or elements of an array
	array := false
	switch {
	case c < 0x80 || c >= 0xe0 || c == 0xc0 || c == 0xc2 || c == 0xc3:
		return nil
	case c&0xf0 == 0x90:
		n, array = uint64(c&0x0f), true
	case c&0xf0 == 0x80 || c == 0xde || c == 0xdf:
		// No message of this protocol has a map, and a map's keys may be
		// of any type, which many decoders cannot hold.
		return malformed("msgpack map at byte %d", r.off-1)
	case c&0xe0 == 0xa0:
		n = uint64(c & 0x1f)
	case c == 0xc4 || c == 0xd9:
		n, err = r.bigEndian(1)
	case c == 0xc5 || c == 0xda:
		n, err = r.bigEndian(2)
	case c == 0xc6 || c == 0xdb:
		n, err = r.bigEndian(4)
	case c == 0xca || c == 0xce || c == 0xd2:
		n = 4
	case c == 0xcb || c == 0xcf || c == 0xd3:
		n = 8
	case c == 0xcc || c == 0xd0:
		n = 1
	case c == 0xcd || c == 0xd1:
		n = 2
	case c >= 0xc7 && c <= 0xc9 || c >= 0xd4 && c <= 0xd8:
		// The protocol uses no extension type, and the page's decoder
		// refuses them: a value no client could read is malformed.
		return malformed("msgpack extension type 0x%02x at byte %d", c, r.off-1)
	case c == 0xdc:
		n, err = r.bigEndian(2)
		array = true
	case c == 0xdd:
		n, err = r.bigEndian(4)
		array = true
	default: // 0xc1 is never used
		return malformed("invalid msgpack byte 0x%02x at byte %d", c, r.off-1)
	}
	if err != nil {
		return err
	}
	if !array {
		if n > uint64(len(r.b)-r.off) {
			return malformed("value of %d bytes in %d", n, len(r.b)-r.off)
		}
		r.off += int(n)
		return nil
	}
	if n > uint64(len(r.b)-r.off) {
		return malformed("array of %d elements in %d bytes", n, len(r.b)-r.off)
	}
	for range n {
		if err := r.skip(depth + 1); err != nil {
			return err
		}
	}
	return nil
}
