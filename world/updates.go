package world

import "github.com/usine-extraordinaire/fairworld/protocol"

// Updates calls fn once for each avatar that has something to receive
// since its previous Update: its own position or ack, a move, enter or
// leave of an avatar it sees, an event, its crowd count or the online
// count. Nothing changed for an avatar means no call.
//
// Call it once after each Step. The World owns u and reuses it (and the
// slices in it) after fn returns: fn must copy or encode what it keeps, and
// must not call World methods.
//
// Moves holds the absolute quantised positions, sorted by ID, of visible
// avatars whose quantised position differs from the one last sent to this
// viewer; Enters and Leaves are sorted by ID within one Update. An avatar
// never appears in its own Moves or Enters.
func (w *World) Updates(fn func(id ID, u *protocol.Update)) {
	u := &w.u
	// The online count is refreshed once a second: at 100,000 connections it
	// changes every tick, and would otherwise give every idle avatar an
	// Update every tick.
	if w.tick%uint32(w.cfg.TickRate) == 0 || w.online == 0 {
		w.online = uint32(w.live)
	}
	online := w.online
	// Slots are numbered in cell order (renumber): neighbouring viewers read
	// the same visible avatars, from cache.
	for s := range w.av {
		h := w.hot[s]
		if h.gen == 0 {
			continue
		}
		a := &w.av[s]
		u.Moves, u.Enters = u.Moves[:0], u.Enters[:0]
		u.Leaves = u.Leaves[:0]

		// The scan: one pass over the visible set, dropping tombstones and
		// avatars that left the world.
		vis := a.vis
		k := 0
		for _, e := range vis {
			cur := w.hot[e.slot]
			if !e.live(cur) {
				if e.gen&pendingBit == 0 {
					u.Leaves = append(u.Leaves, e.id)
				}
				continue
			}
			switch {
			case e.gen&pendingBit != 0:
				b := &w.av[e.slot]
				u.Enters = append(u.Enters, protocol.Enter{
					ID: e.id, Pseudonym: b.name, X: uint16(cur.q >> 16), Y: uint16(cur.q), Role: b.role,
					Colour: b.colour, Shape: b.shape,
				})
				e.gen &^= pendingBit
				e.q = cur.q
			case e.q != cur.q:
				u.Moves = append(u.Moves, protocol.MoveRec{ID: e.id, X: uint16(cur.q >> 16), Y: uint16(cur.q)})
				e.q = cur.q
			}
			vis[k] = e
			k++
		}
		a.vis = vis[:k]

		if !a.fresh && len(u.Moves) == 0 && len(u.Enters) == 0 && len(u.Leaves) == 0 && len(a.events) == 0 &&
			h.q == a.sentQ && a.ack == a.sentAck && a.crowd == a.sentCrowd && online == a.sentOnline {
			continue
		}
		u.Tick, u.Ack = w.tick, a.ack
		u.SelfX, u.SelfY = uint16(h.q>>16), uint16(h.q)
		u.Events = a.events
		u.Crowd, u.Online = a.crowd, online
		w.stats.Moves += uint64(len(u.Moves))
		w.stats.Enters += uint64(len(u.Enters))
		w.stats.Leaves += uint64(len(u.Leaves))

		fn(a.id, u)

		clear(a.events)
		a.events = a.events[:0]
		u.Events = nil
		a.fresh = false
		a.sentQ, a.sentAck, a.sentCrowd, a.sentOnline = h.q, a.ack, a.crowd, online
	}
}
