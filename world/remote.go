package world

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/usine-extraordinaire/fairworld/protocol"
	"github.com/usine-extraordinaire/fairworld/world/nav"
)

// Remote avatars are the avatars of other nodes' connections, as the cell
// feed reports them. They live in slots and in the cell layout like local
// ones, so every interest rule (radius, budget, crowd, priority) treats
// them alike, but they are never viewers (no visible set, no Updates, no
// events), never move by intents, and enter, move and leave only through
// the calls below, which the feed's synchroniser makes. Local and remote
// ids share one space (ids are unique fair-wide); a local avatar always
// wins over a remote one with its id.

// JoinRemote adds a remote avatar at at (not snapped to walkable ground:
// its own node simulates it). It returns ErrDuplicate if the id is already
// in the world, local or remote.
func (w *World) JoinRemote(id ID, who Identity, at nav.Point) error {
	if id == 0 {
		return ErrBadID
	}
	if _, ok := w.byID[id]; ok {
		return fmt.Errorf("%w: %d", ErrDuplicate, id)
	}
	w.add(id, who, w.clampMap(at), true)
	return nil
}

// MoveRemote sets a remote avatar's position; it takes effect in the cells
// at the next Step. Unknown and local ids are ignored.
func (w *World) MoveRemote(id ID, at nav.Point) {
	s, ok := w.byID[id]
	if !ok || !w.av[s].remote {
		return
	}
	at = w.clampMap(at)
	if w.pos[s] == at {
		return // full records repeat positions: nothing changed
	}
	w.pos[s] = at
	h := &w.hot[s]
	h.x, h.y, h.q = float32(at.X), float32(at.Y), quant(at)
	w.moved(s)
}

// SetRemoteIdentity changes a remote avatar's identity. A new group only
// changes priorities; any other change (what clients were told in the
// Enter) makes the avatar leave its viewers and enter again. Unknown and
// local ids are ignored.
func (w *World) SetRemoteIdentity(id ID, who Identity) {
	s, ok := w.byID[id]
	if !ok || !w.av[s].remote {
		return
	}
	a := &w.av[s]
	if a.who == who {
		return
	}
	if same := (Identity{who.Name, who.Role, a.who.Group, who.Colour, who.Shape}); same == a.who {
		a.who.Group = who.Group // only the group changed
		w.hot[s].tag = makeTag(who.Role, who.Group)
		w.moved(s)
		return
	}
	at := w.pos[s]
	w.remove(s)
	w.add(id, who, at, true)
}

// LeaveRemote removes a remote avatar: its viewers get a Leave in their
// next Update. Unknown and local ids are ignored.
func (w *World) LeaveRemote(id ID) {
	if s, ok := w.byID[id]; ok && w.av[s].remote {
		w.remove(s)
	}
}

// IsRemote reports whether id is a remote avatar of the world.
func (w *World) IsRemote(id ID) bool {
	s, ok := w.byID[id]
	return ok && w.av[s].remote
}

// DiscoveredRemote delivers another node's HotspotDiscovered: remote
// avatar opener opened hotspotID there. The local avatars within
// ViewRadius of the hotspot that see the opener get the event. It returns
// false for an unknown hotspot or an opener that is not a remote avatar
// of this world.
func (w *World) DiscoveredRemote(opener ID, hotspotID string) bool {
	s, ok := w.byID[opener]
	hi, hok := w.hsIdx[hotspotID]
	if !ok || !hok || !w.av[s].remote {
		return false
	}
	h := &w.hs[hi]
	gen := hotRec{gen: w.hot[s].gen}
	var e protocol.Event = protocol.HotspotDiscovered{HotspotID: w.zone.Hotspots[hi].ID, AvatarID: opener, Pseudonym: w.av[s].who.Name}
	w.nearHotspot(h, func(v int32) {
		b := &w.av[v]
		if b.remote {
			return
		}
		i, found := slices.BinarySearchFunc(b.vis, opener, func(x visEntry, id ID) int { return cmp.Compare(x.id, id) })
		if found && b.vis[i].live(gen) && b.vis[i].gen&pendingBit == 0 {
			w.queue(v, e)
		}
	})
	return true
}

// SetRemoteViewers sets how many avatars of other nodes have the hotspot
// open; events then report the local count plus n. A change reaches the
// avatars near the hotspot at the next Step. It returns false for an
// unknown hotspot.
func (w *World) SetRemoteViewers(hotspotID string, n uint32) bool {
	hi, ok := w.hsIdx[hotspotID]
	if !ok {
		return false
	}
	if h := &w.hs[hi]; h.remote != n {
		h.remote = n
		h.dirty = true
	}
	return true
}

// nearHotspot calls fn with the slot of every avatar (local or remote)
// within ViewRadius of the hotspot, from the cell layout of the last Step.
func (w *World) nearHotspot(h *hotspotState, fn func(s int32)) {
	c := &w.cells
	R := w.cfg.ViewRadius
	r2 := float32(R * R)
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
					fn(c.lslot[i])
				}
			}
		}
	}
}

// clampMap keeps a point inside the map (a remote position comes from
// another process).
func (w *World) clampMap(p nav.Point) nav.Point {
	mw, mh := w.grid.Size()
	if !(p.X >= 0) {
		p.X = 0
	}
	if !(p.Y >= 0) {
		p.Y = 0
	}
	return nav.Point{X: min(p.X, mw), Y: min(p.Y, mh)}
}
