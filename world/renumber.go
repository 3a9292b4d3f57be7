package world

import "github.com/usine-extraordinaire/fairworld/world/nav"

// renumberEvery is how many ticks apart the slots are renumbered in cell
// order (6.4 s at 20 Hz). Avatars walk a few tens of metres in that time,
// so slot order stays close to spatial order.
const renumberEvery = 128

// renumbering holds the spare arrays renumber swaps with.
type renumbering struct {
	newOf []int32
	av    []avatar
	hot   []hotRec
	pos   []nav.Point
}

// renumber gives the live avatars slots 0..n-1 in the order of the cell
// layout just rebuilt, and the free slots the numbers after them.
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
	for i, s := range c.lslot {
		r.newOf[s] = int32(i)
	}
	next := int32(len(c.lslot))
	for s := range n {
		if w.hot[s].gen == 0 {
			r.newOf[s] = next
			next++
		}
	}
	r.av, r.hot, r.pos = resize(r.av, n), resize(r.hot, n), resize(r.pos, n)
	for s, d := range r.newOf {
		r.av[d], r.hot[d], r.pos[d] = w.av[s], w.hot[s], w.pos[s]
	}
	// Swap: the old arrays become the spares (their avatars' slices are
	// shared with the new ones until the next renumber overwrites them).
	w.av, r.av = r.av, w.av
	w.hot, r.hot = r.hot, w.hot
	w.pos, r.pos = r.pos, w.pos

	live := len(c.lslot)
	w.free = w.free[:0]
	for s := n - 1; s >= live; s-- { // lowest first out of the free list
		w.free = append(w.free, int32(s))
	}
	for s := range live {
		a := &w.av[s]
		w.byID[a.id] = int32(s)
		w.ids[s] = a.id
		for i := range a.vis {
			a.vis[i].slot = r.newOf[a.vis[i].slot]
		}
		c.lslot[s] = int32(s)
	}
	clear(w.scr.stamp)
	w.scr.base = 1
}
