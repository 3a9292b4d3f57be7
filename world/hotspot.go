package world

import (
	"cmp"
	"slices"

	"github.com/usine-extraordinaire/fairworld/protocol"
	"github.com/usine-extraordinaire/fairworld/world/nav"
)

// hotspotState is the live state of one zone hotspot.
type hotspotState struct {
	x, y    float64
	rng     float64 // metres; zone.DefaultRange when the zone says none
	viewers uint32  // local avatars that have it open
	remote  uint32  // avatars of other nodes that have it open (SetRemoteViewers)
	dirty   bool    // viewers or remote changed since the last flush
	exp     bool    // viewers changed since the last Export
}

// total is the fair-wide viewer count that events report.
func (h *hotspotState) total() uint32 { return h.viewers + h.remote }

// OpenHotspot opens a hotspot for avatar id if it stands within the
// hotspot's range. On success (0) it queues, for the avatars that see id and
// stand within ViewRadius of the hotspot, a HotspotDiscovered event; the new
// viewer count reaches everyone within ViewRadius of the hotspot as one
// HotspotViewers event at the next Step. The content itself is not the
// world's: the caller sends it (the server, from the contents file).
// Otherwise it returns ErrUnknownHotspot or ErrOutOfRange (ErrNotReady for
// an unknown avatar) and queues nothing: the caller reports the code, e.g.
// with Error(id, code, req, "").
//
// Opening an already open hotspot changes no count. An avatar keeps at most
// 8 hotspots open; one more closes the oldest. The world closes a hotspot
// whose avatar walks farther than twice its range (HotspotOpen tells).
func (w *World) OpenHotspot(id ID, hotspotID string) protocol.ErrorCode {
	s, ok := w.byID[id]
	if !ok {
		return protocol.ErrNotReady
	}
	hi, ok := w.hsIdx[hotspotID]
	if !ok {
		return protocol.ErrUnknownHotspot
	}
	h := &w.hs[hi]
	p := w.pos[s]
	if dist2(p, h.x, h.y) > h.rng*h.rng {
		return protocol.ErrOutOfRange
	}
	a := &w.av[s]
	if !slices.Contains(a.open, hi) {
		if len(a.open) >= maxOpen {
			w.hotspotClosed(a.open[0])
			a.open = slices.Delete(a.open, 0, 1)
		}
		a.open = append(a.open, hi)
		h.viewers++
		h.dirty, h.exp = true, true
		w.discovered(s, hi)
		w.ex.disc = append(w.ex.disc, discRec{hotspot: hi, avatar: a.id})
	}
	return 0
}

// HotspotOpen reports whether local avatar id has the hotspot open: it
// opened it and has not closed it, walked farther than twice its range,
// opened eight others since, or left.
func (w *World) HotspotOpen(id ID, hotspotID string) bool {
	s, ok := w.byID[id]
	hi, hok := w.hsIdx[hotspotID]
	return ok && hok && !w.av[s].remote && slices.Contains(w.av[s].open, hi)
}

// CloseHotspot closes a hotspot id has open. It returns ErrUnknownHotspot
// for an id the zone does not have, 0 otherwise (closing a hotspot that is
// not open is not an error).
func (w *World) CloseHotspot(id ID, hotspotID string) protocol.ErrorCode {
	hi, ok := w.hsIdx[hotspotID]
	if !ok {
		return protocol.ErrUnknownHotspot
	}
	s, ok := w.byID[id]
	if !ok {
		return 0
	}
	a := &w.av[s]
	if i := slices.Index(a.open, hi); i >= 0 {
		a.open = slices.Delete(a.open, i, i+1)
		w.hotspotClosed(hi)
	}
	return 0
}

// HotspotViewers returns how many avatars have the hotspot open, in the
// whole fair: the local ones plus the count SetRemoteViewers gave.
func (w *World) HotspotViewers(hotspotID string) (uint32, bool) {
	hi, ok := w.hsIdx[hotspotID]
	if !ok {
		return 0, false
	}
	return w.hs[hi].total(), true
}

func (w *World) hotspotClosed(hi int32) {
	h := &w.hs[hi]
	if h.viewers > 0 {
		h.viewers--
	}
	h.dirty, h.exp = true, true
}

// checkOpen closes the hotspots of slot s that it walked more than twice
// their range away from.
func (w *World) checkOpen(s int32, p nav.Point) {
	a := &w.av[s]
	k := 0
	for _, hi := range a.open {
		h := &w.hs[hi]
		if dist2(p, h.x, h.y) > 4*h.rng*h.rng {
			w.hotspotClosed(hi)
			continue
		}
		a.open[k] = hi
		k++
	}
	a.open = a.open[:k]
}

// discovered queues a HotspotDiscovered about local opener s for the local
// avatars it sees that also see it and stand within ViewRadius of the
// hotspot (other nodes' viewers get it through the feed: Export). Going
// through the opener's own visible set keeps the fan-out within Budget even
// in the agora.
func (w *World) discovered(s int32, hi int32) {
	a := &w.av[s]
	h := &w.hs[hi]
	r2 := w.cfg.ViewRadius * w.cfg.ViewRadius
	gen := w.hot[s].gen
	var ev protocol.Event // boxed once, shared by the viewers
	for _, e := range a.vis {
		if !e.live(w.hot[e.slot]) || dist2(w.pos[e.slot], h.x, h.y) > r2 {
			continue
		}
		b := &w.av[e.slot]
		i, found := slices.BinarySearchFunc(b.vis, a.id, func(x visEntry, id ID) int { return cmp.Compare(x.id, id) })
		if !found || !b.vis[i].live(hotRec{gen: gen}) {
			continue
		}
		if ev == nil {
			ev = protocol.HotspotDiscovered{HotspotID: w.zone.Hotspots[hi].ID, AvatarID: a.id, Pseudonym: a.who.Name}
		}
		w.queue(e.slot, ev)
	}
}

// flushHotspots queues one HotspotViewers event per hotspot whose count
// changed since the last Step, for every avatar within ViewRadius of it.
func (w *World) flushHotspots() {
	c := &w.cells
	R := w.cfg.ViewRadius
	r2 := float32(R * R)
	for hi := range w.hs {
		h := &w.hs[hi]
		if !h.dirty {
			continue
		}
		h.dirty = false
		var e protocol.Event = protocol.HotspotViewers{HotspotID: w.zone.Hotspots[hi].ID, Viewers: h.total()} // boxed once, shared
		hx, hy := float32(h.x), float32(h.y)
		x0, y0, x1, y1 := c.cellRange(h.x, h.y, R)
		for cy := y0; cy <= y1; cy++ {
			for cx := x0; cx <= x1; cx++ {
				if near, _ := c.rectDist2(hx, hy, cx, cy); near > r2 {
					continue
				}
				ci := cy*c.cols + cx
				for i := c.cstart[ci]; i < c.cstart[ci+1]; i++ {
					dx, dy := c.lx[i]-hx, c.ly[i]-hy
					if dx*dx+dy*dy <= r2 {
						w.queue(c.lslot[i], e)
					}
				}
			}
		}
	}
}

func dist2(p nav.Point, x, y float64) float64 {
	dx, dy := p.X-x, p.Y-y
	return dx*dx + dy*dy
}
