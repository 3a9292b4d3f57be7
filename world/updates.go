package world

import "github.com/usine-extraordinaire/fairworld/protocol"

// Updates calls fn once for each avatar that has something to receive
// since its previous Update: its own position or ack, a move, enter or
// leave of an avatar it sees, an event, its crowd count or the online
// count. Nothing changed for an avatar means no call.
//
// The message budget (docs/PROTOCOL.md §4, "What is sent, how often"):
// moves of avatars within Near of the viewer go every tick they move;
// moves of those beyond go on the viewer's far ticks only, one in FarEvery
// (staggered by viewer id, so each tick serves 1/FarEvery of the viewers),
// with their latest position; a change of the crowd or online count alone
// goes on the viewer's second tick only, one in TickRate (staggered the
// same way); enters, leaves, events, the viewer's own position and ack are
// never held back. A viewer whose surroundings did not change (change.go)
// is not even scanned.
//
// Remote avatars get no call. Call it once after each Step (or after the
// Steps of one round). The World owns u and reuses it (and the slices in
// it) after fn returns: fn must copy or encode what it keeps, and must not
// call World methods.
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
		w.online = w.onlineN
		if w.online == 0 {
			w.online = uint32(w.live - w.nremote)
		}
		// Rounded as the wire says (§4): from 1,000 on, one more visitor
		// changes nothing, so idle visitors get an UPDATE every 1,000 joins
		// or leaves, not every second.
		w.online = protocol.RoundCount(w.online)
	}
	online := w.online
	prev, cur := w.updAt, w.ch.steps
	w.updAt = cur
	near2 := float32(w.cfg.Near * w.cfg.Near)
	far, rate := w.cfg.FarEvery, w.cfg.TickRate
	nearAt, cellOf := w.ch.near, w.cells.cellOf
	// Slots are numbered in cell order (renumber): neighbouring viewers read
	// the same visible avatars, from cache.
	for s := range w.av {
		h := w.hot[s]
		if h.gen == 0 {
			continue
		}
		a := &w.av[s]
		if a.remote {
			continue // not a viewer: its own node updates its client
		}
		u.Moves, u.Enters = u.Moves[:0], u.Enters[:0]
		u.Leaves = u.Leaves[:0]

		farDue := far == 1 || due(prev, cur, a.id, far)
		if a.visDirty || nearAt[cellOf[s]] > a.scanAt || a.farLag && farDue || w.ch.always {
			w.scan(a, h, farDue, near2)
		}

		urgent := a.fresh || len(u.Moves) > 0 || len(u.Enters) > 0 || len(u.Leaves) > 0 || len(a.events) > 0 ||
			h.q != a.sentQ || a.ack != a.sentAck
		slow := a.crowd != a.sentCrowd || online != a.sentOnline
		if !urgent && !(slow && due(prev, cur, a.id, rate)) {
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

// scan makes one pass over viewer a's visible set (its hot record h),
// putting into w.u its enters, leaves and the moves due, and dropping
// tombstones and avatars that left the world. Moves of avatars beyond Near
// are held back unless farDue (their last sent position stays, so they go
// at the next far tick).
func (w *World) scan(a *avatar, h hotRec, farDue bool, near2 float32) {
	u := &w.u
	vis := a.vis
	lag := false
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
				ID: e.id, Pseudonym: b.who.Name, X: uint16(cur.q >> 16), Y: uint16(cur.q), Role: b.who.Role,
				Colour: b.who.Colour, Shape: b.who.Shape,
			})
			e.gen &^= pendingBit
			e.q = cur.q
		case e.q != cur.q:
			if dx, dy := cur.x-h.x, cur.y-h.y; !farDue && dx*dx+dy*dy > near2 {
				lag = true
				break
			}
			u.Moves = append(u.Moves, protocol.MoveRec{ID: e.id, X: uint16(cur.q >> 16), Y: uint16(cur.q)})
			e.q = cur.q
		}
		vis[k] = e
		k++
	}
	a.vis = vis[:k]
	a.scanAt, a.visDirty, a.farLag = w.ch.steps, false, lag
}
