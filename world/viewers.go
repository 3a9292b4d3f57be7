package world

import (
	"cmp"
	"slices"
)

// Viewers calls fn with every local avatar that has avatar id, local or
// remote, in its visible set (its client was sent id's Enter): the ones a
// notice about id is for ("Léa a gagné un badge"). They stand within
// ViewRadius of id, found from the cell layout of the last Step, so the
// cost is that of the cells around id. fn must not call World methods
// that change it. Unknown ids call nothing.
func (w *World) Viewers(id ID, fn func(viewer ID)) {
	s, ok := w.byID[id]
	if !ok {
		return
	}
	gen := hotRec{gen: w.hot[s].gen}
	p := w.pos[s]
	around := hotspotState{x: p.X, y: p.Y}
	w.nearHotspot(&around, func(v int32) {
		b := &w.av[v]
		if b.remote || v == s {
			return
		}
		i, found := slices.BinarySearchFunc(b.vis, id, func(x visEntry, id ID) int { return cmp.Compare(x.id, id) })
		if found && b.vis[i].live(gen) && b.vis[i].gen&pendingBit == 0 {
			fn(b.id)
		}
	})
}
