package loadtest

import (
	"context"
	"math"
	"math/rand/v2"
	"sync/atomic"
	"time"

	"github.com/usine-extraordinaire/fairworld/client"
	"github.com/usine-extraordinaire/fairworld/protocol"
	"github.com/usine-extraordinaire/fairworld/world/zone"
)

// bot is one simulated visitor. Its fields are owned by its goroutine.
type bot struct {
	c    *client.Client
	rng  *rand.Rand
	z    *zone.Zone // nil when the zone could not be fetched: MOVE only
	box  *zone.Rect // the density box, or nil to roam
	kind kind

	agora      *zone.Rect            // kindAgora: where to stand
	leader     func() *client.Client // kindGroup members: their leader (nil for the leader itself)
	offX, offY float64               // kindGroup members: their spot beside the leader
	placed     bool                  // kindStand, kindAgora: the first GOTO was sent

	open      string    // the hotspot this bot has open, if any
	openUntil time.Time // when to close it

	chatEvery time.Duration  // Config.ChatEvery; zero: never chats
	chatSaid  *atomic.Uint64 // the collector's count of phrases said
}

// Timing of the behaviour, chosen to look like visitors: an intent every few
// seconds (the server's limit is 40 messages per second).
const (
	legMin, legMax   = 2 * time.Second, 6 * time.Second
	echoEvery        = 250 * time.Millisecond
	openMin, openMax = 5 * time.Second, 15 * time.Second
)

// run drives the bot until ctx ends or the connection does.
func (b *bot) run(ctx context.Context) {
	t := time.NewTimer(b.uniform(0, legMax)) // desynchronise the bots
	defer t.Stop()
	var chat <-chan time.Time // nil (never ready) when the bot does not chat
	ct := time.NewTimer(time.Hour)
	defer ct.Stop()
	if b.chatEvery > 0 {
		ct.Reset(b.uniform(0, b.chatEvery))
		chat = ct.C
	}
	for {
		select {
		case <-ctx.Done():
			return
		case <-b.c.Done():
			return
		case now := <-t.C:
			t.Reset(b.act(now))
		case <-chat:
			b.say()
			ct.Reset(b.uniform(b.chatEvery/2, b.chatEvery*3/2))
		}
	}
}

// say says one of the quick phrases nearby, at random.
func (b *bot) say() {
	if _, err := b.c.Quick(protocol.ChannelNearby, uint8(1+b.rng.IntN(protocol.QuickPhrasesCount))); err == nil && b.chatSaid != nil {
		b.chatSaid.Add(1)
	}
}

// act sends what the bot decides now and returns when to decide again.
// Send errors end nothing here: the connection's end is seen on Done.
func (b *bot) act(now time.Time) time.Duration {
	switch {
	case b.kind == kindEcho:
		return b.actEcho()
	case b.kind == kindStand:
		return b.actStand(now)
	case b.kind == kindAgora:
		return b.actAgora()
	case b.kind == kindGroup && b.leader != nil:
		return b.actFollow()
	}
	b.hotspots(now)
	x, y := b.c.Self()
	r := b.rng.Float64()
	switch {
	case b.box != nil && !inside(*b.box, x, y, 2):
		b.c.Goto(walkableIn(b.z, *b.box, b.rng)) // (back) into the box
	case b.box != nil && r < 0.55:
		b.c.Goto(walkableIn(b.z, *b.box, b.rng))
	case b.box == nil && b.z != nil && r < 0.5:
		b.c.Goto(b.destination())
	case r < 0.9:
		dx, dy := b.direction()
		b.c.Move(dx, dy)
		if b.box != nil {
			return b.uniform(time.Second, 3*time.Second) // short: stay in the box
		}
	default:
		b.c.Move(0, 0) // stand and look around
	}
	return b.uniform(legMin, legMax)
}

// actEcho changes direction at a steady pace. It never stops: a walking
// avatar changes every tick, so the ack comes with the very next UPDATE
// even from a server that sends nothing when only the ack changed.
func (b *bot) actEcho() time.Duration {
	b.c.Move(b.direction())
	return b.uniform(echoEvery*3/4, echoEvery*5/4)
}

// hotspots closes the open hotspot when its time is up, and sometimes opens
// one the bot stands next to.
func (b *bot) hotspots(now time.Time) {
	if b.z == nil {
		return
	}
	if b.open != "" {
		if now.After(b.openUntil) {
			b.c.CloseHotspot(b.open)
			b.open = ""
		}
		return
	}
	if b.rng.Float64() >= 0.5 {
		return
	}
	x, y := b.c.Self()
	for i := range b.z.Hotspots {
		h := &b.z.Hotspots[i]
		// 0.9: our position is one tick old and quantised.
		if math.Hypot(h.X-x, h.Y-y) <= 0.9*h.Range {
			if _, err := b.c.OpenHotspot(h.ID); err == nil {
				b.open, b.openUntil = h.ID, now.Add(b.uniform(openMin, openMax))
			}
			return
		}
	}
}

// destination picks a GOTO target for a roaming bot: next to a random
// hotspot (within its range, so it can be opened on arrival) or inside a
// random booth.
func (b *bot) destination() (x, y float64) {
	z := b.z
	if len(z.Hotspots) > 0 && (len(z.Booths) == 0 || b.rng.IntN(3) > 0) {
		h := &z.Hotspots[b.rng.IntN(len(z.Hotspots))]
		a, d := b.rng.Float64()*2*math.Pi, b.rng.Float64()*0.6*h.Range
		return clamp(h.X+d*math.Cos(a), 0, z.Width), clamp(h.Y+d*math.Sin(a), 0, z.Height)
	}
	if len(z.Booths) > 0 {
		return walkableIn(z, z.Booths[b.rng.IntN(len(z.Booths))].Rect, b.rng)
	}
	return walkableIn(z, zone.Rect{W: z.Width, H: z.Height}, b.rng)
}

// direction is a random unit vector.
func (b *bot) direction() (dx, dy float64) {
	a := b.rng.Float64() * 2 * math.Pi
	return math.Cos(a), math.Sin(a)
}

func (b *bot) uniform(lo, hi time.Duration) time.Duration {
	return lo + time.Duration(b.rng.Int64N(int64(hi-lo)+1))
}

func inside(r zone.Rect, x, y, margin float64) bool {
	return x >= r.X-margin && x <= r.X+r.W+margin && y >= r.Y-margin && y <= r.Y+r.H+margin
}
