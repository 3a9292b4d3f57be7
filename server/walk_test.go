package server_test

import (
	"math"
	"sync"
	"testing"
	"time"

	"github.com/usine-extraordinaire/fairworld/client"
	"github.com/usine-extraordinaire/fairworld/protocol"
	"github.com/usine-extraordinaire/fairworld/server/servertest"
	"github.com/usine-extraordinaire/fairworld/world/nav"
)

func TestTwoClientsSeeEachOtherWalk(t *testing.T) {
	t.Parallel()
	in := servertest.Start(t, nil)
	a := dial(t, in, client.Options{})
	b := dial(t, in, client.Options{})
	waitFor(t, a, 5*time.Second, "a to see b", sees(b.SelfID()))
	waitFor(t, b, 5*time.Second, "b to see a", sees(a.SelfID()))

	before, _ := a.Avatar(b.SelfID())
	if _, err := b.Move(1, 0); err != nil {
		t.Fatal(err)
	}
	waitFor(t, a, 5*time.Second, "a to see b walk", func(c *client.Client) bool {
		now, ok := c.Avatar(b.SelfID())
		return ok && math.Abs(now.X-before.X) > 1
	})
	bx, by := b.Self()
	seen, _ := a.Avatar(b.SelfID())
	if d := dist(bx, by, seen.X, seen.Y); d > 2 {
		t.Errorf("a sees b at (%.1f, %.1f), b is at (%.1f, %.1f)", seen.X, seen.Y, bx, by)
	}
	if seen.Pseudonym != b.Welcome().Pseudonym {
		t.Errorf("a sees b as %q, want %q", seen.Pseudonym, b.Welcome().Pseudonym)
	}
}

// A client that walks away leaves the others' views (leave events) and sees
// none of their moves; walking back brings the enters again.
func TestFarClientSeesNeitherAndEntersLeaves(t *testing.T) {
	t.Parallel()
	in := servertest.Start(t, fast)
	a := dial(t, in, client.Options{})
	b := dial(t, in, client.Options{})
	c := dial(t, in, client.Options{})
	for _, x := range []*client.Client{a, b} {
		waitFor(t, c, 5*time.Second, "c to see the others", sees(x.SelfID()))
	}
	ax, ay := a.Self()
	far := farWalkable(t, in, ax, ay, 100)
	if _, err := c.Goto(far.X, far.Y); err != nil {
		t.Fatal(err)
	}
	waitFor(t, c, 30*time.Second, "c to arrive far away", func(c *client.Client) bool {
		x, y := c.Self()
		return dist(x, y, far.X, far.Y) < 1.5
	})
	if c.Visible() != 0 {
		t.Fatalf("c, far away, still sees %d avatars", c.Visible())
	}
	waitFor(t, a, 5*time.Second, "a to get c's leave", notSees(c.SelfID()))
	waitFor(t, b, 5*time.Second, "b to get c's leave", notSees(c.SelfID()))

	// a walks; c must hear nothing of it.
	var mu sync.Mutex
	heard := 0
	cID := c.SelfID()
	_ = cID
	aID := a.SelfID()
	stop := make(chan struct{})
	go func() {
		for {
			select {
			case <-stop:
				return
			case <-time.After(20 * time.Millisecond):
				if _, ok := c.Avatar(aID); ok {
					mu.Lock()
					heard++
					mu.Unlock()
				}
			}
		}
	}()
	_, _ = a.Move(0, 1)
	a0x, a0y := a.Self()
	waitFor(t, a, 5*time.Second, "a to walk 2 m", func(c *client.Client) bool { x, y := c.Self(); return dist(x, y, a0x, a0y) >= 2 })
	_, _ = a.Move(0, 0)
	close(stop)
	mu.Lock()
	if heard > 0 {
		t.Errorf("c, far away, saw a %d times", heard)
	}
	mu.Unlock()

	// Walking back: enters again.
	bx, by := b.Self()
	if _, err := c.Goto(bx, by); err != nil {
		t.Fatal(err)
	}
	waitFor(t, c, 30*time.Second, "c to see b again", sees(b.SelfID()))
	waitFor(t, b, 5*time.Second, "b to see c again", sees(c.SelfID()))
}

// selfTrack records a client's own positions per tick from its updates.
type selfTrack struct {
	mu  sync.Mutex
	pts []trackPoint
}

type trackPoint struct {
	tick uint32
	x, y float64
}

func (s *selfTrack) onUpdate(u *protocol.Update) {
	s.mu.Lock()
	s.pts = append(s.pts, trackPoint{u.Tick, protocol.Dequantise(u.SelfX), protocol.Dequantise(u.SelfY)})
	s.mu.Unlock()
}

func (s *selfTrack) points() []trackPoint {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]trackPoint(nil), s.pts...)
}

// checkTrack asserts every recorded position is walkable and no step is
// faster than the speed limit.
func checkTrack(t *testing.T, in *servertest.Instance, pts []trackPoint) {
	t.Helper()
	cfg := in.Config().World
	g := nav.NewGrid(in.Zone.Grid)
	perTick := cfg.MaxSpeed / float64(cfg.TickRate)
	for i, p := range pts {
		if g.Collides(nav.Point{X: p.x, Y: p.y}, cfg.Radius*0.9) {
			t.Errorf("tick %d: avatar at (%.2f, %.2f) overlaps a blocked tile", p.tick, p.x, p.y)
		}
		if i == 0 {
			continue
		}
		q := pts[i-1]
		if p.tick <= q.tick {
			t.Errorf("two updates for tick %d: at most one message per tick", p.tick)
		}
		ticks := float64(p.tick - q.tick)
		if d := dist(p.x, p.y, q.x, q.y); d > ticks*perTick+2.0/16 {
			t.Errorf("tick %d: moved %.2f m in %v ticks, limit %.2f", p.tick, d, ticks, ticks*perTick)
		}
	}
}

func TestWallStopsAndSlides(t *testing.T) {
	t.Parallel()
	in := servertest.Start(t, fast)
	var tr selfTrack
	a := dial(t, in, client.Options{OnUpdate: tr.onUpdate})
	g := nav.NewGrid(in.Zone.Grid)
	x, y := a.Self()
	// Find the nearest blocked tile straight east, west, north or south.
	type dir struct{ dx, dy float64 }
	best, bestD := dir{}, math.Inf(1)
	for _, d := range []dir{{1, 0}, {-1, 0}, {0, 1}, {0, -1}} {
		for s := 0.5; s < 80; s += 0.5 {
			if g.BlockedAt(x+d.dx*s, y+d.dy*s) {
				if s < bestD {
					best, bestD = d, s
				}
				break
			}
		}
	}
	if math.IsInf(bestD, 1) {
		t.Fatal("no wall around the spawn")
	}
	t.Logf("from (%.2f, %.2f) the nearest wall is %.1f m away towards %v", x, y, bestD, best)
	if _, err := a.Move(best.dx, best.dy); err != nil {
		t.Fatal(err)
	}
	// Stopped against the wall: the position holds while the intent still
	// pushes into it.
	waitFor(t, a, 5*time.Second, "a to start walking", func(c *client.Client) bool { cx, cy := c.Self(); return dist(cx, cy, x, y) > 1 })
	waitStill(t, a, 10*time.Second, 300*time.Millisecond)
	x2, y2 := a.Self()
	if wall := dist(x, y, x2, y2); math.Abs(wall-bestD) > 1.5 {
		t.Errorf("stopped %.1f m from the start, the wall is %.1f m away", wall, bestD)
	}
	// Push diagonally into the wall: the avatar slides along it.
	_, _ = a.Move(best.dx*0.7+best.dy*0.7, best.dy*0.7+best.dx*0.7)
	waitFor(t, a, 5*time.Second, "a slide of 0.5 m along the wall", func(c *client.Client) bool {
		x3, y3 := c.Self()
		return dist(x2, y2, x3, y3) >= 0.5
	})
	_, _ = a.Move(0, 0)
	checkTrack(t, in, tr.points())
}

func TestGotoBehindBuilding(t *testing.T) {
	t.Parallel()
	in := servertest.Start(t, fast)
	var tr selfTrack
	a := dial(t, in, client.Options{OnUpdate: tr.onUpdate, EventBuffer: 64})
	g := nav.NewGrid(in.Zone.Grid)
	x, y := a.Self()
	// A booth with no straight line from here: behind a building.
	var target nav.Point
	found := false
	for _, b := range in.Zone.Booths {
		p := nav.Point{X: b.Rect.X + b.Rect.W/2, Y: b.Rect.Y + b.Rect.H/2}
		if !g.LineOfSight(nav.Point{X: x, Y: y}, p, 0.35) {
			target, found = p, true
			break
		}
	}
	if !found {
		t.Fatal("no booth hidden behind a building")
	}
	seq, err := a.Goto(target.X, target.Y)
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.After(5 * time.Second)
	for gotPath := false; !gotPath; {
		select {
		case e := <-a.Events():
			if e, ok := e.(protocol.Path); ok && e.Seq == seq {
				gotPath = true
				if len(e.Points) < 4 {
					t.Errorf("path around a building has %d waypoints", len(e.Points)/2)
				}
			}
		case <-deadline:
			t.Fatal("no PATH event")
		}
	}
	waitFor(t, a, 30*time.Second, "arrival behind the building", func(c *client.Client) bool {
		x, y := c.Self()
		return dist(x, y, target.X, target.Y) < 1.5
	})
	checkTrack(t, in, tr.points())
}

// Intents cannot move an avatar faster than the limit, however many are
// sent, and invalid ones are refused with a typed error.
func TestSpeedHackAndBadIntents(t *testing.T) {
	t.Parallel()
	in := servertest.Start(t, fast)
	var tr selfTrack
	a := dial(t, in, client.Options{OnUpdate: tr.onUpdate, EventBuffer: 256})
	for range 50 {
		_, _ = a.Move(1, 0)
		_, _ = a.Move(0, 1)
	}
	x, y := a.Self()
	far := farWalkable(t, in, x, y, 60)
	_, _ = a.Goto(far.X, far.Y)
	waitFor(t, a, 10*time.Second, "a to walk 10 m towards the GOTO", func(c *client.Client) bool {
		cx, cy := c.Self()
		return dist(cx, cy, x, y) >= 10
	})
	checkTrack(t, in, tr.points())

	for _, d := range [][2]float64{{math.NaN(), 0}, {math.Inf(1), 0}, {3, 0}} {
		seq, err := a.Move(d[0], d[1])
		if err != nil {
			t.Fatal(err)
		}
		expectError(t, a, seq, protocol.ErrBadIntent)
	}
	seq, _ := a.Goto(-5, 10)
	expectError(t, a, seq, protocol.ErrBadIntent)
	seq, _ = a.Goto(math.NaN(), 10)
	expectError(t, a, seq, protocol.ErrBadIntent)
}

// waitStill waits until c's own position has held for hold (the server
// sends nothing while nothing changes, so ticks cannot tell).
func waitStill(t *testing.T, c *client.Client, d, hold time.Duration) {
	t.Helper()
	var lx, ly float64
	var since time.Time
	mustWait(t, d, "the avatar to stand still", func() bool {
		x, y := c.Self()
		if x != lx || y != ly || since.IsZero() {
			lx, ly, since = x, y, time.Now()
			return false
		}
		return time.Since(since) >= hold
	})
}

func expectError(t *testing.T, c *client.Client, ref uint32, code protocol.ErrorCode) {
	t.Helper()
	deadline := time.After(5 * time.Second)
	for {
		select {
		case e := <-c.Events():
			if e, ok := e.(protocol.ErrorEvent); ok && e.Ref == ref {
				if e.Code != code {
					t.Fatalf("error %v for %d, want %v", e.Code, ref, code)
				}
				return
			}
		case <-deadline:
			t.Fatalf("no %v error for %d", code, ref)
		}
	}
}
