package protocol

import (
	"fmt"
	"math"
)

// ClientMessage holds one decoded client-to-server message; Type says which
// field is set. It is a plain struct, not an interface, so decoding an intent
// allocates nothing.
type ClientMessage struct {
	Type         Type
	Hello        Hello
	Move         Move
	Goto         Goto
	OpenHotspot  OpenHotspot
	CloseHotspot CloseHotspot

	// Points, badges, leaderboards and rewards (progress_msgs.go).
	Answer         Answer
	Questionnaire  QuestionnaireAnswers
	GetProgress    GetProgress
	GetLeaderboard GetLeaderboard
	Share          Share // SHARE and UNSHARE
	Erase          Erase

	// Chat and moderation (chat_msgs.go).
	ChatSay    ChatSay
	ChatQuick  ChatQuick
	ChatReport ChatReport
	ChatClass  ChatClass
	Moderate   Moderate
	// Classes, routes and the teacher's commands (class_msgs.go).
	ClassCreate ClassCreate
	ClassJoin   ClassJoin
	ClassList   ClassList
	ClassOpen   ClassOpen
	ClassRoute  ClassRoute
	ClassOrder  ClassOrder
	ClassLeave  ClassLeave
}

// DecodeClient decodes one client message into m. A *DecodeError means the
// message is malformed (the server closes with its Code); an error wrapping
// ErrUnknownMessage means a well-formed array with an unknown type code (up
// to MaxType), which the server reports and otherwise ignores.
//
// The rules of docs/PROTOCOL.md §3: an array of 1 to MaxClientFields
// elements; every field listed for the type is required but HELLO's look
// and progress key (fields a later version appends will be optional too,
// each read after f.optional() with its default set in the zeroed
// message); elements
// beyond the known fields are skipped, as is an unknown type's payload,
// but must be valid msgpack, nested at most 4 deep, without extension
// types; nothing may follow the array.
func DecodeClient(b []byte, m *ClientMessage) error {
	if len(b) > MaxClientMessage {
		return malformed("message of %d bytes over the limit %d", len(b), MaxClientMessage)
	}
	f := fields{r: reader{b: b}}
	n, err := f.r.arrayHeader(1, MaxClientFields)
	if err != nil {
		return err
	}
	t, err := f.r.uint(MaxType)
	if err != nil {
		return err
	}
	*m = ClientMessage{Type: Type(t)}
	f.what, f.n = clientName(m.Type), n-1
	switch m.Type {
	case TypeHello:
		f.str(&m.Hello.Pseudonym, MaxPseudonymBytes)
		f.str(&m.Hello.ResumeToken, MaxTokenBytes)
		f.optional()
		lookField(&f, &m.Hello.Colour, Colours)
		lookField(&f, &m.Hello.Shape, Shapes)
		f.str(&m.Hello.ProgressKey, MaxProgressKeyBytes)
		f.str(&m.Hello.StaffTicket, MaxTicketBytes)
	case TypeMove:
		f.u32(&m.Move.Seq)
		f.float(&m.Move.DX)
		f.float(&m.Move.DY)
	case TypeGoto:
		f.u32(&m.Goto.Seq)
		f.float(&m.Goto.X)
		f.float(&m.Goto.Y)
	case TypeOpenHotspot:
		f.u32(&m.OpenHotspot.Req)
		f.str(&m.OpenHotspot.ID, MaxIDBytes)
	case TypeCloseHotspot:
		f.str(&m.CloseHotspot.ID, MaxIDBytes)
	case TypeAnswer:
		decodeAnswer(&f, &m.Answer)
	case TypeQuestionnaire:
		decodeQuestionnaire(&f, &m.Questionnaire)
	case TypeGetProgress:
		f.u32(&m.GetProgress.Req)
	case TypeGetLeaderboard:
		f.u32(&m.GetLeaderboard.Req)
		uintField(&f, &m.GetLeaderboard.Scope, math.MaxUint8)
	case TypeShare, TypeUnshare:
		f.u32(&m.Share.Req)
		f.str(&m.Share.Badge, MaxBadgeIDBytes)
	case TypeErase:
		f.u32(&m.Erase.Req)
	case TypeClassCreate, TypeClassJoin, TypeClassList, TypeClassOpen, TypeClassRoute, TypeClassOrder, TypeClassLeave:
		decodeClassMsg(&f, m)
	default:
		if !decodeChatClient(&f, m) {
			f.optional() // an unknown type's payload is only skipped
		}
	}
	if err := f.done(); err != nil {
		return err
	}
	if err := f.r.end(); err != nil {
		return err
	}
	if f.what == "" {
		return fmt.Errorf("type %d: %w", t, ErrUnknownMessage)
	}
	return nil
}

// clientName names each client message type in errors, "" if unknown.
func clientName(t Type) string {
	switch t {
	case TypeHello:
		return "HELLO"
	case TypeMove:
		return "MOVE"
	case TypeGoto:
		return "GOTO"
	case TypeOpenHotspot:
		return "OPEN_HOTSPOT"
	case TypeCloseHotspot:
		return "CLOSE_HOTSPOT"
	case TypeAnswer:
		return "ANSWER"
	case TypeQuestionnaire:
		return "QUESTIONNAIRE"
	case TypeGetProgress:
		return "GET_PROGRESS"
	case TypeGetLeaderboard:
		return "GET_LEADERBOARD"
	case TypeShare:
		return "SHARE"
	case TypeUnshare:
		return "UNSHARE"
	case TypeErase:
		return "ERASE"
	}
	if n := chatClientName(t); n != "" {
		return n
	}
	return className(t)
}

// Validate reports ErrBadIntent for a direction that is not finite or
// longer than MaxIntentLength (1.001); the world walks a longer-than-1 one
// that passes at full speed, as a length of 1.
func (m Move) Validate() (ErrorCode, bool) {
	if !finite(m.DX) || !finite(m.DY) || math.Hypot(m.DX, m.DY) > MaxIntentLength {
		return ErrBadIntent, false
	}
	return 0, true
}

// Validate reports ErrBadIntent for a target that is not finite or outside [0, width] x [0, height].
func (m Goto) Validate(width, height float64) (ErrorCode, bool) {
	if !finite(m.X) || !finite(m.Y) || m.X < 0 || m.Y < 0 || m.X > width || m.Y > height {
		return ErrBadIntent, false
	}
	return 0, true
}

func finite(f float64) bool { return !math.IsNaN(f) && !math.IsInf(f, 0) }

// AppendHello appends an encoded HELLO. The look is written only when it is
// not the default (0, 0) or a progress key or a staff ticket follows it, so
// a default HELLO is the 3-element form every server version accepts.
func AppendHello(b []byte, h Hello) []byte {
	look := h.Colour != 0 || h.Shape != 0 || h.ProgressKey != "" || h.StaffTicket != ""
	n := 3
	if look {
		n = 5 // with colour and shape
	}
	if h.ProgressKey != "" || h.StaffTicket != "" {
		n = 6
	}
	if h.StaffTicket != "" {
		n = 7
	}
	b = appendArrayHeader(b, n)
	b = appendUint(b, uint64(TypeHello))
	b = appendString(b, h.Pseudonym)
	b = appendString(b, h.ResumeToken)
	if look {
		b = appendUint(b, uint64(h.Colour))
		b = appendUint(b, uint64(h.Shape))
	}
	if n >= 6 {
		b = appendString(b, h.ProgressKey)
	}
	if n == 7 {
		b = appendString(b, h.StaffTicket)
	}
	return b
}

// AppendMove appends an encoded MOVE.
func AppendMove(b []byte, m Move) []byte {
	b = appendArrayHeader(b, 4)
	b = appendUint(b, uint64(TypeMove))
	b = appendUint(b, uint64(m.Seq))
	b = appendFloat(b, m.DX)
	return appendFloat(b, m.DY)
}

// AppendGoto appends an encoded GOTO.
func AppendGoto(b []byte, m Goto) []byte {
	b = appendArrayHeader(b, 4)
	b = appendUint(b, uint64(TypeGoto))
	b = appendUint(b, uint64(m.Seq))
	b = appendFloat(b, m.X)
	return appendFloat(b, m.Y)
}

// AppendOpenHotspot appends an encoded OPEN_HOTSPOT.
func AppendOpenHotspot(b []byte, m OpenHotspot) []byte {
	b = appendArrayHeader(b, 3)
	b = appendUint(b, uint64(TypeOpenHotspot))
	b = appendUint(b, uint64(m.Req))
	return appendString(b, m.ID)
}

// AppendCloseHotspot appends an encoded CLOSE_HOTSPOT.
func AppendCloseHotspot(b []byte, m CloseHotspot) []byte {
	b = appendArrayHeader(b, 2)
	b = appendUint(b, uint64(TypeCloseHotspot))
	return appendString(b, m.ID)
}
