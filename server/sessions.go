package server

import (
	"time"

	"github.com/usine-extraordinaire/fairworld/protocol"
	"github.com/usine-extraordinaire/fairworld/server/presence"
	"github.com/usine-extraordinaire/fairworld/world"
	"github.com/usine-extraordinaire/fairworld/world/nav"
)

// hubSession is a session attached to a connection of this node. Owned by
// the hub goroutine.
type hubSession struct {
	ref    presence.SessionRef
	avatar uint32
	conn   *conn
	q      uint32 // quantised position last given to the store (0: none)
	i      int    // index in hub.order
	prog   *sessProgress
}

// superseded is an attachment another node took over before its join
// reached the hub (the take-over notice came first): a join of it, or of
// an older one, is refused with 4006.
type superseded struct {
	gen uint64
	at  time.Time
}

const supersededFor = 30 * time.Second

// join attaches c to session s, which the gateway created or resumed in
// the store. A session this node holds on another connection (another tab,
// or the loser of two racing resumes) is taken over: that connection gets
// 4006, and the avatar goes on from where the world has it.
func (h *hub) join(c *conn, s presence.Session) joinResult {
	if sup, ok := h.superseded[s.ID]; ok && s.Gen <= sup.gen {
		return joinResult{code: protocol.CloseTakenOver, reason: "session resumed elsewhere"}
	}
	pos, hasPos := s.Pos, s.HasPos && s.Pos != (nav.Point{})
	if old := h.sessions[s.ID]; old != nil {
		if old.ref.Gen > s.Gen { // a later resume got here first
			return joinResult{code: protocol.CloseTakenOver, reason: "session resumed elsewhere"}
		}
		if p, ok := h.world.Position(old.avatar); ok {
			pos, hasPos = p, true
		}
		h.drop(old)
		old.conn.close(protocol.CloseTakenOver, "session resumed elsewhere")
	}
	if !hasPos {
		pos = h.world.Spawn()
	}
	who := world.Identity{Name: s.Display, Role: s.Traits.Role, Colour: s.Traits.Colour, Shape: s.Traits.Shape}
	if err := h.world.Join(s.Avatar, who, pos); err != nil {
		h.log.Error("world refused a join", "session", s.ID, "err", err)
		release(h.store, s)
		return joinResult{code: protocol.CloseInternal, reason: "join failed"}
	}
	if p, ok := h.world.Position(s.Avatar); ok {
		pos = p // the world may have moved a blocked start to a walkable spot
	}
	hs := &hubSession{ref: s.SessionRef, avatar: s.Avatar, conn: c, i: len(h.order)}
	h.sessions[s.ID] = hs
	h.order = append(h.order, hs)
	c.avatar, c.sess, c.resumed = s.Avatar, hs, s.Resumed
	h.conns[s.Avatar] = c
	c.setWelcome(protocol.AppendWelcome(nil, &protocol.Welcome{
		SessionID:   "s-" + s.ID,
		ResumeToken: s.Token,
		SelfID:      s.Avatar,
		TickHz:      uint32(h.cfg.tickRate),
		ZoneID:      h.cfg.zoneID,
		Build:       h.cfg.build,
		Pseudonym:   s.Display,
		Resumed:     s.Resumed,
		MaxSpeed:    h.world.Config().MaxSpeed,
	}), h.world.Tick(), protocol.Quantise(pos.X), protocol.Quantise(pos.Y))
	return joinResult{}
}

// release gives back a session that was never joined: a new one ends (its
// pseudonym is free again), a resumed one stays resumable. It only calls
// the store: safe on any goroutine.
func release(store presence.Store, s presence.Session) {
	if s.Resumed {
		store.Detach(s.SessionRef, s.Pos)
	} else {
		store.End(s.SessionRef)
	}
}

// leave detaches a closed connection from its session; the avatar leaves the
// world. The session stays resumable for the resume window, unless the
// client ended the visit (end: a close 1000), which ends it at once and
// frees its pseudonym.
func (h *hub) leave(c *conn, end bool) {
	if !h.owns(c) {
		return
	}
	hs := c.sess
	pos, _ := h.world.Position(c.avatar)
	h.drop(hs)
	if end {
		h.store.End(hs.ref)
	} else {
		h.store.Detach(hs.ref, pos)
	}
}

// drop removes an attachment from the hub and its avatar from the world,
// without telling the store.
func (h *hub) drop(hs *hubSession) {
	h.chatDropped(hs)
	h.progressDropped(hs)
	h.classDropped(hs)
	h.world.Leave(hs.avatar)
	delete(h.conns, hs.avatar)
	h.dropGoal(hs.avatar)
	delete(h.sessions, hs.ref.ID)
	last := h.order[len(h.order)-1]
	h.order[hs.i], last.i = last, hs.i
	h.order[len(h.order)-1] = nil
	h.order = h.order[:len(h.order)-1]
	hs.conn.sess = nil
}

// takeOvers closes the connections whose sessions another node resumed
// (4006). A notice for an attachment not joined yet is kept: its join is
// refused when it comes.
func (h *hub) takeOvers() {
	h.taken = h.store.TakenOver(h.taken[:0])
	for _, ref := range h.taken {
		if hs := h.sessions[ref.ID]; hs != nil && hs.ref == ref {
			h.drop(hs)
			hs.conn.close(protocol.CloseTakenOver, "session resumed elsewhere")
			continue
		}
		if sup, ok := h.superseded[ref.ID]; !ok || sup.gen < ref.Gen {
			h.superseded[ref.ID] = superseded{gen: ref.Gen, at: time.Now()}
		}
	}
}

// writePositions gives the store the positions of 1/TickRate of the
// sessions per step, those that moved: each session's record is about a
// second old at most, and one that stands still is not rewritten.
func (h *hub) writePositions(steps int) {
	n := len(h.order)
	if n == 0 {
		return
	}
	per := min(steps*((n+h.cfg.tickRate-1)/h.cfg.tickRate), n)
	for range per {
		if h.cursor >= n {
			h.cursor = 0
		}
		hs := h.order[h.cursor]
		h.cursor++
		p, ok := h.world.Position(hs.avatar)
		if !ok {
			continue
		}
		if q := uint32(protocol.Quantise(p.X))<<16 | uint32(protocol.Quantise(p.Y)); q != hs.q {
			hs.q = q
			h.store.Moved(hs.ref, p)
		}
	}
}
