package nav

import (
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/usine-extraordinaire/fairworld/world/zone"
)

// gridFrom builds a Grid from rows of '.' (free) and '#' (blocked), 2 m tiles.
func gridFrom(t testing.TB, rows ...string) *Grid {
	t.Helper()
	zg := zone.Grid{Cols: len(rows[0]), Rows: len(rows), Tile: 2}
	for _, row := range rows {
		if len(row) != zg.Cols {
			t.Fatalf("ragged row %q", row)
		}
		for _, ch := range row {
			b := byte(0)
			if ch == '#' {
				b = 1
			}
			zg.Blocked = append(zg.Blocked, b)
		}
	}
	return NewGrid(zg)
}

const radius = 0.4

func TestBlockedAtAndCollides(t *testing.T) {
	t.Parallel()
	g := gridFrom(t,
		"....",
		".#..",
		"....",
	)
	if w, h := g.Size(); w != 8 || h != 6 {
		t.Fatalf("Size = %v,%v, want 8,6", w, h)
	}
	for _, c := range []struct {
		x, y float64
		want bool
	}{
		{1, 1, false}, {3, 3, true}, {2, 2, true}, {3.99, 3.99, true}, {4, 3, false},
		{-0.1, 1, true}, {8, 1, true}, {1, 6, true}, {math.NaN(), 1, true},
	} {
		if got := g.BlockedAt(c.x, c.y); got != c.want {
			t.Errorf("BlockedAt(%v,%v) = %v, want %v", c.x, c.y, got, c.want)
		}
	}
	for _, c := range []struct {
		p    Point
		r    float64
		want bool
	}{
		{Point{1, 1}, radius, false},
		{Point{1, 1}, 1, false},       // touches the blocked tile's corner only
		{Point{1, 1}, 1.01, true},     // overlaps it
		{Point{0.3, 1}, radius, true}, // leaves the map
		{Point{5, 3}, 1, false},
		{Point{5, 3}, 1.1, true},
		{Point{math.Inf(1), 1}, radius, true},
	} {
		if got := g.Collides(c.p, c.r); got != c.want {
			t.Errorf("Collides(%v, %v) = %v, want %v", c.p, c.r, got, c.want)
		}
	}
}

func TestMoveStopsAtWallAndSlides(t *testing.T) {
	t.Parallel()
	g := gridFrom(t,
		"..........",
		"..........",
		".....#....",
		".....#....",
		".....#....",
		"..........",
	)
	// Straight east into the wall at x = 10: stops flush.
	p := g.Move(Point{5, 7}, Point{6, 0}, radius)
	if want := 10 - radius; math.Abs(p.X-want) > 1e-3 || p.Y != 7 {
		t.Fatalf("Move east = %v, want x≈%v y=7", p, want)
	}
	if g.Collides(p, radius) {
		t.Fatalf("ended inside the wall at %v", p)
	}
	// Diagonal push north-east keeps the northward component: it slides.
	q := g.Move(p, Point{1, -1}, radius)
	if math.Abs(q.X-p.X) > 1e-3 || math.Abs(q.Y-(p.Y-1)) > 1e-9 {
		t.Fatalf("slide = %v from %v, want x unchanged, y-1", q, p)
	}
	// West from the other side.
	p = g.Move(Point{15, 7}, Point{-4, 0}, radius)
	if want := 12 + radius; math.Abs(p.X-want) > 1e-3 {
		t.Fatalf("Move west = %v, want x≈%v", p, want)
	}
	// Map edges stop too.
	p = g.Move(Point{1, 1}, Point{-5, -5}, radius)
	if math.Abs(p.X-radius) > 1e-3 || math.Abs(p.Y-radius) > 1e-3 {
		t.Fatalf("Move into the corner = %v", p)
	}
}

func TestMoveNeverEntersBlocked(t *testing.T) {
	t.Parallel()
	g := gridFrom(t,
		"................",
		"..###......~....",
		"..#.#...........",
		"..###....####...",
		".........#..#...",
		".........####...",
		"................",
	)
	// Deterministic pseudo-random walk with large deltas.
	seed := uint64(42)
	rnd := func() float64 {
		seed = seed*6364136223846793005 + 1442695040888963407
		return float64(seed>>11)/float64(1<<53)*2 - 1
	}
	p := Point{1, 1}
	for i := range 20000 {
		d := Point{rnd() * 9, rnd() * 9}
		p = g.Move(p, d, radius)
		if g.Collides(p, radius) {
			t.Fatalf("step %d: inside a blocked tile at %v", i, p)
		}
	}
}

func TestMoveLargeDeltaDoesNotTunnel(t *testing.T) {
	t.Parallel()
	g := gridFrom(t,
		"....#....",
		"....#....",
	)
	p := g.Move(Point{1, 1}, Point{15, 0}, 0)
	if p.X >= 8 {
		t.Fatalf("tunnelled through a one-tile wall: %v", p)
	}
	p = g.Move(Point{1, 1}, Point{15, 0}, radius)
	if p.X >= 8 {
		t.Fatalf("tunnelled through a one-tile wall: %v", p)
	}
}

func TestLineOfSight(t *testing.T) {
	t.Parallel()
	g := gridFrom(t,
		"........",
		"...##...",
		"........",
	)
	if !g.LineOfSight(Point{1, 1}, Point{15, 1}, radius) {
		t.Error("open row should be visible")
	}
	if g.LineOfSight(Point{1, 1}, Point{15, 5}, radius) {
		t.Error("line across the block should not be visible")
	}
	if g.LineOfSight(Point{1, 5}, Point{15, 5}, 1.1) {
		t.Error("a fat circle grazing the block should not pass")
	}
	if !g.LineOfSight(Point{1, 5}, Point{15, 5}, radius) {
		t.Error("a thin circle along the bottom row should pass")
	}
}

func TestNearestWalkable(t *testing.T) {
	t.Parallel()
	g := gridFrom(t,
		"#####",
		"#####",
		"###..",
	)
	p, ok := g.NearestWalkable(Point{3, 3}, radius, 10)
	if !ok || p != (Point{7, 5}) {
		t.Fatalf("NearestWalkable = %v,%v, want {7 5},true", p, ok)
	}
	if _, ok := g.NearestWalkable(Point{1, 1}, radius, 2); ok {
		t.Fatal("found a walkable tile beyond maxDist")
	}
	p, ok = g.NearestWalkable(Point{100, 5}, radius, 200)
	if !ok || p != (Point{9, 5}) {
		t.Fatalf("from outside: %v,%v", p, ok)
	}
}

// factory is a map with a building between the spawn (west) and a booth
// behind it (east).
var factory = []string{
	"....................",
	"....................",
	"......######........",
	"......######........",
	"......######........",
	"......######........",
	"......######........",
	"......######........",
	"....................",
	"....................",
}

func checkPath(t *testing.T, g *Grid, from Point, path []Point, r float64) {
	t.Helper()
	prev := from
	for i, p := range path {
		if g.Collides(p, r) {
			t.Errorf("waypoint %d %v collides", i, p)
		}
		if !g.LineOfSight(prev, p, r) {
			t.Errorf("segment %d %v -> %v has no line of sight", i, prev, p)
		}
		prev = p
	}
}

func TestPathAroundBuilding(t *testing.T) {
	t.Parallel()
	g := gridFrom(t, factory...)
	f := NewFinder(g)
	from, to := Point{3, 9}, Point{31, 9}
	if g.LineOfSight(from, to, radius) {
		t.Fatal("test map: target should be hidden behind the building")
	}
	path, err := f.Path(nil, from, to, radius)
	if err != nil {
		t.Fatal(err)
	}
	if len(path) < 2 || len(path) > 4 {
		t.Errorf("path has %d waypoints, want a few corners: %v", len(path), path)
	}
	if path[len(path)-1] != to {
		t.Errorf("path ends at %v, want %v", path[len(path)-1], to)
	}
	checkPath(t, g, from, path, radius)

	// Walking the path with Move reaches the target.
	p := from
	for _, w := range path {
		for range 1000 {
			d := Point{w.X - p.X, w.Y - p.Y}
			l := math.Hypot(d.X, d.Y)
			if l < 1e-9 {
				break
			}
			if s := 0.25; l > s {
				d.X, d.Y = d.X/l*s, d.Y/l*s
			}
			p = g.Move(p, d, radius)
		}
	}
	if math.Hypot(p.X-to.X, p.Y-to.Y) > 0.05 {
		t.Errorf("walking the path ended at %v, want %v", p, to)
	}
}

func TestPathToBlockedTargetGoesToNearest(t *testing.T) {
	t.Parallel()
	g := gridFrom(t, factory...)
	f := NewFinder(g)
	to := Point{17, 9} // inside the building
	path, err := f.Path(nil, Point{1, 1}, to, radius)
	if err != nil {
		t.Fatal(err)
	}
	end := path[len(path)-1]
	want, _ := g.NearestWalkable(to, radius, 100)
	if end != want {
		t.Fatalf("ended at %v, want nearest walkable %v", end, want)
	}
	checkPath(t, g, Point{1, 1}, path, radius)
}

func TestPathUnreachable(t *testing.T) {
	t.Parallel()
	g := gridFrom(t,
		"..#.....",
		"..#.....",
		"###.....",
		"........",
	)
	f := NewFinder(g)
	dst := make([]Point, 0, 8)
	got, err := f.Path(dst, Point{1, 1}, Point{13, 7}, radius)
	if !errors.Is(err, ErrNoPath) {
		t.Fatalf("err = %v, want ErrNoPath", err)
	}
	if len(got) != 0 {
		t.Fatalf("dst grew on failure: %v", got)
	}
	// The finder is reusable after a failure.
	if _, err := f.Path(dst, Point{7, 7}, Point{13, 1}, radius); err != nil {
		t.Fatal(err)
	}
}

func TestPathAppendsToDst(t *testing.T) {
	t.Parallel()
	g := gridFrom(t, factory...)
	f := NewFinder(g)
	dst := []Point{{-1, -1}}
	got, err := f.Path(dst, Point{3, 9}, Point{31, 9}, radius)
	if err != nil {
		t.Fatal(err)
	}
	if got[0] != (Point{-1, -1}) || len(got) < 2 {
		t.Fatalf("Path did not append: %v", got)
	}
}

func TestNewGridMalformed(t *testing.T) {
	t.Parallel()
	g := NewGrid(zone.Grid{Cols: 3, Rows: 2, Tile: 0, Blocked: []byte{0, 0}})
	if !g.BlockedAt(2.5, 1.5) || g.BlockedAt(0.5, 0.5) {
		t.Fatal("short Blocked should block the missing tiles only")
	}
	if huge := NewGrid(zone.Grid{Cols: 1 << 40, Rows: 1 << 40, Tile: 2}); !huge.BlockedAt(1, 1) {
		t.Fatal("absurd grid should be empty")
	}
	empty := NewGrid(zone.Grid{Cols: -1, Rows: 5})
	if !empty.Collides(Point{0, 0}, 0) {
		t.Fatal("empty grid should collide everywhere")
	}
	if _, err := NewFinder(empty).Path(nil, Point{}, Point{1, 1}, 0); !errors.Is(err, ErrNoPath) {
		t.Fatalf("empty grid path err = %v", err)
	}
	_ = empty.Move(Point{}, Point{1, 1}, 0.3)
	_, _ = empty.NearestWalkable(Point{}, 0.3, 10)
}

func TestMoveNoAlloc(t *testing.T) {
	g := gridFrom(t, factory...)
	p := Point{3, 9}
	allocs := testing.AllocsPerRun(1000, func() {
		p = g.Move(p, Point{3.3, -0.7}, radius)
		if p.X > 35 {
			p = Point{3, 9}
		}
	})
	if allocs != 0 {
		t.Fatalf("Move allocates %v times per call", allocs)
	}
}

func TestPathNoAlloc(t *testing.T) {
	g := gridFrom(t, factory...)
	f := NewFinder(g)
	dst := make([]Point, 0, 64)
	var err error
	allocs := testing.AllocsPerRun(100, func() {
		dst, err = f.Path(dst[:0], Point{3, 9}, Point{31, 9}, radius)
	})
	if err != nil {
		t.Fatal(err)
	}
	if allocs != 0 {
		t.Fatalf("Path allocates %v times per call", allocs)
	}
}

func TestGridFromHelper(t *testing.T) {
	t.Parallel()
	g := gridFrom(t, strings.Repeat(".", 4))
	if c, r := g.Dims(); c != 4 || r != 1 || g.Tile() != 2 {
		t.Fatalf("Dims = %d,%d tile %v", c, r, g.Tile())
	}
}
