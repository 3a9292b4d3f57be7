package loadtest

import (
	"math"
	"time"

	"github.com/usine-extraordinaire/fairworld/client"
	"github.com/usine-extraordinaire/fairworld/world/zone"
)

// kind is what a bot does. Bots are numbered in the order of Config's
// fields: walkers (N), echo bots, pairs (two each), standing visitors,
// group members, the agora's crowd, idle tabs, probes.
type kind uint8

const (
	kindWalker kind = iota
	kindEcho
	kindPair
	kindStand
	kindGroup
	kindAgora
	kindIdle
	kindProbe
	nKinds
)

var kindNames = [nKinds]string{"walk", "echo", "pair", "stand", "group", "agora", "idle", "probe"}

func (k kind) String() string { return kindNames[k] }

// counts is the number of bots of each kind (a pair counts two).
func (c *Config) counts() [nKinds]int {
	return [nKinds]int{c.N, c.Echo, 2 * c.Pairs, c.Stand, c.Group, c.Agora, c.IdleTabs, c.Probes}
}

// kindOf returns the kind of bot i and its index among the bots of that kind.
func (c *Config) kindOf(i int) (kind, int) {
	for k, n := range c.counts() {
		if i < n {
			return kind(k), i
		}
		i -= n
	}
	return kindIdle, i // past the end: never asked
}

// Timing of the standing behaviours: people at a booth or in the agora's
// audience stay for minutes, and now and then open a content or shuffle.
const (
	standMin, standMax = 10 * time.Second, 40 * time.Second // between two looks at the hotspots
	agoraMin, agoraMax = 20 * time.Second, 60 * time.Second
	followMin          = time.Second // a group member checks where its leader is
	followMax          = 2 * time.Second
	followNear         = 4.0 // metres: a member closer than this to its spot stays
)

// actStand: go to a hotspot or a booth once, then stand there, opening the
// contents in reach now and then and, rarely, going to another one.
func (b *bot) actStand(now time.Time) time.Duration {
	if b.z == nil {
		return b.uniform(standMin, standMax)
	}
	if !b.placed || b.rng.Float64() < 0.05 {
		b.c.Goto(b.destination())
		b.placed = true
		return b.uniform(standMin, standMax)
	}
	b.hotspots(now)
	return b.uniform(standMin, standMax)
}

// actAgora: go to a point of the agora once, then stand; rarely shuffle a
// few metres.
func (b *bot) actAgora() time.Duration {
	if b.z == nil || b.agora == nil {
		return b.uniform(agoraMin, agoraMax)
	}
	if !b.placed {
		b.c.Goto(walkableIn(b.z, *b.agora, b.rng))
		b.placed = true
		return b.uniform(agoraMin, agoraMax)
	}
	if b.rng.Float64() < 0.1 {
		x, y := b.c.Self()
		a := b.rng.Float64() * 2 * math.Pi
		r := *b.agora
		b.c.Goto(clamp(x+3*math.Cos(a), r.X, r.X+r.W), clamp(y+3*math.Sin(a), r.Y, r.Y+r.H))
	}
	return b.uniform(agoraMin, agoraMax)
}

// actFollow: a group member walks to a spot a few metres from its leader
// whenever it is farther than followNear from it (a class behind its
// teacher). The leader itself walks as a roaming walker.
func (b *bot) actFollow() time.Duration {
	l := b.leader()
	if l == nil {
		return b.uniform(followMin, followMax)
	}
	select {
	case <-l.Done():
		return b.uniform(followMin, followMax)
	default:
	}
	lx, ly := l.Self()
	tx, ty := lx+b.offX, ly+b.offY
	if b.z != nil {
		tx, ty = clamp(tx, 0, b.z.Width), clamp(ty, 0, b.z.Height)
	}
	x, y := b.c.Self()
	if math.Hypot(tx-x, ty-y) > followNear {
		b.c.Goto(tx, ty)
	}
	return b.uniform(followMin, followMax)
}

// agoraRect finds the agora in the zone: the area of kind "agora"; a zone
// without one gets its largest area other than the spawn (ok false says
// so); nil when the zone has no area at all.
func agoraRect(z *zone.Zone) (r *zone.Rect, ok bool) {
	if z == nil {
		return nil, false
	}
	var best *zone.Rect
	for i := range z.Areas {
		a := &z.Areas[i]
		if a.Kind == "agora" {
			return &a.Rect, true
		}
		if a.Kind != zone.AreaSpawn && (best == nil || a.Rect.W*a.Rect.H > best.W*best.H) {
			best = &a.Rect
		}
	}
	return best, false
}

// leaderOf returns the function a group member calls to find its leader's
// client (nil until the leader is connected).
func (r *runner) leaderOf(group int) func() *client.Client {
	return func() *client.Client {
		r.mu.Lock()
		defer r.mu.Unlock()
		return r.leaders[group]
	}
}
