package server

import (
	"fmt"
	"math"
	"slices"

	"github.com/usine-extraordinaire/fairworld/protocol"
	"github.com/usine-extraordinaire/fairworld/server/progress"
	"github.com/usine-extraordinaire/fairworld/world/content"
	"github.com/usine-extraordinaire/fairworld/world/zone"
)

// readyRouteSteps is the length of a ready-made route.
const readyRouteSteps = 8

// routeBook knows the hotspots a route may take and the ready-made routes
// (docs/PROTOCOL.md §3, "Routes"). Immutable after newRouteBook: safe for
// concurrent use.
type routeBook struct {
	spots  map[string][2]uint16 // hotspot id -> quantised position
	ready  []protocol.ReadyRoute
	w, h   float64 // the zone's size
	byID   map[string]int
	hasCon map[string]bool // hotspots with a content
}

// newRouteBook builds the ready-made routes from the contents: for each
// challenge, readyRouteSteps of its hotspots with a content, taken by a
// nearest-neighbour walk from the centre of the spawn area (a walk the
// pupils can follow; the teacher's own routes are any order).
func newRouteBook(z *zone.Zone, set *content.Set) *routeBook {
	b := &routeBook{spots: map[string][2]uint16{}, w: z.Width, h: z.Height, byID: map[string]int{}, hasCon: map[string]bool{}}
	pos := map[string][2]float64{}
	for _, hs := range z.Hotspots {
		b.spots[hs.ID] = [2]uint16{protocol.Quantise(hs.X), protocol.Quantise(hs.Y)}
		pos[hs.ID] = [2]float64{hs.X, hs.Y}
	}
	byChallenge := map[string][]string{}
	for _, c := range set.Contents {
		if _, ok := pos[c.Hotspot]; ok {
			byChallenge[c.Challenge] = append(byChallenge[c.Challenge], c.Hotspot)
			b.hasCon[c.Hotspot] = true
		}
	}
	start := [2]float64{z.Spawn.X + z.Spawn.W/2, z.Spawn.Y + z.Spawn.H/2}
	for _, ch := range zone.Challenges() {
		left := slices.Clone(byChallenge[ch])
		slices.Sort(left)
		var route []string
		at := start
		for len(route) < readyRouteSteps && len(left) > 0 {
			best := 0
			for i, id := range left {
				if dist(pos[id], at) < dist(pos[left[best]], at) {
					best = i
				}
			}
			route = append(route, left[best])
			at = pos[left[best]]
			left = slices.Delete(left, best, best+1)
		}
		if len(route) == 0 {
			continue
		}
		b.byID[ch] = len(b.ready)
		b.ready = append(b.ready, protocol.ReadyRoute{ID: ch, Title: "Parcours " + progress.ChallengeLabel(ch), Hotspots: route})
	}
	return b
}

func dist(a, b [2]float64) float64 { return math.Hypot(a[0]-b[0], a[1]-b[1]) }

// spot is a hotspot's quantised position (0, 0 for an unknown one).
func (b *routeBook) spot(id string) (uint16, uint16) {
	p := b.spots[id]
	return p[0], p[1]
}

// resolve checks a CLASS_ROUTE: the route's id and steps, or a refusal.
func (b *routeBook) resolve(route string, hotspots []string) (string, []string, protocol.ErrorCode, string) {
	switch {
	case route != "" && len(hotspots) > 0:
		return "", nil, protocol.ErrBadClass, "a route id or hotspots, not both"
	case route != "":
		i, ok := b.byID[route]
		if !ok {
			return "", nil, protocol.ErrBadClass, fmt.Sprintf("no ready-made route %q", route)
		}
		return route, slices.Clone(b.ready[i].Hotspots), 0, ""
	case len(hotspots) > protocol.MaxRouteSteps:
		return "", nil, protocol.ErrBadClass, "too many steps"
	}
	seen := map[string]bool{}
	for _, id := range hotspots {
		if _, ok := b.spots[id]; !ok {
			return "", nil, protocol.ErrUnknownHotspot, fmt.Sprintf("no hotspot %q", id)
		}
		if seen[id] {
			return "", nil, protocol.ErrBadClass, fmt.Sprintf("hotspot %q twice", id)
		}
		seen[id] = true
	}
	return "", slices.Clone(hotspots), 0, ""
}

// clamp keeps a target inside the zone (a GOTO's bounds).
func (b *routeBook) clamp(x, y float64) (float64, float64) {
	return min(max(x, 0), b.w), min(max(y, 0), b.h)
}
