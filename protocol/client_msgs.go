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
}

// DecodeClient decodes one client message into m. A *DecodeError means the
// message is malformed (the server closes with its Code); an error wrapping
// ErrUnknownMessage means a well-formed array with an unknown type code,
// which the server reports and otherwise ignores.
func DecodeClient(b []byte, m *ClientMessage) error {
	if len(b) > MaxClientMessage {
		return malformed("message of %d bytes over the limit %d", len(b), MaxClientMessage)
	}
	r := reader{b: b}
	n, err := r.arrayHeader(1, 8)
	if err != nil {
		return err
	}
	t, err := r.uint(255)
	if err != nil {
		return err
	}
	*m = ClientMessage{Type: Type(t)}
	want := clientArity(m.Type)
	if want == 0 {
		return fmt.Errorf("type %d: %w", t, ErrUnknownMessage)
	}
	if n != want && (m.Type != TypeHello || n > helloMaxArity) {
		return malformed("message type %d has %d elements, want %d", t, n, want)
	}
	switch m.Type {
	case TypeHello:
		if m.Hello.Pseudonym, err = r.str(MaxPseudonymBytes); err != nil {
			return err
		}
		if m.Hello.ResumeToken, err = r.str(MaxTokenBytes); err != nil {
			return err
		}
		// Optional trailing fields: colour, then shape.
		m.Hello.Colour, m.Hello.Shape, err = decodeLook(&r, n-want)
	case TypeMove:
		err = decodeSeqXY(&r, &m.Move.Seq, &m.Move.DX, &m.Move.DY)
	case TypeGoto:
		err = decodeSeqXY(&r, &m.Goto.Seq, &m.Goto.X, &m.Goto.Y)
	case TypeOpenHotspot:
		var req uint64
		if req, err = r.uint(math.MaxUint32); err != nil {
			return err
		}
		m.OpenHotspot.Req = uint32(req)
		m.OpenHotspot.ID, err = r.str(MaxIDBytes)
	case TypeCloseHotspot:
		m.CloseHotspot.ID, err = r.str(MaxIDBytes)
	}
	if err != nil {
		return err
	}
	return r.end()
}

// helloMaxArity is HELLO's length with its optional colour and shape.
const helloMaxArity = 5

// clientArity is the (least) array length of each client message type, 0 if unknown.
func clientArity(t Type) int {
	switch t {
	case TypeHello, TypeOpenHotspot:
		return 3
	case TypeMove, TypeGoto:
		return 4
	case TypeCloseHotspot:
		return 2
	}
	return 0
}

func decodeSeqXY(r *reader, seq *uint32, x, y *float64) error {
	s, err := r.uint(math.MaxUint32)
	if err != nil {
		return err
	}
	*seq = uint32(s)
	if *x, err = r.number(); err != nil {
		return err
	}
	*y, err = r.number()
	return err
}

// Validate reports ErrBadIntent for a direction that is not finite or longer than 1.
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
// not the default (0, 0), so a default HELLO is the 3-element form every
// server version accepts.
func AppendHello(b []byte, h Hello) []byte {
	look := h.Colour != 0 || h.Shape != 0
	n := 3
	if look {
		n = helloMaxArity
	}
	b = appendArrayHeader(b, n)
	b = appendUint(b, uint64(TypeHello))
	b = appendString(b, h.Pseudonym)
	b = appendString(b, h.ResumeToken)
	if look {
		b = appendUint(b, uint64(h.Colour))
		b = appendUint(b, uint64(h.Shape))
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
