package world

import (
	"cmp"
	"math"
	"slices"

	"github.com/usine-extraordinaire/fairworld/world/nav"
)

// The feed channels: the zone is cut into squares of ChannelCells x
// ChannelCells cells, numbered row by row. Once per tick, after Step, the
// node's synchroniser takes from Export what its own (local) avatars did
// in each channel and publishes it; other nodes subscribe to the channels
// their viewers' areas of interest touch (Interest) and replay what they
// receive as remote avatars (remote.go). Hotspot events go to the channel
// of the hotspot.

// ChannelExport is what one feed channel holds of the local avatars after a
// Step. The World owns it and reuses it, and the slices in it, after the
// callback returns.
type ChannelExport struct {
	Channel int
	// Avatars are every local avatar in the channel, in cell order.
	Avatars []ExportAvatar
	// Gone are the local avatars that were in the channel at the previous
	// Export and are not now: they walked to another channel or left.
	Gone []ID
	// Discovered are the hotspots of the channel that a local avatar opened
	// since the previous Export.
	Discovered []Discovery
	// Hotspots are the hotspots of the channel that local avatars have
	// open, and those whose local count changed (to 0 too).
	Hotspots []HotspotCount
}

// ExportAvatar is one local avatar of a channel.
type ExportAvatar struct {
	ID   ID
	X, Y uint16 // quantised position (protocol.Quantise)
	Who  Identity
	// New: the avatar was not in this channel at the previous Export (it
	// joined or walked in). Moved: its quantised position changed since.
	// Ident: its identity changed since (SetGroup).
	New, Moved, Ident bool
}

// Discovery is a local avatar's opening of a hotspot.
type Discovery struct {
	Avatar  ID
	Hotspot string
}

// HotspotCount is a hotspot's local viewer count.
type HotspotCount struct {
	Hotspot string
	Viewers uint32
	Changed bool // since the previous Export
}

// exporter is the World's part for Export and Interest.
type exporter struct {
	k          int // cells per channel side
	cols, rows int // channels
	cellCh     []int32
	hsCh       []int32 // per hotspot: its channel
	hsByCh     []int32 // hotspot indexes by channel
	hsStart    []int32 // channel i's hotspots are hsByCh[hsStart[i]:hsStart[i+1]]

	gone []goneRec // local avatars that left (remove) since the last Export
	disc []discRec // hotspots opened since the last Export
	out  ChannelExport
}

type goneRec struct {
	id ID
	ch int32
}

type discRec struct {
	hotspot int32
	avatar  ID
}

func (ex *exporter) init(w *World) {
	c := &w.cells
	ex.k = w.cfg.ChannelCells
	ex.cols = (c.cols + ex.k - 1) / ex.k
	ex.rows = (c.rows + ex.k - 1) / ex.k
	ex.cellCh = make([]int32, c.ncells())
	for cy := range c.rows {
		for cx := range c.cols {
			ex.cellCh[cy*c.cols+cx] = int32((cy/ex.k)*ex.cols + cx/ex.k)
		}
	}
	ex.hsCh = make([]int32, len(w.hs))
	ex.hsStart = make([]int32, ex.cols*ex.rows+1)
	for i, h := range w.hs {
		ex.hsCh[i] = int32(w.channelOf(h.x, h.y))
		ex.hsStart[ex.hsCh[i]+1]++
	}
	for i := 1; i < len(ex.hsStart); i++ {
		ex.hsStart[i] += ex.hsStart[i-1]
	}
	ex.hsByCh = make([]int32, len(w.hs))
	next := slices.Clone(ex.hsStart)
	for i := range w.hs {
		ch := ex.hsCh[i]
		ex.hsByCh[next[ch]] = int32(i)
		next[ch]++
	}
}

// Channels returns the number of feed channels; they are numbered from 0.
func (w *World) Channels() int { return w.ex.cols * w.ex.rows }

// ChannelOf returns the feed channel of a point (clamped to the map).
func (w *World) ChannelOf(p nav.Point) int { return w.channelOf(p.X, p.Y) }

func (w *World) channelOf(x, y float64) int {
	c := &w.cells
	gx, gy := c.fine(x, y)
	return int(w.ex.cellCh[(gy>>c.fb)*c.cols+gx>>c.fb])
}

// Export calls fn once for each feed channel that has something to publish
// after this Step: local avatars in it, local avatars gone from it,
// hotspot discoveries or local hotspot counts. Call it once after each
// Step (before any Join or Leave: avatars that joined after the Step are
// exported at the next one). Remote avatars are never exported. It does
// not allocate in steady state; fn must not keep ex or call World
// methods other than the read-only ones.
func (w *World) Export(fn func(ex *ChannelExport)) {
	c := &w.cells
	ex := &w.ex
	// Departures to another channel, found from the layout (the same list
	// the per-channel pass reads, so the two agree). The layout is read
	// cell by cell: cellOf is by slot number, which renumber changes.
	for ci := range c.ncells() {
		ch := ex.cellCh[ci]
		for j := c.cstart[ci]; j < c.cstart[ci+1]; j++ {
			s := c.lslot[j]
			a := &w.av[s]
			if a.remote || w.hot[s].gen != c.lgen[j] {
				continue // remote, or left since the Step (remove recorded it)
			}
			if a.expCh >= 0 && a.expCh != ch {
				ex.gone = append(ex.gone, goneRec{id: a.id, ch: a.expCh})
			}
		}
	}
	slices.SortFunc(ex.gone, func(x, y goneRec) int { return cmp.Or(cmp.Compare(x.ch, y.ch), cmp.Compare(x.id, y.id)) })
	slices.SortStableFunc(ex.disc, func(x, y discRec) int { return cmp.Compare(ex.hsCh[x.hotspot], ex.hsCh[y.hotspot]) })

	gi, di := 0, 0
	out := &ex.out
	for chy := range ex.rows {
		for chx := range ex.cols {
			ch := int32(chy*ex.cols + chx)
			out.Channel = int(ch)
			out.Avatars, out.Gone = out.Avatars[:0], out.Gone[:0]
			out.Discovered, out.Hotspots = out.Discovered[:0], out.Hotspots[:0]
			cx0, cx1 := chx*ex.k, min((chx+1)*ex.k, c.cols)-1
			for cy := chy * ex.k; cy < min((chy+1)*ex.k, c.rows); cy++ {
				row := cy * c.cols
				for j := c.cstart[row+cx0]; j < c.cstart[row+cx1+1]; j++ {
					s := c.lslot[j]
					a := &w.av[s]
					h := w.hot[s]
					if a.remote || h.gen != c.lgen[j] {
						continue
					}
					out.Avatars = append(out.Avatars, ExportAvatar{
						ID: a.id, X: uint16(h.q >> 16), Y: uint16(h.q), Who: a.who,
						New: a.expCh != ch, Moved: a.expCh == ch && a.expQ != h.q, Ident: a.expIdent,
					})
					a.expCh, a.expQ, a.expIdent = ch, h.q, false
				}
			}
			for ; gi < len(ex.gone) && ex.gone[gi].ch == ch; gi++ {
				out.Gone = append(out.Gone, ex.gone[gi].id)
			}
			for ; di < len(ex.disc) && ex.hsCh[ex.disc[di].hotspot] == ch; di++ {
				d := ex.disc[di]
				out.Discovered = append(out.Discovered, Discovery{Avatar: d.avatar, Hotspot: w.zone.Hotspots[d.hotspot].ID})
			}
			for _, hi := range ex.hsByCh[ex.hsStart[ch]:ex.hsStart[ch+1]] {
				h := &w.hs[hi]
				if h.viewers > 0 || h.exp {
					out.Hotspots = append(out.Hotspots, HotspotCount{Hotspot: w.zone.Hotspots[hi].ID, Viewers: h.viewers, Changed: h.exp})
					h.exp = false
				}
			}
			if len(out.Avatars)+len(out.Gone)+len(out.Discovered)+len(out.Hotspots) > 0 {
				fn(out)
			}
		}
	}
	ex.gone, ex.disc = ex.gone[:0], ex.disc[:0]
}

// Interest returns, as a bitset over channels (bit ch%64 of word ch/64),
// the feed channels within ViewRadius+margin of a cell holding a local
// avatar after the last Step: what the node must subscribe to for its
// viewers to see the remote avatars around them. bits is reused when large
// enough. O(cells + avatars).
func (w *World) Interest(margin float64, bits []uint64) []uint64 {
	c := &w.cells
	ex := &w.ex
	n := (w.Channels() + 63) / 64
	bits = resize(bits, n)
	clear(bits)
	reach := w.cfg.ViewRadius + max(margin, 0)
	chs := float64(ex.k) * c.cs // channel side, m
	for ci := range int32(c.ncells()) {
		local := false
		for j := c.cstart[ci]; j < c.cstart[ci+1] && !local; j++ {
			s := c.lslot[j]
			local = !w.av[s].remote && w.hot[s].gen == c.lgen[j]
		}
		if !local {
			continue
		}
		// The cell's rectangle, grown by reach, against each channel's.
		cx, cy := float64(int(ci)%c.cols)*c.cs, float64(int(ci)/c.cols)*c.cs
		x0, y0 := max(0, int(math.Floor((cx-reach)/chs))), max(0, int(math.Floor((cy-reach)/chs)))
		x1, y1 := min(ex.cols-1, int((cx+c.cs+reach)/chs)), min(ex.rows-1, int((cy+c.cs+reach)/chs))
		for chy := y0; chy <= y1; chy++ {
			dy := gap(cy, cy+c.cs, float64(chy)*chs, float64(chy+1)*chs)
			for chx := x0; chx <= x1; chx++ {
				dx := gap(cx, cx+c.cs, float64(chx)*chs, float64(chx+1)*chs)
				if dx*dx+dy*dy <= reach*reach {
					ch := chy*ex.cols + chx
					bits[ch/64] |= 1 << (ch % 64)
				}
			}
		}
	}
	return bits
}

// gap is the distance between intervals [a0, a1] and [b0, b1] (0 when they
// overlap).
func gap(a0, a1, b0, b1 float64) float64 {
	switch {
	case a1 < b0:
		return b0 - a1
	case b1 < a0:
		return a0 - b1
	}
	return 0
}

// RemoteViewed counts the remote avatars and, among them, those in at
// least one local viewer's visible set: what the feed brought that someone
// looks at. O(visible pairs); meant for a metric read once in a while.
func (w *World) RemoteViewed() (remote, viewed int) {
	mark := w.scr.next()
	for s := range w.av {
		if w.hot[s].gen == 0 || w.av[s].remote {
			continue
		}
		for _, e := range w.av[s].vis {
			if w.av[e.slot].remote && e.live(w.hot[e.slot]) && w.scr.stamp[e.slot].mark != mark {
				w.scr.stamp[e.slot] = stampRec{mark: mark}
				viewed++
			}
		}
	}
	return w.nremote, viewed
}
