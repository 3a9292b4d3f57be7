package presence

import (
	"time"

	"github.com/usine-extraordinaire/fairworld/protocol"
	"github.com/usine-extraordinaire/fairworld/world/nav"
)

// entry is one session as a node holds it: all of a MemoryStore's
// sessions, or the sessions a RedisStore's node owns (a mirror of their
// Redis records, which lets it resume them while Redis is down and write
// them again when Redis lost them).
type entry struct {
	sid       [8]byte
	id        string // sidString(sid)
	tag       uint16
	display   string
	key       string
	avatar    uint32
	traits    Traits
	x, y      uint16 // quantised position
	hasPos    bool
	cur       string // hash of the current token
	prev      string // hash of the token the last resume used; "" when void
	prevUntil time.Time
	gen       uint64
	attached  bool
	expires   time.Time // while detached: the end of the resume window
}

func (e *entry) ref() SessionRef { return SessionRef{ID: e.id, Gen: e.gen} }

func (e *entry) session(tok token, resumed bool) Session {
	return Session{
		SessionRef: e.ref(), Token: tok.String(), Display: e.display, Key: e.key, Avatar: e.avatar, Traits: e.traits,
		Pos:    nav.Point{X: protocol.Dequantise(e.x), Y: protocol.Dequantise(e.y)},
		HasPos: e.hasPos, Resumed: resumed,
	}
}

func (e *entry) setPos(p nav.Point) {
	e.x, e.y, e.hasPos = protocol.Quantise(p.X), protocol.Quantise(p.Y), true
}

// resumable reports whether e can be resumed at now: attached, or
// detached within its resume window.
func (e *entry) resumable(now time.Time) bool { return e.attached || !now.After(e.expires) }

// accepts reports whether a token hash opens e at now: its current token,
// or the previous one within its grace.
func (e *entry) accepts(hash string, now time.Time) bool {
	return hash == e.cur || (e.prev != "" && hash == e.prev && !now.After(e.prevUntil))
}

// rotate attaches e after a resume with the token of hash used and gives
// it a new token, which it returns.
func (e *entry) rotate(used string, ep epoch, now time.Time) token {
	tok := mint(ep, e.tag, e.sid)
	e.prev, e.prevUntil = used, now.Add(PrevTokenGrace)
	e.cur = tok.hash()
	e.gen++
	e.attached = true
	return tok
}

// table is a node's sessions by id. Not safe for concurrent use: the
// stores guard it with their mutex.
type table struct {
	byID map[string]*entry
}

func newTable() table { return table{byID: make(map[string]*entry)} }

// find returns the entry ref names, if it is still that attachment.
func (t *table) find(ref SessionRef) *entry {
	if e := t.byID[ref.ID]; e != nil && e.gen == ref.Gen {
		return e
	}
	return nil
}
