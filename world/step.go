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
	dt = min(max(dt, 0), maxDt)
	step := w.cfg.MaxSpeed * dt.Seconds()
	for s := range w.hot {
		if w.hot[s].gen != 0 {
			w.integrate(int32(s), step)
		}
	}
	w.rebuild()
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
		d := nav.Point{X: a.dir.X * step, Y: a.dir.Y * step}
		p = w.grid.Move(p, d, w.cfg.Radius)
	default:
		return
	}
	w.pos[s] = p
	w.hot[s].q = quant(p)
	if len(a.open) > 0 {
		w.checkOpen(s, p)
	}
}

// follow walks along the waypoints for step metres. A leg the avatar cannot
// progress on (the path is stale or wrong) ends the path.
func (w *World) follow(a *avatar, p nav.Point, step float64) nav.Point {
	r := w.cfg.Radius
	for step > 1e-9 && a.pathI < len(a.path) {
		t := a.path[a.pathI]
		dx, dy := t.X-p.X, t.Y-p.Y
		d := math.Hypot(dx, dy)
		if !(d <= step) { // also NaN waypoints: Move ignores them
			f := step / d
			np := w.grid.Move(p, nav.Point{X: dx * f, Y: dy * f}, r)
			if np == p {
				a.pathI = len(a.path)
			}
			p = np
			break
		}
		np := w.grid.Move(p, nav.Point{X: dx, Y: dy}, r)
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
