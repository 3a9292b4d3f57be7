package feed

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"

	"github.com/usine-extraordinaire/fairworld/protocol"
	"github.com/usine-extraordinaire/fairworld/world"
)

// A record is the batch one node publishes on one channel in one tick. Its
// encoding is compact and self-delimiting (uvarints everywhere):
//
//	magic 0xFA, version (one byte)
//	nh (uvarint), then nh header fields: node, channel, seq, tick, flags
//	sections until the end: kind, length in bytes, payload
//
// Sections (version 1):
//
//	1 positions:  nf, count, count x (id delta, x, y [, nf-3 more fields])
//	2 identities: count, count x (length, id, x, y, role, group, colour, shape, name)
//	3 gone:       count, count x id delta
//	4 discovered: count, count x (length, avatar id, hotspot id)
//	5 hotspots:   count, count x (length, hotspot id, viewers)
//	6 notices:    count, count x (length, avatar id, kind, text)
//
// Ids in positions and gone are sorted, as deltas from the previous one;
// x and y are quantised positions (1/16 m). Strings are a length and the
// bytes. Flags bit 0 says the record is full: its identities are every
// avatar the node has in the channel, and its hotspots every non-zero
// count.
//
// Compatibility: a decoder reads every version from MinVersion on. A later
// version may only add header fields, sections, and fields at the end of
// a record (counted by nh, nf or a record's length); older decoders skip
// what they do not know. A change that cannot be made so needs new channel
// names (SyncConfig.Prefix), so that two layouts never meet.

// Versions of the record format.
const (
	Version    = 1 // what this build writes
	MinVersion = 1 // the oldest this build reads (the previous build's)
)

const (
	recordMagic = 0xFA
	headerLen   = 5 // fields written in version 1

	secPositions  = 1
	secIdentities = 2
	secGone       = 3
	secDiscovered = 4
	secHotspots   = 5
	secNotices    = 6

	posFields = 3

	flagFull = 1
)

// Decoding errors. Every one is a counted drop (fair_feed_drops_total).
var (
	ErrMalformed = errors.New("feed: malformed record")
	ErrVersion   = errors.New("feed: record version not supported")
)

// Header is a record's header.
type Header struct {
	Version uint8
	Node    uint64 // the publishing node
	Channel uint32
	Seq     uint32 // per node and channel, +1 per record
	Tick    uint64 // unix time / tick period, at the publisher
	Full    bool
}

// encoder appends one record. Sections are written into sec first, for
// their length prefix.
type encoder struct {
	b   []byte
	sec []byte
}

func (e *encoder) begin(h Header) {
	e.b = append(e.b, recordMagic, Version)
	e.b = binary.AppendUvarint(e.b, headerLen)
	flags := uint64(0)
	if h.Full {
		flags |= flagFull
	}
	e.b = binary.AppendUvarint(e.b, h.Node)
	e.b = binary.AppendUvarint(e.b, uint64(h.Channel))
	e.b = binary.AppendUvarint(e.b, uint64(h.Seq))
	e.b = binary.AppendUvarint(e.b, h.Tick)
	e.b = binary.AppendUvarint(e.b, flags)
}

func (e *encoder) flush(kind uint64) {
	e.b = binary.AppendUvarint(e.b, kind)
	e.b = binary.AppendUvarint(e.b, uint64(len(e.sec)))
	e.b = append(e.b, e.sec...)
	e.sec = e.sec[:0]
}

// positions writes avatars (sorted by id) as position records.
func (e *encoder) positions(avs []world.ExportAvatar) {
	if len(avs) == 0 {
		return
	}
	e.sec = binary.AppendUvarint(e.sec[:0], posFields)
	e.sec = binary.AppendUvarint(e.sec, uint64(len(avs)))
	prev := uint64(0)
	for _, a := range avs {
		e.sec = binary.AppendUvarint(e.sec, uint64(a.ID)-prev)
		e.sec = binary.AppendUvarint(e.sec, uint64(a.X))
		e.sec = binary.AppendUvarint(e.sec, uint64(a.Y))
		prev = uint64(a.ID)
	}
	e.flush(secPositions)
}

// identities writes avatars with their identity.
func (e *encoder) identities(avs []world.ExportAvatar) {
	if len(avs) == 0 {
		return
	}
	e.sec = binary.AppendUvarint(e.sec[:0], uint64(len(avs)))
	for _, a := range avs {
		name := a.Who.Name
		if len(name) > protocol.MaxPseudonymBytes {
			name = name[:protocol.MaxPseudonymBytes]
		}
		n := uvarintLen(uint64(a.ID)) + uvarintLen(uint64(a.X)) + uvarintLen(uint64(a.Y)) +
			uvarintLen(uint64(a.Who.Role)) + uvarintLen(uint64(a.Who.Group)) + uvarintLen(uint64(a.Who.Colour)) +
			uvarintLen(uint64(a.Who.Shape)) + uvarintLen(uint64(len(name))) + len(name)
		e.sec = binary.AppendUvarint(e.sec, uint64(n))
		e.sec = binary.AppendUvarint(e.sec, uint64(a.ID))
		e.sec = binary.AppendUvarint(e.sec, uint64(a.X))
		e.sec = binary.AppendUvarint(e.sec, uint64(a.Y))
		e.sec = binary.AppendUvarint(e.sec, uint64(a.Who.Role))
		e.sec = binary.AppendUvarint(e.sec, uint64(a.Who.Group))
		e.sec = binary.AppendUvarint(e.sec, uint64(a.Who.Colour))
		e.sec = binary.AppendUvarint(e.sec, uint64(a.Who.Shape))
		e.sec = binary.AppendUvarint(e.sec, uint64(len(name)))
		e.sec = append(e.sec, name...)
	}
	e.flush(secIdentities)
}

// gone writes ids (sorted).
func (e *encoder) gone(ids []world.ID) {
	if len(ids) == 0 {
		return
	}
	e.sec = binary.AppendUvarint(e.sec[:0], uint64(len(ids)))
	prev := uint64(0)
	for _, id := range ids {
		e.sec = binary.AppendUvarint(e.sec, uint64(id)-prev)
		prev = uint64(id)
	}
	e.flush(secGone)
}

func (e *encoder) discovered(ds []world.Discovery) {
	if len(ds) == 0 {
		return
	}
	e.sec = binary.AppendUvarint(e.sec[:0], uint64(len(ds)))
	for _, d := range ds {
		h := d.Hotspot[:min(len(d.Hotspot), protocol.MaxIDBytes)]
		e.sec = binary.AppendUvarint(e.sec, uint64(uvarintLen(uint64(d.Avatar))+uvarintLen(uint64(len(h)))+len(h)))
		e.sec = binary.AppendUvarint(e.sec, uint64(d.Avatar))
		e.sec = binary.AppendUvarint(e.sec, uint64(len(h)))
		e.sec = append(e.sec, h...)
	}
	e.flush(secDiscovered)
}

// notices writes friendly notices about avatars of the channel ("Léa a
// gagné un badge"), for the other nodes' viewers of those avatars.
func (e *encoder) notices(ns []Notice) {
	if len(ns) == 0 {
		return
	}
	e.sec = binary.AppendUvarint(e.sec[:0], uint64(len(ns)))
	for _, n := range ns {
		t := n.Text[:min(len(n.Text), MaxNoticeBytes)]
		e.sec = binary.AppendUvarint(e.sec, uint64(uvarintLen(uint64(n.Avatar))+uvarintLen(uint64(n.Kind))+uvarintLen(uint64(len(t)))+len(t)))
		e.sec = binary.AppendUvarint(e.sec, uint64(n.Avatar))
		e.sec = binary.AppendUvarint(e.sec, uint64(n.Kind))
		e.sec = binary.AppendUvarint(e.sec, uint64(len(t)))
		e.sec = append(e.sec, t...)
	}
	e.flush(secNotices)
}

// hotspots writes the counts; all of them when full, else the changed ones.
func (e *encoder) hotspots(hs []world.HotspotCount, full bool) {
	n := 0
	for _, h := range hs {
		if full || h.Changed {
			n++
		}
	}
	if n == 0 {
		return
	}
	e.sec = binary.AppendUvarint(e.sec[:0], uint64(n))
	for _, h := range hs {
		if !full && !h.Changed {
			continue
		}
		id := h.Hotspot[:min(len(h.Hotspot), protocol.MaxIDBytes)]
		e.sec = binary.AppendUvarint(e.sec, uint64(uvarintLen(uint64(len(id)))+len(id)+uvarintLen(uint64(h.Viewers))))
		e.sec = binary.AppendUvarint(e.sec, uint64(len(id)))
		e.sec = append(e.sec, id...)
		e.sec = binary.AppendUvarint(e.sec, uint64(h.Viewers))
	}
	e.flush(secHotspots)
}

func uvarintLen(v uint64) int {
	n := 1
	for v >= 0x80 {
		v >>= 7
		n++
	}
	return n
}

// Record is a decoded record: its header and views of its sections, read
// with the iterators below. It refers to the data it was decoded from.
type Record struct {
	Header
	pos, ident, gone, disc, hot []byte // section payloads after their count
	notice                      []byte
	posN, identN, goneN         int
	discN, hotN, noticeN        int
	posF                        int
}

// Decode parses and validates data. It never allocates; the Record refers
// to data until the next Decode.
func (r *Record) Decode(data []byte) error {
	*r = Record{}
	if len(data) < 2 || data[0] != recordMagic {
		return fmt.Errorf("%w: no magic", ErrMalformed)
	}
	if data[1] < MinVersion {
		return fmt.Errorf("%w: %d (reads %d and later)", ErrVersion, data[1], MinVersion)
	}
	r.Version = data[1]
	rd := reader{b: data[2:]}
	nh := rd.uvarint()
	if nh < headerLen || nh > uint64(len(rd.b)) {
		return fmt.Errorf("%w: %d header fields", ErrMalformed, nh)
	}
	r.Node = rd.uvarint()
	r.Channel = uint32(rd.bounded(math.MaxUint32))
	r.Seq = uint32(rd.bounded(math.MaxUint32))
	r.Tick = rd.uvarint()
	r.Full = rd.uvarint()&flagFull != 0
	for range nh - headerLen {
		rd.uvarint()
	}
	for rd.err == nil && len(rd.b) > 0 {
		kind := rd.uvarint()
		p := reader{b: rd.bytes(rd.uvarint())}
		if rd.err != nil {
			break
		}
		switch kind {
		case secPositions:
			r.posF = int(p.bounded(64))
			r.posN = int(p.bounded(uint64(len(p.b))))
			if p.err == nil && r.posF < posFields {
				return fmt.Errorf("%w: %d position fields", ErrMalformed, r.posF)
			}
			r.pos = p.b
			p.err = cmpErr(p.err, r.eachPosition(nil))
		case secIdentities:
			r.identN = int(p.bounded(uint64(len(p.b))))
			r.ident = p.b
			p.err = cmpErr(p.err, r.eachIdent(nil))
		case secGone:
			r.goneN = int(p.bounded(uint64(len(p.b))))
			r.gone = p.b
			p.err = cmpErr(p.err, r.eachGone(nil))
		case secDiscovered:
			r.discN = int(p.bounded(uint64(len(p.b))))
			r.disc = p.b
			p.err = cmpErr(p.err, r.eachDisc(nil))
		case secHotspots:
			r.hotN = int(p.bounded(uint64(len(p.b))))
			r.hot = p.b
			p.err = cmpErr(p.err, r.eachHot(nil))
		case secNotices:
			r.noticeN = int(p.bounded(uint64(len(p.b))))
			r.notice = p.b
			p.err = cmpErr(p.err, r.eachNotice(nil))
		default:
			continue // a later version's section
		}
		if p.err != nil {
			return fmt.Errorf("%w: section %d: %v", ErrMalformed, kind, p.err)
		}
	}
	if rd.err != nil {
		return fmt.Errorf("%w: %v", ErrMalformed, rd.err)
	}
	return nil
}

// Position is a position record.
type Position struct {
	ID   world.ID
	X, Y uint16
}

// Ident is an identity record. Name refers to the decoded data.
type Ident struct {
	ID                  world.ID
	X, Y                uint16
	Role, Colour, Shape uint8
	Group               uint32
	Name                []byte
}

// Discovered is another node's avatar opening a hotspot.
type Discovered struct {
	Avatar  world.ID
	Hotspot []byte
}

// Notice is a friendly notice about an avatar for the viewers who see it
// (a badge earned): a kind and a short text (a badge id). Text refers to
// the decoded data.
type Notice struct {
	Avatar world.ID
	Kind   uint8
	Text   []byte
}

// MaxNoticeBytes bounds a notice's text.
const MaxNoticeBytes = 64

// HotspotViewers is a node's local viewer count of a hotspot.
type HotspotViewers struct {
	Hotspot []byte
	Viewers uint32
}

// Positions calls fn for each position record.
func (r *Record) Positions(fn func(Position)) { _ = r.eachPosition(fn) }

// Identities calls fn for each identity record.
func (r *Record) Identities(fn func(Ident)) { _ = r.eachIdent(fn) }

// Gone calls fn for each avatar gone from the channel.
func (r *Record) Gone(fn func(world.ID)) { _ = r.eachGone(fn) }

// Discoveries calls fn for each hotspot discovery.
func (r *Record) Discoveries(fn func(Discovered)) { _ = r.eachDisc(fn) }

// Hotspots calls fn for each hotspot count.
func (r *Record) Hotspots(fn func(HotspotViewers)) { _ = r.eachHot(fn) }

// Notices calls fn for each notice.
func (r *Record) Notices(fn func(Notice)) { _ = r.eachNotice(fn) }

// The each* functions read a section, calling fn (when not nil) per
// record; Decode runs them with nil to validate, so that the iterators of
// a decoded Record cannot fail.

func (r *Record) eachPosition(fn func(Position)) error {
	p := reader{b: r.pos}
	id := uint64(0)
	for range r.posN {
		id += p.uvarint()
		x, y := p.bounded(math.MaxUint16), p.bounded(math.MaxUint16)
		for range r.posF - posFields {
			p.uvarint()
		}
		if id > math.MaxUint32 && p.err == nil {
			p.err = errRange
		}
		if p.err != nil {
			return p.err
		}
		if fn != nil {
			fn(Position{ID: world.ID(id), X: uint16(x), Y: uint16(y)})
		}
	}
	return nil
}

func (r *Record) eachIdent(fn func(Ident)) error {
	p := reader{b: r.ident}
	var id Ident
	for range r.identN {
		if readIdent(&p, &id); p.err != nil {
			return p.err
		}
		if fn != nil {
			fn(id)
		}
	}
	return nil
}

func (r *Record) eachGone(fn func(world.ID)) error {
	p := reader{b: r.gone}
	id := uint64(0)
	for range r.goneN {
		id += p.uvarint()
		if id > math.MaxUint32 && p.err == nil {
			p.err = errRange
		}
		if p.err != nil {
			return p.err
		}
		if fn != nil {
			fn(world.ID(id))
		}
	}
	return nil
}

func (r *Record) eachDisc(fn func(Discovered)) error {
	p := reader{b: r.disc}
	var d Discovered
	for range r.discN {
		if readDisc(&p, &d); p.err != nil {
			return p.err
		}
		if fn != nil {
			fn(d)
		}
	}
	return nil
}

func (r *Record) eachHot(fn func(HotspotViewers)) error {
	p := reader{b: r.hot}
	var h HotspotViewers
	for range r.hotN {
		if readHot(&p, &h); p.err != nil {
			return p.err
		}
		if fn != nil {
			fn(h)
		}
	}
	return nil
}

func (r *Record) eachNotice(fn func(Notice)) error {
	p := reader{b: r.notice}
	var n Notice
	for range r.noticeN {
		rec := reader{b: p.bytes(p.uvarint())}
		n.Avatar = world.ID(rec.bounded(math.MaxUint32))
		n.Kind = uint8(rec.bounded(math.MaxUint8))
		n.Text = rec.bytes(rec.bounded(MaxNoticeBytes))
		if rec.err != nil && p.err == nil {
			p.err = rec.err
		}
		if p.err != nil {
			return p.err
		}
		if fn != nil {
			fn(n)
		}
	}
	return nil
}

func cmpErr(a, b error) error {
	if a != nil {
		return a
	}
	return b
}

// Counts returns the number of records of each kind.
func (r *Record) Counts() (positions, identities, gone int) { return r.posN, r.identN, r.goneN }

func readIdent(p *reader, id *Ident) {
	rec := reader{b: p.bytes(p.uvarint())}
	id.ID = world.ID(rec.bounded(math.MaxUint32))
	id.X, id.Y = uint16(rec.bounded(math.MaxUint16)), uint16(rec.bounded(math.MaxUint16))
	id.Role = uint8(rec.bounded(math.MaxUint8))
	id.Group = uint32(rec.bounded(math.MaxUint32))
	id.Colour, id.Shape = uint8(rec.bounded(math.MaxUint8)), uint8(rec.bounded(math.MaxUint8))
	id.Name = rec.bytes(rec.bounded(protocol.MaxPseudonymBytes))
	if rec.err != nil && p.err == nil {
		p.err = rec.err
	}
}

func readDisc(p *reader, d *Discovered) {
	rec := reader{b: p.bytes(p.uvarint())}
	d.Avatar = world.ID(rec.bounded(math.MaxUint32))
	d.Hotspot = rec.bytes(rec.bounded(protocol.MaxIDBytes))
	if rec.err != nil && p.err == nil {
		p.err = rec.err
	}
}

func readHot(p *reader, h *HotspotViewers) {
	rec := reader{b: p.bytes(p.uvarint())}
	h.Hotspot = rec.bytes(rec.bounded(protocol.MaxIDBytes))
	h.Viewers = uint32(rec.bounded(math.MaxUint32))
	if rec.err != nil && p.err == nil {
		p.err = rec.err
	}
}

// reader reads uvarints; the first error sticks and every later read
// returns zero values.
type reader struct {
	b   []byte
	err error
}

var (
	errShort = errors.New("truncated")
	errRange = errors.New("value out of range")
)

func (r *reader) uvarint() uint64 {
	if r.err != nil {
		return 0
	}
	v, n := binary.Uvarint(r.b)
	if n <= 0 {
		r.err = errShort
		r.b = nil
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *reader) bounded(max uint64) uint64 {
	v := r.uvarint()
	if v > max && r.err == nil {
		r.err = errRange
		r.b = nil
		return 0
	}
	return v
}

func (r *reader) bytes(n uint64) []byte {
	if r.err != nil {
		return nil
	}
	if n > uint64(len(r.b)) {
		r.err = errShort
		r.b = nil
		return nil
	}
	b := r.b[:n:n]
	r.b = r.b[n:]
	return b
}
