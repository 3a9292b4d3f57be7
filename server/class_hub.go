package server

import (
	"slices"
	"time"

	"github.com/usine-extraordinaire/fairworld/protocol"
	"github.com/usine-extraordinaire/fairworld/server/class"
	"github.com/usine-extraordinaire/fairworld/server/presence"
	"github.com/usine-extraordinaire/fairworld/world/nav"
)

// Classes on the hub (docs/PROTOCOL.md §3, "Classes"). A class is the
// world group of its pupils and of the teacher leading it. The hub keeps a
// live class for every class with a member connected here: its record,
// one line per member (where they are, their steps, points and flags) and
// the orders in force. Lines of members on other nodes come from the
// class bus, once a second; this node's lines go out the same way. Every
// second the lines that changed go to this node's members in one MEMBERS
// each: the cost is bounded by the members (a class of 30 gets 30 lines a
// second at most), whatever the distance between them.
//
// What waits on the class store runs on the class workers
// (class_work.go); the hub only touches memory.

// classHub is the hub's part of classes. Owned by the hub goroutine; node,
// bus, store, work, m, routes and spots are set by New and read-only.
type classHub struct {
	node   string
	bus    class.Bus // nil: a single node
	work   chan classJob
	m      *classMetrics
	routes *routeBook
	rate   float64 // class messages a second, a session
	burst  int

	live  map[uint32]*liveClass // class id -> its live state
	sess  map[uint32]*classSess // local avatar -> its class state
	beat  time.Time             // the last beat
	heard int                   // bus records received since the last beat
}

// classSess is a session's class state. Owned by the hub goroutine.
type classSess struct {
	c        *conn
	role     protocol.Role // the session's role: a staff role, visitor or pupil
	name     string
	staffID  string // a staff session's token sub
	jti      string
	booth    string
	progress string // the progress id the membership is bound to
	class    uint32 // the class it is in (pupil) or leads (teacher); 0: none
	member   uint32 // its number in the class (the teacher's is 0)
	follow   bool   // walking after the teacher
	tries    int    // wrong join codes on this connection
	joining  bool   // a CLASS_JOIN is with the workers
	reqs     bucket // class messages
}

// liveClass is a class with a member connected here. Owned by the hub.
type liveClass struct {
	info      class.Class
	lines     map[uint32]*classLine // member number -> line (0: the teacher)
	local     map[uint32]uint32     // local avatar -> member number
	teacher   uint32                // the teacher's avatar (any node), 0: not leading
	tx, ty    uint16                // the teacher's last known position
	pause     time.Time             // a pause's end; zero: none
	following bool
	left      []uint32 // members who went offline here since the last beat
}

// classLine is one member's line. Owned by the hub.
type classLine struct {
	rec      protocol.Member
	sent     protocol.Member // as last sent in MEMBERS
	sentOnce bool
	progress string
	gen      uint32 // the route its steps are of
	steps    uint64 // bit i: step i done
	local    bool
	heardAt  time.Time // the last beat of a member on another node
}

// remoteStale is how long a member of another node stays online without
// a beat: its node stopped (its sessions resume elsewhere).
const remoteStale = 5 * time.Second

func newClassHub(node string, bus class.Bus, queue int, m *classMetrics, routes *routeBook) *classHub {
	return &classHub{node: node, bus: bus, work: make(chan classJob, queue), m: m, routes: routes,
		live: map[uint32]*liveClass{}, sess: map[uint32]*classSess{}}
}

// classSessOf is c's class state, nil when c is not the current
// connection of a session here.
func (h *hub) classSessOf(c *conn) *classSess {
	if !h.owns(c) {
		return nil
	}
	return h.cls.sess[c.avatar]
}

// classJoin is what the gateway found of a joining session's class: its
// membership (a pupil's resume or return with the progress key).
type classJoin struct {
	member  *class.Member // nil: in no class
	info    class.Class
	members []class.Member
}

// classJoined sets up a joined session's class state: a staff session gets
// ROLE; a pupil in a class is in it again (ROLE 3, CLASS, MEMBERS,
// ROUTE_STEP).
func (h *hub) classJoined(c *conn, s presence.Session, cj classJoin) {
	cs := &classSess{c: c, role: s.Traits.Role, name: s.Display, staffID: s.Traits.Staff, jti: s.Traits.JTI, booth: s.Traits.Booth}
	if c.sess != nil && c.sess.prog != nil {
		cs.progress = c.sess.prog.st.ID
	}
	h.cls.sess[c.avatar] = cs
	if cs.role.Staff() {
		h.deliverTo(c, protocol.RoleEvent{Role: cs.role, Name: cs.name, Booth: cs.booth})
	}
	if cj.member != nil && !cs.role.Staff() {
		h.attachPupil(cs, cj.info, cj.members, *cj.member, 0)
	}
}

// classDropped forgets a session's class state when its attachment goes:
// its line goes offline (the other nodes hear it with the next beat).
func (h *hub) classDropped(hs *hubSession) {
	cs := h.cls.sess[hs.avatar]
	if cs == nil || cs.c != hs.conn {
		return
	}
	delete(h.cls.sess, hs.avatar)
	h.detachLocal(cs, false)
}

// detachLocal takes cs out of its live class: its line goes offline (or
// is marked gone: the member left the class).
func (h *hub) detachLocal(cs *classSess, gone bool) {
	lc := h.cls.live[cs.class]
	if lc == nil {
		cs.class = 0
		return
	}
	delete(lc.local, cs.c.avatar)
	lc.left = append(lc.left, cs.member)
	if ln := lc.lines[cs.member]; ln != nil {
		ln.local = false
		ln.rec.Avatar = 0
		ln.rec.Flags &^= protocol.MemberOnline | protocol.MemberFollowing
		if gone {
			ln.rec.Flags |= protocol.MemberGone
		}
	}
	if cs.member == 0 && lc.teacher == cs.c.avatar {
		// The teacher goes: a follow ends, here and everywhere, and in the
		// class's record.
		if lc.following {
			h.endFollow(lc, false)
			info := lc.info
			info.Following = false
			lc.info = info
			h.classJob(classJob{kind: jobUpdate, info: info})
			h.publish(class.Message{Kind: class.KindOrder, Class: info.ID, Order: class.Order{Order: uint8(protocol.OrderFollow), Teacher: lc.teacher, X: lc.tx, Y: lc.ty}})
		}
		lc.teacher = 0
	}
	cs.class, cs.member, cs.follow = 0, 0, false
}

// load returns the live class of info, creating it, and adds the lines of
// members it does not have yet.
func (h *hub) load(info class.Class, members []class.Member) *liveClass {
	lc := h.cls.live[info.ID]
	if lc == nil {
		lc = &liveClass{info: info, lines: map[uint32]*classLine{}, local: map[uint32]uint32{}}
		h.cls.live[info.ID] = lc
		lc.lines[0] = &classLine{rec: protocol.Member{Member: 0, Pseudonym: info.TeacherName, Role: protocol.RoleTeacher}}
		if info.PausedUntil > time.Now().UnixMilli() {
			lc.pause = time.UnixMilli(info.PausedUntil)
		}
		lc.following = info.Following
	}
	lc.info = info
	for _, m := range members {
		ln := lc.lines[m.Number]
		if ln == nil {
			ln = &classLine{rec: protocol.Member{Member: m.Number, Pseudonym: m.Name, Role: protocol.RolePupil}, progress: m.Progress}
			lc.lines[m.Number] = ln
		}
		if !ln.local && m.RouteGen == info.RouteGen {
			ln.gen, ln.steps = m.RouteGen, m.Steps
			ln.rec.Steps = stepsDone(ln.steps, len(info.Steps))
			h.setDone(lc, ln)
		}
	}
	return lc
}

// attachPupil puts a pupil's session in its class: role 3, the class's
// group, and the class's state to its client.
func (h *hub) attachPupil(cs *classSess, info class.Class, members []class.Member, m class.Member, req uint32) {
	c := cs.c
	if cs.class != 0 && cs.class != info.ID {
		h.detachLocal(cs, false)
	}
	lc := h.load(info, members)
	ln := lc.lines[m.Number]
	if ln == nil {
		ln = &classLine{rec: protocol.Member{Member: m.Number, Role: protocol.RolePupil}, progress: m.Progress}
		lc.lines[m.Number] = ln
	}
	if m.RouteGen == info.RouteGen && ln.gen != info.RouteGen {
		ln.gen, ln.steps = m.RouteGen, m.Steps
	}
	if ln.gen != info.RouteGen {
		ln.gen, ln.steps = info.RouteGen, 0
	}
	ln.local, ln.progress = true, cs.progress
	ln.rec.Avatar, ln.rec.Pseudonym, ln.rec.Role = c.avatar, cs.name, protocol.RolePupil
	ln.rec.Flags = (ln.rec.Flags | protocol.MemberOnline) &^ protocol.MemberGone
	ln.rec.Steps = stepsDone(ln.steps, len(info.Steps))
	h.setDone(lc, ln)
	cs.class, cs.member, cs.role = info.ID, m.Number, protocol.RolePupil
	lc.local[c.avatar] = m.Number
	h.world.SetRole(c.avatar, protocol.RolePupil)
	h.setClassGroup(c, info.ID)
	h.deliverTo(c, protocol.RoleEvent{Role: protocol.RolePupil, Name: cs.name})
	h.deliverTo(c, h.classInfo(lc, req, false))
	h.deliverTo(c, h.membersFull(lc))
	h.sendStep(c, lc, ln)
	if now := time.Now(); lc.pause.After(now) {
		h.world.Stop(c.avatar)
		h.cancelGoal(c.avatar)
		h.deliverTo(c, protocol.ClassOrderEvent{Order: protocol.OrderPause, Active: true, Seconds: secondsLeft(lc.pause, now), Teacher: lc.teacher})
	} else if lc.following {
		cs.follow = true
		ln.rec.Flags |= protocol.MemberFollowing
		h.deliverTo(c, protocol.ClassOrderEvent{Order: protocol.OrderFollow, Active: true, Teacher: lc.teacher})
	}
}

// lead makes a teacher's session lead a class (CLASS_CREATE, CLASS_OPEN).
func (h *hub) lead(cs *classSess, info class.Class, members []class.Member, req uint32) {
	c := cs.c
	if cs.class != 0 {
		h.detachLocal(cs, false)
	}
	lc := h.load(info, members)
	ln := lc.lines[0]
	ln.local = true
	ln.rec.Avatar, ln.rec.Pseudonym = c.avatar, cs.name
	ln.rec.Flags = protocol.MemberOnline
	if pos, ok := h.world.Position(c.avatar); ok {
		ln.rec.X, ln.rec.Y = protocol.Quantise(pos.X), protocol.Quantise(pos.Y)
		lc.tx, lc.ty = ln.rec.X, ln.rec.Y
	}
	cs.class, cs.member = info.ID, 0
	lc.local[c.avatar] = 0
	lc.teacher = c.avatar
	h.setClassGroup(c, info.ID)
	h.deliverTo(c, h.classInfo(lc, req, true))
	h.deliverTo(c, h.membersFull(lc))
}

// setClassGroup puts a local avatar in a class group (0: none), for the
// world and the group leaderboard.
func (h *hub) setClassGroup(c *conn, group uint32) {
	groupCmd{avatar: c.avatar, group: group}.run(h)
	if c.sess != nil && c.sess.prog == nil {
		h.world.SetGroup(c.avatar, group)
	}
}

// leaveClass takes a pupil out of their class (CLASS_LEAVE) or stops a
// teacher leading one.
func (h *hub) leaveClass(cs *classSess) {
	c := cs.c
	if cs.role == protocol.RolePupil {
		h.detachLocal(cs, true)
		cs.role = protocol.RoleVisitor
		h.world.SetRole(c.avatar, protocol.RoleVisitor)
		h.deliverTo(c, protocol.RoleEvent{Role: protocol.RoleVisitor, Name: cs.name})
	} else {
		h.detachLocal(cs, false)
	}
	h.setClassGroup(c, 0)
}

func stepsDone(steps uint64, n int) uint8 {
	done := 0
	for i := range n {
		if steps&(1<<i) != 0 {
			done++
		}
	}
	return uint8(done)
}

// setDone sets a pupil's done flag from its steps.
func (h *hub) setDone(lc *liveClass, ln *classLine) {
	n := len(lc.info.Steps)
	if n > 0 && int(stepsDone(ln.steps, n)) == n {
		ln.rec.Flags |= protocol.MemberDone
	} else {
		ln.rec.Flags &^= protocol.MemberDone
	}
}

// classInfo is the class as a member sees it; the code goes to its teacher
// only.
func (h *hub) classInfo(lc *liveClass, req uint32, teacher bool) protocol.ClassInfo {
	ev := protocol.ClassInfo{Req: req, Class: lc.info.ID, Name: lc.info.Name, Level: lc.info.Level, Teacher: lc.info.TeacherName,
		Closed: lc.info.Closed, Route: lc.info.Route}
	if teacher {
		ev.Code = lc.info.Code
	}
	for _, hid := range lc.info.Steps {
		x, y := h.cls.routes.spot(hid)
		ev.Steps = append(ev.Steps, protocol.RouteStep{Hotspot: hid, X: x, Y: y})
	}
	for n, ln := range lc.lines {
		if n == 0 || ln.rec.Flags&protocol.MemberGone != 0 {
			continue
		}
		ev.Pupils++
		if ln.rec.Flags&protocol.MemberDone != 0 {
			ev.Done++
		}
	}
	return ev
}

// membersFull is the whole class list.
func (h *hub) membersFull(lc *liveClass) protocol.Members {
	ev := protocol.Members{Full: true, Members: make([]protocol.Member, 0, len(lc.lines))}
	for _, ln := range lc.lines {
		if ln.rec.Flags&protocol.MemberGone == 0 {
			ev.Members = append(ev.Members, ln.rec)
		}
	}
	slices.SortFunc(ev.Members, func(a, b protocol.Member) int { return int(a.Member) - int(b.Member) })
	return ev
}

// nextStep is a pupil's ROUTE_STEP, without its path (sendStep asks the
// path workers for it).
func (h *hub) nextStep(lc *liveClass, ln *classLine) protocol.NextStep {
	n := len(lc.info.Steps)
	ev := protocol.NextStep{Steps: stepsDone(ln.steps, n), Total: uint8(n)}
	for i, hid := range lc.info.Steps {
		if ln.steps&(1<<i) == 0 {
			ev.Hotspot = hid
			ev.X, ev.Y = h.cls.routes.spot(hid)
			break
		}
	}
	return ev
}

// sendStep sends a pupil its ROUTE_STEP with the way to the step: the
// path workers find it (never the hub), and the event goes when they
// answer; without a step, or with the path queue full, it goes at once
// without a path.
func (h *hub) sendStep(c *conn, lc *liveClass, ln *classLine) {
	ev := h.nextStep(lc, ln)
	from, ok := h.world.Position(c.avatar)
	if ev.Hotspot == "" || !ok {
		h.deliverTo(c, ev)
		return
	}
	to := nav.Point{X: protocol.Dequantise(ev.X), Y: protocol.Dequantise(ev.Y)}
	req := pathRequest{c: c, st: &pathState{}, from: from, to: to,
		done: func(path []nav.Point, _ protocol.ErrorCode) command { return stepWayCmd{c: c, ev: ev, path: path} }}
	select {
	case h.paths <- req:
	default:
		h.m.drops.WithLabelValues("path_queue_full").Inc()
		h.deliverTo(c, ev)
	}
}

// stepWayCmd is a ROUTE_STEP with the way the path workers found (none
// when there is no path): sent unless the pupil's step changed meanwhile.
type stepWayCmd struct {
	c    *conn
	ev   protocol.NextStep
	path []nav.Point
}

func (s stepWayCmd) run(h *hub) {
	cs := h.classSessOf(s.c)
	if cs == nil || cs.class == 0 {
		return
	}
	lc := h.cls.live[cs.class]
	if lc == nil || lc.lines[cs.member] == nil || h.nextStep(lc, lc.lines[cs.member]).Hotspot != s.ev.Hotspot {
		return // another route or step since: that one's ROUTE_STEP comes
	}
	ev := s.ev
	for _, p := range s.path {
		ev.Path = append(ev.Path, protocol.Quantise(p.X), protocol.Quantise(p.Y))
	}
	h.deliverTo(s.c, ev)
}

// toLocal delivers e to every member of lc connected here (one boxed
// event shared by them all).
func (h *hub) toLocal(lc *liveClass, e protocol.Event, pupilsOnly bool) {
	for avatar, n := range lc.local {
		if pupilsOnly && n == 0 {
			continue
		}
		if c := h.conns[avatar]; c != nil {
			h.deliverTo(c, e)
		}
	}
}

func secondsLeft(until, now time.Time) uint16 {
	s := (until.Sub(now) + time.Second - 1) / time.Second
	return uint16(max(0, min(s, protocol.MaxPauseSeconds)))
}

// classRound runs every round: pauses that end, and once a second the
// lines, the follow, the beat and the MEMBERS.
func (h *hub) classRound(now time.Time) {
	ch := h.cls
	for _, lc := range ch.live {
		if !lc.pause.IsZero() && !now.Before(lc.pause) {
			lc.pause = time.Time{}
			h.toLocal(lc, protocol.ClassOrderEvent{Order: protocol.OrderPause, Active: false, Teacher: lc.teacher}, false)
		}
	}
	if now.Sub(ch.beat) < time.Second {
		return
	}
	ch.beat = now
	var records []class.Record
	lines := 0
	for id, lc := range ch.live {
		h.refreshLines(lc, now)
		h.followRound(lc)
		for _, n := range lc.local {
			records = append(records, lineRecord(id, lc.lines[n]))
		}
		for _, n := range lc.left { // went offline here: the others hear it at once
			if ln := lc.lines[n]; ln != nil && !ln.local {
				records = append(records, lineRecord(id, ln))
			}
		}
		lc.left = lc.left[:0]
		var changed []protocol.Member
		for n, ln := range lc.lines {
			if ln.sentOnce && ln.rec == ln.sent {
				continue
			}
			if !ln.local && ln.rec.Flags&protocol.MemberOnline == 0 && !ln.sentOnce && ln.rec.Flags&protocol.MemberGone == 0 {
				ln.sent, ln.sentOnce = ln.rec, true // in the full lists already
				continue
			}
			changed = append(changed, ln.rec)
			ln.sent, ln.sentOnce = ln.rec, true
			if ln.rec.Flags&protocol.MemberGone != 0 && !ln.local {
				delete(lc.lines, n)
			}
		}
		if len(changed) > 0 {
			slices.SortFunc(changed, func(a, b protocol.Member) int { return int(a.Member) - int(b.Member) })
			h.toLocal(lc, protocol.Members{Members: changed}, false)
			lines += len(changed) * len(lc.local)
		}
		if len(lc.local) == 0 {
			delete(ch.live, id) // its last lines went with this beat
		}
	}
	if ch.bus != nil && len(records) > 0 {
		if !ch.bus.Publish(class.Message{Kind: class.KindBeat, Node: ch.node, Records: records}) {
			ch.m.busDrops.WithLabelValues("queue_full").Inc()
		}
	}
	ch.m.members.Set(float64(lines))
	ch.m.liveClasses.Set(float64(len(ch.live)))
	ch.m.beatRecords.Set(float64(ch.heard))
	ch.heard = 0
}

func lineRecord(id uint32, ln *classLine) class.Record {
	return class.Record{Class: id, Member: ln.rec.Member, Avatar: ln.rec.Avatar, Name: ln.rec.Pseudonym, X: ln.rec.X, Y: ln.rec.Y,
		Role: uint8(ln.rec.Role), Steps: ln.rec.Steps, Points: ln.rec.Points, Flags: uint8(ln.rec.Flags)}
}

// refreshLines updates the lines of lc's local members from the world and
// their progress, and takes the stale remote ones offline.
func (h *hub) refreshLines(lc *liveClass, now time.Time) {
	for avatar, n := range lc.local {
		ln := lc.lines[n]
		if pos, ok := h.world.Position(avatar); ok {
			ln.rec.X, ln.rec.Y = protocol.Quantise(pos.X), protocol.Quantise(pos.Y)
		}
		if c := h.conns[avatar]; c != nil && c.sess != nil && c.sess.prog != nil {
			ln.rec.Points = c.sess.prog.st.Points
		}
		if n == 0 {
			lc.tx, lc.ty = ln.rec.X, ln.rec.Y
		}
	}
	for _, ln := range lc.lines {
		if !ln.local && ln.rec.Flags&protocol.MemberOnline != 0 && now.Sub(ln.heardAt) > remoteStale {
			ln.rec.Flags &^= protocol.MemberOnline | protocol.MemberFollowing
			ln.rec.Avatar = 0
		}
	}
}

// classBus applies another node's class message.
func (h *hub) classBus(m class.Message, now time.Time) {
	ch := h.cls
	if m.Node == ch.node {
		return
	}
	switch m.Kind {
	case class.KindBeat:
		ch.heard += len(m.Records)
		for _, r := range m.Records {
			lc := ch.live[r.Class]
			if lc == nil {
				continue
			}
			ln := lc.lines[r.Member]
			if ln == nil {
				ln = &classLine{}
				lc.lines[r.Member] = ln
			}
			if ln.local {
				continue // a session that moved here: ours is the truth
			}
			ln.rec = protocol.Member{Member: r.Member, Avatar: r.Avatar, Pseudonym: r.Name, X: r.X, Y: r.Y, Role: protocol.Role(r.Role),
				Steps: r.Steps, Points: r.Points, Flags: protocol.MemberFlags(r.Flags)}
			ln.heardAt = now
			if r.Member == 0 {
				if r.Flags&uint8(protocol.MemberOnline) != 0 {
					lc.teacher, lc.tx, lc.ty = r.Avatar, r.X, r.Y
				} else if lc.following {
					h.endFollow(lc, false) // the teacher went: nobody to follow
				}
			}
		}
	case class.KindOrder:
		if lc := ch.live[m.Class]; lc != nil {
			h.applyOrder(lc, m.Order, now)
		}
	case class.KindChanged:
		if lc := ch.live[m.Class]; lc != nil {
			h.classJob(classJob{kind: jobReload, class: lc.info.ID})
		}
	}
}

// refresh applies a class record and members read again (another node
// changed the class: its route, closed, a member who joined or left).
func (h *hub) refresh(info class.Class, members []class.Member) {
	lc := h.cls.live[info.ID]
	if lc == nil {
		return
	}
	routeChanged := info.RouteGen != lc.info.RouteGen
	closedChanged := info.Closed != lc.info.Closed
	known := map[uint32]bool{0: true}
	for _, m := range members {
		known[m.Number] = true
	}
	for n, ln := range lc.lines {
		if !known[n] && !ln.local {
			ln.rec.Flags |= protocol.MemberGone
		}
	}
	if routeChanged {
		for _, ln := range lc.lines {
			ln.gen, ln.steps, ln.rec.Steps = info.RouteGen, 0, 0
			ln.rec.Flags &^= protocol.MemberDone
		}
	}
	h.load(info, members)
	if routeChanged || closedChanged {
		for avatar, n := range lc.local {
			c := h.conns[avatar]
			if c == nil {
				continue
			}
			h.deliverTo(c, h.classInfo(lc, 0, n == 0))
			if n != 0 && routeChanged {
				h.sendStep(c, lc, lc.lines[n])
			}
		}
	}
}

// classOpened counts an opening for the route: a pupil who opens a step's
// hotspot has done it; the whole route earns the route badge.
func (h *hub) classOpened(c *conn, hotspot string) {
	cs := h.cls.sess[c.avatar]
	if cs == nil || cs.role != protocol.RolePupil || cs.class == 0 {
		return
	}
	lc := h.cls.live[cs.class]
	if lc == nil {
		return
	}
	i := slices.Index(lc.info.Steps, hotspot)
	ln := lc.lines[cs.member]
	if i < 0 || ln == nil || ln.steps&(1<<i) != 0 {
		return
	}
	ln.steps |= 1 << i
	ln.rec.Steps = stepsDone(ln.steps, len(lc.info.Steps))
	h.setDone(lc, ln)
	h.classJob(classJob{kind: jobSteps, class: lc.info.ID, progress: ln.progress, gen: ln.gen, steps: ln.steps})
	h.sendStep(c, lc, ln)
	if ln.rec.Flags&protocol.MemberDone != 0 && c.sess.prog != nil {
		c.sess.prog.st.MarkRoute()
		h.progressChanged(c, time.Now(), nil)
	}
}

// classIntent is a pupil's MOVE or GOTO: refused while the class is paused
// (true: it has no effect); it ends the pupil's follow.
func (h *hub) classIntent(c *conn, seq uint32) bool {
	cs := h.cls.sess[c.avatar]
	if cs == nil || cs.role != protocol.RolePupil || cs.class == 0 {
		return false
	}
	lc := h.cls.live[cs.class]
	if lc == nil {
		return false
	}
	if lc.pause.After(time.Now()) {
		h.deliverTo(c, protocol.ErrorEvent{Code: protocol.ErrPaused, Ref: seq, Message: "the class is paused"})
		return true
	}
	if cs.follow {
		cs.follow = false
		if ln := lc.lines[cs.member]; ln != nil {
			ln.rec.Flags &^= protocol.MemberFollowing
		}
		h.deliverTo(c, protocol.ClassOrderEvent{Order: protocol.OrderFollow, Active: false, Teacher: lc.teacher})
	}
	return false
}
