package world

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/usine-extraordinaire/fairworld/protocol"
	"github.com/usine-extraordinaire/fairworld/world/nav"
	"github.com/usine-extraordinaire/fairworld/world/zone"
)

// ID identifies an avatar. It is never 0.
type ID = uint32

// Errors returned by Join.
var (
	ErrBadID     = errors.New("world: avatar id 0")
	ErrDuplicate = errors.New("world: avatar id already in the world")
	ErrNoRoom    = errors.New("world: no walkable point near the join position")
)

// genMask bounds slot generations to 30 bits; the top bits of a
// visEntry's gen say the Enter is still to be sent (pendingBit) or a Leave
// is to be sent (leavingBit, a tombstone kept in the sorted set until the
// next Updates).
const (
	genMask    = 1<<30 - 1
	leavingBit = 1 << 30
	pendingBit = 1 << 31
	// proBit marks a non-visitor in tag; the low bits hold the group.
	proBit = 1 << 31
)

// Bounds on what one avatar can accumulate between two Updates.
const (
	maxEvents = 256 // queued events; further ones are dropped and counted
	maxOpen   = 8   // open hotspots; opening one more closes the oldest
	maxPath   = 1024
)

// World is the authoritative simulation of one zone: avatars, their
// intents, the spatial cells and each avatar's area of interest.
//
// A World is not safe for concurrent use: one goroutine (the server's hub)
// owns it and calls every method. No method blocks, does I/O or reads the
// clock; Step takes the elapsed time as an argument.
type World struct {
	cfg  Config
	zone *zone.Zone
	grid *nav.Grid
	rng  *rand.Rand
	tick uint32

	// Avatars live in slots; these slices are indexed by slot. A free slot
	// has hot[s].gen == 0. byID is used only at the API's edges.
	byID    map[ID]int32
	free    []int32
	live    int    // local and remote avatars
	nremote int    // remote avatars
	online  uint32 // the online count Updates reports, refreshed once a second
	onlineN uint32 // SetOnline's count; 0: the local avatars
	genSeq  uint32
	hot     []hotRec    // read per visible entry per tick: keep it small
	pos     []nav.Point // metres, the simulation's precision
	ids     []ID        // av[s].id, dense for the recomputations; stale for free slots
	av      []avatar
	free3   []bool // per nav tile: it and its 8 neighbours are walkable

	cells cells
	ch    changes // what moved where, for change-driven interest (change.go)
	scr   scratch
	ren   renumbering
	visb  visBlock // the avatars' visible sets (av[s].vis), in slot order

	hs    []hotspotState // indexed like zone.Hotspots
	hsIdx map[string]int32

	ex exporter // the feed channels and what Export owes them

	u     protocol.Update
	updAt uint64 // the step of the previous Updates
	stats Stats
}

// hotRec is the per-slot state that viewers' scans read: 20 bytes.
type hotRec struct {
	x, y float32 // position, m
	q    uint32  // quantised position, X<<16 | Y
	gen  uint32  // 0: free slot
	tag  uint32  // proBit | group, for the priority hook
}

// Identity is what others are told about an avatar when it enters their
// view: its pseudonym, role, class group (0: none) and looks.
type Identity struct {
	Name   string
	Role   protocol.Role
	Group  uint32
	Colour uint8
	Shape  uint8
}

// avatar is the rest of a slot: identity, intent and what its client is
// owed.
type avatar struct {
	id  ID
	who Identity

	// A remote avatar is simulated by another node: it is placed in the
	// cells like the others but is never a viewer and never moves by
	// intents (see remote.go).
	remote bool

	// Export state (export.go): the feed channel the avatar was in at the
	// last Export (-1: none yet), its position then, and whether its
	// identity changed since.
	expCh    int32
	expQ     uint32
	expIdent bool

	dir       nav.Point   // MOVE intent, |dir| <= 1
	path      []nav.Point // GOTO waypoints; path[pathI:] remain
	pathI     int
	seq       uint32 // seq of the latest intent
	newIntent bool   // seq becomes ack at the next Step
	ack       uint32

	open []int32 // open hotspots (indexes into World.hs)

	// Interest. vis is sorted by id.
	vis      []visEntry
	events   []protocol.Event
	crowd    uint32
	refresh  bool   // recompute at the next Step regardless of the stagger
	recompAt uint64 // step of the last recomputation (change.go)
	scanAt   uint64 // step of the last scan of vis by Updates
	visDirty bool   // vis gained enters or tombstones since the last scan
	farLag   bool   // moves of avatars beyond Near were held back at the last scan

	// Last values sent to the client.
	fresh      bool // nothing sent yet
	sentQ      uint32
	sentAck    uint32
	sentCrowd  uint32
	sentOnline uint32
}

// visEntry is one avatar in a viewer's visible set, with the position last
// sent to that viewer.
//
// A viewer's set only grows to Budget entries plus tombstones, so it
// lives in its slot's region of 1.25 Budget entries (16 bytes each) of one
// shared block (visBlock, in slot order), reused by the avatars that later
// take the slot; a set that churn makes outgrow it moves to an array of
// its own (twice Budget) until the next renumber.
type visEntry struct {
	id   ID
	slot int32
	gen  uint32 // slot generation when entered, | pendingBit, | leavingBit
	q    uint32
}

// Stats are counters for the server's metrics. Counters only grow.
type Stats struct {
	EventsDropped uint64 // events refused because an avatar's queue was full
	Recomputes    uint64 // visible-set recomputations
	Enters        uint64 // Enter records produced
	Leaves        uint64 // Leave records produced
	Moves         uint64 // Move records produced
}

// New returns an empty World for zone z, whose walkability grid is g.
func New(z *zone.Zone, g *nav.Grid, cfg Config) (*World, error) {
	if z == nil || g == nil {
		return nil, errors.New("world: nil zone or grid")
	}
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	w, h := g.Size()
	if !(w > 0 && h > 0) || w > protocol.MaxCoordinate || h > protocol.MaxCoordinate {
		return nil, fmt.Errorf("world: zone size %vx%v m out of (0, %v]", w, h, protocol.MaxCoordinate)
	}
	wd := &World{
		cfg:   cfg,
		zone:  z,
		grid:  g,
		rng:   rand.New(rand.NewPCG(uint64(cfg.Seed), 0x5553494e45)),
		byID:  make(map[ID]int32),
		hsIdx: make(map[string]int32, len(z.Hotspots)),
		hs:    make([]hotspotState, len(z.Hotspots)),
	}
	for i, h := range z.Hotspots {
		if _, dup := wd.hsIdx[h.ID]; dup {
			return nil, fmt.Errorf("world: duplicate hotspot id %q", h.ID)
		}
		wd.hsIdx[h.ID] = int32(i)
		r := h.Range
		if !(r > 0) || math.IsInf(r, 0) {
			r = zone.DefaultRange
		}
		wd.hs[i] = hotspotState{x: h.X, y: h.Y, rng: r}
	}
	wd.initFree3()
	wd.cells.init(w, h, cfg)
	wd.scr.init(cfg)
	wd.initOffsets()
	wd.initChanges()
	wd.ex.init(wd)
	return wd, nil
}

// Config returns the configuration with its defaults filled in.
func (w *World) Config() Config { return w.cfg }

// Tick returns the tick of the last Step: the number of Steps so far,
// plus the base SetTick gave.
func (w *World) Tick() uint32 { return w.tick }

// SetTick sets the tick count: the next Step makes it t+1. The server
// numbers ticks by the wall clock (unix time / tick period), the same on
// every node, and jumps the count over ticks it skipped.
func (w *World) SetTick(t uint32) { w.tick = t }

// Len returns the number of local avatars in the world (those of this
// node's connections; remote ones are not counted).
func (w *World) Len() int { return w.live - w.nremote }

// RemoteLen returns the number of remote avatars in the world.
func (w *World) RemoteLen() int { return w.nremote }

// SetOnline sets the online count that Updates reports (the fair-wide
// count, from shared presence); 0, the default, reports the local avatars.
// Like the local count, it reaches clients at most once a second.
func (w *World) SetOnline(n uint32) { w.onlineN = n }

// Stats returns the counters since New.
func (w *World) Stats() Stats { return w.stats }

// Spawn returns a random walkable point of the zone's spawn area (the whole
// map when the zone has none), from the seeded generator.
func (w *World) Spawn() nav.Point {
	r := w.zone.Spawn
	if !(r.W > 0 && r.H > 0) {
		mw, mh := w.grid.Size()
		r = zone.Rect{W: mw, H: mh}
	}
	for range 64 {
		p := nav.Point{X: r.X + w.rng.Float64()*r.W, Y: r.Y + w.rng.Float64()*r.H}
		if !w.grid.Collides(p, w.cfg.Radius) {
			return p
		}
	}
	c := nav.Point{X: r.X + r.W/2, Y: r.Y + r.H/2}
	mw, mh := w.grid.Size()
	if p, ok := w.grid.NearestWalkable(c, w.cfg.Radius, mw+mh); ok {
		return p
	}
	return c
}

// Join adds a local avatar at the walkable point nearest to at. Its first
// Update, after the next Step, introduces everyone it sees. who.Group 0
// means none; same-group members and non-visitors get priority in each
// other's budget. A remote avatar with the same id (a session resumed here
// from another node) is replaced: its viewers get a Leave, then an Enter.
func (w *World) Join(id ID, who Identity, at nav.Point) error {
	if id == 0 {
		return ErrBadID
	}
	if s, ok := w.byID[id]; ok {
		if !w.av[s].remote {
			return fmt.Errorf("%w: %d", ErrDuplicate, id)
		}
		w.remove(s)
	}
	if w.grid.Collides(at, w.cfg.Radius) {
		p, ok := w.grid.NearestWalkable(at, w.cfg.Radius, 4*w.cfg.CellSize)
		if !ok {
			return fmt.Errorf("%w: (%.1f, %.1f)", ErrNoRoom, at.X, at.Y)
		}
		at = p
	}
	w.add(id, who, at, false)
	return nil
}

// add places a new avatar in a free slot.
func (w *World) add(id ID, who Identity, at nav.Point, remote bool) int32 {
	var s int32
	if n := len(w.free); n > 0 {
		s = w.free[n-1]
		w.free = w.free[:n-1]
	} else {
		s = int32(len(w.av))
		w.av = append(w.av, avatar{})
		w.hot = append(w.hot, hotRec{})
		w.pos = append(w.pos, nav.Point{})
		w.ids = append(w.ids, 0)
		w.scr.grow(len(w.av))
		w.cells.grow(len(w.av))
		w.ch.grow(len(w.av))
	}
	w.genSeq = (w.genSeq + 1) & genMask
	if w.genSeq == 0 {
		w.genSeq = 1
	}
	a := &w.av[s]
	// Only viewers (local avatars) have a visible set: its slot's region of
	// the block when there is one (renumber numbers the local avatars first).
	vis := a.vis[:0]
	switch {
	case remote:
		vis = nil
	case vis == nil && int(s) < w.visb.slots:
		vis = w.visb.region(int(s))
	}
	*a = avatar{
		id: id, who: who, remote: remote, expCh: -1,
		path: a.path[:0], open: a.open[:0], vis: vis, events: a.events[:0],
		refresh: !remote, fresh: true,
	}
	w.pos[s] = at
	w.ids[s] = id
	w.hot[s] = hotRec{x: float32(at.X), y: float32(at.Y), q: quant(at), gen: w.genSeq, tag: makeTag(who.Role, who.Group)}
	w.byID[id] = s
	w.live++
	if remote {
		w.nremote++
	}
	w.moved(s)
	return s
}

// SetGroup changes a local avatar's group (0 = none); it takes effect at
// the avatar's next recomputations and those of its viewers.
func (w *World) SetGroup(id ID, group uint32) {
	if s, ok := w.byID[id]; ok && !w.av[s].remote {
		a := &w.av[s]
		a.who.Group = group
		w.hot[s].tag = makeTag(a.who.Role, group)
		a.refresh = true
		a.expIdent = true
		w.moved(s) // its viewers' priorities change
	}
}

// SetRole changes a local avatar's role (a visitor who joins a class
// becomes a pupil); its viewers get it at their next recomputation, the
// other nodes with the identity's next export.
func (w *World) SetRole(id ID, role protocol.Role) {
	if s, ok := w.byID[id]; ok && !w.av[s].remote && w.av[s].who.Role != role {
		a := &w.av[s]
		a.who.Role = role
		w.hot[s].tag = makeTag(role, a.who.Group)
		a.refresh = true
		a.expIdent = true
		w.moved(s)
	}
}

// Place moves a local avatar at once to the walkable point nearest to at
// (a teacher gathering the class) and stops it: its intent is cleared, the
// ack kept. Its viewers see it move, or leave and enter. It reports
// whether the avatar was placed (false: unknown, remote, or no room).
func (w *World) Place(id ID, at nav.Point) bool {
	s, ok := w.byID[id]
	if !ok || w.av[s].remote {
		return false
	}
	if w.grid.Collides(at, w.cfg.Radius) {
		p, ok := w.grid.NearestWalkable(at, w.cfg.Radius, 4*w.cfg.CellSize)
		if !ok {
			return false
		}
		at = p
	}
	a := &w.av[s]
	a.dir = nav.Point{}
	clear(a.path)
	a.path, a.pathI = a.path[:0], 0
	w.pos[s] = at
	w.moved(s)
	h := &w.hot[s]
	h.x, h.y, h.q = float32(at.X), float32(at.Y), quant(at)
	if len(a.open) > 0 {
		w.checkOpen(s, at)
	}
	return true
}

// Seq returns the seq of the last intent given to an avatar (MOVE or
// GOTO), 0 before any: a path the server gives it keeps its ack.
func (w *World) Seq(id ID) uint32 {
	if s, ok := w.byID[id]; ok {
		return w.av[s].seq
	}
	return 0
}

// Stop clears a local avatar's intent where it stands (a paused class),
// keeping its ack.
func (w *World) Stop(id ID) {
	if s, ok := w.byID[id]; ok && !w.av[s].remote {
		a := &w.av[s]
		a.dir = nav.Point{}
		clear(a.path)
		a.path, a.pathI = a.path[:0], 0
	}
}

// Identity returns an avatar's identity.
func (w *World) Identity(id ID) (Identity, bool) {
	s, ok := w.byID[id]
	if !ok {
		return Identity{}, false
	}
	return w.av[s].who, true
}

func makeTag(role protocol.Role, group uint32) uint32 {
	t := group &^ proBit
	if role != protocol.RoleVisitor {
		t |= proBit
	}
	return t
}

// Leave removes a local avatar, closes its open hotspots and frees its
// slot. Every viewer that was sent an Enter for it gets a Leave in its next
// Update. Unknown and remote ids are ignored (see LeaveRemote).
func (w *World) Leave(id ID) {
	s, ok := w.byID[id]
	if !ok || w.av[s].remote {
		return
	}
	w.remove(s)
}

// remove frees slot s.
func (w *World) remove(s int32) {
	a := &w.av[s]
	for _, h := range a.open {
		w.hotspotClosed(h)
	}
	if a.remote {
		w.nremote--
	} else if a.expCh >= 0 {
		w.ex.gone = append(w.ex.gone, goneRec{id: a.id, ch: a.expCh})
	}
	clear(a.events) // drop references to strings
	delete(w.byID, a.id)
	w.touch(w.cells.cellOf[s]) // its viewers send its Leave
	w.ch.any = true
	*a = avatar{path: a.path[:0], open: a.open[:0], vis: a.vis[:0], events: a.events[:0]}
	w.hot[s] = hotRec{}
	w.free = append(w.free, s)
	w.live--
}

// Position returns an avatar's position in metres.
func (w *World) Position(id ID) (nav.Point, bool) {
	s, ok := w.byID[id]
	if !ok {
		return nav.Point{}, false
	}
	return w.pos[s], true
}

// SetMove sets a walking intent: direction (dx, dy) with length at most 1
// (longer is scaled down, NaN stops), scaled by MaxSpeed. It replaces any
// path. seq becomes the avatar's Ack at the next Step.
func (w *World) SetMove(id ID, seq uint32, dx, dy float64) {
	s, ok := w.byID[id]
	if !ok || w.av[s].remote {
		return
	}
	a := &w.av[s]
	l := math.Hypot(dx, dy)
	switch {
	case !(l <= 1e6): // NaN, Inf or absurd
		dx, dy = 0, 0
	case l > 1:
		dx, dy = dx/l, dy/l
	}
	a.dir = nav.Point{X: dx, Y: dy}
	clear(a.path)
	a.path, a.pathI = a.path[:0], 0
	a.seq, a.newIntent = seq, true
}

// SetPath makes the avatar walk through the waypoints at MaxSpeed (they are
// copied; at most 1024 are kept). An empty path stops it. It replaces any
// MOVE intent; seq becomes the avatar's Ack at the next Step.
func (w *World) SetPath(id ID, seq uint32, path []nav.Point) {
	s, ok := w.byID[id]
	if !ok || w.av[s].remote {
		return
	}
	a := &w.av[s]
	a.dir = nav.Point{}
	a.path = append(a.path[:0], path[:min(len(path), maxPath)]...)
	a.pathI = 0
	a.seq, a.newIntent = seq, true
}

// Error queues an error event for id's next Update.
func (w *World) Error(id ID, code protocol.ErrorCode, ref uint32, msg string) {
	w.Event(id, protocol.ErrorEvent{Code: code, Ref: ref, Message: msg})
}

// Event queues any event for a local avatar's next Update (remote avatars
// get none). The event is kept as given (events are immutable, see
// protocol.Event): slices in it (Path.Points) must not be modified
// afterwards.
func (w *World) Event(id ID, e protocol.Event) {
	if s, ok := w.byID[id]; ok {
		w.queue(s, e)
	}
}

func (w *World) queue(s int32, e protocol.Event) {
	a := &w.av[s]
	if a.remote {
		return
	}
	if len(a.events) >= maxEvents {
		w.stats.EventsDropped++
		return
	}
	a.events = append(a.events, e)
}

// live reports whether e is an avatar still in the world and not leaving
// the viewer's set.
func (e visEntry) live(h hotRec) bool { return e.gen&(genMask|leavingBit) == h.gen }

// quant packs a position's quantised coordinates.
func quant(p nav.Point) uint32 {
	return uint32(protocol.Quantise(p.X))<<16 | uint32(protocol.Quantise(p.Y))
}
