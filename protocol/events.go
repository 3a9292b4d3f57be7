package protocol

import (
	"fmt"
	"math"
)

// EventKind is the first element of an event array inside Update.Events.
type EventKind uint8

const (
	EventHotspotContent    EventKind = 1 // [1, req, hotspot_id, title, text, media, challenge, booth_id, viewers]
	EventHotspotDiscovered EventKind = 2 // [2, hotspot_id, avatar_id, pseudonym]
	EventHotspotViewers    EventKind = 3 // [3, hotspot_id, viewers]
	EventError             EventKind = 4 // [4, code, ref, message]
	EventPath              EventKind = 5 // [5, seq, [x0, y0, x1, y1, ...]]
)

// Event is one event of an UPDATE (docs/PROTOCOL.md §5). Every kind is a
// type of its own (HotspotContent, HotspotDiscovered, HotspotViewers,
// ErrorEvent, Path) with its encoder and decoder beside it; a type switch
// tells them apart.
//
// Events are values and immutable once made: the world queues one event
// value to many viewers (they share one boxed copy, so a broadcast costs
// one allocation, not one per viewer), and slices in it (Path.Points) must
// not be modified after it is queued. The interface is sealed: the kinds
// are the protocol's, listed here; a new kind is a new type in this file.
type Event interface {
	Kind() EventKind
	appendTo(b []byte) []byte
}

// HotspotContent answers OPEN_HOTSPOT: the content to show.
type HotspotContent struct {
	Req       uint32 // the OPEN_HOTSPOT's req
	HotspotID string
	Title     string
	Text      string
	Media     string // a same-origin path, may be ""
	Challenge string
	Booth     string // may be ""
	Viewers   uint32 // how many have it open now, in the whole fair
}

// HotspotDiscovered says someone near the client opened a hotspot.
type HotspotDiscovered struct {
	HotspotID string
	AvatarID  uint32
	Pseudonym string
}

// HotspotViewers says how many have a hotspot near the client open.
type HotspotViewers struct {
	HotspotID string
	Viewers   uint32
}

// ErrorEvent is a non-fatal error: the message it refers to had no effect.
type ErrorEvent struct {
	Code    ErrorCode
	Ref     uint32 // the seq or req of the message it refers to, 0 if none
	Message string // English, for logs
}

// Path is the route the server chose for a GOTO.
type Path struct {
	Seq    uint32   // the GOTO's seq
	Points []uint16 // quantised waypoints x0, y0, x1, y1, ...; the last is where the avatar stops
}

// Kind implements Event.
func (HotspotContent) Kind() EventKind { return EventHotspotContent }

// Kind implements Event.
func (HotspotDiscovered) Kind() EventKind { return EventHotspotDiscovered }

// Kind implements Event.
func (HotspotViewers) Kind() EventKind { return EventHotspotViewers }

// Kind implements Event.
func (ErrorEvent) Kind() EventKind { return EventError }

// Kind implements Event.
func (Path) Kind() EventKind { return EventPath }

func (e HotspotContent) appendTo(b []byte) []byte {
	b = appendArrayHeader(b, 9)
	b = appendUint(b, uint64(EventHotspotContent))
	b = appendUint(b, uint64(e.Req))
	b = appendString(b, e.HotspotID)
	b = appendString(b, e.Title)
	b = appendString(b, e.Text)
	b = appendString(b, e.Media)
	b = appendString(b, e.Challenge)
	b = appendString(b, e.Booth)
	return appendUint(b, uint64(e.Viewers))
}

func (e HotspotDiscovered) appendTo(b []byte) []byte {
	b = appendArrayHeader(b, 4)
	b = appendUint(b, uint64(EventHotspotDiscovered))
	b = appendString(b, e.HotspotID)
	b = appendUint(b, uint64(e.AvatarID))
	return appendString(b, e.Pseudonym)
}

func (e HotspotViewers) appendTo(b []byte) []byte {
	b = appendArrayHeader(b, 3)
	b = appendUint(b, uint64(EventHotspotViewers))
	b = appendString(b, e.HotspotID)
	return appendUint(b, uint64(e.Viewers))
}

func (e ErrorEvent) appendTo(b []byte) []byte {
	b = appendArrayHeader(b, 4)
	b = appendUint(b, uint64(EventError))
	b = appendUint(b, uint64(e.Code))
	b = appendUint(b, uint64(e.Ref))
	return appendString(b, e.Message)
}

func (e Path) appendTo(b []byte) []byte {
	b = appendArrayHeader(b, 3)
	b = appendUint(b, uint64(EventPath))
	b = appendUint(b, uint64(e.Seq))
	b = appendArrayHeader(b, len(e.Points))
	for _, q := range e.Points {
		b = appendUint(b, uint64(q))
	}
	return b
}

// AppendEvent appends one encoded event (the element of UPDATE's events).
func AppendEvent(b []byte, e Event) []byte { return e.appendTo(b) }

// eventDecoder returns the decoder of a known kind's fields (after the
// kind) and the kind's name; nil for a kind this version does not know.
func eventDecoder(k EventKind) (func(f *fields) Event, string) {
	switch k {
	case EventHotspotContent:
		return decodeHotspotContent, "HOTSPOT_CONTENT"
	case EventHotspotDiscovered:
		return decodeHotspotDiscovered, "HOTSPOT_DISCOVERED"
	case EventHotspotViewers:
		return decodeHotspotViewers, "HOTSPOT_VIEWERS"
	case EventError:
		return decodeErrorEvent, "ERROR"
	case EventPath:
		return decodePath, "PATH"
	}
	return nil, ""
}

func decodeHotspotContent(f *fields) Event {
	var e HotspotContent
	f.u32(&e.Req)
	for _, s := range [...]*string{&e.HotspotID, &e.Title, &e.Text, &e.Media, &e.Challenge, &e.Booth} {
		f.str(s, MaxTextBytes)
	}
	f.u32(&e.Viewers)
	return e
}

func decodeHotspotDiscovered(f *fields) Event {
	var e HotspotDiscovered
	f.str(&e.HotspotID, MaxIDBytes)
	f.u32(&e.AvatarID)
	f.str(&e.Pseudonym, MaxPseudonymBytes)
	return e
}

func decodeHotspotViewers(f *fields) Event {
	var e HotspotViewers
	f.str(&e.HotspotID, MaxIDBytes)
	f.u32(&e.Viewers)
	return e
}

func decodeErrorEvent(f *fields) Event {
	var e ErrorEvent
	uintField(f, &e.Code, math.MaxUint16)
	f.u32(&e.Ref)
	f.str(&e.Message, MaxTextBytes)
	return e
}

func decodePath(f *fields) Event {
	var e Path
	f.u32(&e.Seq)
	if m, ok := f.array(MaxRecords); ok {
		if m%2 != 0 {
			f.fail(malformed("PATH has an odd number of coordinates"))
			return e
		}
		e.Points = make([]uint16, m)
		for i := range e.Points {
			x, err := f.r.uint(math.MaxUint16)
			if err != nil {
				f.fail(err)
				return e
			}
			e.Points[i] = uint16(x)
		}
	}
	return e
}

// decodeEvent decodes one event; it returns nil (and no error) for a kind
// this version does not know, which is skipped whole.
func decodeEvent(outer *fields) (Event, error) {
	r := &outer.r
	n, err := r.arrayHeader(1, maxRecordFields)
	if err != nil {
		return nil, err
	}
	k, err := r.uint(math.MaxUint8)
	if err != nil {
		return nil, err
	}
	decode, name := eventDecoder(EventKind(k))
	if decode == nil {
		return nil, r.skipN(n - 1)
	}
	f := outer.sub(name, n-1)
	e := decode(&f)
	f.fail(f.done())
	outer.join(&f)
	if f.err != nil {
		return nil, f.err
	}
	return e, nil
}

// EventName names an event kind as PROTOCOL.md does ("PATH"), or
// "event_N" for a kind this version does not know.
func EventName(k EventKind) string {
	if _, name := eventDecoder(k); name != "" {
		return name
	}
	return fmt.Sprintf("event_%d", k)
}
