package world

// Change tracking: a crowd that stands still costs almost nothing.
//
// A viewer's visible set, and what its Update carries, depend only on the
// avatars in the cells within reach of it. When nothing moved, entered,
// left or changed its priority there since the viewer's last recomputation,
// recomputing gives the same set (the inputs are the same, and the keep
// bonus only favours the current members, so a set is a fixed point of its
// own recomputation); when nothing changed there since its last scan,
// scanning it finds nothing to send. Both are skipped.
//
// Each Step touches the cells where an avatar moved, entered, left or
// changed its tag (its old and new cell when it crossed), and every touched
// cell stamps the cells within reach of it with the step number (near). A
// viewer is recomputed at its stagger tick only when near[its cell] is
// newer than its last recomputation, and Updates scans its set only when
// near[its cell] is newer than its last scan, the set itself changed (a
// recomputation's enters and leaves), or far moves it held back are due.
// When nothing changed anywhere, the cell layout is not even rebuilt.
//
// The reach is what a viewer can hold: ViewRadius plus the keep margin,
// plus how far a member walks in Refresh ticks (it may walk that far out
// before the recomputation that drops it, and its moves are sent until
// then). Remote avatars are moved by the feed; a jump longer than that
// (a resynchronisation) is seen by the viewers at their next recomputation.
type changes struct {
	steps   uint64    // Steps so far
	near    []uint64  // per cell: the step of the last change within reach of it
	mark    []uint64  // per cell: epoch when it was last put in list
	list    []int32   // cells touched since the last spread
	epoch   uint64    // the current spread's number, for mark
	offs    []cellOff // the cells within reach of a cell, as offsets
	rowHit  []bool    // spreadWide's buffer
	any     bool      // something changed since the last rebuild
	relaid  bool      // the layout was rebuilt since the last renumber
	changed []bool    // per slot: moved or changed its tag since the last rebuild
	// always makes every viewer recompute and scan as if its surroundings
	// changed: the reference the tests compare change tracking with.
	always bool
}

type cellOff struct{ dx, dy int32 }

func (w *World) initChanges() {
	c := &w.cells
	ch := &w.ch
	ch.near = make([]uint64, c.ncells())
	ch.mark = make([]uint64, c.ncells())
	ch.epoch = 1
	cfg := w.cfg
	reach := cfg.ViewRadius + float64(w.scr.margin) + float64(cfg.Refresh)*cfg.MaxSpeed/float64(cfg.TickRate)
	k := int32(reach/c.cs) + 1
	for dy := -k; dy <= k; dy++ {
		for dx := -k; dx <= k; dx++ {
			// The gap between two cells dx, dy apart.
			gx, gy := float64(max(abs(int(dx))-1, 0))*c.cs, float64(max(abs(int(dy))-1, 0))*c.cs
			if gx*gx+gy*gy <= reach*reach {
				ch.offs = append(ch.offs, cellOff{dx, dy})
			}
		}
	}
}

func (ch *changes) grow(n int) {
	for len(ch.changed) < n {
		ch.changed = append(ch.changed, false)
	}
}

// moved records that slot s moved or changed its tag: its cells are
// touched at the next rebuild.
func (w *World) moved(s int32) {
	w.ch.changed[s] = true
	w.ch.any = true
}

// touch records a change in cell ci (spread stamps its neighbourhood).
func (w *World) touch(ci int32) {
	ch := &w.ch
	if ch.mark[ci] != ch.epoch {
		ch.mark[ci] = ch.epoch
		ch.list = append(ch.list, ci)
	}
}

// spread stamps the cells within reach of every touched cell with the
// current step. Called by Step after rebuild.
func (w *World) spread() {
	c := &w.cells
	ch := &w.ch
	cols, rows := int32(c.cols), int32(c.rows)
	if len(ch.list)*len(ch.offs) > 4*c.ncells() {
		w.spreadWide()
		return
	}
	for _, ci := range ch.list {
		cx, cy := ci%cols, ci/cols
		for _, o := range ch.offs {
			x, y := cx+o.dx, cy+o.dy
			if x >= 0 && y >= 0 && x < cols && y < rows {
				ch.near[y*cols+x] = ch.steps
			}
		}
	}
	ch.list = ch.list[:0]
	ch.epoch++
}

// spreadWide is spread when most of the zone changed (everyone walks): a
// square dilation of the touched cells, in two passes over the grid, stamps
// a superset of the cells spread would (the square around a cell holds its
// disc of offsets), in O(cells) instead of O(touched cells x offsets).
func (w *World) spreadWide() {
	c := &w.cells
	ch := &w.ch
	cols, rows := c.cols, c.rows
	k := 0
	for _, o := range ch.offs {
		k = max(k, int(o.dx))
	}
	// rowHit[i]: a touched cell in the same row within k columns.
	ch.rowHit = resize(ch.rowHit, cols*rows)
	for y := range rows {
		last := -1 << 30 // column of the last touched cell seen
		row := y * cols
		// Left to right then right to left: the nearest touched cell on
		// either side.
		for x := range cols {
			if ch.mark[row+x] == ch.epoch {
				last = x
			}
			ch.rowHit[row+x] = x-last <= k
		}
		last = 1 << 30
		for x := cols - 1; x >= 0; x-- {
			if ch.mark[row+x] == ch.epoch {
				last = x
			}
			ch.rowHit[row+x] = ch.rowHit[row+x] || last-x <= k
		}
	}
	for x := range cols {
		last := -1 << 30
		for y := range rows {
			if ch.rowHit[y*cols+x] {
				last = y
			}
			if y-last <= k {
				ch.near[y*cols+x] = ch.steps
			}
		}
		last = 1 << 30
		for y := rows - 1; y >= 0; y-- {
			if ch.rowHit[y*cols+x] {
				last = y
			}
			if last-y <= k {
				ch.near[y*cols+x] = ch.steps
			}
		}
	}
	ch.list = ch.list[:0]
	ch.epoch++
}

// due reports whether a tick of phase id%every came in (prev, cur]: what is
// sent every every ticks is sent to each viewer on its own phase, so that
// each tick serves 1/every of the viewers.
func due(prev, cur uint64, id ID, every int) bool {
	f := uint64(every)
	p := uint64(id) % f
	// How many steps of phase p lie in [0, x]: (x + f - p) / f.
	return (cur+f-p)/f > (prev+f-p)/f
}
