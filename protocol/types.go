package protocol

// Subprotocol is the WebSocket subprotocol name; it carries the protocol version.
const Subprotocol = "usine.v1"

// SubprotocolPrefix is what every version of this protocol starts with.
const SubprotocolPrefix = "usine.v"

// Type is a message type code, the first element of every message array;
// codes go up to MaxType.
type Type uint16

// Client to server.
const (
	TypeHello        Type = 1 // [1, pseudonym, resume_token, colour, shape, progress_key, staff_ticket]; the last four optional
	TypeMove         Type = 2 // [2, seq, dx, dy]
	TypeGoto         Type = 3 // [3, seq, x, y]
	TypeOpenHotspot  Type = 4 // [4, req, hotspot_id]
	TypeCloseHotspot Type = 5 // [5, hotspot_id]

	// Points, badges, leaderboards and rewards (progress_msgs.go).
	TypeAnswer         Type = 6  // [6, req, hotspot_id, question, [choice, ...]]
	TypeQuestionnaire  Type = 7  // [7, req, hotspot_id, [choice or nil, ...]]
	TypeGetProgress    Type = 8  // [8, req]
	TypeGetLeaderboard Type = 9  // [9, req, scope]
	TypeShare          Type = 10 // [10, req, badge_id]
	TypeUnshare        Type = 11 // [11, req, badge_id]
	TypeErase          Type = 12 // [12, req]

	// Chat and moderation (chat_msgs.go).
	TypeChatSay    Type = 20 // [20, req, channel, text]
	TypeChatQuick  Type = 21 // [21, req, channel, phrase]
	TypeChatReport Type = 22 // [22, req, message_id, avatar_id, reason]
	TypeChatClass  Type = 23 // [23, req, class_on, nearby_free]
	TypeModerate   Type = 24 // [24, req, action, avatar_id, message_id, report_id, seconds]
)

// Server to client.
const (
	TypeWelcome Type = 64 // [64, session_id, resume_token, self_id, tick_hz, zone_id, build, pseudonym, resumed, max_speed]
	TypeUpdate  Type = 65 // [65, tick, ack, self_x, self_y, moves, enters, leaves, events, crowd, online]
)

// Hello opens a session. Pseudonym (and the look) is ignored when ResumeToken
// names a live or recently dropped session: the session keeps its own.
type Hello struct {
	Pseudonym   string
	ResumeToken string
	// Colour and Shape are the avatar's look, indexes into the fixed sets of
	// Colours and Shapes chosen on the welcome screen; 0 is the default.
	// They are optional trailing fields on the wire (a HELLO of 3 elements
	// means 0, 0); a decoded index outside its set is 0.
	Colour, Shape uint8
	// ProgressKey is the visitor's progress key (three words, shown once
	// by PROGRESS), given back to get the progress of an earlier visit;
	// "" for none. Optional, after the look; ignored on a resume.
	ProgressKey string
	// StaffTicket is a ticket from POST /api/staff/ticket: the session
	// gets the staff token's role and display name (Pseudonym is then
	// ignored). Optional, after the progress key; "" for none.
	StaffTicket string
}

// The avatar looks are small fixed sets, so that a look says nothing
// personal: a colour index in [0, Colours) and a shape index in [0, Shapes).
// The web page owns what they look like (docs/PROTOCOL.md lists them).
const (
	Colours = 8
	Shapes  = 4
)

// lookField reads an optional look index (a colour or a shape) of a set of
// n entries into dst: 0 when the field is absent or names no entry.
func lookField(f *fields, dst *uint8, n int) {
	var v uint8
	uintField(f, &v, 255)
	*dst = Look(uint64(v), n)
}

// Look returns i when it names one of n entries of a fixed set, else 0: what
// decoders do with an index a newer client or server may send.
func Look(i uint64, n int) uint8 {
	if i >= uint64(n) {
		return 0
	}
	return uint8(i)
}

// Move asks the avatar to walk in direction (DX, DY), a vector of length at
// most 1 whose length scales the speed; (0, 0) stops. It holds until the next
// intent. Seq is echoed as Update.Ack once the intent is applied.
type Move struct {
	Seq    uint32
	DX, DY float64
}

// Goto asks the avatar to walk to the point (X, Y), in metres, along a path
// around obstacles chosen by the server.
type Goto struct {
	Seq  uint32
	X, Y float64
}

// OpenHotspot asks for a hotspot's content. Req is echoed in the reply.
type OpenHotspot struct {
	Req uint32
	ID  string
}

// CloseHotspot says the client closed the hotspot's panel.
type CloseHotspot struct {
	ID string
}

// Welcome answers a valid Hello.
type Welcome struct {
	SessionID   string
	ResumeToken string
	SelfID      uint32
	TickHz      uint32
	ZoneID      string
	Build       string
	Pseudonym   string // as the server normalised it
	Resumed     bool
	// MaxSpeed is the server's walking speed in m/s, the speed of a MOVE
	// of length 1 (an optional field: DefaultMaxSpeed when a server does
	// not send it).
	MaxSpeed float64
}

// DefaultMaxSpeed is the walking speed, in m/s, of a server whose WELCOME
// does not carry max_speed (those before it was added).
const DefaultMaxSpeed = 5.0

// Role says what an avatar is; clients draw them differently.
type Role uint8

const (
	RoleVisitor      Role = 0
	RoleProfessional Role = 1 // a staff token's: professionals at their booths
	RoleTeacher      Role = 2 // a staff token's: leads classes
	// RolePupil, RoleModerator and RoleOrganiser: class_msgs.go.
)

// Staff reports whether the role comes only from a signed staff token.
func (r Role) Staff() bool {
	switch r {
	case RoleProfessional, RoleTeacher, RoleModerator, RoleOrganiser:
		return true
	}
	return false
}

// Enter introduces an avatar into the client's view, at an absolute quantised
// position, with its look (see Hello).
type Enter struct {
	ID        uint32
	Pseudonym string
	X, Y      uint16
	Role      Role
	// Colour and Shape are the avatar's look (see Hello), optional
	// trailing fields of the record.
	Colour, Shape uint8
}

// MoveRec is one avatar's new position. On the wire it is a delta from the
// last position the client holds for that avatar; in memory it is absolute.
type MoveRec struct {
	ID   uint32
	X, Y uint16
}

// Update is the one message a client gets per tick, and only when something
// changed. Moves is sorted by ID, ascending.
type Update struct {
	Tick   uint32
	Ack    uint32 // seq of the last intent applied to the client's own avatar
	SelfX  uint16
	SelfY  uint16
	Moves  []MoveRec
	Enters []Enter
	Leaves []uint32
	Events []Event
	Crowd  uint32 // avatars in the area of interest that are not sent individually
	Online uint32 // avatars online on this server
}
