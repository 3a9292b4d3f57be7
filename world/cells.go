package world

import "math"

// cells is the spatial index, rebuilt from scratch at every Step by a
// counting sort of the avatars by cell: each cell's avatars are contiguous,
// with their positions copied beside them, so a viewer's candidate scan
// reads memory in order instead of chasing slots.
//
// Cells are CellSize squares. A cell holding more than denseCell avatars is
// also sorted by sub-cell (F x F sub-cells of about 2 m), so that in a crowd
// a viewer's nearest neighbours are found by visiting a few sub-cells
// instead of every avatar of the cell.
type cells struct {
	cs, fs     float64 // cell and sub-cell sizes, m
	F          int     // sub-cells per cell side, a power of two
	fb         uint    // log2(F)
	cols, rows int     // cells
	gcols      int     // sub-cell columns: cols*F
	grows      int

	cstart []int32 // cell i holds layout entries [cstart[i], cstart[i+1])
	fsub   []int32 // per cell: offset into fstart of its F*F+1 sub-cell starts, or -1
	fstart []int32

	// The layout, one entry per live avatar, sorted by cell.
	lx, ly []float32
	lslot  []int32
	lgen   []uint32
	ltag   []uint32

	cellOf []int32 // per slot, set by rebuild
	subOf  []uint8
	tmp    []int32
	subCnt []int32
}

// denseCell is the number of avatars above which a cell is sorted by
// sub-cell.
const denseCell = 64

func (c *cells) init(w, h float64, cfg Config) {
	c.cs = cfg.CellSize
	c.F = 1
	for c.F < 8 && float64(c.F*2)*2 <= c.cs {
		c.F *= 2
	}
	for 1<<c.fb < c.F {
		c.fb++
	}
	c.fs = c.cs / float64(c.F)
	c.cols = max(1, int(math.Ceil(w/c.cs)))
	c.rows = max(1, int(math.Ceil(h/c.cs)))
	c.gcols, c.grows = c.cols*c.F, c.rows*c.F
	n := c.cols * c.rows
	c.cstart = make([]int32, n+1)
	c.fsub = make([]int32, n)
	c.subCnt = make([]int32, c.F*c.F+1)
}

func (c *cells) ncells() int { return c.cols * c.rows }

// fine returns the sub-cell coordinates of a point, clamped to the map.
func (c *cells) fine(x, y float64) (gx, gy int) {
	gx = int(x / c.fs)
	gy = int(y / c.fs)
	if !(x >= 0) || gx < 0 {
		gx = 0
	}
	if !(y >= 0) || gy < 0 {
		gy = 0
	}
	return min(gx, c.gcols-1), min(gy, c.grows-1)
}

func (c *cells) grow(n int) {
	for len(c.cellOf) < n {
		c.cellOf = append(c.cellOf, 0)
		c.subOf = append(c.subOf, 0)
	}
}

// rebuild sorts the live avatars by cell (and dense cells by sub-cell),
// and touches the cells where something changed (change.go). O(avatars +
// cells); allocation-free once the buffers have grown. When nothing moved,
// entered, left or changed its tag since the last rebuild, the layout is
// still right and nothing is done.
func (w *World) rebuild() {
	if !w.ch.any {
		return
	}
	w.ch.any, w.ch.relaid = false, true
	c := &w.cells
	clear(c.cstart)
	mask := c.F - 1
	changed := w.ch.changed
	for s := range w.hot {
		if w.hot[s].gen == 0 {
			continue
		}
		gx, gy := c.fine(w.pos[s].X, w.pos[s].Y)
		ci := int32((gy>>c.fb)*c.cols + gx>>c.fb)
		if changed[s] {
			changed[s] = false
			w.touch(ci)
			if old := c.cellOf[s]; old != ci {
				w.touch(old) // crossed: its viewers there too
			}
		}
		c.cellOf[s] = ci
		c.subOf[s] = uint8((gy&mask)<<c.fb | gx&mask)
		c.cstart[ci+1]++
	}
	n := len(c.cstart) - 1
	for i := 1; i <= n; i++ {
		c.cstart[i] += c.cstart[i-1]
	}
	total := int(c.cstart[n])
	c.lslot = resize(c.lslot, total)
	// Place with cstart[i] as the cursor of cell i-1, then shift back.
	for s := range w.hot {
		if w.hot[s].gen == 0 {
			continue
		}
		ci := c.cellOf[s]
		c.lslot[c.cstart[ci]] = int32(s)
		c.cstart[ci]++
	}
	copy(c.cstart[1:], c.cstart[:n])
	c.cstart[0] = 0

	// Dense cells: counting sort of their range by sub-cell.
	c.fstart = c.fstart[:0]
	ff := c.F * c.F
	for i := range n {
		lo, hi := c.cstart[i], c.cstart[i+1]
		if hi-lo <= denseCell || c.F == 1 {
			c.fsub[i] = -1
			continue
		}
		c.fsub[i] = int32(len(c.fstart))
		cnt := c.subCnt
		clear(cnt)
		seg := c.lslot[lo:hi]
		for _, s := range seg {
			cnt[c.subOf[s]+1]++
		}
		for k := 1; k <= ff; k++ {
			cnt[k] += cnt[k-1]
		}
		for k := 0; k <= ff; k++ {
			c.fstart = append(c.fstart, lo+cnt[k])
		}
		c.tmp = resize(c.tmp, len(seg))
		for _, s := range seg {
			f := c.subOf[s]
			c.tmp[cnt[f]] = s
			cnt[f]++
		}
		copy(seg, c.tmp)
	}

	c.lx = resize(c.lx, total)
	c.ly = resize(c.ly, total)
	c.ltag = resize(c.ltag, total)
	c.lgen = resize(c.lgen, total)
	for i, s := range c.lslot {
		h := &w.hot[s]
		c.lx[i], c.ly[i], c.ltag[i], c.lgen[i] = h.x, h.y, h.tag, h.gen
	}
}

// cellRange returns the cells overlapping the square of half-side r around
// (x, y).
func (c *cells) cellRange(x, y, r float64) (x0, y0, x1, y1 int) {
	clampc := func(v float64, n int) int {
		i := int(math.Floor(v / c.cs))
		if !(v >= 0) || i < 0 {
			return 0
		}
		return min(i, n-1)
	}
	return clampc(x-r, c.cols), clampc(y-r, c.rows), clampc(x+r, c.cols), clampc(y+r, c.rows)
}

// rectDist2 returns the squared distances from (x, y) to the nearest and the
// farthest point of cell (cx, cy).
func (c *cells) rectDist2(x, y float32, cx, cy int) (near, far float32) {
	nx, fx := axisDist(x, float32(cx)*float32(c.cs), float32(c.cs))
	ny, fy := axisDist(y, float32(cy)*float32(c.cs), float32(c.cs))
	return nx*nx + ny*ny, fx*fx + fy*fy
}

// axisDist returns the distances from v to the nearest and the farthest
// point of [lo, lo+size].
func axisDist(v, lo, size float32) (near, far float32) {
	hi := lo + size
	switch {
	case v < lo:
		return lo - v, hi - v
	case v > hi:
		return v - hi, v - lo
	}
	return 0, max(v-lo, hi-v)
}

// resize returns s with length n, reusing its array when large enough.
func resize[T any](s []T, n int) []T {
	if cap(s) >= n {
		return s[:n]
	}
	return make([]T, n, n+n/4)
}
