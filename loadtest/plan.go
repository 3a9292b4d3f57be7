package loadtest

import (
	"fmt"
	"math"

	"github.com/usine-extraordinaire/fairworld/world/zone"
)

// Plan places bots for a target density: groups of Density+1 bots, each
// group walking inside its own square box of side Side, small enough that
// nearly every pair in it is within the view radius (for 40 m: 30 m, whose
// diagonal is 42 m). Boxes are Pitch apart; when Pitch leaves a view radius
// between boxes (Isolated), each bot sees about Density others. When the
// zone cannot hold that many isolated boxes, boxes come closer, and past
// that several groups share a box: Expected says what each bot should then
// see. A Plan is immutable.
type Plan struct {
	GroupSize int         // bots per group: Density+1
	Side      float64     // metres
	Pitch     float64     // metres between neighbouring boxes' origins
	Boxes     []zone.Rect // one per group; groups beyond len(Boxes) reuse them in turn
	Groups    int         // number of groups: ceil(n/GroupSize)
	Isolated  bool        // boxes are more than a view radius apart
	Expected  float64     // mean number of other bots within the view radius, estimated
}

// minWalkable is the share of a box that must be walkable for bots to use it.
const minWalkable = 0.6

// NewPlan plans n bots at the given density (others seen per bot) for a
// server whose view radius is viewRadius metres.
func NewPlan(z *zone.Zone, n, density int, viewRadius float64) (*Plan, error) {
	if n <= 0 || density <= 0 || viewRadius <= 0 {
		return nil, fmt.Errorf("loadtest: plan needs bots, a density and a view radius (got %d, %d, %g)", n, density, viewRadius)
	}
	p := &Plan{GroupSize: density + 1, Side: min(30, 0.75*viewRadius)}
	p.Groups = (n + p.GroupSize - 1) / p.GroupSize
	isolated := p.Side + viewRadius + 2
	var cands []zone.Rect
	for pitch := isolated; ; pitch = max(p.Side, pitch*0.9) {
		cands = boxGrid(z, p.Side, pitch)
		p.Pitch = pitch
		if len(cands) >= p.Groups || pitch == p.Side {
			break
		}
	}
	if len(cands) == 0 {
		return nil, fmt.Errorf("loadtest: zone %q has no %gx%g m box that is %.0f%% walkable", z.ID, p.Side, p.Side, minWalkable*100)
	}
	p.Isolated = p.Pitch >= isolated
	// Spread the groups over the candidates evenly rather than filling one corner.
	k := min(p.Groups, len(cands))
	p.Boxes = make([]zone.Rect, k)
	for g := range k {
		p.Boxes[g] = cands[g*len(cands)/k]
	}
	p.Expected = p.expected(n, viewRadius)
	return p, nil
}

// boxGrid lists the boxes of side at the given pitch that are walkable enough.
func boxGrid(z *zone.Zone, side, pitch float64) []zone.Rect {
	var out []zone.Rect
	// Centre the grid of boxes in the zone.
	nx, ny := int((z.Width-side)/pitch)+1, int((z.Height-side)/pitch)+1
	if z.Width < side || z.Height < side {
		return nil
	}
	x0 := (z.Width - (float64(nx-1)*pitch + side)) / 2
	y0 := (z.Height - (float64(ny-1)*pitch + side)) / 2
	for j := range ny {
		for i := range nx {
			b := zone.Rect{X: x0 + float64(i)*pitch, Y: y0 + float64(j)*pitch, W: side, H: side}
			if walkableShare(z, b) >= minWalkable {
				out = append(out, b)
			}
		}
	}
	return out
}

// Box returns the box of bot i.
func (p *Plan) Box(i int) zone.Rect {
	return p.Boxes[(i/p.GroupSize)%len(p.Boxes)]
}

// expected estimates how many others a bot sees: the bots of its own box
// and of the boxes whose centres are within the view radius of its centre.
func (p *Plan) expected(n int, viewRadius float64) float64 {
	per := make([]int, len(p.Boxes))
	for i := range n {
		per[(i/p.GroupSize)%len(p.Boxes)]++
	}
	var sum float64
	for a, ba := range p.Boxes {
		seen := 0
		for b, bb := range p.Boxes {
			if math.Hypot(ba.X-bb.X, ba.Y-bb.Y) <= viewRadius {
				seen += per[b]
			}
		}
		sum += float64(per[a] * (seen - 1))
	}
	return sum / float64(n)
}

func (p *Plan) String() string {
	s := fmt.Sprintf("%d groups of %d in %d boxes of %gx%g m, %g m apart, about %.0f others in view each",
		p.Groups, p.GroupSize, len(p.Boxes), p.Side, p.Side, math.Round(p.Pitch), p.Expected)
	if !p.Isolated {
		s += " (the zone is too small to keep groups apart: density is higher than asked)"
	}
	return s
}
