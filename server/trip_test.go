package server_test

import (
	"context"
	"math"
	"sync"
	"testing"
	"time"

	"github.com/usine-extraordinaire/fairworld/client"
	"github.com/usine-extraordinaire/fairworld/protocol"
	"github.com/usine-extraordinaire/fairworld/server/servertest"
	"github.com/usine-extraordinaire/fairworld/world/nav"
	"github.com/usine-extraordinaire/fairworld/world/zone"
)

// maxTripTicks bounds a walk from the spawn to the farthest booth of the
// default zone (issue 16: 30 s at 20 Hz), at the server's default speed.
const maxTripTicks = 600

func pathLength(from nav.Point, path []nav.Point) float64 {
	l, prev := 0.0, from
	for _, q := range path {
		l += math.Hypot(q.X-prev.X, q.Y-prev.Y)
		prev = q
	}
	return l
}

func boothCentre(b zone.Booth) nav.Point {
	return nav.Point{X: b.Rect.X + b.Rect.W/2, Y: b.Rect.Y + b.Rect.H/2}
}

// A bot walks, through the real server at its default speed and tick rate,
// from where it appeared to the booth farthest from it on foot, and gets
// there within maxTripTicks server ticks. Ticks, not seconds: a loaded
// machine slows the test, not the count.
func TestFarthestBoothWithinTripTicks(t *testing.T) {
	t.Parallel()
	in := servertest.Start(t, nil)
	cfg := in.Config().World
	g := nav.NewGrid(in.Zone.Grid)
	f := nav.NewFinder(g)

	// Wherever the spawn puts a visitor, every booth is close enough on foot.
	budget := float64(maxTripTicks) * cfg.MaxSpeed / float64(cfg.TickRate)
	sp := in.Zone.Spawn
	for _, from := range []nav.Point{{X: sp.X + 0.5, Y: sp.Y + 0.5}, {X: sp.X + sp.W - 0.5, Y: sp.Y + 0.5}, {X: sp.X + 0.5, Y: sp.Y + sp.H - 0.5}, {X: sp.X + sp.W - 0.5, Y: sp.Y + sp.H - 0.5}} {
		start, ok := g.NearestWalkable(from, cfg.Radius, 4)
		if !ok {
			t.Fatalf("no walkable point near the spawn corner %v", from)
		}
		for _, b := range in.Zone.Booths {
			p, err := f.Path(nil, start, boothCentre(b), cfg.Radius)
			if err != nil {
				t.Fatalf("booth %s from %v: %v", b.ID, start, err)
			}
			if l := pathLength(start, p); l > budget {
				t.Errorf("booth %s is %.0f m on foot from the spawn corner %v, more than %.0f m", b.ID, l, from, budget)
			}
		}
	}

	var mu sync.Mutex
	var seq, startTick, arriveTick uint32
	var target zone.Rect
	c := dial(t, in, client.Options{OnUpdate: func(u *protocol.Update) {
		mu.Lock()
		defer mu.Unlock()
		if seq == 0 || u.Ack < seq {
			return
		}
		if startTick == 0 {
			startTick = u.Tick
		}
		x, y := protocol.Dequantise(u.SelfX), protocol.Dequantise(u.SelfY)
		if arriveTick == 0 && x >= target.X && x <= target.X+target.W && y >= target.Y && y <= target.Y+target.H {
			arriveTick = u.Tick
		}
	}})
	x, y := c.Self()
	from := nav.Point{X: x, Y: y}
	var far zone.Booth
	farL := 0.0
	for _, b := range in.Zone.Booths {
		p, err := f.Path(nil, from, boothCentre(b), cfg.Radius)
		if err != nil {
			t.Fatalf("booth %s: %v", b.ID, err)
		}
		if l := pathLength(from, p); l > farL {
			far, farL = b, l
		}
	}
	mu.Lock()
	target = far.Rect
	mu.Unlock()
	to := boothCentre(far)
	s, err := c.Goto(to.X, to.Y)
	if err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	seq = s
	mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	err = c.WaitFor(ctx, func(*client.Client) bool {
		mu.Lock()
		defer mu.Unlock()
		return arriveTick != 0
	})
	mu.Lock()
	defer mu.Unlock()
	if err != nil {
		x, y := c.Self()
		t.Fatalf("never reached booth %s (%.0f m away on foot): at (%.1f, %.1f): %v", far.ID, farL, x, y, err)
	}
	ticks := arriveTick - startTick
	t.Logf("booth %s, %.0f m on foot from (%.1f, %.1f): reached in %d ticks (limit %d)", far.ID, farL, from.X, from.Y, ticks, maxTripTicks)
	if ticks > maxTripTicks {
		t.Errorf("reaching the farthest booth took %d ticks, more than %d", ticks, maxTripTicks)
	}
}
