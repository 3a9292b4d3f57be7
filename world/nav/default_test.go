package nav

import (
	"math"
	"testing"

	"github.com/usine-extraordinaire/fairworld/world/zone"
)

func defaultZone(tb testing.TB) (*zone.Zone, *Grid) {
	tb.Helper()
	z, err := zone.Default()
	if err != nil {
		tb.Fatal(err)
	}
	return z, NewGrid(z.Grid)
}

// TestDefaultZoneReachable walks, with the Finder, from the spawn to every
// booth and every hotspot of the default map.
func TestDefaultZoneReachable(t *testing.T) {
	t.Parallel()
	z, g := defaultZone(t)
	f := NewFinder(g)
	sx, sy := z.SpawnPoint()
	spawn, ok := g.NearestWalkable(Point{sx, sy}, radius, 20)
	if !ok {
		t.Fatal("no walkable tile at the spawn")
	}
	var buf []Point
	reach := func(what string, to Point) {
		var err error
		buf, err = f.Path(buf[:0], spawn, to, radius)
		if err != nil {
			t.Errorf("%s at %v: %v", what, to, err)
			return
		}
		end := buf[len(buf)-1]
		if math.Hypot(end.X-to.X, end.Y-to.Y) > 2 {
			t.Errorf("%s at %v: path ends at %v", what, to, end)
		}
		checkPath(t, g, spawn, buf, radius)
	}
	for _, b := range z.Booths {
		reach("booth "+b.ID, Point{b.Rect.X + b.Rect.W/2, b.Rect.Y + b.Rect.H/2})
	}
	for _, h := range z.Hotspots {
		reach("hotspot "+h.ID, Point{h.X, h.Y})
	}
}

// TestDefaultZoneBoothBehindFactory checks the map has what the brief asks
// for: a booth hidden from the spawn by a factory, so reaching it takes a
// path with corners.
func TestDefaultZoneBoothBehindFactory(t *testing.T) {
	t.Parallel()
	z, g := defaultZone(t)
	f := NewFinder(g)
	sx, sy := z.SpawnPoint()
	spawn := Point{sx, sy}
	for _, b := range z.Booths {
		to := Point{b.Rect.X + b.Rect.W/2, b.Rect.Y + b.Rect.H/2}
		if g.LineOfSight(spawn, to, radius) {
			continue
		}
		path, err := f.Path(nil, spawn, to, radius)
		if err == nil && len(path) >= 2 {
			return
		}
	}
	t.Fatal("no booth is hidden behind a building")
}

func BenchmarkPathDefault(b *testing.B) {
	z, g := defaultZone(b)
	f := NewFinder(g)
	sx, sy := z.SpawnPoint()
	from := Point{sx, sy}
	// To the booth farthest from the spawn.
	var to Point
	for _, bo := range z.Booths {
		p := Point{bo.Rect.X + bo.Rect.W/2, bo.Rect.Y + bo.Rect.H/2}
		if math.Hypot(p.X-from.X, p.Y-from.Y) > math.Hypot(to.X-from.X, to.Y-from.Y) {
			to = p
		}
	}
	dst := make([]Point, 0, 64)
	b.ReportAllocs()
	for b.Loop() {
		var err error
		dst, err = f.Path(dst[:0], from, to, radius)
		if err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkPathDefaultAcross(b *testing.B) {
	_, g := defaultZone(b)
	f := NewFinder(g)
	from, to := Point{4, 4}, Point{470, 250} // north-west corner to the port
	dst := make([]Point, 0, 64)
	b.ReportAllocs()
	for b.Loop() {
		var err error
		dst, err = f.Path(dst[:0], from, to, radius)
		if err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkMove(b *testing.B) {
	z, g := defaultZone(b)
	sx, sy := z.SpawnPoint()
	p := Point{sx, sy}
	d := Point{0.25, 0.1} // 5 m/s at 20 Hz, mostly east
	b.ReportAllocs()
	for b.Loop() {
		p = g.Move(p, d, radius)
		if p.X > 470 {
			p = Point{sx, sy}
		}
	}
}

func BenchmarkMoveAgainstWall(b *testing.B) {
	g := gridFrom(b, factory...)
	p := Point{10, 9}
	b.ReportAllocs()
	for b.Loop() {
		p = g.Move(p, Point{0.5, 0.05}, radius)
		if p.Y > 14 {
			p = Point{10, 9}
		}
	}
}

func BenchmarkLineOfSight(b *testing.B) {
	_, g := defaultZone(b)
	b.ReportAllocs()
	for b.Loop() {
		g.LineOfSight(Point{30, 120}, Point{90, 120}, radius)
	}
}

func TestDefaultPathNoAlloc(t *testing.T) {
	_, g := defaultZone(t)
	f := NewFinder(g)
	dst := make([]Point, 0, 64)
	allocs := testing.AllocsPerRun(20, func() {
		dst, _ = f.Path(dst[:0], Point{4, 4}, Point{470, 250}, radius)
	})
	if allocs != 0 {
		t.Fatalf("Path allocates %v times per call on the default map", allocs)
	}
}
