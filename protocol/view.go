package protocol

import (
	"cmp"
	"slices"
)

// View is what one client holds of the avatars around it: the last position
// it received for each avatar it was told entered and not yet told left.
// The server keeps one per connection, updated only with what was actually
// written to the socket, so MOVES deltas always refer to what that client
// has, whatever batches were replaced before sending. A client keeps its own,
// updated by DecodeServer. A View is not safe for concurrent use.
//
// It is a slice sorted by avatar id, not a map: moves arrive sorted by id,
// so applying them is one merge walk, and an idle connection's view costs 8
// bytes per avatar in it.
type View struct {
	e    []uint64 // id<<32 | x<<16 | y, sorted by id
	undo []uint64 // entries AppendUpdate removed, put back if the update is refused
}

// NewView returns an empty view.
func NewView() *View { return &View{} }

// Len is the number of avatars in the view.
func (v *View) Len() int { return len(v.e) }

func (v *View) find(id uint32) (int, bool) {
	return slices.BinarySearchFunc(v.e, id, func(e uint64, id uint32) int {
		return cmp.Compare(uint32(e>>32), id)
	})
}

// Has reports whether the view holds the avatar.
func (v *View) Has(id uint32) bool { _, ok := v.find(id); return ok }

// Position returns an avatar's last known quantised position.
func (v *View) Position(id uint32) (x, y uint16, ok bool) {
	i, ok := v.find(id)
	if !ok {
		return 0, 0, false
	}
	return uint16(v.e[i] >> 16), uint16(v.e[i]), true
}

// Each calls fn for every avatar in the view, by ascending id.
func (v *View) Each(fn func(id uint32, x, y uint16)) {
	for _, e := range v.e {
		fn(uint32(e>>32), uint16(e>>16), uint16(e))
	}
}

// Reset empties the view (a new connection knows nothing).
func (v *View) Reset() { v.e = v.e[:0] }

// remove deletes an avatar and reports whether it was there.
func (v *View) remove(id uint32) bool {
	_, ok := v.take(id)
	return ok
}

// take deletes an avatar and returns its entry.
func (v *View) take(id uint32) (uint64, bool) {
	i, ok := v.find(id)
	if !ok {
		return 0, false
	}
	e := v.e[i]
	v.e = slices.Delete(v.e, i, i+1)
	return e, true
}

// restore puts back the entries in undo.
func (v *View) restore() {
	for _, e := range v.undo {
		v.set(uint32(e>>32), uint16(e>>16), uint16(e))
	}
	v.undo = v.undo[:0]
}

// set inserts or overwrites an avatar's position.
func (v *View) set(id uint32, x, y uint16) {
	e := uint64(id)<<32 | uint64(x)<<16 | uint64(y)
	i, ok := v.find(id)
	if ok {
		v.e[i] = e
		return
	}
	v.e = slices.Insert(v.e, i, e)
}

// Compact releases spare capacity, for a connection going idle.
func (v *View) Compact() { v.e, v.undo = slices.Clip(v.e), nil }
