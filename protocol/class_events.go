package protocol

import "math"

// Events of classes and routes (docs/PROTOCOL.md §5, "Classes"): the
// session's role, a class as its members see it, the teacher's classes,
// the class list with where everyone is, a pupil's next step and the
// teacher's orders. Like every event they are immutable values.

// Class event kinds (13-19 are reserved for classes).
const (
	EventRole       EventKind = 13 // [13, role, name, booth]
	EventClass      EventKind = 14 // [14, req, class_id, name, level, teacher, code, closed, route_id, [[hotspot_id, x, y], ...], pupils, done]
	EventClasses    EventKind = 15 // [15, req, [[class_id, name, level, code, closed, pupils], ...], [[route_id, title, [hotspot_id, ...]], ...]]
	EventMembers    EventKind = 16 // [16, full, [[member, avatar_id, pseudonym, x, y, role, steps, points, flags], ...]]
	EventRouteStep  EventKind = 17 // [17, steps, total, hotspot_id, x, y, [x0, y0, ...]]
	EventClassOrder EventKind = 18 // [18, req, order, active, seconds, teacher_avatar]
)

// RoleEvent says what the session is: sent in the first UPDATE of a
// session whose role is not visitor, and when the role changes (a pupil
// who joins or leaves a class).
type RoleEvent struct {
	Role  Role
	Name  string // the display name (the pseudonym)
	Booth string // a professional's booth id, else ""
}

// ClassInfo is a class as one of its members sees it.
type ClassInfo struct {
	Req     uint32 // the request it answers, 0 when the server sends it
	Class   uint32 // the class id (the avatars' world group)
	Name    string
	Level   string
	Teacher string // the teacher's display name
	Code    string // the join code, to its teacher only ("" for pupils)
	Closed  bool   // the code no longer lets anyone join
	Route   string // the ready-made route's id, "" for the teacher's own list
	Steps   []RouteStep
	Pupils  uint32 // members of the class, its teacher not counted
	Done    uint32 // pupils who finished the route
}

// RouteStep is one stop of a route: a hotspot and where it stands.
type RouteStep struct {
	Hotspot string
	X, Y    uint16 // quantised
}

// Classes answers CLASS_LIST: the teacher's classes and the ready-made
// routes a teacher may pick.
type Classes struct {
	Req     uint32
	Classes []ClassSummary
	Routes  []ReadyRoute
}

// ClassSummary is one line of the teacher's classes.
type ClassSummary struct {
	Class  uint32
	Name   string
	Level  string
	Code   string
	Closed bool
	Pupils uint32
}

// ReadyRoute is a route made from the contents, one per challenge.
type ReadyRoute struct {
	ID       string
	Title    string
	Hotspots []string
}

// Members is the class list with where everyone is: a full list (Full)
// replaces the one the client holds; otherwise only the members that
// changed, at most once a second.
type Members struct {
	Full    bool
	Members []Member
}

// Member is one line of the class list.
type Member struct {
	Member    uint32 // the member's number in the class, stable for the event (the teacher's is 0)
	Avatar    uint32 // its avatar id now, 0 when not connected
	Pseudonym string
	X, Y      uint16 // quantised, the last known position (0, 0: never seen)
	Role      Role   // RoleTeacher or RolePupil
	Steps     uint8  // route steps done
	Points    uint32
	Flags     MemberFlags
}

// MemberFlags says a member's state.
type MemberFlags uint8

const (
	MemberOnline    MemberFlags = 1 // connected now
	MemberFollowing MemberFlags = 2 // following the teacher
	MemberDone      MemberFlags = 4 // finished the route
	MemberGone      MemberFlags = 8 // left the class: remove the line
)

// NextStep is a pupil's next route step: Steps done of Total, the hotspot
// to reach (Hotspot "" when the route is done, or Total 0: no route) and
// the way to it from where the pupil stood (Path, quantised waypoints;
// may be empty: draw an arrow to X, Y).
type NextStep struct {
	Steps, Total uint8
	Hotspot      string
	X, Y         uint16
	Path         []uint16
}

// ClassOrderEvent says a teacher's order started (Active) or ended, to
// the teacher (Req echoed) and to each pupil of the class (Req 0).
type ClassOrderEvent struct {
	Req     uint32
	Order   Order
	Active  bool
	Seconds uint16 // a pause's remaining seconds
	Teacher uint32 // the teacher's avatar id (to follow or to face)
}

// Kind implements Event.
func (RoleEvent) Kind() EventKind { return EventRole }

// Kind implements Event.
func (ClassInfo) Kind() EventKind { return EventClass }

// Kind implements Event.
func (Classes) Kind() EventKind { return EventClasses }

// Kind implements Event.
func (Members) Kind() EventKind { return EventMembers }

// Kind implements Event.
func (NextStep) Kind() EventKind { return EventRouteStep }

// Kind implements Event.
func (ClassOrderEvent) Kind() EventKind { return EventClassOrder }

func (e RoleEvent) appendTo(b []byte) []byte {
	b = appendArrayHeader(b, 4)
	b = appendUint(b, uint64(EventRole))
	b = appendUint(b, uint64(e.Role))
	b = appendString(b, e.Name)
	return appendString(b, e.Booth)
}

func (e ClassInfo) appendTo(b []byte) []byte {
	b = appendArrayHeader(b, 12)
	b = appendUint(b, uint64(EventClass))
	b = appendUint(b, uint64(e.Req))
	b = appendUint(b, uint64(e.Class))
	b = appendString(b, e.Name)
	b = appendString(b, e.Level)
	b = appendString(b, e.Teacher)
	b = appendString(b, e.Code)
	b = appendBool(b, e.Closed)
	b = appendString(b, e.Route)
	b = appendArrayHeader(b, len(e.Steps))
	for _, s := range e.Steps {
		b = appendArrayHeader(b, 3)
		b = appendString(b, s.Hotspot)
		b = appendUint(b, uint64(s.X))
		b = appendUint(b, uint64(s.Y))
	}
	b = appendUint(b, uint64(e.Pupils))
	return appendUint(b, uint64(e.Done))
}

func (e Classes) appendTo(b []byte) []byte {
	b = appendArrayHeader(b, 4)
	b = appendUint(b, uint64(EventClasses))
	b = appendUint(b, uint64(e.Req))
	b = appendArrayHeader(b, len(e.Classes))
	for _, c := range e.Classes {
		b = appendArrayHeader(b, 6)
		b = appendUint(b, uint64(c.Class))
		b = appendString(b, c.Name)
		b = appendString(b, c.Level)
		b = appendString(b, c.Code)
		b = appendBool(b, c.Closed)
		b = appendUint(b, uint64(c.Pupils))
	}
	b = appendArrayHeader(b, len(e.Routes))
	for _, r := range e.Routes {
		b = appendArrayHeader(b, 3)
		b = appendString(b, r.ID)
		b = appendString(b, r.Title)
		b = appendStrings(b, r.Hotspots)
	}
	return b
}

func (e Members) appendTo(b []byte) []byte {
	b = appendArrayHeader(b, 3)
	b = appendUint(b, uint64(EventMembers))
	b = appendBool(b, e.Full)
	b = appendArrayHeader(b, len(e.Members))
	for _, m := range e.Members {
		b = appendArrayHeader(b, 9)
		b = appendUint(b, uint64(m.Member))
		b = appendUint(b, uint64(m.Avatar))
		b = appendString(b, m.Pseudonym)
		b = appendUint(b, uint64(m.X))
		b = appendUint(b, uint64(m.Y))
		b = appendUint(b, uint64(m.Role))
		b = appendUint(b, uint64(m.Steps))
		b = appendUint(b, uint64(m.Points))
		b = appendUint(b, uint64(m.Flags))
	}
	return b
}

func (e NextStep) appendTo(b []byte) []byte {
	b = appendArrayHeader(b, 7)
	b = appendUint(b, uint64(EventRouteStep))
	b = appendUint(b, uint64(e.Steps))
	b = appendUint(b, uint64(e.Total))
	b = appendString(b, e.Hotspot)
	b = appendUint(b, uint64(e.X))
	b = appendUint(b, uint64(e.Y))
	b = appendArrayHeader(b, len(e.Path))
	for _, q := range e.Path {
		b = appendUint(b, uint64(q))
	}
	return b
}

func (e ClassOrderEvent) appendTo(b []byte) []byte {
	b = appendArrayHeader(b, 6)
	b = appendUint(b, uint64(EventClassOrder))
	b = appendUint(b, uint64(e.Req))
	b = appendUint(b, uint64(e.Order))
	b = appendBool(b, e.Active)
	b = appendUint(b, uint64(e.Seconds))
	return appendUint(b, uint64(e.Teacher))
}

// classDecoder returns the decoder of a class event kind, like
// eventDecoder; nil for a kind this version does not know.
func classDecoder(k EventKind) (func(f *fields) Event, string) {
	switch k {
	case EventRole:
		return decodeRole, "ROLE"
	case EventClass:
		return decodeClassInfo, "CLASS"
	case EventClasses:
		return decodeClasses, "CLASSES"
	case EventMembers:
		return decodeMembers, "MEMBERS"
	case EventRouteStep:
		return decodeNextStep, "ROUTE_STEP"
	case EventClassOrder:
		return decodeClassOrder, "CLASS_ORDER"
	}
	return nil, ""
}

func decodeRole(f *fields) Event {
	var e RoleEvent
	uintField(f, &e.Role, math.MaxUint8)
	f.str(&e.Name, MaxPseudonymBytes)
	f.str(&e.Booth, MaxIDBytes)
	return e
}

func decodeClassInfo(f *fields) Event {
	var e ClassInfo
	f.u32(&e.Req)
	f.u32(&e.Class)
	f.str(&e.Name, MaxClassNameBytes)
	f.str(&e.Level, MaxLevelBytes)
	f.str(&e.Teacher, MaxPseudonymBytes)
	f.str(&e.Code, MaxCodeBytes)
	f.boolean(&e.Closed)
	f.str(&e.Route, MaxIDBytes)
	list(f, "route step", MaxRouteSteps, func(s *fields) {
		var st RouteStep
		s.str(&st.Hotspot, MaxIDBytes)
		s.u16(&st.X)
		s.u16(&st.Y)
		e.Steps = append(e.Steps, st)
	})
	f.u32(&e.Pupils)
	f.u32(&e.Done)
	return e
}

func decodeClasses(f *fields) Event {
	var e Classes
	f.u32(&e.Req)
	list(f, "class", maxListItems, func(s *fields) {
		var c ClassSummary
		s.u32(&c.Class)
		s.str(&c.Name, MaxClassNameBytes)
		s.str(&c.Level, MaxLevelBytes)
		s.str(&c.Code, MaxCodeBytes)
		s.boolean(&c.Closed)
		s.u32(&c.Pupils)
		e.Classes = append(e.Classes, c)
	})
	list(f, "ready-made route", maxListItems, func(s *fields) {
		var r ReadyRoute
		s.str(&r.ID, MaxIDBytes)
		s.str(&r.Title, MaxTextBytes)
		r.Hotspots = stringList(s, MaxRouteSteps)
		e.Routes = append(e.Routes, r)
	})
	return e
}

func decodeMembers(f *fields) Event {
	var e Members
	f.boolean(&e.Full)
	list(f, "member", MaxClassPupils+1, func(s *fields) {
		var m Member
		s.u32(&m.Member)
		s.u32(&m.Avatar)
		s.str(&m.Pseudonym, MaxPseudonymBytes)
		s.u16(&m.X)
		s.u16(&m.Y)
		uintField(s, &m.Role, math.MaxUint8)
		uintField(s, &m.Steps, math.MaxUint8)
		s.u32(&m.Points)
		uintField(s, &m.Flags, math.MaxUint8)
		e.Members = append(e.Members, m)
	})
	return e
}

func decodeNextStep(f *fields) Event {
	var e NextStep
	uintField(f, &e.Steps, math.MaxUint8)
	uintField(f, &e.Total, math.MaxUint8)
	f.str(&e.Hotspot, MaxIDBytes)
	f.u16(&e.X)
	f.u16(&e.Y)
	if m, ok := f.array(MaxRecords); ok {
		if m%2 != 0 {
			f.fail(malformed("ROUTE_STEP has an odd number of coordinates"))
			return e
		}
		if m > 0 {
			e.Path = make([]uint16, m)
		}
		for i := range e.Path {
			x, err := f.r.uint(math.MaxUint16)
			if err != nil {
				f.fail(err)
				return e
			}
			e.Path[i] = uint16(x)
		}
	}
	return e
}

func decodeClassOrder(f *fields) Event {
	var e ClassOrderEvent
	f.u32(&e.Req)
	uintField(f, &e.Order, math.MaxUint8)
	f.boolean(&e.Active)
	uintField(f, &e.Seconds, math.MaxUint16)
	f.u32(&e.Teacher)
	return e
}
