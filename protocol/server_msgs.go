package protocol

import (
	"cmp"
	"fmt"
	"math"
	"slices"
)

// AppendWelcome appends an encoded WELCOME.
func AppendWelcome(b []byte, w *Welcome) []byte {
	b = appendArrayHeader(b, 9)
	b = appendUint(b, uint64(TypeWelcome))
	b = appendString(b, w.SessionID)
	b = appendString(b, w.ResumeToken)
	b = appendUint(b, uint64(w.SelfID))
	b = appendUint(b, uint64(w.TickHz))
	b = appendString(b, w.ZoneID)
	b = appendString(b, w.Build)
	b = appendString(b, w.Pseudonym)
	return appendBool(b, w.Resumed)
}

// AppendUpdate appends an encoded UPDATE and applies it to the view: leaves
// first, then enters, then moves. Leaves of avatars the view does not hold,
// enters of avatars it already holds (sent as moves instead) and moves of
// avatars it does not hold (dropped) are mended here, so the encoding always
// matches what the client will hold. u is modified: Moves sorted by ID,
// Leaves compacted, Enters of held avatars moved to Moves.
func (v *View) AppendUpdate(b []byte, u *Update) []byte {
	b = appendArrayHeader(b, 11)
	b = appendUint(b, uint64(TypeUpdate))
	b = appendUint(b, uint64(u.Tick))
	b = appendUint(b, uint64(u.Ack))
	b = appendUint(b, uint64(u.SelfX))
	b = appendUint(b, uint64(u.SelfY))

	// Leaves are applied first; they are written after the moves, so count them now.
	// u.Leaves is compacted in place to the avatars the view held.
	left := u.Leaves[:0]
	for _, id := range u.Leaves {
		if v.remove(id) {
			left = append(left, id)
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

	// MOVES: a bin of records. Reserve a 3-byte bin16 header and patch it.
	hdr := len(b)
	b = append(b, 0xc5, 0, 0)
	start := len(b)
	var prev uint32
	j := 0 // merge walk: moves and view are both sorted by id
	for i, m := range u.Moves {
		if i > 0 && m.ID == u.Moves[i-1].ID {
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
	n := len(b) - start
	if n <= math.MaxUint8 { // shift down to a bin8 header
		b[hdr] = 0xc4
		b[hdr+1] = byte(n)
		copy(b[hdr+2:], b[start:])
		b = b[:len(b)-1]
	} else {
		b[hdr+1], b[hdr+2] = byte(n>>8), byte(n) // n is bounded by MaxRecords*~9 < 65536
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
		v.set(e.ID, e.X, e.Y)
	}
	b = appendArrayHeader(b, len(u.Leaves))
	for _, id := range u.Leaves {
		b = appendUint(b, uint64(id))
	}
	b = appendArrayHeader(b, len(u.Events))
	for i := range u.Events {
		b = appendEvent(b, &u.Events[i])
	}
	b = appendUint(b, uint64(u.Crowd))
	return appendUint(b, uint64(u.Online))
}

// enterArity is the length of an enter record this version writes;
// decoders accept 5 (before colour and shape) up to maxEnterArity.
const (
	enterArity    = 7
	maxEnterArity = 16
)

// CompareMoves orders move records by avatar id, the order of MOVES.
func CompareMoves(a, b MoveRec) int { return cmp.Compare(a.ID, b.ID) }

func appendEvent(b []byte, e *Event) []byte {
	switch e.Kind {
	case EventHotspotContent:
		b = appendArrayHeader(b, 9)
		b = appendUint(b, uint64(e.Kind))
		b = appendUint(b, uint64(e.Req))
		b = appendString(b, e.HotspotID)
		b = appendString(b, e.Title)
		b = appendString(b, e.Text)
		b = appendString(b, e.Media)
		b = appendString(b, e.Challenge)
		b = appendString(b, e.Booth)
		return appendUint(b, uint64(e.Viewers))
	case EventHotspotDiscovered:
		b = appendArrayHeader(b, 4)
		b = appendUint(b, uint64(e.Kind))
		b = appendString(b, e.HotspotID)
		b = appendUint(b, uint64(e.AvatarID))
		return appendString(b, e.Pseudonym)
	case EventHotspotViewers:
		b = appendArrayHeader(b, 3)
		b = appendUint(b, uint64(e.Kind))
		b = appendString(b, e.HotspotID)
		return appendUint(b, uint64(e.Viewers))
	case EventError:
		b = appendArrayHeader(b, 4)
		b = appendUint(b, uint64(e.Kind))
		b = appendUint(b, uint64(e.Code))
		b = appendUint(b, uint64(e.Req))
		return appendString(b, e.Message)
	case EventPath:
		b = appendArrayHeader(b, 3)
		b = appendUint(b, uint64(e.Kind))
		b = appendUint(b, uint64(e.Req))
		b = appendArrayHeader(b, len(e.Path))
		for _, q := range e.Path {
			b = appendUint(b, uint64(q))
		}
		return b
	}
	panic(fmt.Sprintf("protocol: unknown event kind %d", e.Kind)) // programming error on the encoding side
}

// ServerMessage holds one decoded server-to-client message; Type says which field is set.
type ServerMessage struct {
	Type    Type
	Welcome Welcome
	Update  Update
}

// DecodeServer decodes one server message into m, reusing m's slices. An
// UPDATE is applied to v (which must be the view of this connection), and its
// moves come out as absolute positions. Unknown event kinds are skipped.
func DecodeServer(b []byte, m *ServerMessage, v *View) error {
	if len(b) > MaxServerMessage {
		return malformed("message of %d bytes over the limit %d", len(b), MaxServerMessage)
	}
	r := reader{b: b}
	n, err := r.arrayHeader(1, 64)
	if err != nil {
		return err
	}
	t, err := r.uint(255)
	if err != nil {
		return err
	}
	m.Type = Type(t)
	switch m.Type {
	case TypeWelcome:
		if n < 9 {
			return malformed("WELCOME has %d elements, want 9", n)
		}
		if err := decodeWelcome(&r, &m.Welcome); err != nil {
			return err
		}
		return r.skipN(n - 9)
	case TypeUpdate:
		if n < 11 {
			return malformed("UPDATE has %d elements, want 11", n)
		}
		if err := decodeUpdate(&r, &m.Update, v); err != nil {
			return err
		}
		return r.skipN(n - 11)
	}
	return fmt.Errorf("type %d: %w", t, ErrUnknownMessage)
}

func decodeWelcome(r *reader, w *Welcome) (err error) {
	var x uint64
	if w.SessionID, err = r.str(MaxTokenBytes); err != nil {
		return err
	}
	if w.ResumeToken, err = r.str(MaxTokenBytes); err != nil {
		return err
	}
	if x, err = r.uint(math.MaxUint32); err != nil {
		return err
	}
	w.SelfID = uint32(x)
	if x, err = r.uint(1000); err != nil {
		return err
	}
	w.TickHz = uint32(x)
	if w.ZoneID, err = r.str(MaxTextBytes); err != nil {
		return err
	}
	if w.Build, err = r.str(MaxTextBytes); err != nil {
		return err
	}
	if w.Pseudonym, err = r.str(MaxPseudonymBytes); err != nil {
		return err
	}
	w.Resumed, err = r.boolean()
	return err
}

func decodeUpdate(r *reader, u *Update, v *View) error {
	var x [4]uint64
	lim := [4]uint64{math.MaxUint32, math.MaxUint32, math.MaxUint16, math.MaxUint16}
	for i := range x {
		var err error
		if x[i], err = r.uint(lim[i]); err != nil {
			return err
		}
	}
	u.Tick, u.Ack, u.SelfX, u.SelfY = uint32(x[0]), uint32(x[1]), uint16(x[2]), uint16(x[3])
	moves, err := r.bin(MaxServerMessage)
	if err != nil {
		return err
	}
	// Enters and leaves come after the moves on the wire but apply before them.
	n, err := r.arrayHeader(0, MaxRecords)
	if err != nil {
		return err
	}
	u.Enters = u.Enters[:0]
	for range n {
		// [id, pseudonym, x, y, role] then the optional colour and shape,
		// then fields of later versions, skipped.
		ne, err := r.arrayHeader(5, maxEnterArity)
		if err != nil {
			return err
		}
		var e Enter
		id, err := r.uint(math.MaxUint32)
		if err != nil {
			return err
		}
		e.ID = uint32(id)
		if e.Pseudonym, err = r.str(MaxPseudonymBytes); err != nil {
			return err
		}
		xy := [2]uint64{}
		for i := range xy {
			if xy[i], err = r.uint(math.MaxUint16); err != nil {
				return err
			}
		}
		e.X, e.Y = uint16(xy[0]), uint16(xy[1])
		role, err := r.uint(255)
		if err != nil {
			return err
		}
		e.Role = Role(role)
		if e.Colour, e.Shape, err = decodeLook(r, min(ne, enterArity)-5); err != nil {
			return err
		}
		if err := r.skipN(ne - min(ne, enterArity)); err != nil {
			return err
		}
		u.Enters = append(u.Enters, e)
	}
	if n, err = r.arrayHeader(0, MaxRecords); err != nil {
		return err
	}
	u.Leaves = u.Leaves[:0]
	for range n {
		id, err := r.uint(math.MaxUint32)
		if err != nil {
			return err
		}
		u.Leaves = append(u.Leaves, uint32(id))
	}
	if n, err = r.arrayHeader(0, MaxRecords); err != nil {
		return err
	}
	u.Events = u.Events[:0]
	for range n {
		var e Event
		known, err := decodeEvent(r, &e)
		if err != nil {
			return err
		}
		if known {
			u.Events = append(u.Events, e)
		}
	}
	if x[0], err = r.uint(math.MaxUint32); err != nil {
		return err
	}
	if x[1], err = r.uint(math.MaxUint32); err != nil {
		return err
	}
	u.Crowd, u.Online = uint32(x[0]), uint32(x[1])

	// Apply: leaves, enters, then the moves' deltas against the view.
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

// decodeEvent decodes one event; known is false for an event kind this
// version does not know, which is skipped whole.
func decodeEvent(r *reader, e *Event) (known bool, err error) {
	n, err := r.arrayHeader(1, 32)
	if err != nil {
		return false, err
	}
	k, err := r.uint(255)
	if err != nil {
		return false, err
	}
	e.Kind = EventKind(k)
	want := eventArity(e.Kind)
	if want == 0 {
		return false, r.skipN(n - 1)
	}
	if n < want {
		return false, malformed("event kind %d has %d elements, want %d", k, n, want)
	}
	var x uint64
	switch e.Kind {
	case EventHotspotContent:
		if x, err = r.uint(math.MaxUint32); err != nil {
			return false, err
		}
		e.Req = uint32(x)
		for _, s := range []*string{&e.HotspotID, &e.Title, &e.Text, &e.Media, &e.Challenge, &e.Booth} {
			if *s, err = r.str(MaxTextBytes); err != nil {
				return false, err
			}
		}
		if x, err = r.uint(math.MaxUint32); err != nil {
			return false, err
		}
		e.Viewers = uint32(x)
	case EventHotspotDiscovered:
		if e.HotspotID, err = r.str(MaxIDBytes); err != nil {
			return false, err
		}
		if x, err = r.uint(math.MaxUint32); err != nil {
			return false, err
		}
		e.AvatarID = uint32(x)
		if e.Pseudonym, err = r.str(MaxPseudonymBytes); err != nil {
			return false, err
		}
	case EventHotspotViewers:
		if e.HotspotID, err = r.str(MaxIDBytes); err != nil {
			return false, err
		}
		if x, err = r.uint(math.MaxUint32); err != nil {
			return false, err
		}
		e.Viewers = uint32(x)
	case EventError:
		if x, err = r.uint(math.MaxUint16); err != nil {
			return false, err
		}
		e.Code = ErrorCode(x)
		if x, err = r.uint(math.MaxUint32); err != nil {
			return false, err
		}
		e.Req = uint32(x)
		if e.Message, err = r.str(MaxTextBytes); err != nil {
			return false, err
		}
	case EventPath:
		if x, err = r.uint(math.MaxUint32); err != nil {
			return false, err
		}
		e.Req = uint32(x)
		m, err := r.arrayHeader(0, MaxRecords)
		if err != nil {
			return false, err
		}
		if m%2 != 0 {
			return false, malformed("PATH has an odd number of coordinates")
		}
		e.Path = make([]uint16, m)
		for i := range e.Path {
			if x, err = r.uint(math.MaxUint16); err != nil {
				return false, err
			}
			e.Path[i] = uint16(x)
		}
	}
	return true, r.skipN(n - want)
}

// eventArity is the array length of each event kind, 0 if unknown.
func eventArity(k EventKind) int {
	switch k {
	case EventHotspotContent:
		return 9
	case EventHotspotDiscovered, EventError:
		return 4
	case EventHotspotViewers, EventPath:
		return 3
	}
	return 0
}
