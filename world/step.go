package world

import (
	"math"
	"time"

	"github.com/usine-extraordinaire/fairworld/world/nav"
)

// maxDt bounds one Step's time: after a stall the world skips time rather
// than moving avatars across the map in one tick.
const maxDt = time.Second

// Step advances the world by dt: it applies the intents (speed clamped to
// MaxSpeed, sliding along walls, following waypoints), re-sorts the avatars
// into cells, recomputes the visible sets that are due, closes hotspots
// whose viewer walked beyond twice their range and queues the hotspot
// viewer counts that changed. It does not allocate in steady state.
func (w *World) Step(dt time.Duration) {
	w.tick++
	w.ch.steps++
	dt = min(max(dt, 0), maxDt)
	step := w.cfg.MaxSpeed * dt.Seconds()
	for s := range w.hot {
		if w.hot[s].gen != 0 {
			w.integrate(int32(s), step)
		}
	}
	w.rebuild()
	if w.tick%renumberEvery == 0 && w.ch.relaid {
		w.renumber()
		w.ch.relaid = false
	}
	w.spread()
	w.recomputeInterest()
	w.flushHotspots()
}

// integrate moves one avatar by at most step metres.
func (w *World) integrate(s int32, step float64) {
	a := &w.av[s]
	if a.newIntent {
		a.ack, a.newIntent = a.seq, false
	}
	p := w.pos[s]
	switch {
	case a.pathI < len(a.path):
		p = w.follow(a, p, step)
	case a.dir.X != 0 || a.dir.Y != 0:
		p = w.move(p, nav.Point{X: a.dir.X * step, Y: a.dir.Y * step})
	default:
		return
	}
	if p == w.pos[s] {
		return // against a wall
	}
	w.pos[s] = p
	w.moved(s)
	h := &w.hot[s]
	h.x, h.y, h.q = float32(p.X), float32(p.Y), quant(p)
	if len(a.open) > 0 {
		w.checkOpen(s, p)
	}
}

// follow walks along the waypoints for step metres. A leg the avatar cannot
// progress on (the path is stale or wrong) ends the path.
func (w *World) follow(a *avatar, p nav.Point, step float64) nav.Point {
	for step > 1e-9 && a.pathI < len(a.path) {
		t := a.path[a.pathI]
		dx, dy := t.X-p.X, t.Y-p.Y
		d := math.Hypot(dx, dy)
		if !(d <= step) { // also NaN waypoints: Move ignores them
			f := step / d
			np := w.move(p, nav.Point{X: dx * f, Y: dy * f})
			if np == p {
				a.pathI = len(a.path)
			}
			p = np
			break
		}
		np := w.move(p, nav.Point{X: dx, Y: dy})
		moved := math.Hypot(np.X-p.X, np.Y-p.Y)
		p = np
		if moved < d-1e-6 { // slid along a wall: keep the waypoint
			if moved < 1e-9 {
				a.pathI = len(a.path)
			}
			break
		}
		step -= d
		a.pathI++
	}
	if a.pathI >= len(a.path) {
		a.path, a.pathI = a.path[:0], 0
	}
	return p
}

// move is nav.Grid.Move with a fast path for open ground: when the tile
// under p and its 8 neighbours are walkable and the avatar's box moved by d
// stays within them, nothing can block it. Most avatars are on open ground
// most of the time, and Move costs several box tests.
func (w *World) move(p, d nav.Point) nav.Point {
	tile := w.grid.Tile()
	if w.cfg.Radius+max(math.Abs(d.X), math.Abs(d.Y)) < tile && p.X >= 0 && p.Y >= 0 {
		cols, _ := w.grid.Dims()
		c, r := int(p.X/tile), int(p.Y/tile)
		if i := r*cols + c; c < cols && i < len(w.free3) && w.free3[i] {
			return nav.Point{X: p.X + d.X, Y: p.Y + d.Y}
		}
	}
	return w.grid.Move(p, d, w.cfg.Radius)
}

// initFree3 marks the tiles whose 3x3 neighbourhood is walkable.
func (w *World) initFree3() {
	cols, rows := w.grid.Dims()
	tile := w.grid.Tile()
	w.free3 = make([]bool, cols*rows)
	for r := range rows {
		for c := range cols {
			ok := true
			for dr := -1; dr <= 1 && ok; dr++ {
				for dc := -1; dc <= 1 && ok; dc++ {
					ok = !w.grid.BlockedAt((float64(c+dc)+0.5)*tile, (float64(r+dr)+0.5)*tile)
				}
			}
			w.free3[r*cols+c] = ok
		}
	}
}
