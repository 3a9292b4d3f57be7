package server

import (
	"math"
	"time"

	"github.com/usine-extraordinaire/fairworld/protocol"
	"github.com/usine-extraordinaire/fairworld/server/class"
	"github.com/usine-extraordinaire/fairworld/world/nav"
)

// A teacher's orders (docs/PROTOCOL.md §3, "Orders"): the teacher's node
// applies them to its own pupils, stores them in the class's record (a
// pupil who connects meanwhile, anywhere, gets them) and sends them on
// the class bus; every other node applies them to its pupils.

// Gathering and following distances, in metres.
const (
	gatherMin   = 2.0 // the first ring around the teacher
	gatherStep  = 1.0 // between rings
	gatherRing  = 8   // places on the first ring, 6 more on each next one
	followNear  = 4.0 // a pupil this near the teacher is not walked
	followStand = 3.0 // where a follower is walked to, from the teacher
)

// classOrder runs a teacher's CLASS_ORDER (the checks are done: cs leads lc).
func (h *hub) classOrder(cs *classSess, lc *liveClass, o protocol.ClassOrder) {
	now := time.Now()
	c := cs.c
	h.cls.m.orders.WithLabelValues(orderName(o.Order)).Inc()
	var ord class.Order
	ord.Order, ord.Teacher = uint8(o.Order), c.avatar
	if pos, ok := h.world.Position(c.avatar); ok {
		ord.X, ord.Y = protocol.Quantise(pos.X), protocol.Quantise(pos.Y)
		lc.tx, lc.ty = ord.X, ord.Y
	}
	reply := protocol.ClassOrderEvent{Req: o.Req, Order: o.Order, Active: true, Teacher: c.avatar}
	info := lc.info
	switch o.Order {
	case protocol.OrderGather:
		ord.Active = true
	case protocol.OrderFollow:
		ord.Active = true
		info.Following, info.PausedUntil = true, 0
	case protocol.OrderPause:
		secs := o.Seconds
		if secs == 0 {
			secs = protocol.MaxPauseSeconds
		}
		until := now.Add(time.Duration(secs) * time.Second)
		ord.Active, ord.Until = true, until.UnixMilli()
		info.PausedUntil, info.Following = ord.Until, false
		reply.Seconds = secs
	case protocol.OrderEnd:
		// Ends what is in force: the reply names it (a pause before a follow).
		reply.Active = false
		switch {
		case lc.pause.After(now):
			reply.Order, ord.Order = protocol.OrderPause, uint8(protocol.OrderPause)
		default:
			reply.Order, ord.Order = protocol.OrderFollow, uint8(protocol.OrderFollow)
		}
		info.PausedUntil, info.Following = 0, false
	case protocol.OrderClose, protocol.OrderReopen:
		info.Closed = o.Order == protocol.OrderClose
		lc.info = info
		h.classJob(classJob{kind: jobUpdate, info: info, announce: true}) // the others reload once it is stored
		for avatar, n := range lc.local {
			if mc := h.conns[avatar]; mc != nil {
				req := uint32(0)
				if avatar == c.avatar {
					req = o.Req
				}
				h.deliverTo(mc, h.classInfo(lc, req, n == 0))
			}
		}
		return
	}
	if o.Order == protocol.OrderEnd {
		h.endAll(lc)
	} else {
		h.applyOrder(lc, ord, now)
	}
	lc.info = info
	h.classJob(classJob{kind: jobUpdate, info: info})
	h.publish(class.Message{Kind: class.KindOrder, Class: info.ID, Order: ord})
	h.deliverTo(c, reply)
}

// publish sends m on the class bus, if there is one.
func (h *hub) publish(m class.Message) {
	if h.cls.bus == nil {
		return
	}
	m.Node = h.cls.node
	if !h.cls.bus.Publish(m) {
		h.cls.m.busDrops.WithLabelValues("queue_full").Inc()
	}
}

func orderName(o protocol.Order) string {
	switch o {
	case protocol.OrderEnd:
		return "end"
	case protocol.OrderGather:
		return "gather"
	case protocol.OrderFollow:
		return "follow"
	case protocol.OrderPause:
		return "pause"
	case protocol.OrderClose:
		return "close"
	case protocol.OrderReopen:
		return "reopen"
	}
	return "other"
}

// applyOrder applies an order to lc's pupils connected here.
func (h *hub) applyOrder(lc *liveClass, o class.Order, now time.Time) {
	lc.teacher, lc.tx, lc.ty = o.Teacher, o.X, o.Y
	switch protocol.Order(o.Order) {
	case protocol.OrderGather:
		h.gather(lc, o)
	case protocol.OrderFollow:
		if !o.Active {
			h.endFollow(lc, false)
			return
		}
		h.endPause(lc)
		lc.following = true
		for avatar, n := range lc.local {
			if n == 0 {
				continue
			}
			if cs := h.cls.sess[avatar]; cs != nil {
				cs.follow = true
				lc.lines[n].rec.Flags |= protocol.MemberFollowing
			}
		}
		h.toLocal(lc, protocol.ClassOrderEvent{Order: protocol.OrderFollow, Active: true, Teacher: o.Teacher}, true)
		h.followRound(lc)
	case protocol.OrderPause:
		if !o.Active {
			h.endPause(lc)
			return
		}
		h.endFollow(lc, true)
		lc.pause = time.UnixMilli(o.Until)
		for avatar, n := range lc.local {
			if n != 0 {
				h.world.Stop(avatar)
				h.cancelGoal(avatar)
			}
		}
		h.toLocal(lc, protocol.ClassOrderEvent{Order: protocol.OrderPause, Active: true, Seconds: secondsLeft(lc.pause, now), Teacher: o.Teacher}, true)
	}
}

// endAll ends the follow and the pause of lc here (order 0).
func (h *hub) endAll(lc *liveClass) {
	h.endFollow(lc, false)
	h.endPause(lc)
}

// endPause ends a pause in force here.
func (h *hub) endPause(lc *liveClass) {
	if lc.pause.IsZero() {
		return
	}
	lc.pause = time.Time{}
	h.toLocal(lc, protocol.ClassOrderEvent{Order: protocol.OrderPause, Active: false, Teacher: lc.teacher}, true)
}

// endFollow ends the follow here: the followers get CLASS_ORDER follow
// inactive (quiet: only the flags change, for a pause that replaces it).
func (h *hub) endFollow(lc *liveClass, quiet bool) {
	was := lc.following
	lc.following = false
	ev := protocol.ClassOrderEvent{Order: protocol.OrderFollow, Active: false, Teacher: lc.teacher}
	for avatar, n := range lc.local {
		cs := h.cls.sess[avatar]
		if n == 0 || cs == nil || !cs.follow {
			continue
		}
		cs.follow = false
		lc.lines[n].rec.Flags &^= protocol.MemberFollowing
		h.cancelGoal(avatar)
		h.world.Stop(avatar)
		if !quiet {
			h.deliverTo(cs.c, ev)
		}
	}
	if was && quiet {
		h.toLocal(lc, ev, true)
	}
}

// gather places lc's pupils connected here around the teacher: rings of
// places from 2 m out, in member order, on walkable ground.
func (h *hub) gather(lc *liveClass, o class.Order) {
	center := nav.Point{X: protocol.Dequantise(o.X), Y: protocol.Dequantise(o.Y)}
	ev := protocol.ClassOrderEvent{Order: protocol.OrderGather, Active: true, Teacher: o.Teacher}
	for avatar, n := range lc.local {
		if n == 0 {
			continue
		}
		h.cancelGoal(avatar)
		h.world.Place(avatar, gatherSpot(center, int(n-1)))
		if c := h.conns[avatar]; c != nil {
			h.deliverTo(c, ev)
		}
	}
}

// gatherSpot is the i-th place around center: 8 on the first ring (2 m),
// 6 more on each ring after it, a metre apart.
func gatherSpot(center nav.Point, i int) nav.Point {
	ring, per := 0, gatherRing
	for i >= per {
		i -= per
		ring++
		per += 6
	}
	r := gatherMin + float64(ring)*gatherStep
	a := 2 * math.Pi * (float64(i) + 0.5*float64(ring%2)) / float64(per)
	return nav.Point{X: center.X + r*math.Cos(a), Y: center.Y + r*math.Sin(a)}
}

// followRound walks the followers connected here towards the teacher
// (once a second): a path to 3 m from the teacher, on the pupil's side,
// for those more than 4 m away.
func (h *hub) followRound(lc *liveClass) {
	if !lc.following || lc.teacher == 0 {
		return
	}
	t := nav.Point{X: protocol.Dequantise(lc.tx), Y: protocol.Dequantise(lc.ty)}
	if tp, ok := h.world.Position(lc.teacher); ok {
		t = tp // the teacher is here, or seen from here: the freshest position
	}
	for avatar, n := range lc.local {
		cs := h.cls.sess[avatar]
		if n == 0 || cs == nil || !cs.follow {
			continue
		}
		p, ok := h.world.Position(avatar)
		if !ok {
			continue
		}
		d := math.Hypot(p.X-t.X, p.Y-t.Y)
		if d <= followNear {
			continue
		}
		to := nav.Point{X: t.X + (p.X-t.X)/d*followStand, Y: t.Y + (p.Y-t.Y)/d*followStand}
		h.setGoal(cs.c, h.world.Seq(avatar), h.clampToZone(to))
	}
}

// clampToZone keeps a target inside the zone (a GOTO's bounds).
func (h *hub) clampToZone(p nav.Point) nav.Point {
	p.X, p.Y = h.cls.routes.clamp(p.X, p.Y)
	return p
}
