package protocol

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"slices"
)

// AppendWelcome appends an encoded WELCOME. A zero MaxSpeed is sent as
// DefaultMaxSpeed.
func AppendWelcome(b []byte, w *Welcome) []byte {
	b = appendArrayHeader(b, 10)
	b = appendUint(b, uint64(TypeWelcome))
	b = appendString(b, w.SessionID)
	b = appendString(b, w.ResumeToken)
	b = appendUint(b, uint64(w.SelfID))
	b = appendUint(b, uint64(w.TickHz))
	b = appendString(b, w.ZoneID)
	b = appendString(b, w.Build)
	b = appendString(b, w.Pseudonym)
	b = appendBool(b, w.Resumed)
	return appendFloat(b, cmp.Or(w.MaxSpeed, DefaultMaxSpeed))
}

// ErrTooLarge is wrapped by the error AppendUpdate returns for an update
// that does not fit the protocol's bounds; the update was not written.
var ErrTooLarge = errors.New("protocol: update too large")

// AppendUpdate appends an encoded UPDATE and applies it to the view: leaves
// first, then enters, then moves. Leaves of avatars the view does not hold,
// enters of avatars it already holds (sent as moves instead) and moves of
// avatars it does not hold (dropped) are mended here, so the encoding always
// matches what the client will hold. u is modified: Moves sorted by ID,
// Leaves compacted, Enters of held avatars moved to Moves.
//
// An update a client could not decode is refused with an error wrapping
// ErrTooLarge: more than MaxRecords enters, leaves or events, a MOVES
// binary over MaxMovesBytes, or a message over MaxServerMessage. Then b is
// returned unchanged and so is the view, so the caller can skip the update
// and keep the connection consistent. (Splitting it would break "one
// UPDATE per tick"; the world's Budget keeps real updates far below.)
func (v *View) AppendUpdate(b []byte, u *Update) ([]byte, error) {
	if len(u.Enters) > MaxRecords || len(u.Leaves) > MaxRecords || len(u.Events) > MaxRecords {
		return b, tooLarge("records", max(len(u.Enters), len(u.Leaves), len(u.Events)), MaxRecords)
	}
	b0 := len(b)
	b = appendArrayHeader(b, 11)
	b = appendUint(b, uint64(TypeUpdate))
	b = appendUint(b, uint64(u.Tick))
	b = appendUint(b, uint64(u.Ack))
	b = appendUint(b, uint64(u.SelfX))
	b = appendUint(b, uint64(u.SelfY))

	// Leaves are applied first; they are written after the moves, so count them now.
	// u.Leaves is compacted in place to the avatars the view held; what they
	// were is kept in v.undo until the update is known to fit.
	v.undo = v.undo[:0]
	left := u.Leaves[:0]
	for _, id := range u.Leaves {
		if e, ok := v.take(id); ok {
			left = append(left, id)
			v.undo = append(v.undo, e)
		}
	}
	u.Leaves = left
	// Enters of avatars already held become moves.
	nEnters := 0
	for i := range u.Enters {
		e := &u.Enters[i]
		if v.Has(e.ID) {
			u.Moves = append(u.Moves, MoveRec{ID: e.ID, X: e.X, Y: e.Y})
			e.ID = 0 // marker: not written below; ID 0 is never an avatar
			continue
		}
		nEnters++
	}
	if !slices.IsSortedFunc(u.Moves, CompareMoves) {
		slices.SortStableFunc(u.Moves, CompareMoves)
	}

	// MOVES: a bin of records, applied to the view as they are written
	// (refused, they are taken back: unmove). Reserve a 3-byte bin16 header
	// and patch it.
	hdr := len(b)
	b = append(b, 0xc5, 0, 0)
	start := len(b)
	b = v.appendMoves(b, u.Moves)
	n := len(b) - start
	if n > MaxMovesBytes {
		v.unmove(b[start:])
		return b[:b0], tooLarge("MOVES bytes", n, MaxMovesBytes)
	}
	if n <= math.MaxUint8 { // shift down to a bin8 header
		b[hdr] = 0xc4
		b[hdr+1] = byte(n)
		copy(b[hdr+2:], b[start:])
		b = b[:len(b)-1]
		start--
	} else {
		b[hdr+1], b[hdr+2] = byte(n>>8), byte(n)
	}

	b = appendArrayHeader(b, nEnters)
	for _, e := range u.Enters {
		if e.ID == 0 {
			continue
		}
		b = appendArrayHeader(b, enterArity)
		b = appendUint(b, uint64(e.ID))
		b = appendString(b, e.Pseudonym)
		b = appendUint(b, uint64(e.X))
		b = appendUint(b, uint64(e.Y))
		b = appendUint(b, uint64(e.Role))
		b = appendUint(b, uint64(e.Colour))
		b = appendUint(b, uint64(e.Shape))
	}
	b = appendArrayHeader(b, len(u.Leaves))
	for _, id := range u.Leaves {
		b = appendUint(b, uint64(id))
	}
	b = appendArrayHeader(b, len(u.Events))
	for _, e := range u.Events {
		b = e.appendTo(b)
	}
	b = appendUint(b, uint64(u.Crowd))
	b = appendUint(b, uint64(u.Online))
	if len(b)-b0 > MaxServerMessage {
		v.unmove(b[start : start+n])
		return b[:b0], tooLarge("message bytes", len(b)-b0, MaxServerMessage)
	}

	// It fits: the client will hold the enters too.
	for _, e := range u.Enters {
		if e.ID != 0 {
			v.set(e.ID, e.X, e.Y)
		}
	}
	v.undo = v.undo[:0]
	return b, nil
}

// appendMoves appends the MOVES records of moves (sorted by id) against
// the view and applies them to it. Moves of avatars the view does not
// hold, or to where they already are, write nothing.
func (v *View) appendMoves(b []byte, moves []MoveRec) []byte {
	var prev uint32
	j := 0 // merge walk: moves and view are both sorted by id
	for i, m := range moves {
		if i > 0 && m.ID == moves[i-1].ID {
			continue // keep the first (stable sort keeps arrival order; callers send one per id)
		}
		for j < len(v.e) && uint32(v.e[j]>>32) < m.ID {
			j++
		}
		if j == len(v.e) || uint32(v.e[j]>>32) != m.ID {
			continue // not held: nothing to move
		}
		old := uint32(v.e[j])
		cur := uint32(m.X)<<16 | uint32(m.Y)
		if cur == old {
			continue
		}
		b = appendUvarint(b, uint64(m.ID-prev))
		b = appendZigzag(b, int64(m.X)-int64(old>>16))
		b = appendZigzag(b, int64(m.Y)-int64(old&0xffff))
		prev = m.ID
		v.e[j] = uint64(m.ID)<<32 | uint64(cur)
	}
	return b
}

// tooLarge is AppendUpdate's error; out of line, it keeps the encoder's
// loops tight.
//
//go:noinline
func tooLarge(what string, n, limit int) error {
	return fmt.Errorf("%d %s, over %d: %w", n, what, limit, ErrTooLarge)
}

// unmove takes back what AppendUpdate did to the view for a refused
// update: the moves of rec, the MOVES records it wrote (so each new
// position minus its delta), then the leaves it removed.
func (v *View) unmove(rec []byte) {
	r := reader{b: rec}
	var id uint64
	j := 0
	for r.off < len(r.b) {
		d, _ := r.uvarint() // our own records: well-formed
		dx, _ := r.uvarint()
		dy, _ := r.uvarint()
		id += d
		for j < len(v.e) && v.e[j]>>32 < id {
			j++
		}
		cur := uint32(v.e[j])
		x, y := int64(cur>>16)-unzigzag(dx), int64(cur&0xffff)-unzigzag(dy)
		v.e[j] = id<<32 | uint64(x)<<16 | uint64(y)
	}
	v.restore()
}

// enterArity is the length of an enter record this version writes:
// [id, pseudonym, x, y, role, colour, shape]. Decoders require the first 5.
const enterArity = 7

// CompareMoves orders move records by avatar id, the order of MOVES.
func CompareMoves(a, b MoveRec) int { return cmp.Compare(a.ID, b.ID) }

// ServerMessage holds one decoded server-to-client message; Type says which field is set.
type ServerMessage struct {
	Type    Type
	Welcome Welcome
	Update  Update
}

// DecodeServer decodes one server message into m, reusing m's slices. An
// UPDATE is applied to v (which must be the view of this connection), and its
// moves come out as absolute positions. An error wrapping ErrUnknownMessage
// is a type code this version does not know (a client ignores it).
//
// The rules of docs/PROTOCOL.md §4: every field of WELCOME up to resumed,
// of UPDATE, of an enter record and of a known event is required;
// WELCOME's max_speed is optional (DefaultMaxSpeed); elements beyond the
// known fields are skipped, as are events of unknown kinds.
func DecodeServer(b []byte, m *ServerMessage, v *View) error {
	if len(b) > MaxServerMessage {
		return malformed("message of %d bytes over the limit %d", len(b), MaxServerMessage)
	}
	f := fields{r: reader{b: b}}
	n, err := f.r.arrayHeader(1, maxServerFields)
	if err != nil {
		return err
	}
	t, err := f.r.uint(MaxType)
	if err != nil {
		return err
	}
	m.Type = Type(t)
	f.n = n - 1
	switch m.Type {
	case TypeWelcome:
		f.what = "WELCOME"
		decodeWelcome(&f, &m.Welcome)
	case TypeUpdate:
		f.what = "UPDATE"
		decodeUpdate(&f, &m.Update, v)
	default:
		return fmt.Errorf("type %d: %w", t, ErrUnknownMessage)
	}
	if err := f.done(); err != nil {
		return err
	}
	return f.r.end()
}

func decodeWelcome(f *fields, w *Welcome) {
	*w = Welcome{MaxSpeed: DefaultMaxSpeed}
	f.str(&w.SessionID, MaxTokenBytes)
	f.str(&w.ResumeToken, MaxTokenBytes)
	f.u32(&w.SelfID)
	uintField(f, &w.TickHz, 1000)
	f.str(&w.ZoneID, MaxTextBytes)
	f.str(&w.Build, MaxTextBytes)
	f.str(&w.Pseudonym, MaxPseudonymBytes)
	f.boolean(&w.Resumed)
	f.optional()
	f.float(&w.MaxSpeed)
	if f.err == nil && !(w.MaxSpeed > 0 && w.MaxSpeed <= math.MaxFloat64) {
		f.fail(malformed("WELCOME max_speed %v is not a positive number", w.MaxSpeed))
	}
}

// decodeUpdate reads an UPDATE's fields, then applies it to v: leaves,
// enters, then the moves' deltas. A malformed update may have changed v:
// the connection is over anyway.
func decodeUpdate(f *fields, u *Update, v *View) {
	f.u32(&u.Tick)
	f.u32(&u.Ack)
	f.u16(&u.SelfX)
	f.u16(&u.SelfY)
	var moves []byte
	f.bin(&moves, MaxServerMessage)
	// Enters and leaves come after the moves on the wire but apply before them.
	u.Enters = u.Enters[:0]
	n, _ := f.array(MaxRecords)
	for range n {
		var e Enter
		decodeEnter(f, &e)
		if f.err != nil {
			return
		}
		u.Enters = append(u.Enters, e)
	}
	u.Leaves = u.Leaves[:0]
	n, _ = f.array(MaxRecords)
	for range n {
		id, err := f.r.uint(math.MaxUint32)
		if err != nil {
			f.fail(err)
			return
		}
		u.Leaves = append(u.Leaves, uint32(id))
	}
	u.Events = u.Events[:0]
	n, _ = f.array(MaxRecords)
	for range n {
		e, err := decodeEvent(f)
		if err != nil {
			f.fail(err)
			return
		}
		if e != nil {
			u.Events = append(u.Events, e)
		}
	}
	f.u32(&u.Crowd)
	f.u32(&u.Online)
	if f.err != nil {
		return
	}
	f.fail(applyUpdate(u, moves, v))
}

// decodeEnter reads one enter record, [id, pseudonym, x, y, role, ...],
// recording its error in outer.
func decodeEnter(outer *fields, e *Enter) {
	n, err := outer.r.arrayHeader(0, maxRecordFields)
	if err != nil {
		outer.fail(err)
		return
	}
	f := outer.sub("enter", n)
	f.u32(&e.ID)
	f.str(&e.Pseudonym, MaxPseudonymBytes)
	f.u16(&e.X)
	f.u16(&e.Y)
	uintField(&f, &e.Role, math.MaxUint8)
	f.optional()
	lookField(&f, &e.Colour, Colours)
	lookField(&f, &e.Shape, Shapes)
	f.fail(f.done())
	outer.join(&f)
}

// applyUpdate applies a decoded update to v: leaves, enters, then the MOVES
// binary, whose deltas it turns into absolute positions in u.Moves.
func applyUpdate(u *Update, moves []byte, v *View) error {
	for _, id := range u.Leaves {
		v.remove(id)
	}
	for _, e := range u.Enters {
		v.set(e.ID, e.X, e.Y)
	}
	u.Moves = u.Moves[:0]
	mr := reader{b: moves}
	var id uint64
	j := 0 // merge walk: records and view are both sorted by id
	for mr.off < len(mr.b) {
		d, err := mr.uvarint()
		if err != nil {
			return err
		}
		if id += d; id > math.MaxUint32 || (d == 0 && len(u.Moves) > 0) {
			return malformed("MOVES ids not strictly ascending")
		}
		dx, err := mr.uvarint()
		if err != nil {
			return err
		}
		dy, err := mr.uvarint()
		if err != nil {
			return err
		}
		for j < len(v.e) && uint64(v.e[j]>>32) < id {
			j++
		}
		if j == len(v.e) || uint64(v.e[j]>>32) != id {
			return malformed("MOVES names avatar %d, which is not in view", id)
		}
		old := uint32(v.e[j])
		nx, ny := int64(old>>16)+unzigzag(dx), int64(old&0xffff)+unzigzag(dy)
		if nx < 0 || ny < 0 || nx > math.MaxUint16 || ny > math.MaxUint16 {
			return malformed("MOVES puts avatar %d outside the coordinate range", id)
		}
		v.e[j] = id<<32 | uint64(nx)<<16 | uint64(ny)
		u.Moves = append(u.Moves, MoveRec{ID: uint32(id), X: uint16(nx), Y: uint16(ny)})
	}
	return nil
}
