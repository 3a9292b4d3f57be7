package loadtest

import (
	"context"
	"math"
	"math/rand/v2"
	"sync/atomic"
	"time"

	"github.com/usine-extraordinaire/fairworld/client"
	"github.com/usine-extraordinaire/fairworld/protocol"
)

// A pair measures the echo of one bot's intent on another bot: a walker
// stands still, then sends a MOVE; the watcher, connected to the next URL
// (another node of the fair when there are several), records the time from
// that MOVE being written to the first UPDATE showing the walker somewhere
// else. With one URL both are on one node: the same measurement without
// the cell feed, for comparison. Pairs stay at the spawn, next to each
// other (the watcher walks to the walker first).
//
// The cycle: stop (MOVE 0,0), wait pairSettle (and a random part of
// pairJitter) for the stop to reach the watcher, note the walker's position in the watcher's view, MOVE for
// pairWalk (alternately east and west, so it stays where it is), and again.
// A MOVE not seen within pairTimeout counts as a timeout (the walker was
// blocked, or out of the watcher's view: then it also counts as skipped).
const (
	pairSettle  = 400 * time.Millisecond
	pairWalk    = 150 * time.Millisecond
	pairTimeout = time.Second
	pairJitter  = 100 * time.Millisecond // two ticks at 20 Hz
)

// pair is one walker and its watcher. The watcher's read goroutine calls
// onUpdate; the pair's own goroutine runs the cycle.
type pair struct {
	walker, watcher *client.Client
	id              atomic.Uint32 // the walker's avatar id (set before the watcher's updates matter)

	pos     atomic.Uint32        // the walker's last position in the watcher's view: x<<16 | y
	seen    atomic.Bool          // the watcher has the walker in view
	pending atomic.Pointer[pend] // the MOVE being timed, nil between measurements
	col     *collector
}

type pend struct {
	from uint32 // the walker's position before the MOVE, x<<16 | y
	at   time.Time
	done chan struct{} // closed by the watcher when seen
}

// onUpdate runs on the watcher's read goroutine.
func (p *pair) onUpdate(u *protocol.Update) {
	p.col.onUpdate(u)
	id := p.id.Load()
	if id == 0 {
		return
	}
	for _, e := range u.Enters {
		if e.ID == id {
			p.pos.Store(uint32(e.X)<<16 | uint32(e.Y))
			p.seen.Store(true)
		}
	}
	for _, l := range u.Leaves {
		if l == id {
			p.seen.Store(false)
		}
	}
	for i := range u.Moves {
		m := &u.Moves[i]
		if m.ID != id {
			continue
		}
		at := uint32(m.X)<<16 | uint32(m.Y)
		p.pos.Store(at)
		if pd := p.pending.Load(); pd != nil && at != pd.from && p.pending.CompareAndSwap(pd, nil) {
			p.col.pairLatency.Record(time.Since(pd.at))
			close(pd.done)
		}
		break
	}
}

// run brings the watcher next to the walker, then cycles until ctx ends
// or a connection does.
func (p *pair) run(ctx context.Context) {
	// The walker's position is known from its first UPDATE.
	if p.walker.WaitFor(ctx, func(c *client.Client) bool { return c.Tick() > 0 }) != nil {
		return
	}
	x, y := p.walker.Self()
	if _, err := p.watcher.Goto(x+1, y); err != nil {
		return
	}
	for range 100 { // at most 20 s: the spawn area is small
		wx, wy := p.watcher.Self()
		if math.Hypot(wx-x-1, wy-y) < 2 || !sleepCtx(ctx, 200*time.Millisecond, p.walker, p.watcher) {
			break
		}
	}
	dir := 1.0
	for {
		if _, err := p.walker.Move(0, 0); err != nil {
			return
		}
		// A random part of a tick more: a cycle starts just after an
		// UPDATE, and without it every MOVE would be sent at the same phase
		// of the server's tick (the worst, just after one).
		if !sleepCtx(ctx, pairSettle+rand.N(pairJitter), p.walker, p.watcher) {
			return
		}
		if !p.seen.Load() {
			// The walker's enter may have come before its id was known.
			if a, ok := p.watcher.Avatar(p.id.Load()); ok {
				p.pos.Store(uint32(protocol.Quantise(a.X))<<16 | uint32(protocol.Quantise(a.Y)))
				p.seen.Store(true)
			}
		}
		if !p.seen.Load() {
			p.col.pairSkipped.Add(1)
			continue
		}
		pd := &pend{from: p.pos.Load(), at: time.Now(), done: make(chan struct{})}
		p.pending.Store(pd)
		if _, err := p.walker.Move(dir, 0); err != nil {
			return
		}
		dir = -dir
		t := time.NewTimer(pairTimeout)
		select {
		case <-pd.done:
		case <-t.C:
			if p.pending.CompareAndSwap(pd, nil) {
				p.col.pairTimeouts.Add(1)
			}
		case <-ctx.Done():
			t.Stop()
			return
		}
		t.Stop()
		if !sleepCtx(ctx, pairWalk, p.walker, p.watcher) {
			return
		}
	}
}

// sleepCtx sleeps d; false if ctx or one of the connections ended first.
func sleepCtx(ctx context.Context, d time.Duration, cs ...*client.Client) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	case <-cs[0].Done():
		return false
	case <-cs[1].Done():
		return false
	}
}
