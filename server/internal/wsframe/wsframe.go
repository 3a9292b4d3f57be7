package wsframe

import (
	"encoding/binary"
	"fmt"
	"unicode/utf8"
)

// Opcode is a frame's opcode (RFC 6455 §5.2).
type Opcode byte

// Opcodes.
const (
	OpContinuation Opcode = 0x0
	OpText         Opcode = 0x1
	OpBinary       Opcode = 0x2
	OpClose        Opcode = 0x8
	OpPing         Opcode = 0x9
	OpPong         Opcode = 0xa
)

// Close codes of the frame layer (RFC 6455 §7.4.1).
const (
	CodeNormal          = 1000
	CodeProtocolError   = 1002
	CodeNoStatus        = 1005 // a close frame without a code; never sent
	CodeInvalidPayload  = 1007
	CodeTooBig          = 1009
	MaxControlPayload   = 125
	MaxHeader           = 14 // 2 + 8 (64-bit length) + 4 (mask key)
	maxServerHeader     = 10 // a server's frames are not masked
	maxCloseReasonBytes = MaxControlPayload - 2
)

// ProtocolError is a frame the client must not send; Code is the close
// code to answer with: 1002 (protocol error), 1007 (invalid UTF-8 in a
// close reason) or 1009 (a message over the limit).
type ProtocolError struct {
	Code   uint16
	Reason string
}

func (e *ProtocolError) Error() string { return fmt.Sprintf("websocket %d: %s", e.Code, e.Reason) }

func protocolError(code uint16, format string, args ...any) *ProtocolError {
	return &ProtocolError{Code: code, Reason: fmt.Sprintf(format, args...)}
}

// Kind says what an Event is.
type Kind byte

// Event kinds.
const (
	Message Kind = iota + 1 // a whole data message: Op is OpText or OpBinary
	Ping
	Pong
	Close // Payload is the close frame's payload (see ParseClose)
)

// Event is what Next found: a control frame or a whole data message.
// Payload is unmasked; it aliases the bytes given to Next or the Reader's
// own buffer, and is valid until the next call.
type Event struct {
	Kind    Kind
	Op      Opcode
	Payload []byte
}

// Reader assembles the frames of one client connection. The zero value
// with MaxMessage set is ready. It holds no buffer between messages: only
// a message sent in several fragments is copied, into a buffer of at most
// MaxMessage bytes that is dropped when the message is whole. A Reader is
// not safe for concurrent use.
type Reader struct {
	MaxMessage int // the largest data message, in bytes

	frag   []byte // the fragments so far of a fragmented message
	fragOp Opcode
	inMsg  bool // a fragmented message is being assembled
}

// InMessage reports whether a fragmented message is being assembled.
func (r *Reader) InMessage() bool { return r.inMsg }

// Next parses frames from the start of b, unmasking them in place. It
// returns the first event b holds whole and the bytes it used (fragments of
// a message before it included); when b holds no whole event, ev.Kind is 0
// and n is what it used (whole fragments: keep b[n:] and call again with
// more bytes after it). Control frames may come between the fragments of a
// message, as RFC 6455 §5.4 allows; they are returned as they come.
func (r *Reader) Next(b []byte) (ev Event, n int, err error) {
	for {
		f, m, err := parse(b[n:], r.limit())
		if err != nil || m == 0 {
			return Event{}, n, err
		}
		n += m
		switch f.op {
		case OpPing:
			return Event{Kind: Ping, Op: f.op, Payload: f.payload}, n, nil
		case OpPong:
			return Event{Kind: Pong, Op: f.op, Payload: f.payload}, n, nil
		case OpClose:
			return Event{Kind: Close, Op: f.op, Payload: f.payload}, n, nil
		case OpContinuation:
			if !r.inMsg {
				return Event{}, n, protocolError(CodeProtocolError, "continuation frame outside a message")
			}
			if len(r.frag)+len(f.payload) > r.MaxMessage {
				return Event{}, n, protocolError(CodeTooBig, "message over %d bytes", r.MaxMessage)
			}
			r.frag = append(r.frag, f.payload...)
			if !f.fin {
				continue
			}
			ev = Event{Kind: Message, Op: r.fragOp, Payload: r.frag}
			r.frag, r.inMsg = nil, false // the payload is the caller's until the next call
			return ev, n, nil
		default: // OpText, OpBinary
			if r.inMsg {
				return Event{}, n, protocolError(CodeProtocolError, "new message inside a fragmented one")
			}
			if f.fin {
				return Event{Kind: Message, Op: f.op, Payload: f.payload}, n, nil
			}
			r.inMsg, r.fragOp = true, f.op
			r.frag = append(make([]byte, 0, min(r.MaxMessage, 4*len(f.payload)+64)), f.payload...)
		}
	}
}

// limit is the largest data frame payload acceptable now: what the message
// being assembled has left.
func (r *Reader) limit() int { return r.MaxMessage - len(r.frag) }

type frame struct {
	fin     bool
	op      Opcode
	payload []byte
}

// parse parses one frame at the start of b; m is 0 when b does not hold it
// whole yet. maxData bounds a data frame's payload.
func parse(b []byte, maxData int) (f frame, m int, err error) {
	if len(b) < 2 {
		return f, 0, nil
	}
	b0, b1 := b[0], b[1]
	if b0&0x70 != 0 {
		return f, 0, protocolError(CodeProtocolError, "reserved bits set (no extension was negotiated)")
	}
	f.fin, f.op = b0&0x80 != 0, Opcode(b0&0x0f)
	control := f.op&0x8 != 0
	switch f.op {
	case OpContinuation, OpText, OpBinary, OpClose, OpPing, OpPong:
	default:
		return f, 0, protocolError(CodeProtocolError, "unknown opcode %d", f.op)
	}
	if b1&0x80 == 0 {
		return f, 0, protocolError(CodeProtocolError, "unmasked client frame")
	}
	length := uint64(b1 & 0x7f)
	h := 2
	switch length {
	case 126:
		if len(b) < 4 {
			return f, 0, nil
		}
		length, h = uint64(binary.BigEndian.Uint16(b[2:])), 4
	case 127:
		if len(b) < 10 {
			return f, 0, nil
		}
		length, h = binary.BigEndian.Uint64(b[2:]), 10
		if length>>63 != 0 {
			return f, 0, protocolError(CodeProtocolError, "64-bit length with its top bit set")
		}
	}
	if control {
		if !f.fin {
			return f, 0, protocolError(CodeProtocolError, "fragmented control frame")
		}
		if length > MaxControlPayload {
			return f, 0, protocolError(CodeProtocolError, "control frame of %d bytes", length)
		}
	} else if length > uint64(max(maxData, 0)) {
		return f, 0, protocolError(CodeTooBig, "frame of %d bytes over the message limit", length)
	}
	if len(b) < h+4 || uint64(len(b)-h-4) < length {
		return f, 0, nil
	}
	key := b[h : h+4]
	h += 4
	f.payload = b[h : h+int(length)]
	mask(f.payload, key)
	return f, h + int(length), nil
}

// mask XORs p with the 4-byte key, in place.
func mask(p, key []byte) {
	k := binary.LittleEndian.Uint32(key)
	k8 := uint64(k) | uint64(k)<<32
	i := 0
	for ; i+8 <= len(p); i += 8 {
		binary.LittleEndian.PutUint64(p[i:], binary.LittleEndian.Uint64(p[i:])^k8)
	}
	for ; i < len(p); i++ {
		p[i] ^= key[i&3]
	}
}

// ParseClose reads a close frame's payload: empty (code 1005, no reason),
// or a 2-byte code that may be sent on the wire and a UTF-8 reason.
func ParseClose(p []byte) (code uint16, reason string, err error) {
	switch {
	case len(p) == 0:
		return CodeNoStatus, "", nil
	case len(p) == 1:
		return 0, "", protocolError(CodeProtocolError, "close payload of 1 byte")
	}
	code = binary.BigEndian.Uint16(p)
	if !ValidCloseCode(code) {
		return 0, "", protocolError(CodeProtocolError, "close code %d may not be sent", code)
	}
	if !utf8.Valid(p[2:]) {
		return 0, "", protocolError(CodeInvalidPayload, "close reason is not UTF-8")
	}
	return code, string(p[2:]), nil
}

// ValidCloseCode reports whether a close frame may carry code (RFC 6455
// §7.4: 1000-1003, 1007-1014, 3000-4999).
func ValidCloseCode(code uint16) bool {
	switch {
	case code >= 1000 && code <= 1003, code >= 1007 && code <= 1014:
		return true
	}
	return code >= 3000 && code <= 4999
}

// AppendFrame appends a whole server frame (FIN set, not masked).
func AppendFrame(b []byte, op Opcode, payload []byte) []byte {
	b = AppendHeader(b, op, len(payload))
	return append(b, payload...)
}

// AppendHeader appends the header of a whole server frame of n payload bytes.
func AppendHeader(b []byte, op Opcode, n int) []byte {
	b0 := 0x80 | byte(op)
	switch {
	case n < 126:
		return append(b, b0, byte(n))
	case n <= 0xffff:
		return append(b, b0, 126, byte(n>>8), byte(n))
	}
	b = append(b, b0, 127)
	return binary.BigEndian.AppendUint64(b, uint64(n))
}

// HeaderLen is the length of AppendHeader's header for n payload bytes.
func HeaderLen(n int) int {
	switch {
	case n < 126:
		return 2
	case n <= 0xffff:
		return 4
	}
	return maxServerHeader
}

// PutHeader writes the header of a whole server frame of n payload bytes
// into the HeaderLen(n) bytes of b that end right before the payload, so a
// message encoded after reserved space becomes a frame without a copy.
func PutHeader(b []byte, op Opcode, n int) {
	hl := HeaderLen(n)
	AppendHeader(b[:0:hl], op, n)
}

// AppendClose appends a close frame with code and reason (cut to fit a
// control frame, at a rune boundary). Code 1005 writes an empty payload.
func AppendClose(b []byte, code uint16, reason string) []byte {
	if code == CodeNoStatus {
		return AppendHeader(b, OpClose, 0)
	}
	if len(reason) > maxCloseReasonBytes {
		reason = reason[:maxCloseReasonBytes]
		for len(reason) > 0 && !utf8.ValidString(reason) {
			reason = reason[:len(reason)-1]
		}
	}
	b = AppendHeader(b, OpClose, 2+len(reason))
	b = binary.BigEndian.AppendUint16(b, code)
	return append(b, reason...)
}
