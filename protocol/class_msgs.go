package protocol

import "math"

// Client messages of classes, routes and the teacher's commands
// (docs/PROTOCOL.md §3, "Classes"): a teacher creates, lists, opens and
// leads classes; a pupil joins one with its code. Staff sign in with a
// ticket in HELLO (Hello.StaffTicket), got from POST /api/staff/ticket.

// Class client message type codes (13-19 are reserved for classes).
const (
	TypeClassCreate Type = 13 // [13, req, name, level]
	TypeClassJoin   Type = 14 // [14, req, code]
	TypeClassList   Type = 15 // [15, req]
	TypeClassOpen   Type = 16 // [16, req, class_id]
	TypeClassRoute  Type = 17 // [17, req, class_id, route_id, [hotspot_id, ...]]
	TypeClassOrder  Type = 18 // [18, req, class_id, order, seconds]
	TypeClassLeave  Type = 19 // [19, req]
)

// Staff and pupils (docs/PROTOCOL.md §3, "Roles"): the roles a signed
// staff token gives, and the pupil's, a visitor who joined a class.
const (
	RolePupil     Role = 3 // a visitor who joined a class
	RoleModerator Role = 4
	RoleOrganiser Role = 5
)

// Limits of the class messages.
const (
	// MaxTicketBytes bounds HELLO's staff ticket.
	MaxTicketBytes = 64
	// MaxClassNameBytes bounds a class name on the wire, before
	// normalisation (names are 3 to 40 characters after it).
	MaxClassNameBytes = 160
	// MaxLevelBytes bounds a class level id ("4e").
	MaxLevelBytes = 16
	// MaxCodeBytes bounds a join code as typed (8 letters, with spaces or
	// dashes).
	MaxCodeBytes = 32
	// MaxRouteSteps bounds the hotspots of a route.
	MaxRouteSteps = 20
	// MaxPauseSeconds is the longest pause; a pause of 0 s is this long.
	MaxPauseSeconds = 300
	// MaxClassPupils bounds the pupils of a class; MEMBERS lists them and
	// the teacher.
	MaxClassPupils = 60
)

// Order is a teacher's command to the class (CLASS_ORDER).
type Order uint8

const (
	OrderEnd    Order = 0 // ends the follow and the pause
	OrderGather Order = 1 // brings the pupils next to the teacher
	OrderFollow Order = 2 // the pupils walk after the teacher
	OrderPause  Order = 3 // the pupils' avatars stop for Seconds
	OrderClose  Order = 4 // the code stops working: no one joins any more
	OrderReopen Order = 5 // the code works again
)

// ClassCreate creates a class led by the teacher; it answers with CLASS,
// which carries the join code.
type ClassCreate struct {
	Req   uint32
	Name  string
	Level string // one of the level ids (docs/PROTOCOL.md)
}

// ClassJoin joins the class of a join code, as a pupil.
type ClassJoin struct {
	Req  uint32
	Code string
}

// ClassList asks for the teacher's classes and the ready-made routes
// (a CLASSES event).
type ClassList struct{ Req uint32 }

// ClassOpen makes the teacher lead one of their classes (CLASS and a full
// MEMBERS follow).
type ClassOpen struct {
	Req   uint32
	Class uint32
}

// ClassRoute sets a class's route: a ready-made one (Route, Hotspots
// empty) or an ordered list of hotspots (Route ""); both empty removes it.
type ClassRoute struct {
	Req      uint32
	Class    uint32
	Route    string
	Hotspots []string
}

// ClassOrder is a teacher's command to a class.
type ClassOrder struct {
	Req     uint32
	Class   uint32
	Order   Order
	Seconds uint16 // OrderPause: 1..MaxPauseSeconds; 0 is MaxPauseSeconds
}

// ClassLeave: a pupil leaves their class; a teacher stops leading one.
type ClassLeave struct{ Req uint32 }

func decodeClassMsg(f *fields, m *ClientMessage) {
	switch m.Type {
	case TypeClassCreate:
		f.u32(&m.ClassCreate.Req)
		f.str(&m.ClassCreate.Name, MaxClassNameBytes)
		f.str(&m.ClassCreate.Level, MaxLevelBytes)
	case TypeClassJoin:
		f.u32(&m.ClassJoin.Req)
		f.str(&m.ClassJoin.Code, MaxCodeBytes)
	case TypeClassList:
		f.u32(&m.ClassList.Req)
	case TypeClassOpen:
		f.u32(&m.ClassOpen.Req)
		f.u32(&m.ClassOpen.Class)
	case TypeClassRoute:
		r := &m.ClassRoute
		f.u32(&r.Req)
		f.u32(&r.Class)
		f.str(&r.Route, MaxIDBytes)
		n, ok := f.array(MaxRouteSteps)
		if !ok || n == 0 {
			return
		}
		r.Hotspots = make([]string, 0, n)
		for range n {
			s, err := f.r.str(MaxIDBytes)
			if err != nil {
				f.fail(err)
				return
			}
			r.Hotspots = append(r.Hotspots, s)
		}
	case TypeClassOrder:
		o := &m.ClassOrder
		f.u32(&o.Req)
		f.u32(&o.Class)
		uintField(f, &o.Order, math.MaxUint8)
		uintField(f, &o.Seconds, math.MaxUint16)
	case TypeClassLeave:
		f.u32(&m.ClassLeave.Req)
	}
}

// className names the class message types in errors, "" if t is none.
func className(t Type) string {
	switch t {
	case TypeClassCreate:
		return "CLASS_CREATE"
	case TypeClassJoin:
		return "CLASS_JOIN"
	case TypeClassList:
		return "CLASS_LIST"
	case TypeClassOpen:
		return "CLASS_OPEN"
	case TypeClassRoute:
		return "CLASS_ROUTE"
	case TypeClassOrder:
		return "CLASS_ORDER"
	case TypeClassLeave:
		return "CLASS_LEAVE"
	}
	return ""
}

// AppendClassCreate appends an encoded CLASS_CREATE.
func AppendClassCreate(b []byte, m ClassCreate) []byte {
	b = appendArrayHeader(b, 4)
	b = appendUint(b, uint64(TypeClassCreate))
	b = appendUint(b, uint64(m.Req))
	b = appendString(b, m.Name)
	return appendString(b, m.Level)
}

// AppendClassJoin appends an encoded CLASS_JOIN.
func AppendClassJoin(b []byte, m ClassJoin) []byte {
	b = appendArrayHeader(b, 3)
	b = appendUint(b, uint64(TypeClassJoin))
	b = appendUint(b, uint64(m.Req))
	return appendString(b, m.Code)
}

// AppendClassList appends an encoded CLASS_LIST.
func AppendClassList(b []byte, m ClassList) []byte {
	b = appendArrayHeader(b, 2)
	b = appendUint(b, uint64(TypeClassList))
	return appendUint(b, uint64(m.Req))
}

// AppendClassOpen appends an encoded CLASS_OPEN.
func AppendClassOpen(b []byte, m ClassOpen) []byte {
	b = appendArrayHeader(b, 3)
	b = appendUint(b, uint64(TypeClassOpen))
	b = appendUint(b, uint64(m.Req))
	return appendUint(b, uint64(m.Class))
}

// AppendClassRoute appends an encoded CLASS_ROUTE.
func AppendClassRoute(b []byte, m ClassRoute) []byte {
	b = appendArrayHeader(b, 5)
	b = appendUint(b, uint64(TypeClassRoute))
	b = appendUint(b, uint64(m.Req))
	b = appendUint(b, uint64(m.Class))
	b = appendString(b, m.Route)
	return appendStrings(b, m.Hotspots)
}

// AppendClassOrder appends an encoded CLASS_ORDER.
func AppendClassOrder(b []byte, m ClassOrder) []byte {
	b = appendArrayHeader(b, 5)
	b = appendUint(b, uint64(TypeClassOrder))
	b = appendUint(b, uint64(m.Req))
	b = appendUint(b, uint64(m.Class))
	b = appendUint(b, uint64(m.Order))
	return appendUint(b, uint64(m.Seconds))
}

// AppendClassLeave appends an encoded CLASS_LEAVE.
func AppendClassLeave(b []byte, m ClassLeave) []byte {
	b = appendArrayHeader(b, 2)
	b = appendUint(b, uint64(TypeClassLeave))
	return appendUint(b, uint64(m.Req))
}

// AppendClassMessage appends the class message m holds (by m.Type); b is
// returned unchanged for another type.
func AppendClassMessage(b []byte, m *ClientMessage) []byte {
	switch m.Type {
	case TypeClassCreate:
		return AppendClassCreate(b, m.ClassCreate)
	case TypeClassJoin:
		return AppendClassJoin(b, m.ClassJoin)
	case TypeClassList:
		return AppendClassList(b, m.ClassList)
	case TypeClassOpen:
		return AppendClassOpen(b, m.ClassOpen)
	case TypeClassRoute:
		return AppendClassRoute(b, m.ClassRoute)
	case TypeClassOrder:
		return AppendClassOrder(b, m.ClassOrder)
	case TypeClassLeave:
		return AppendClassLeave(b, m.ClassLeave)
	}
	return b
}
