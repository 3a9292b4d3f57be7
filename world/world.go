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
	byID   map[ID]int32
	free   []int32
	live   int
	online uint32 // the online count Updates reports, refreshed once a second
	genSeq uint32
	hot    []hotRec    // read per visible entry per tick: keep it small
	pos    []nav.Point // metres, the simulation's precision
	ids    []ID        // av[s].id, dense for the recomputations; stale for free slots
	av     []avatar
	free3  []bool // per nav tile: it and its 8 neighbours are walkable

	cells cells
	scr   scratch
	ren   renumbering
	visb  visBlock // the avatars' visible sets (av[s].vis), in slot order

	hs    []hotspotState // indexed like zone.Hotspots
	hsIdx map[string]int32

	u     protocol.Update
	stats Stats
}

// hotRec is the per-slot state that viewers' scans read: 20 bytes.
type hotRec struct {
	x, y float32 // position, m
	q    uint32  // quantised position, X<<16 | Y
	gen  uint32  // 0: free slot
	tag  uint32  // proBit | group, for the priority hook
}

// avatar is the rest of a slot: identity, intent and what its client is
// owed.
type avatar struct {
	id            ID
	name          string
	role          protocol.Role
	group         uint32
	colour, shape uint8

	dir       nav.Point   // MOVE intent, |dir| <= 1
	path      []nav.Point // GOTO waypoints; path[pathI:] remain
	pathI     int
	seq       uint32 // seq of the latest intent
	newIntent bool   // seq becomes ack at the next Step
	ack       uint32

	open []int32 // open hotspots (indexes into World.hs)

	// Interest. vis is sorted by id.
	vis     []visEntry
	events  []protocol.Event
	crowd   uint32
	refresh bool // recompute at the next Step regardless of the stagger

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
	return wd, nil
}

// Config returns the configuration with its defaults filled in.
func (w *World) Config() Config { return w.cfg }

// Tick returns the number of Steps so far.
func (w *World) Tick() uint32 { return w.tick }

// Len returns the number of avatars in the world.
func (w *World) Len() int { return w.live }

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

// Identity is what others see of an avatar: its name, role, class group
// and look (colour and shape indexes, see protocol.Hello). Group 0 means
// none; same-group members and non-visitors get priority in each other's
// budget.
type Identity struct {
	Name          string
	Role          protocol.Role
	Group         uint32
	Colour, Shape uint8
}

// Join adds an avatar at the walkable point nearest to at. Its first
// Update, after the next Step, introduces everyone it sees.
func (w *World) Join(id ID, who Identity, at nav.Point) error {
	if id == 0 {
		return ErrBadID
	}
	if _, ok := w.byID[id]; ok {
		return fmt.Errorf("%w: %d", ErrDuplicate, id)
	}
	if w.grid.Collides(at, w.cfg.Radius) {
		p, ok := w.grid.NearestWalkable(at, w.cfg.Radius, 4*w.cfg.CellSize)
		if !ok {
			return fmt.Errorf("%w: (%.1f, %.1f)", ErrNoRoom, at.X, at.Y)
		}
		at = p
	}
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
		if int(s) < w.visb.slots {
			w.av[s].vis = w.visb.region(int(s))
		}
	}
	w.genSeq = (w.genSeq + 1) & genMask
	if w.genSeq == 0 {
		w.genSeq = 1
	}
	a := &w.av[s]
	*a = avatar{
		id: id, name: who.Name, role: who.Role, group: who.Group, colour: who.Colour, shape: who.Shape,
		path: a.path[:0], open: a.open[:0], vis: a.vis[:0], events: a.events[:0],
		refresh: true, fresh: true,
	}
	w.pos[s] = at
	w.ids[s] = id
	w.hot[s] = hotRec{x: float32(at.X), y: float32(at.Y), q: quant(at), gen: w.genSeq, tag: makeTag(who.Role, who.Group)}
	w.byID[id] = s
	w.live++
	return nil
}

// SetGroup changes an avatar's group (0 = none); it takes effect at the
// avatar's next recomputations and those of its viewers.
func (w *World) SetGroup(id ID, group uint32) {
	if s, ok := w.byID[id]; ok {
		w.av[s].group = group
		w.hot[s].tag = makeTag(w.av[s].role, group)
		w.av[s].refresh = true
	}
}

func makeTag(role protocol.Role, group uint32) uint32 {
	t := group &^ proBit
	if role != protocol.RoleVisitor {
		t |= proBit
	}
	return t
}

// Leave removes an avatar, closes its open hotspots and frees its slot.
// Every viewer that was sent an Enter for it gets a Leave in its next
// Update. Unknown ids are ignored.
func (w *World) Leave(id ID) {
	s, ok := w.byID[id]
	if !ok {
		return
	}
	a := &w.av[s]
	for _, h := range a.open {
		w.hotspotClosed(h)
	}
	clear(a.events) // drop references to strings
	*a = avatar{path: a.path[:0], open: a.open[:0], vis: a.vis[:0], events: a.events[:0]}
	w.hot[s] = hotRec{}
	delete(w.byID, id)
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
	if !ok {
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
	if !ok {
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
	w.Event(id, protocol.Event{Kind: protocol.EventError, Code: code, Req: ref, Message: msg})
}

// Event queues any event for id's next Update. The event is kept as given:
// slices in it (Path) must not be modified afterwards.
func (w *World) Event(id ID, e protocol.Event) {
	if s, ok := w.byID[id]; ok {
		w.queue(s, e)
	}
}

func (w *World) queue(s int32, e protocol.Event) {
	a := &w.av[s]
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
