package nav

import (
	"errors"
	"math"
)

// ErrNoPath is returned by Finder.Path when the target cannot be reached.
var ErrNoPath = errors.New("nav: no path")

// searchTiles bounds, in tiles, how far Path looks for a walkable tile when
// the start or the target is blocked.
const searchTiles = 32

// Finder finds paths on one Grid with A*. It owns reusable buffers sized to
// the grid, so steady-state searches do not allocate. A Finder is not safe
// for concurrent use: keep one per goroutine (the Grid itself is shared).
type Finder struct {
	g *Grid

	gen       uint32    // search generation; a stamp equal to gen is current
	seen      []uint32  // gen when cost/parent were set this search
	closed    []uint32  // gen when the tile was expanded this search
	fitSeen   []uint32  // gen when fit was computed this search
	fit       []bool    // the circle fits at the tile centre (valid if fitSeen == gen)
	cost      []float32 // best known cost from the start, in tiles
	parent    []int32   // previous tile on the best known path
	open      []heapItem
	cells     []int32 // tiles of the raw path, goal first
	r         float64 // radius of the current search
	goalC     int
	goalR     int
	neighbors [8]neighbor
}

type heapItem struct {
	f   float32
	idx int32
}

type neighbor struct {
	dc, dr int
	cost   float32
}

// NewFinder returns a Finder for g. Its buffers take about 30 bytes per tile
// (about 1 MB for the default map).
func NewFinder(g *Grid) *Finder {
	n := g.cols * g.rows
	f := &Finder{
		g:       g,
		seen:    make([]uint32, n),
		closed:  make([]uint32, n),
		fitSeen: make([]uint32, n),
		fit:     make([]bool, n),
		cost:    make([]float32, n),
		parent:  make([]int32, n),
		open:    make([]heapItem, 0, n),
		cells:   make([]int32, 0, 256),
	}
	const d = math.Sqrt2
	f.neighbors = [8]neighbor{
		{1, 0, 1}, {-1, 0, 1}, {0, 1, 1}, {0, -1, 1},
		{1, 1, d}, {1, -1, d}, {-1, 1, d}, {-1, -1, d},
	}
	return f
}

// Path appends to dst the waypoints from `from` (exclusive) to `to`
// (inclusive) for a circle of radius r, and returns the extended slice.
// The path is found by 8-connected A* over tile centres (a diagonal step
// needs both tiles beside it free, so it never cuts a corner; octile
// heuristic), then smoothed by line of sight so that only the corners
// remain. Every segment between waypoints satisfies Grid.LineOfSight, and so
// does the first one from `from` when `from` is free and r is below half a
// tile. The last waypoint is `to` itself when it is free (else the centre
// of the walkable tile the search reached).
//
// When `to` is blocked the path ends at NearestWalkable(to) instead; when
// `from` is blocked (an avatar pushed into a wall) the first waypoint is the
// nearest walkable tile centre. Path returns ErrNoPath, and dst unchanged,
// when the target is unreachable or no walkable tile is near enough.
// With a dst of sufficient capacity, Path does not allocate once its
// buffers have grown to the size the map needs.
func (f *Finder) Path(dst []Point, from, to Point, r float64) ([]Point, error) {
	g := f.g
	r = math.Abs(r)
	if g.cols == 0 || math.IsNaN(r) || math.IsInf(r, 0) {
		return dst, ErrNoPath
	}
	f.nextGen(r)
	fromFree := !g.Collides(from, r)

	// The end point, and the tile the search aims for.
	end := to
	endFree := !g.Collides(to, r)
	if !endFree {
		q, ok := g.NearestWalkable(to, r, searchTiles*g.tile)
		if !ok {
			return dst, ErrNoPath
		}
		end = q
	}
	if fromFree && g.LineOfSight(from, end, r) {
		return append(dst, end), nil
	}
	goal, ok := f.fitCell(end)
	if !ok {
		return dst, ErrNoPath
	}
	start, ok := f.fitCell(from)
	if !ok {
		return dst, ErrNoPath
	}
	if !f.search(start, goal) {
		return dst, ErrNoPath
	}

	// f.cells holds the tiles goal first; walk them start first.
	n := len(f.cells)
	pt := func(i int) Point { // i-th point of the raw path, start first
		if i == n {
			return end
		}
		c := int(f.cells[n-1-i])
		return g.centre(c%g.cols, c/g.cols)
	}
	last := n - 1
	if g.LineOfSight(pt(n-1), end, r) {
		last = n // the exact end point is reachable from the goal tile
	}
	anchor, a := from, -1
	if !fromFree {
		anchor, a = pt(0), 0
		dst = append(dst, anchor)
	}
	for a < last {
		k := a + 1
		for k < last && g.LineOfSight(anchor, pt(k+1), r) {
			k++
		}
		anchor, a = pt(k), k
		dst = append(dst, anchor)
	}
	return dst, nil
}

// fitCell returns the tile under p if the circle fits at its centre, else
// the tile of the nearest walkable tile centre.
func (f *Finder) fitCell(p Point) (int, bool) {
	g := f.g
	if p.X >= 0 && p.Y >= 0 && p.X < g.w && p.Y < g.h {
		c, r := min(int(p.X*g.inv), g.cols-1), min(int(p.Y*g.inv), g.rows-1)
		if i := r*g.cols + c; f.fits(i) {
			return i, true
		}
	}
	q, ok := g.NearestWalkable(p, f.r, searchTiles*g.tile)
	if !ok {
		return 0, false
	}
	c, r := min(int(q.X*g.inv), g.cols-1), min(int(q.Y*g.inv), g.rows-1)
	return r*g.cols + c, true
}

// nextGen starts a new search for radius r, invalidating all stamps.
func (f *Finder) nextGen(r float64) {
	f.gen++
	if f.gen == 0 { // wrapped: old stamps could look current
		clear(f.seen)
		clear(f.closed)
		clear(f.fitSeen)
		f.gen = 1
	}
	f.r = r
	f.open = f.open[:0]
	f.cells = f.cells[:0]
}

// fits reports whether the circle of the current search fits at the centre
// of tile i, computing it once per search.
func (f *Finder) fits(i int) bool {
	if f.fitSeen[i] != f.gen {
		f.fitSeen[i] = f.gen
		g := f.g
		f.fit[i] = !g.blocked[i] && !g.Collides(g.centre(i%g.cols, i/g.cols), f.r)
	}
	return f.fit[i]
}

// search runs A* from tile start to tile goal and, on success, leaves the
// tiles of the path in f.cells, goal first.
func (f *Finder) search(start, goal int) bool {
	g := f.g
	cols := g.cols
	f.goalC, f.goalR = goal%cols, goal/cols
	f.seen[start] = f.gen
	f.cost[start] = 0
	f.parent[start] = -1
	f.push(heapItem{f.h(start), int32(start)})
	for len(f.open) > 0 {
		it := f.pop()
		cur := int(it.idx)
		if f.closed[cur] == f.gen {
			continue // stale duplicate
		}
		f.closed[cur] = f.gen
		if cur == goal {
			for i := int32(goal); i >= 0; i = f.parent[i] {
				f.cells = append(f.cells, i)
			}
			return true
		}
		cc, cr := cur%cols, cur/cols
		base := f.cost[cur]
		for k, nb := range f.neighbors {
			nc, nr := cc+nb.dc, cr+nb.dr
			if nc < 0 || nr < 0 || nc >= cols || nr >= g.rows {
				continue
			}
			ni := nr*cols + nc
			if f.closed[ni] == f.gen || !f.fits(ni) {
				continue
			}
			// No corner cutting: both orthogonal tiles beside a diagonal
			// step must be free too.
			if k >= 4 && (!f.fits(cr*cols+nc) || !f.fits(nr*cols+cc)) {
				continue
			}
			nd := base + nb.cost
			if f.seen[ni] == f.gen && f.cost[ni] <= nd {
				continue
			}
			f.seen[ni] = f.gen
			f.cost[ni] = nd
			f.parent[ni] = int32(cur)
			f.push(heapItem{nd + f.h(ni), int32(ni)})
		}
	}
	return false
}

// h is the octile distance from tile i to the goal, in tiles, nudged up by a
// hair so that ties favour tiles nearer the goal (fewer expansions).
func (f *Finder) h(i int) float32 {
	cols := f.g.cols
	dx := abs(i%cols - f.goalC)
	dy := abs(i/cols - f.goalR)
	lo, hi := min(dx, dy), max(dx, dy)
	return (float32(hi-lo) + math.Sqrt2*float32(lo)) * (1 + 1e-4)
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// push and pop implement a binary min-heap on f without container/heap,
// whose interface methods would box items and allocate.
func (f *Finder) push(it heapItem) {
	f.open = append(f.open, it)
	h := f.open
	i := len(h) - 1
	for i > 0 {
		p := (i - 1) / 2
		if h[p].f <= h[i].f {
			break
		}
		h[p], h[i] = h[i], h[p]
		i = p
	}
}

func (f *Finder) pop() heapItem {
	h := f.open
	top := h[0]
	n := len(h) - 1
	h[0] = h[n]
	h = h[:n]
	i := 0
	for {
		l := 2*i + 1
		if l >= n {
			break
		}
		m := l
		if r := l + 1; r < n && h[r].f < h[l].f {
			m = r
		}
		if h[i].f <= h[m].f {
			break
		}
		h[i], h[m] = h[m], h[i]
		i = m
	}
	f.open = h
	return top
}
