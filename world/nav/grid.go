package nav

import (
	"math"

	"github.com/usine-extraordinaire/fairworld/world/zone"
)

// Point is a position or a displacement in metres.
type Point struct{ X, Y float64 }

// Grid is the blocked/free tile grid of a zone. It is immutable after
// NewGrid and safe for concurrent use by any number of goroutines.
type Grid struct {
	cols, rows int
	tile       float64 // metres per tile side
	inv        float64 // 1 / tile
	w, h       float64 // metres
	blocked    []bool  // row-major, len cols*rows
}

// edgeEps keeps a circle that Move stops against a wall strictly outside the
// wall's tile despite rounding (metres).
const edgeEps = 1e-6

// overlapEps, in tiles, makes boxes that merely touch a tile edge not count
// as overlapping the tile beyond it.
const overlapEps = 1e-9

// NewGrid builds a Grid from a zone grid. It copies the blocked bytes, so
// later changes to g do not affect the Grid. A malformed zone grid never
// panics: a tile size <= 0 is taken as 1 m, tiles missing from a short
// Blocked slice count as blocked, and an absurd size gives an empty grid
// where everything collides.
func NewGrid(g zone.Grid) *Grid {
	cols, rows := max(g.Cols, 0), max(g.Rows, 0)
	if cols == 0 || rows == 0 || rows > math.MaxInt32/cols {
		cols, rows = 0, 0 // empty, or too large to index with int32
	}
	tile := g.Tile
	if !(tile > 0) || math.IsInf(tile, 0) {
		tile = 1
	}
	n := cols * rows
	b := make([]bool, n)
	for i := range b {
		b[i] = i >= len(g.Blocked) || g.Blocked[i] != 0
	}
	return &Grid{
		cols: cols, rows: rows,
		tile: tile, inv: 1 / tile,
		w: float64(cols) * tile, h: float64(rows) * tile,
		blocked: b,
	}
}

// Size returns the width and height of the map in metres.
func (g *Grid) Size() (w, h float64) { return g.w, g.h }

// Tile returns the side of a tile in metres.
func (g *Grid) Tile() float64 { return g.tile }

// Dims returns the number of tile columns and rows.
func (g *Grid) Dims() (cols, rows int) { return g.cols, g.rows }

// BlockedAt reports whether the tile under (x, y) is blocked. Points outside
// the map (and NaN) count as blocked.
func (g *Grid) BlockedAt(x, y float64) bool {
	if !(x >= 0 && y >= 0 && x < g.w && y < g.h) {
		return true
	}
	c, r := int(x*g.inv), int(y*g.inv)
	if c >= g.cols || r >= g.rows { // rounding at the far edge
		return true
	}
	return g.blocked[r*g.cols+c]
}

// Collides reports whether the circle of radius r at p (tested as its
// bounding box) overlaps a blocked tile or leaves the map. Touching a
// blocked tile's edge is not a collision.
func (g *Grid) Collides(p Point, radius float64) bool {
	r := math.Abs(radius)
	return g.boxBlocked(p.X-r, p.Y-r, p.X+r, p.Y+r)
}

// boxBlocked reports whether the box [x0,x1]x[y0,y1] (metres) overlaps a
// blocked tile or a tile outside the map.
func (g *Grid) boxBlocked(x0, y0, x1, y1 float64) bool {
	fx0, fx1 := x0*g.inv, x1*g.inv
	fy0, fy1 := y0*g.inv, y1*g.inv
	// Also rejects NaN and values too large to convert to int.
	if !(fx0 >= -1 && fy0 >= -1 && fx1 <= float64(g.cols)+1 && fy1 <= float64(g.rows)+1) {
		return true
	}
	c0, c1 := int(math.Floor(fx0+overlapEps)), int(math.Floor(fx1-overlapEps))
	r0, r1 := int(math.Floor(fy0+overlapEps)), int(math.Floor(fy1-overlapEps))
	c1 = max(c1, c0) // a zero-size box on a tile edge is in the tile after it
	r1 = max(r1, r0)
	if c0 < 0 || r0 < 0 || c1 >= g.cols || r1 >= g.rows {
		return true
	}
	for r := r0; r <= r1; r++ {
		row := g.blocked[r*g.cols : (r+1)*g.cols]
		for c := c0; c <= c1; c++ {
			if row[c] {
				return true
			}
		}
	}
	return false
}

// Move moves the circle of radius r at p by d and returns where it ends,
// sliding along walls: each sub-step resolves X then Y separately and stops
// an axis flush against the first blocked tile (or the map edge), so a
// diagonal push against a wall keeps the component along it. Displacements
// longer than half a tile are cut into sub-steps so nothing tunnels through
// a one-tile wall. Move never ends inside a blocked tile when p is free; a p
// that already collides only moves to a free position, else it stays.
// Move does not allocate.
func (g *Grid) Move(p, d Point, r float64) Point {
	r = math.Abs(r)
	if math.IsNaN(d.X) || math.IsNaN(d.Y) || math.IsInf(d.X, 0) || math.IsInf(d.Y, 0) {
		return p
	}
	// Nothing moves further than across the whole map in one call.
	if lim := g.w + g.h; math.Abs(d.X) > lim || math.Abs(d.Y) > lim {
		s := lim / math.Max(math.Abs(d.X), math.Abs(d.Y))
		d.X, d.Y = d.X*s, d.Y*s
	}
	if g.Collides(p, r) {
		if q := (Point{p.X + d.X, p.Y + d.Y}); !g.Collides(q, r) {
			return q
		}
		return p
	}
	maxStep := g.tile / 2
	n := int(math.Ceil(math.Max(math.Abs(d.X), math.Abs(d.Y)) / maxStep))
	if n < 1 {
		n = 1
	}
	sx, sy := d.X/float64(n), d.Y/float64(n)
	for range n {
		if sx != 0 {
			p.X = g.slideX(p, sx, r)
		}
		if sy != 0 {
			p.Y = g.slideY(p, sy, r)
		}
	}
	return p
}

// slideX returns the X reached by moving the free box at p by sx (|sx| <=
// tile/2), stopping flush against the first blocked column.
func (g *Grid) slideX(p Point, sx, r float64) float64 {
	nx := p.X + sx
	if !g.boxBlocked(nx-r, p.Y-r, nx+r, p.Y+r) {
		return nx
	}
	var x float64
	if sx > 0 {
		c := int(math.Floor((nx+r)*g.inv - overlapEps)) // first blocked column
		x = math.Max(p.X, float64(c)*g.tile-r-edgeEps)
	} else {
		c := int(math.Floor((nx-r)*g.inv + overlapEps))
		x = math.Min(p.X, float64(c+1)*g.tile+r+edgeEps)
	}
	if g.boxBlocked(x-r, p.Y-r, x+r, p.Y+r) {
		return p.X
	}
	return x
}

// slideY is slideX for the Y axis.
func (g *Grid) slideY(p Point, sy, r float64) float64 {
	ny := p.Y + sy
	if !g.boxBlocked(p.X-r, ny-r, p.X+r, ny+r) {
		return ny
	}
	var y float64
	if sy > 0 {
		c := int(math.Floor((ny+r)*g.inv - overlapEps))
		y = math.Max(p.Y, float64(c)*g.tile-r-edgeEps)
	} else {
		c := int(math.Floor((ny-r)*g.inv + overlapEps))
		y = math.Min(p.Y, float64(c+1)*g.tile+r+edgeEps)
	}
	if g.boxBlocked(p.X-r, y-r, p.X+r, y+r) {
		return p.Y
	}
	return y
}

// LineOfSight reports whether a circle of radius r can slide straight from a
// to b without touching a blocked tile or leaving the map. The swept box is
// tested in slices of at most a quarter tile, each by its bounding box: exact
// for horizontal and vertical segments, slightly conservative for diagonal
// ones. It does not allocate.
func (g *Grid) LineOfSight(a, b Point, r float64) bool {
	r = math.Abs(r)
	dx, dy := b.X-a.X, b.Y-a.Y
	l := math.Max(math.Abs(dx), math.Abs(dy))
	if !(l <= g.w+g.h) { // NaN, infinite, or longer than the map
		return false
	}
	n := int(math.Ceil(l / (g.tile / 4)))
	if n < 1 {
		n = 1
	}
	px, py := a.X, a.Y
	for i := 1; i <= n; i++ {
		t := float64(i) / float64(n)
		qx, qy := a.X+dx*t, a.Y+dy*t
		if i == n {
			qx, qy = b.X, b.Y
		}
		if g.boxBlocked(math.Min(px, qx)-r, math.Min(py, qy)-r, math.Max(px, qx)+r, math.Max(py, qy)+r) {
			return false
		}
		px, py = qx, qy
	}
	return true
}

// NearestWalkable returns the centre of the tile closest to p (Euclidean)
// where a circle of radius r fits, among tiles whose centre is within
// maxDist metres of p; ok is false when there is none. It does not
// allocate.
func (g *Grid) NearestWalkable(p Point, r float64, maxDist float64) (Point, bool) {
	if g.cols == 0 || math.IsNaN(p.X) || math.IsNaN(p.Y) || !(maxDist >= 0) {
		return Point{}, false
	}
	r = math.Abs(r)
	// Start from the tile under p, clamped into the map.
	c0 := int(math.Floor(math.Max(0, math.Min(p.X*g.inv, float64(g.cols-1)))))
	r0 := int(math.Floor(math.Max(0, math.Min(p.Y*g.inv, float64(g.rows-1)))))
	maxRing := g.cols + g.rows
	if k := maxDist*g.inv + 2; k < float64(maxRing) {
		maxRing = int(k)
	}
	best, bestD := Point{}, math.Inf(1)
	for k := 0; k <= maxRing; k++ {
		// Ring k: tiles at Chebyshev distance k from (c0, r0).
		for dr := -k; dr <= k; dr++ {
			rr := r0 + dr
			if rr < 0 || rr >= g.rows {
				continue
			}
			step := 2 * k
			if dr == -k || dr == k || k == 0 {
				step = 1
			}
			for dc := -k; dc <= k; dc += step {
				cc := c0 + dc
				if cc < 0 || cc >= g.cols {
					continue
				}
				q := g.centre(cc, rr)
				dd := math.Hypot(q.X-p.X, q.Y-p.Y)
				if dd < bestD && dd <= maxDist && !g.Collides(q, r) {
					best, bestD = q, dd
				}
			}
		}
		// Every tile centre of ring k+1 is at least k+0.5 tiles from p along
		// one axis (more when p lies outside the map and was clamped), so
		// stop once nothing closer can come.
		if bestD <= (float64(k)+0.5)*g.tile {
			break
		}
	}
	return best, !math.IsInf(bestD, 1)
}

// centre returns the centre of tile (c, r).
func (g *Grid) centre(c, r int) Point {
	return Point{(float64(c) + 0.5) * g.tile, (float64(r) + 0.5) * g.tile}
}
