package world

import (
	"math"
	"testing"

	"github.com/usine-extraordinaire/fairworld/world/nav"
	"github.com/usine-extraordinaire/fairworld/world/zone"
)

// TestZoneEdgeIsAWall pins docs/PROTOCOL.md §3: the edge of the zone
// stops an avatar like a wall, its centre a radius inside; a MOVE along a
// diagonal into it slides along it, and the intent holds (no error).
func TestZoneEdgeIsAWall(t *testing.T) {
	t.Parallel()
	w := newWorld(t, openZone(100, 60, nil), Config{})
	r := w.cfg.Radius
	for _, c := range []struct {
		dx, dy     float64
		wantX      func(p nav.Point) bool
		slideAlong bool
	}{
		{-1, 0, func(p nav.Point) bool { return math.Abs(p.X-r) < 0.01 }, false},
		{1, 0, func(p nav.Point) bool { return math.Abs(p.X-(100-r)) < 0.01 }, false},
		{0, -1, func(p nav.Point) bool { return math.Abs(p.Y-r) < 0.01 }, false},
		{0, 1, func(p nav.Point) bool { return math.Abs(p.Y-(60-r)) < 0.01 }, false},
		{-math.Sqrt2 / 2, math.Sqrt2 / 2, func(p nav.Point) bool { return math.Abs(p.X-r) < 0.01 }, true},
	} {
		id := ID(len(w.byID) + 1)
		mustJoin(t, w, id, 50, 10)
		w.SetMove(id, 1, c.dx, c.dy)
		for range 20 * 20 { // 20 s at 5 m/s: 100 m, farther than any edge
			step(w)
			p, _ := w.Position(id)
			if p.X < r-1e-6 || p.Y < r-1e-6 || p.X > 100-r+1e-6 || p.Y > 60-r+1e-6 {
				t.Fatalf("(%v, %v): left the zone at %v", c.dx, c.dy, p)
			}
		}
		p, _ := w.Position(id)
		if !c.wantX(p) {
			t.Errorf("(%v, %v): stopped at %v, not against the edge", c.dx, c.dy, p)
		}
		if c.slideAlong && math.Abs(p.Y-(60-r)) > 0.01 {
			t.Errorf("diagonal: did not slide along the edge into the corner: %v", p)
		}
		w.Leave(id)
	}
}

// TestSpawnIsUniform pins docs/ZONE.md: spawn points are drawn uniformly
// over the spawn area (a walkable point, redrawn otherwise).
func TestSpawnIsUniform(t *testing.T) {
	t.Parallel()
	z := openZone(100, 100, nil)
	z.Spawn = zone.Rect{X: 20, Y: 40, W: 40, H: 20}
	w := newWorld(t, z, Config{})
	const n = 8000
	var quad [4]int
	for range n {
		p := w.Spawn()
		if p.X < 20 || p.X > 60 || p.Y < 40 || p.Y > 60 {
			t.Fatalf("spawn %v outside the area", p)
		}
		i := 0
		if p.X >= 40 {
			i++
		}
		if p.Y >= 50 {
			i += 2
		}
		quad[i]++
	}
	for i, q := range quad {
		// The seed is fixed, so this is deterministic; 10% of 2000 is over
		// 5 standard deviations of a uniform draw.
		if math.Abs(float64(q)-n/4) > 0.1*n/4 {
			t.Errorf("quadrant %d got %d of %d spawns: %v", i, q, n, quad)
		}
	}
}

// TestGotoTargetAtTheEdge: a GOTO target on the edge (inside [0, width] x
// [0, height], so not refused) walks to the nearest point an avatar can
// stand on, a radius inside.
func TestGotoTargetAtTheEdge(t *testing.T) {
	t.Parallel()
	z := openZone(100, 60, nil)
	g := nav.NewGrid(z.Grid)
	f := nav.NewFinder(g)
	for _, to := range []nav.Point{{X: 0, Y: 0}, {X: 100, Y: 30}, {X: 50, Y: 60}, {X: 0.1, Y: 20}} {
		path, err := f.Path(nil, nav.Point{X: 50, Y: 30}, to, 0.35)
		if err != nil || len(path) == 0 {
			t.Fatalf("path to %v: %v, %v", to, path, err)
		}
		end := path[len(path)-1]
		if g.Collides(end, 0.35) || math.Hypot(end.X-to.X, end.Y-to.Y) > 3 {
			t.Errorf("path to %v ends at %v", to, end)
		}
	}
}
