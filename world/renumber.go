package world

// renumberEvery is how many ticks apart the slots are renumbered in cell
// order (6.4 s at 20 Hz). Avatars walk a few tens of metres in that time,
// so slot order stays close to spatial order.
const renumberEvery = 128

// renumbering holds the spare arrays renumber swaps with.
type renumbering struct {
	newOf []int32
	oldOf []int32
	nloc  int // local avatars: slots 0..nloc-1
	cell  []int32
	done  []bool
	tmp   []visEntry // one slot's region of the visible-set block
}

// renumber gives the live local avatars slots 0..L-1 in the order of the
// cell layout, the remote ones the next slots in the same order, and the
// free slots the numbers after them. Local first: only viewers have a
// visible set, so the block of sets (visBlock) needs regions for slots
// 0..L-1 only, and a node holding many other nodes' avatars around its
// viewers does not pay a region for each.
//
// Every per-tick pass (integrate, recompute, Updates) walks slots in order
// and reads the slots of each viewer's visible avatars. With slots in
// random order each of those reads is a cache miss; in cell order a
// viewer's visible avatars are mostly the previous viewer's too, so they
// are read from cache. The cost, O(avatars x Budget) once per
// renumberEvery ticks, is a fraction of one tick's Updates.
func (w *World) renumber() {
	c := &w.cells
	r := &w.ren
	n := len(w.av)
	r.newOf = resize(r.newOf, n)
	next := int32(0)
	for _, remote := range [2]bool{false, true} {
		for _, s := range c.lslot {
			if w.av[s].remote == remote {
				r.newOf[s] = next
				next++
			}
		}
		if !remote {
			r.nloc = int(next)
		}
	}
	for s := range n {
		if w.hot[s].gen == 0 {
			r.newOf[s] = next
			next++
		}
	}
	r.oldOf = resize(r.oldOf, n)
	for s, d := range r.newOf {
		r.oldOf[d] = int32(s)
	}
	w.permute()

	live := len(c.lslot)
	w.free = w.free[:0]
	for s := n - 1; s >= live; s-- { // lowest first out of the free list
		w.free = append(w.free, int32(s))
	}
	for s := range live {
		a := &w.av[s]
		w.byID[a.id] = int32(s)
		w.ids[s] = a.id
	}
	for j, s := range c.lslot {
		c.lslot[j] = r.newOf[s]
	}
	// cellOf is by slot: the next rebuild compares against it.
	r.cell = resize(r.cell, n)
	for d, s := range r.oldOf {
		r.cell[d] = c.cellOf[s]
	}
	c.cellOf, r.cell = r.cell, c.cellOf
	w.repackVis()
	clear(w.scr.stamp)
	w.scr.base = 1
}

// permute moves every slot's avatar, hot record and position to its new
// number in place, cycle by cycle (slot d takes what was in oldOf[d]): no
// second copy of the arrays is kept between renumbers (with 100,000
// avatars in a node's world, 240 + 20 + 16 bytes a slot, that spare was
// 2 KiB per connection of a node of the 100,000 run).
func (w *World) permute() {
	r := &w.ren
	n := len(w.av)
	r.done = resize(r.done, n)
	clear(r.done)
	for d0 := range n {
		if r.done[d0] || int(r.oldOf[d0]) == d0 {
			r.done[d0] = true
			continue
		}
		av, hot, pos := w.av[d0], w.hot[d0], w.pos[d0]
		d := d0
		for {
			r.done[d] = true
			s := int(r.oldOf[d])
			if s == d0 {
				w.av[d], w.hot[d], w.pos[d] = av, hot, pos
				break
			}
			w.av[d], w.hot[d], w.pos[d] = w.av[s], w.hot[s], w.pos[s]
			d = s
		}
	}
}

// visBlock is the one array that holds the visible sets, each slot's in
// its own region of per entries, in slot order: Updates, which walks the
// viewers in slot order, then reads the sets as one stream. A set that
// outgrows its region (churn in a crowd) moves to an array of its own
// (fit) until the next renumber brings it back; those arrays are kept in
// spare for the next sets that outgrow theirs. Slots numbered beyond the
// block (joins since the last renumber) have arrays of their own too.
type visBlock struct {
	blk   []visEntry
	slots int // regions in blk
	per   int // entries per region: 1.25 Budget rounded up to 64 bytes
	spare [][]visEntry
}

// region returns slot s's region, empty.
func (vb *visBlock) region(s int) []visEntry {
	return vb.blk[s*vb.per : s*vb.per : (s+1)*vb.per]
}

// inRegion reports whether vis lives in slot s's region.
func (vb *visBlock) inRegion(vis []visEntry, s int) bool {
	return s < vb.slots && cap(vis) == vb.per && &vis[:1][0] == &vb.blk[s*vb.per]
}

// repackVis is renumber's last step: the avatar now in slot d came from
// slot oldOf[d] and its set lives in that slot's region (or its own
// array); move every set to its new slot's region, renumbering the slots
// in its entries. The block is permuted in place, cycle by cycle, each set
// copied once; it is reallocated only when the slots outgrew it.
func (w *World) repackVis() {
	vb := &w.visb
	r := &w.ren
	n := len(w.av)
	if r.nloc > vb.slots {
		if vb.per == 0 {
			b := w.cfg.Budget
			vb.per = (b + b/4 + 3) &^ 3
		}
		old := *vb
		vb.slots = r.nloc + r.nloc/8
		vb.blk = make([]visEntry, vb.slots*vb.per)
		for d := range n {
			w.placeVis(d, w.av[d].vis, old.inRegion(w.av[d].vis, int(r.oldOf[d])))
		}
		return
	}
	r.done = resize(r.done, n)
	clear(r.done)
	r.tmp = resize(r.tmp, vb.per)
	for d0 := range n {
		if r.done[d0] {
			continue
		}
		// The cycle d0 <- oldOf[d0] <- oldOf[oldOf[d0]] ... <- d0: each
		// region is filled from the next one, whose set has not moved yet;
		// the last one from d0's former content, saved first.
		cyc := int(r.oldOf[d0]) != d0
		if last := w.av[r.newOf[d0]].vis; cyc && vb.inRegion(last, d0) {
			copy(r.tmp, last)
		}
		for d := d0; !r.done[d]; {
			r.done[d] = true
			s := int(r.oldOf[d])
			vis := w.av[d].vis
			in := vb.inRegion(vis, s)
			if in && cyc && s == d0 {
				vis = r.tmp[:len(vis)]
			}
			w.placeVis(d, vis, in)
			d = s
		}
	}
}

// placeVis gives slot d's avatar its set vis, held in its former region
// (in) or its own array, in d's region, with the entries' slots
// renumbered.
func (w *World) placeVis(d int, vis []visEntry, in bool) {
	vb := &w.visb
	newOf := w.ren.newOf
	a := &w.av[d]
	if a.remote || d >= vb.slots { // not a viewer (or a free slot beyond the regions): no set
		if !in && cap(vis) > vb.per {
			vb.spare = append(vb.spare, vis[:0])
		}
		a.vis = nil
		return
	}
	if len(vis) > vb.per { // stays in its own array
		for i := range vis {
			vis[i].slot = newOf[vis[i].slot]
		}
		a.vis = vis
		return
	}
	dst := vb.region(d)[:len(vis)]
	for i, e := range vis {
		e.slot = newOf[e.slot]
		dst[i] = e
	}
	if !in && cap(vis) > vb.per {
		vb.spare = append(vb.spare, vis[:0])
	}
	a.vis = dst
}
