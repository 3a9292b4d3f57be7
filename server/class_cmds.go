package server

import (
	"time"

	"github.com/usine-extraordinaire/fairworld/protocol"
	"github.com/usine-extraordinaire/fairworld/server/class"
)

// classCommand turns a class message (CLASS_CREATE ... CLASS_LEAVE) into
// its hub command; nil for any other type. The read loop's one hook into
// this feature (through progressCommand).
func classCommand(c *conn, m *protocol.ClientMessage) command {
	switch m.Type {
	case protocol.TypeClassCreate, protocol.TypeClassJoin, protocol.TypeClassList, protocol.TypeClassOpen,
		protocol.TypeClassRoute, protocol.TypeClassOrder, protocol.TypeClassLeave:
		return classMsgCmd{c: c, m: *m}
	}
	return nil
}

// classMsgCmd is one class message of a client.
type classMsgCmd struct {
	c *conn
	m protocol.ClientMessage
}

func (cm classMsgCmd) run(h *hub) {
	cs := h.classSessOf(cm.c)
	if cs == nil {
		return
	}
	m := &cm.m
	h.m.inputs.WithLabelValues("class").Inc()
	req := classReq(m)
	now := time.Now()
	if !cs.reqs.take(now, h.cls.rate, h.cls.burst) {
		h.classErr(cs, protocol.ErrTooFast, req, "class messages faster than %g a second", h.cls.rate)
		return
	}
	teacher := cs.role == protocol.RoleTeacher || cs.role == protocol.RoleOrganiser
	switch m.Type {
	case protocol.TypeClassCreate:
		if !teacher {
			h.classErr(cs, protocol.ErrNotAllowed, req, "only a teacher creates classes")
			return
		}
		if !class.ValidLevel(m.ClassCreate.Level) {
			h.classErr(cs, protocol.ErrBadClass, req, "unknown level")
			return
		}
		h.classJob(classJob{kind: jobCreate, c: cs.c, req: req, name: m.ClassCreate.Name, level: m.ClassCreate.Level, staffID: cs.staffID, staffName: cs.name})
	case protocol.TypeClassList:
		if !teacher {
			h.classErr(cs, protocol.ErrNotAllowed, req, "only a teacher has classes")
			return
		}
		h.classJob(classJob{kind: jobList, c: cs.c, req: req, staffID: cs.staffID})
	case protocol.TypeClassOpen:
		if !teacher {
			h.classErr(cs, protocol.ErrNotAllowed, req, "only a teacher leads classes")
			return
		}
		h.classJob(classJob{kind: jobOpen, c: cs.c, req: req, class: m.ClassOpen.Class, staffID: cs.staffID, organiser: cs.role == protocol.RoleOrganiser})
	case protocol.TypeClassJoin:
		switch {
		case cs.role.Staff():
			h.classErr(cs, protocol.ErrNotAllowed, req, "staff do not join classes")
		case cs.class != 0:
			h.classErr(cs, protocol.ErrNotAllowed, req, "already in a class: CLASS_LEAVE first")
		case cs.joining:
			h.classErr(cs, protocol.ErrTooFast, req, "a join is under way")
		default:
			cs.joining = true
			h.classJob(classJob{kind: jobJoin, c: cs.c, req: req, code: class.NormaliseCode(m.ClassJoin.Code), progress: cs.progress, staffName: cs.name})
		}
	case protocol.TypeClassRoute, protocol.TypeClassOrder:
		id := m.ClassRoute.Class
		if m.Type == protocol.TypeClassOrder {
			id = m.ClassOrder.Class
		}
		lc := h.cls.live[id]
		if !teacher || cs.class != id || cs.member != 0 || lc == nil {
			h.classErr(cs, protocol.ErrNotAllowed, req, "not the teacher leading class %d (CLASS_OPEN first)", id)
			return
		}
		if m.Type == protocol.TypeClassOrder {
			if m.ClassOrder.Order > protocol.OrderReopen || m.ClassOrder.Seconds > protocol.MaxPauseSeconds {
				h.classErr(cs, protocol.ErrBadClass, req, "unknown order, or a pause over %d s", protocol.MaxPauseSeconds)
				return
			}
			h.classOrder(cs, lc, m.ClassOrder)
			return
		}
		h.setRoute(cs, lc, m.ClassRoute)
	case protocol.TypeClassLeave:
		if cs.class == 0 {
			h.classErr(cs, protocol.ErrNoGroup, req, "in no class")
			return
		}
		id, pupil, progress := cs.class, cs.role == protocol.RolePupil, cs.progress
		h.leaveClass(cs)
		if pupil {
			h.classJob(classJob{kind: jobLeave, class: id, progress: progress})
		}
	}
}

// classReq is a class message's req.
func classReq(m *protocol.ClientMessage) uint32 {
	switch m.Type {
	case protocol.TypeClassCreate:
		return m.ClassCreate.Req
	case protocol.TypeClassJoin:
		return m.ClassJoin.Req
	case protocol.TypeClassList:
		return m.ClassList.Req
	case protocol.TypeClassOpen:
		return m.ClassOpen.Req
	case protocol.TypeClassRoute:
		return m.ClassRoute.Req
	case protocol.TypeClassOrder:
		return m.ClassOrder.Req
	case protocol.TypeClassLeave:
		return m.ClassLeave.Req
	}
	return 0
}

func (h *hub) classErr(cs *classSess, code protocol.ErrorCode, req uint32, format string, args ...any) {
	h.cls.m.requests.WithLabelValues("refused", code.String()).Inc()
	h.deliverTo(cs.c, errorEvent(code, req, format, args...))
}

// setRoute runs CLASS_ROUTE (cs leads lc).
func (h *hub) setRoute(cs *classSess, lc *liveClass, r protocol.ClassRoute) {
	route, steps, code, why := h.cls.routes.resolve(r.Route, r.Hotspots)
	if code != 0 {
		h.classErr(cs, code, r.Req, "%s", why)
		return
	}
	info := lc.info
	info.Route, info.Steps, info.RouteGen = route, steps, info.RouteGen+1
	lc.info = info
	for _, ln := range lc.lines {
		ln.gen, ln.steps, ln.rec.Steps = info.RouteGen, 0, 0
		ln.rec.Flags &^= protocol.MemberDone
	}
	h.classJob(classJob{kind: jobUpdate, info: info, announce: true}) // the others reload once it is stored
	for avatar, n := range lc.local {
		c := h.conns[avatar]
		if c == nil {
			continue
		}
		if n == 0 {
			req := uint32(0)
			if avatar == cs.c.avatar {
				req = r.Req
			}
			h.deliverTo(c, h.classInfo(lc, req, true))
			continue
		}
		h.deliverTo(c, h.classInfo(lc, 0, false))
		h.sendStep(c, lc, lc.lines[n])
	}
	h.cls.m.requests.WithLabelValues("route", "ok").Inc()
}

// classDoneCmd is a class worker's answer for a client: a class to lead
// or to join, or why not.
type classDoneCmd struct {
	kind    classJobKind
	c       *conn
	req     uint32
	info    class.Class
	members []class.Member
	member  class.Member
	code    protocol.ErrorCode // 0: done
	why     string
}

func (d classDoneCmd) run(h *hub) {
	cs := h.classSessOf(d.c)
	if cs == nil {
		return
	}
	if d.kind == jobJoin {
		cs.joining = false
	}
	result := "ok"
	defer func() { h.cls.m.requests.WithLabelValues(d.kind.String(), result).Inc() }()
	if d.code != 0 {
		result = d.code.String()
		if d.code == protocol.ErrBadCode {
			h.wrongCode(cs, d.req)
			return
		}
		h.deliverTo(cs.c, errorEvent(d.code, d.req, "%s", d.why))
		return
	}
	switch d.kind {
	case jobCreate, jobOpen:
		h.lead(cs, d.info, d.members, d.req)
	case jobJoin:
		if cs.class != 0 || cs.role.Staff() {
			return // joined meanwhile (a return with the key), or not a visitor
		}
		h.ensureKey(cs.c)
		h.attachPupil(cs, d.info, d.members, d.member, d.req)
		h.publish(class.Message{Kind: class.KindChanged, Class: d.info.ID})
	}
}

// wrongCode counts a wrong join code: ERROR bad_code for the first five of
// a connection, close 4017 for the sixth.
func (h *hub) wrongCode(cs *classSess, req uint32) {
	cs.tries++
	h.cls.m.codeFails.Inc()
	if cs.tries > maxCodeTries {
		h.cls.m.codeCloses.Inc()
		cs.c.close(protocol.CloseTooManyCodes, tooManyCodesReason)
		return
	}
	h.deliverTo(cs.c, errorEvent(protocol.ErrBadCode, req, "no class has this code (%d of %d tries)", cs.tries, maxCodeTries))
}

// maxCodeTries is the wrong join codes a connection gets; one more closes
// it with 4017.
const maxCodeTries = 5

const tooManyCodesReason = "Trop d'essais de code : demande le bon code à ton professeur, puis reviens."

// ensureKey makes sure a joining pupil has a progress key (their
// membership is bound to it): one is drawn now if none was, and goes out
// in a PROGRESS.
func (h *hub) ensureKey(c *conn) {
	if c.sess == nil || c.sess.prog == nil || c.sess.prog.st.KeyHash != "" {
		return
	}
	h.progressChanged(c, time.Now(), nil)
}

// reloadCmd is a class read again after another node changed it.
type reloadCmd struct {
	info    class.Class
	members []class.Member
}

func (r reloadCmd) run(h *hub) { h.refresh(r.info, r.members) }

// classBusCmd is a message of another node, from the bus.
type classBusCmd struct{ m class.Message }

func (b classBusCmd) run(h *hub) { h.classBus(b.m, time.Now()) }
