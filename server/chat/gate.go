package chat

import (
	"time"

	"golang.org/x/time/rate"
)

// The chat rate of one connection (docs/PROTOCOL.md §9, "Rate").
const (
	Rate      = 1.0 // messages a second
	Burst     = 5
	FloodMute = 30 * time.Second
)

// Gate is one connection's chat rate: a bucket of Burst refilled at Rate,
// and the 30 s mute a message that finds it empty starts. Its zero value
// is ready and costs nothing: the limiter is made at the first message,
// so a connection that never chats allocates nothing for it. Not safe for
// concurrent use: the connection's reader owns it.
type Gate struct {
	lim        *rate.Limiter
	mutedUntil time.Time
}

// Verdict of Gate.Allow.
type GateVerdict uint8

const (
	GateOpen     GateVerdict = iota // the message goes on
	GateFlood                       // dropped: the bucket was empty, the mute starts now (tell the sender)
	GateFloodMut                    // dropped silently: within a flood mute
)

// Allow takes one message at now.
func (g *Gate) Allow(now time.Time) GateVerdict {
	if now.Before(g.mutedUntil) {
		return GateFloodMut
	}
	if g.lim == nil {
		g.lim = rate.NewLimiter(Rate, Burst)
	}
	if g.lim.AllowN(now, 1) {
		return GateOpen
	}
	g.mutedUntil = now.Add(FloodMute)
	// After the mute the bucket starts full again.
	g.lim = rate.NewLimiter(Rate, Burst)
	return GateFlood
}

// MutedUntil is when the flood mute ends (zero: none yet).
func (g *Gate) MutedUntil() time.Time { return g.mutedUntil }
