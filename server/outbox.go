package server

import (
	"cmp"
	"slices"

	"github.com/usine-extraordinaire/fairworld/protocol"
)

// outbox is what the hub has produced for one connection and its writer has
// not yet taken. It merges ticks: the newest position of an avatar replaces
// an older one, while enters, leaves and events are kept in order, so a
// connection that falls a few ticks behind gets one message with the net
// result, and nothing undroppable is lost. A leave of an avatar whose enter
// is still pending drops both (the client never holds it). Not safe for
// concurrent use: the conn guards it with its mutex.
//
// Events also come outside the world's updates (conn.deliver): they are
// held until the next update is pushed, or released at the end of the hub's
// round, so that the writer never takes them alone between two ticks.
//
// An empty outbox holds no buffer: the slices of a pending update are
// borrowed from the server's pool when the first record comes and go back
// to it once the writer has encoded them, so an idle connection keeps
// nothing of its busiest moment.
type outbox struct {
	welcome []byte // encoded WELCOME, written before anything else
	ctl     []byte // control frames (pongs, a ping), written first
	has     bool   // an update is pending
	u       protocol.Update
	held    []protocol.Event   // delivered outside the world, for the next update
	spare   []protocol.MoveRec // merge buffer, swapped with u.Moves
}

// undroppable is how many enters, leaves and events wait; the conn closes a
// client whose backlog passes its bound.
func (o *outbox) undroppable() int {
	return len(o.u.Enters) + len(o.u.Leaves) + len(o.u.Events) + len(o.held)
}

// hold keeps an event for the next update; it reports whether it is the
// first one held (the hub then flushes the connection at the end of its round).
func (o *outbox) hold(e protocol.Event) (first bool) {
	o.held = append(o.held, e)
	return len(o.held) == 1
}

// release makes the held events part of the pending update; it reports
// whether there were any.
func (o *outbox) release(bufs *bufPool) bool {
	if len(o.held) == 0 {
		return false
	}
	o.borrow(bufs)
	o.u.Events = append(o.u.Events, o.held...)
	clear(o.held)
	o.held = o.held[:0]
	if cap(o.held) > 8 {
		o.held = nil
	}
	o.has = true
	return true
}

// borrow gives the pending update pooled slices when it has none.
func (o *outbox) borrow(bufs *bufPool) {
	if o.u.Moves == nil {
		bufs.getUpdate(&o.u)
	}
}

// push merges one tick's update for this connection. It copies everything it
// keeps: u belongs to the world and is reused after the call.
func (o *outbox) push(u *protocol.Update, bufs *bufPool) (replaced int) {
	p := &o.u
	o.borrow(bufs)
	p.Tick, p.Ack, p.SelfX, p.SelfY, p.Crowd, p.Online = u.Tick, u.Ack, u.SelfX, u.SelfY, u.Crowd, u.Online
	// An enter or a leave makes any older pending move of that avatar stale:
	// the encoder applies moves after enters.
	for _, id := range u.Leaves {
		o.dropMove(id)
		if i := slices.IndexFunc(p.Enters, func(e protocol.Enter) bool { return e.ID == id }); i >= 0 {
			// Never sent: the client does not hold the avatar (it entered
			// in this backlog, after any earlier leave), so neither the
			// enter nor this leave is needed.
			p.Enters = slices.Delete(p.Enters, i, i+1)
			continue
		}
		p.Leaves = append(p.Leaves, id)
	}
	for _, e := range u.Enters {
		o.dropMove(e.ID)
		p.Enters = append(p.Enters, e)
	}
	o.release(bufs)
	p.Events = append(p.Events, u.Events...)
	if len(u.Moves) > 0 {
		if !slices.IsSortedFunc(u.Moves, protocol.CompareMoves) {
			slices.SortFunc(u.Moves, protocol.CompareMoves)
		}
		if len(p.Moves) == 0 {
			p.Moves = append(p.Moves, u.Moves...)
		} else {
			replaced = o.mergeMoves(u.Moves)
		}
	}
	o.has = true
	return replaced
}

// mergeMoves merges sorted newer moves into the sorted pending ones; the newer
// position of an avatar wins. It returns how many pending positions were replaced.
func (o *outbox) mergeMoves(newer []protocol.MoveRec) (replaced int) {
	old := o.u.Moves
	out := o.spare[:0]
	i, j := 0, 0
	for i < len(old) && j < len(newer) {
		switch {
		case old[i].ID < newer[j].ID:
			out = append(out, old[i])
			i++
		case old[i].ID > newer[j].ID:
			out = append(out, newer[j])
			j++
		default:
			out = append(out, newer[j])
			i++
			j++
			replaced++
		}
	}
	out = append(out, old[i:]...)
	out = append(out, newer[j:]...)
	o.spare, o.u.Moves = old[:0], out
	return replaced
}

func (o *outbox) dropMove(id uint32) {
	if i, ok := slices.BinarySearchFunc(o.u.Moves, id, func(m protocol.MoveRec, id uint32) int {
		return cmp.Compare(m.ID, id)
	}); ok {
		o.u.Moves = slices.Delete(o.u.Moves, i, i+1)
	}
}

// take moves the pending update into dst, slices included (the writer
// gives them back to the pool once encoded), and reports whether there was
// one.
func (o *outbox) take(dst *protocol.Update) bool {
	if !o.has {
		return false
	}
	// The scalar fields stay: an event pushed outside a tick carries the
	// latest tick, ack and own position.
	*dst, o.u = o.u, protocol.Update{
		Tick: o.u.Tick, Ack: o.u.Ack, SelfX: o.u.SelfX, SelfY: o.u.SelfY, Crowd: o.u.Crowd, Online: o.u.Online,
	}
	o.has, o.spare = false, nil
	return true
}

// drop gives back what a closed connection's outbox still holds.
func (o *outbox) drop(bufs *bufPool) {
	if o.u.Moves != nil {
		bufs.putUpdate(&o.u)
	}
	*o = outbox{}
}
