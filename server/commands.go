package server

import (
	"sync/atomic"

	"github.com/usine-extraordinaire/fairworld/protocol"
	"github.com/usine-extraordinaire/fairworld/server/presence"
	"github.com/usine-extraordinaire/fairworld/world/nav"
)

// command is a value sent to the hub's inbox; the hub runs it on its own
// goroutine. One type per kind: a feature of its own (chat, class groups)
// adds its command type without touching the others.
type command interface{ run(h *hub) }

// joinCmd attaches a connection to a session the gateway created or
// resumed (the presence work is done: the hub does no I/O). claim decides
// who has the session when the gateway's wait ends as the hub takes the
// command: the hub (joinTaken) or the gateway (joinAbandoned), which then
// releases the session itself, at once, instead of queueing a leave behind
// the late hub's work (a client refused with 4003 retries with the same
// pseudonym and must find it free).
type joinCmd struct {
	c     *conn
	s     presence.Session
	prog  progressJoin // what the gateway found of its progress
	cls   classJoin    // and of its class (class_work.go)
	reply chan joinResult
	claim *atomic.Int32
}

const (
	joinPending int32 = iota
	joinTaken
	joinAbandoned
)

type joinResult struct {
	code   protocol.CloseCode // 0 when joined
	reason string
}

func (j joinCmd) run(h *hub) {
	if !j.claim.CompareAndSwap(joinPending, joinTaken) {
		return // the gateway gave up waiting and released the session
	}
	r := h.join(j.c, j.s) // a session taken over here parks its progress first
	if r.code == 0 {
		sp, ok := h.progressFor(j.s, j.prog)
		if !ok {
			h.drop(j.c.sess)
			release(h.store, j.s)
			r = joinResult{code: protocol.CloseServiceUnavailable, reason: unavailableReason}
		} else {
			h.progressJoined(j.c, sp)
			if r = h.chatJoined(j.c); r.code != 0 { // chat_hub.go: a ban
				h.drop(j.c.sess)
				h.store.End(j.s.SessionRef)
			} else {
				h.classJoined(j.c, j.s, j.cls)
			}
		}
	}
	j.reply <- r
}

// leaveCmd: the connection ended; end is a close 1000 from the client (the
// visit is over).
type leaveCmd struct {
	c   *conn
	end bool
}

func (l leaveCmd) run(h *hub) { h.leave(l.c, l.end) }

// confirmCmd: the first message read after a resumed WELCOME; the token
// the resume used goes.
type confirmCmd struct{ c *conn }

func (cc confirmCmd) run(h *hub) {
	if h.owns(cc.c) {
		h.store.Confirm(cc.c.sess.ref)
	}
}

type moveCmd struct {
	c      *conn
	seq    uint32
	dx, dy float64
}

func (mc moveCmd) run(h *hub) {
	h.m.inputs.WithLabelValues("move").Inc()
	if h.owns(mc.c) && !h.classIntent(mc.c, mc.seq) {
		h.cancelGoal(mc.c.avatar)
		h.world.SetMove(mc.c.avatar, mc.seq, mc.dx, mc.dy)
	}
}

type gotoCmd struct {
	c   *conn
	seq uint32
	to  nav.Point
}

func (g gotoCmd) run(h *hub) {
	h.m.inputs.WithLabelValues("goto").Inc()
	if h.owns(g.c) && !h.classIntent(g.c, g.seq) {
		h.setGoal(g.c, g.seq, g.to)
	}
}

// pathCmd is a path worker's answer (paths.go).
type pathCmd struct {
	c    *conn
	gen  uint64 // the GOTO generation it answers
	seq  uint32
	path []nav.Point
	err  protocol.ErrorCode
}

func (p pathCmd) run(h *hub) { h.pathDone(p) }

type openCmd struct {
	c   *conn
	req uint32
	id  string
}

func (o openCmd) run(h *hub) {
	h.m.inputs.WithLabelValues("open_hotspot").Inc()
	if h.owns(o.c) {
		h.openHotspot(o.c, o.req, o.id) // progress.go: the content, the reading clock
	}
}

type closeCmd struct {
	c  *conn
	id string
}

func (cc closeCmd) run(h *hub) {
	h.m.inputs.WithLabelValues("close_hotspot").Inc()
	if h.owns(cc.c) {
		h.world.CloseHotspot(cc.c.avatar, cc.id)
	}
}

// errorCmd is an error the read loop found, for the client's next UPDATE.
type errorCmd struct {
	c  *conn
	ev protocol.ErrorEvent
}

func (e errorCmd) run(h *hub) {
	if h.owns(e.c) {
		h.deliverTo(e.c, e.ev)
	}
}

// deliverCmd hands an event to a local avatar's client outside the world
// (Server.Deliver): the second way into the outbox.
type deliverCmd struct {
	avatar uint32
	ev     protocol.Event
}

func (d deliverCmd) run(h *hub) {
	if c := h.conns[d.avatar]; c != nil {
		h.deliverTo(c, d.ev)
	}
}

// deliverTo holds e in c's outbox for its next UPDATE; the round flushes
// it if no update takes it.
func (h *hub) deliverTo(c *conn, e protocol.Event) {
	if c.deliver(e) {
		h.held = append(h.held, c)
	}
}
