package world

import (
	"cmp"
	"math"
	"slices"
	"sort"

	"github.com/usine-extraordinaire/fairworld/protocol"
)

// Interest policy, scores being squared distances (smaller is better):
const (
	// prio2 scales the score of a prioritised candidate (non-visitor, or
	// same non-zero group as the viewer): it competes as if at 0.7 times its
	// distance. Later stages can refine the hook in prioritised.
	prio2 = 0.49
	// keep2 scales the score of an avatar already visible, so that in a
	// crowd the visible set does not churn when two candidates swap ranks.
	keep2 = 0.81
	// denseView: a viewer with more avatars than denseView*Budget in the
	// cells around it searches sub-cell by sub-cell, nearest first, and
	// stops once the budget is surely filled.
	denseView = 4
)

// scratch holds buffers reused by every recomputation.
type scratch struct {
	stamp  []stampRec // per slot
	cstamp []uint32   // per cell
	base   uint32
	cand   []cand
	enters []visEntry
	merge  []visEntry
	offs   []fineOff // sub-cell offsets within ViewRadius, by lower bound
	margin float32   // hysteresis: a visible avatar leaves beyond ViewRadius+margin
}

type cand struct {
	slot  int32
	gen   uint32
	d2    float32
	score float32
}

// stampRec marks a slot during one recomputation: mark is M (member) or K
// (member kept), for the avatar of generation gen.
type stampRec struct {
	mark, gen uint32
}

type fineOff struct {
	dx, dy int16
	lb     float32 // lower bound of the distance from the viewer's sub-cell, m
}

func (sc *scratch) init(cfg Config) {
	sc.base = 1
	sc.margin = float32(max(1, cfg.ViewRadius/20))
	sc.cand = make([]cand, 0, 4*cfg.Budget)
}

func (sc *scratch) grow(n int) {
	for len(sc.stamp) < n {
		sc.stamp = append(sc.stamp, stampRec{})
	}
}

// initOffsets lists the sub-cell offsets whose lower-bound distance is
// within ViewRadius+margin, nearest first.
func (w *World) initOffsets() {
	c := &w.cells
	sc := &w.scr
	sc.cstamp = make([]uint32, c.ncells())
	reach := w.cfg.ViewRadius + float64(sc.margin) // members stay up to there
	k := int(math.Ceil(reach/c.fs)) + 1
	for dy := -k; dy <= k; dy++ {
		for dx := -k; dx <= k; dx++ {
			ex, ey := float64(max(abs(dx)-1, 0)), float64(max(abs(dy)-1, 0))
			lb := c.fs * math.Hypot(ex, ey)
			if lb <= reach {
				sc.offs = append(sc.offs, fineOff{int16(dx), int16(dy), float32(lb)})
			}
		}
	}
	sort.SliceStable(sc.offs, func(i, j int) bool { return sc.offs[i].lb < sc.offs[j].lb })
}

// next reserves two stamp values unique to one recomputation.
func (sc *scratch) next() uint32 {
	if sc.base > math.MaxUint32-8 {
		clear(sc.stamp)
		clear(sc.cstamp)
		sc.base = 1
	}
	b := sc.base
	sc.base += 2
	return b
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// prioritised is the priority hook: should a viewer whose tag group is vg
// see the candidate with tag t before others at the same distance?
func prioritised(vg, t uint32) bool {
	return t&proBit != 0 || (vg != 0 && t&^proBit == vg)
}

// recomputeInterest recomputes the visible sets that are due this tick:
// every Refresh ticks for each avatar, staggered by id, when something
// changed within reach of it since its last recomputation (change.go), and
// at once for those that just joined.
func (w *World) recomputeInterest() {
	p := uint32(w.cfg.Refresh)
	phase := w.tick % p
	near, cellOf, steps, always := w.ch.near, w.cells.cellOf, w.ch.steps, w.ch.always
	// Slots are numbered in cell order (renumber), so consecutive viewers
	// are neighbours and share most of their candidates, then in cache.
	for s := range int32(len(w.av)) {
		if w.hot[s].gen == 0 {
			continue
		}
		a := &w.av[s]
		if a.remote {
			continue // never a viewer
		}
		if forced := a.refresh; forced || a.id%p == phase && (always || near[cellOf[s]] > a.recompAt) {
			a.refresh = false
			a.recompAt = steps
			w.recompute(s, forced)
		}
	}
}

// gatherer collects the candidates of one viewer.
type gatherer struct {
	px, py float32
	r2     float32 // ViewRadius^2: non-members enter within it
	rm2    float32 // (ViewRadius+margin)^2: members stay within it
	self   int32
	m      uint32 // stamp of the current members
	vg     uint32 // viewer's group
	nIn    int    // avatars within ViewRadius seen so far
	cand   []cand
}

// scan adds the avatars of layout entries [lo, hi) that qualify: within
// ViewRadius, or members within ViewRadius+margin.
func (g *gatherer) scan(w *World, lo, hi int32) {
	c := &w.cells
	lx, ly := c.lx[lo:hi], c.ly[lo:hi]
	ly = ly[:len(lx)] // one bounds check for both
	stamp := w.scr.stamp
	for i := range lx {
		dx, dy := lx[i]-g.px, ly[i]-g.py
		d2 := dx*dx + dy*dy
		if d2 > g.rm2 {
			continue
		}
		j := int(lo) + i
		sl := c.lslot[j]
		gen := c.lgen[j]
		member := stamp[sl] == stampRec{g.m, gen}
		score := d2
		switch {
		case member:
			score *= keep2
		case d2 > g.r2:
			continue
		case sl == g.self:
			continue
		}
		if d2 <= g.r2 {
			g.nIn++
		}
		if prioritised(g.vg, c.ltag[j]) {
			score *= prio2
		}
		g.cand = append(g.cand, cand{slot: sl, gen: gen, d2: d2, score: score})
	}
}

// recompute chooses viewer s's visible set: everyone within ViewRadius if
// they fit in the Budget, else the Budget best scores; then records the
// enters and leaves against the current set.
func (w *World) recompute(s int32, forced bool) {
	w.stats.Recomputes++
	a := &w.av[s]
	c := &w.cells
	sc := &w.scr
	p := w.pos[s]
	self := w.hot[s]
	R := float32(w.cfg.ViewRadius)
	RM := R + sc.margin
	B := w.cfg.Budget
	M := sc.next()
	K := M + 1
	g := gatherer{px: self.x, py: self.y, r2: R * R, rm2: RM * RM, self: s, m: M, vg: self.tag &^ proBit, cand: sc.cand[:0]}

	// Mark the current members (by slot and generation, so a reused slot is
	// not mistaken for them): the scan gives them the keep bonus and lets
	// them stay up to ViewRadius+margin. Marking reads no avatar state.
	for _, e := range a.vis {
		if e.gen&leavingBit == 0 {
			sc.stamp[e.slot] = stampRec{M, e.gen & genMask}
		}
	}

	// Every cell overlapping the circle, unless that finds a crowd; then
	// the nearest-first search.
	x0, y0, x1, y1 := c.cellRange(p.X, p.Y, float64(RM))
	exhaustive := true
	limit := denseView * B
sparse:
	for cy := y0; cy <= y1; cy++ {
		ny, _ := axisDist(g.py, float32(cy)*float32(c.cs), float32(c.cs))
		ny *= ny
		// The cells of a row that overlap the circle are contiguous, and so
		// are their layout entries: find the first and the last.
		lx, hx := x0, x1
		for ; lx <= x1; lx++ {
			if nx, _ := axisDist(g.px, float32(lx)*float32(c.cs), float32(c.cs)); nx*nx+ny <= g.rm2 {
				break
			}
		}
		for ; hx >= lx; hx-- {
			if nx, _ := axisDist(g.px, float32(hx)*float32(c.cs), float32(c.cs)); nx*nx+ny <= g.rm2 {
				break
			}
		}
		if lx > hx {
			continue
		}
		row := cy * c.cols
		// One scan for the whole row when it cannot reach the limit, else
		// cell by cell so that a crowd is noticed after as little work.
		if lo, hi := c.cstart[row+lx], c.cstart[row+hx+1]; len(g.cand)+int(hi-lo) <= limit {
			g.scan(w, lo, hi)
			continue
		}
		for cx := lx; cx <= hx; cx++ {
			ci := row + cx
			g.scan(w, c.cstart[ci], c.cstart[ci+1])
			if len(g.cand) > limit {
				g.cand, g.nIn = g.cand[:0], 0
				exhaustive = w.gatherDense(&g, M)
				break sparse
			}
		}
	}
	sc.cand = g.cand

	// Select.
	sel := g.cand
	if len(sel) > B {
		nthSmallest(sel, B)
		sel = sel[:B]
	}
	inSel := 0
	for _, cd := range sel {
		if cd.d2 <= g.r2 {
			inSel++
		}
	}
	nIn := g.nIn
	if !exhaustive {
		nIn = max(nIn, w.estimateInR(g.px, g.py, g.r2)-1) // not the viewer
	}
	a.crowd = protocol.RoundCount(uint32(max(nIn-inSel, 0))) // the wire's rounding (§4): a crowd of 1,430 changing by one sends nothing

	// Diff against the current set.
	ent := sc.enters[:0]
	ids := w.ids
	for _, cd := range sel {
		if st := &sc.stamp[cd.slot]; st.mark == M && st.gen == cd.gen {
			st.mark = K
			continue
		}
		ent = append(ent, visEntry{id: ids[cd.slot], slot: cd.slot, gen: cd.gen | pendingBit})
	}
	// Entries not kept become tombstones (or vanish if never sent), so the
	// set stays sorted and the next Updates sends their Leaves in order.
	vis := a.vis
	k := 0
	for _, e := range vis {
		switch {
		case e.gen&leavingBit != 0:
		case sc.stamp[e.slot] == stampRec{K, e.gen & genMask}:
		case e.gen&pendingBit != 0:
			continue
		default:
			e.gen |= leavingBit
			a.visDirty = true
		}
		vis[k] = e
		k++
	}
	vis = vis[:k]
	if len(ent) > 0 {
		a.visDirty = true
		slices.SortFunc(ent, func(x, y visEntry) int { return cmp.Compare(x.id, y.id) })
		var dropped bool
		if vis, dropped = w.mergeVis(vis, ent); dropped {
			a.recompAt = 0 // due again at its next stagger tick, changes or not
		}
		if forced {
			w.reciprocate(s, ent)
		}
	}
	a.vis = vis
	sc.enters = ent
}

// mergeVis merges the sorted entries ent into the sorted vis. An enter
// whose id is already there (a tombstone: the same id left and came back
// in a new slot) is dropped: it enters at the next recomputation, never in
// the same Update as its Leave. dropped says whether one was.
func (w *World) mergeVis(vis, ent []visEntry) (_ []visEntry, dropped bool) {
	buf := w.scr.merge[:0]
	i, j := 0, 0
	for i < len(vis) || j < len(ent) {
		switch {
		case j == len(ent) || i < len(vis) && vis[i].id < ent[j].id:
			buf = append(buf, vis[i])
			i++
		case i < len(vis) && vis[i].id == ent[j].id:
			j++
			dropped = true
		default:
			buf = append(buf, ent[j])
			j++
		}
	}
	w.scr.merge = buf
	vis = w.fit(vis, len(buf))
	copy(vis, buf)
	return vis, dropped
}

// fit returns vis with length n, moved when too small to a spare array of
// the visible-set block (renumber keeps those of the sets it brings back
// to the block), else to a new one: at 1.25 Budget capacity (room for a
// few tombstones), else twice Budget, else n.
func (w *World) fit(vis []visEntry, n int) []visEntry {
	if cap(vis) < n {
		var nv []visEntry
		if sp := w.visb.spare; len(sp) > 0 && cap(sp[len(sp)-1]) >= n {
			nv = sp[len(sp)-1][:n]
			sp[len(sp)-1] = nil
			w.visb.spare = sp[:len(sp)-1]
		} else {
			b := w.cfg.Budget
			c := b + b/4
			if n > c {
				c = max(n, 2*b)
			}
			nv = make([]visEntry, n, c)
		}
		copy(nv, vis)
		return nv
	}
	return vis[:n]
}

// reciprocate makes the avatars that a newcomer s (or one whose group
// changed) just started to see also see s at once, when they have room for
// it: they see everyone within their radius (no crowd) and are under
// budget. It spares a Refresh period of one-sided visibility after a join
// in quiet areas; crowded viewers, and avatars that walk into each other's
// radius, wait for their own recomputation (at most Refresh ticks).
func (w *World) reciprocate(s int32, ent []visEntry) {
	self := w.av[s].id
	gen := w.hot[s].gen | pendingBit
	for _, e := range ent {
		b := &w.av[e.slot]
		if b.remote || b.refresh || b.crowd != 0 || len(b.vis) >= w.cfg.Budget {
			continue
		}
		i, found := slices.BinarySearchFunc(b.vis, self, func(x visEntry, id ID) int { return cmp.Compare(x.id, id) })
		if found { // visible already, or a tombstone of a former self
			continue
		}
		n := len(b.vis)
		b.vis = w.fit(b.vis, n+1)
		copy(b.vis[i+1:], b.vis[i:n])
		b.vis[i] = visEntry{id: self, slot: s, gen: gen}
		b.visDirty = true
	}
}

// gatherDense visits sub-cells nearest first and stops once Budget
// candidates are certain to beat anything farther. It reports whether it
// saw every avatar within ViewRadius.
func (w *World) gatherDense(g *gatherer, stamp uint32) bool {
	c := &w.cells
	sc := &w.scr
	B := w.cfg.Budget
	gx, gy := c.fine(float64(g.px), float64(g.py))
	mask := c.F - 1
	offs := sc.offs
	lastBucket := -1
	for k := 0; k < len(offs); {
		lb := offs[k].lb
		for ; k < len(offs) && offs[k].lb == lb; k++ {
			fx, fy := gx+int(offs[k].dx), gy+int(offs[k].dy)
			if fx < 0 || fy < 0 || fx >= c.gcols || fy >= c.grows {
				continue
			}
			ci := (fy>>c.fb)*c.cols + fx>>c.fb
			if base := c.fsub[ci]; base >= 0 {
				sub := int32((fy&mask)<<c.fb | fx&mask)
				g.scan(w, c.fstart[base+sub], c.fstart[base+sub+1])
			} else if sc.cstamp[ci] != stamp {
				sc.cstamp[ci] = stamp
				g.scan(w, c.cstart[ci], c.cstart[ci+1])
			}
		}
		if k == len(offs) || len(g.cand) < B {
			continue
		}
		// Anything not seen yet is at least offs[k].lb away; the best it can
		// score is keep2*prio2*lb^2.
		nb := offs[k].lb
		if b := int(nb / float32(c.fs)); b != lastBucket {
			lastBucket = b
			bound := keep2 * prio2 * nb * nb
			n := 0
			for _, cd := range g.cand {
				if cd.score <= bound {
					n++
				}
			}
			if n >= B {
				return false
			}
		}
	}
	return true
}

// estimateInR counts the avatars within ViewRadius of (x, y) from the cell
// counts: whole cells inside the circle count in full, sub-cells of dense
// cells count when their centre is inside, and other cells are counted one
// by one. Used for the Crowd number when the dense search stopped early.
func (w *World) estimateInR(x, y, r2 float32) int {
	c := &w.cells
	x0, y0, x1, y1 := c.cellRange(float64(x), float64(y), w.cfg.ViewRadius)
	n := 0
	fs := float32(c.fs)
	for cy := y0; cy <= y1; cy++ {
		for cx := x0; cx <= x1; cx++ {
			near, far := c.rectDist2(x, y, cx, cy)
			if near > r2 {
				continue
			}
			ci := cy*c.cols + cx
			lo, hi := c.cstart[ci], c.cstart[ci+1]
			if hi == lo {
				continue
			}
			if far <= r2 {
				n += int(hi - lo)
				continue
			}
			base := c.fsub[ci]
			if base < 0 {
				for i := lo; i < hi; i++ {
					dx, dy := c.lx[i]-x, c.ly[i]-y
					if dx*dx+dy*dy <= r2 {
						n++
					}
				}
				continue
			}
			ox, oy := float32(cx)*float32(c.cs), float32(cy)*float32(c.cs)
			for sub := range int32(c.F * c.F) {
				cnt := c.fstart[base+sub+1] - c.fstart[base+sub]
				if cnt == 0 {
					continue
				}
				sx := ox + (float32(sub&int32(c.F-1))+0.5)*fs - x
				sy := oy + (float32(sub>>c.fb)+0.5)*fs - y
				if sx*sx+sy*sy <= r2 {
					n += int(cnt)
				}
			}
		}
	}
	return n
}

// nthSmallest reorders c so that its first n elements have the n smallest
// scores (ties broken by slot, so the result is deterministic).
func nthSmallest(c []cand, n int) {
	less := func(a, b cand) bool { return a.score < b.score || (a.score == b.score && a.slot < b.slot) }
	lo, hi := 0, len(c)-1
	for lo < hi {
		// Median of three as the pivot.
		mid := lo + (hi-lo)/2
		if less(c[mid], c[lo]) {
			c[mid], c[lo] = c[lo], c[mid]
		}
		if less(c[hi], c[lo]) {
			c[hi], c[lo] = c[lo], c[hi]
		}
		if less(c[hi], c[mid]) {
			c[hi], c[mid] = c[mid], c[hi]
		}
		pv := c[mid]
		i, j := lo, hi
		for i <= j {
			for less(c[i], pv) {
				i++
			}
			for less(pv, c[j]) {
				j--
			}
			if i <= j {
				c[i], c[j] = c[j], c[i]
				i++
				j--
			}
		}
		// Now c[lo..j] <= pv <= c[i..hi].
		switch {
		case n-1 <= j:
			hi = j
		case n-1 >= i:
			lo = i
		default:
			return
		}
	}
}
