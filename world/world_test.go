package world

import (
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/usine-extraordinaire/fairworld/protocol"
	"github.com/usine-extraordinaire/fairworld/world/nav"
	"github.com/usine-extraordinaire/fairworld/world/zone"
)

func TestConfigValidation(t *testing.T) {
	t.Parallel()
	z := openZone(64, 64, nil)
	g := nav.NewGrid(z.Grid)
	w, err := New(z, g, Config{})
	if err != nil {
		t.Fatal(err)
	}
	if c := w.Config(); c.TickRate != 20 || c.MaxSpeed != 5 || c.Radius != 0.35 || c.CellSize != 16 || c.ViewRadius != 40 || c.Budget != 64 || c.Refresh != 10 {
		t.Fatalf("defaults: %+v", c)
	}
	for _, bad := range []Config{
		{TickRate: -1}, {MaxSpeed: math.NaN()}, {MaxSpeed: -1}, {Radius: 20}, {CellSize: 0.5},
		{ViewRadius: math.Inf(1)}, {Budget: -3}, {Refresh: -1},
	} {
		if _, err := New(z, g, bad); err == nil {
			t.Errorf("New accepted %+v", bad)
		}
	}
	if _, err := New(nil, g, Config{}); err == nil {
		t.Error("New accepted a nil zone")
	}
}

func TestJoinErrors(t *testing.T) {
	t.Parallel()
	w := newWorld(t, openZone(64, 64, nil), Config{})
	if err := w.Join(0, Identity{Name: "x"}, nav.Point{X: 5, Y: 5}); !errors.Is(err, ErrBadID) {
		t.Fatalf("id 0: %v", err)
	}
	mustJoin(t, w, 1, 5, 5)
	if err := w.Join(1, Identity{Name: "x"}, nav.Point{X: 6, Y: 6}); !errors.Is(err, ErrDuplicate) {
		t.Fatalf("duplicate: %v", err)
	}
	// A blocked join point snaps to the nearest walkable one.
	z := openZone(64, 64, func(c, r int) bool { return c >= 10 && c < 14 && r >= 10 && r < 14 })
	w = newWorld(t, z, Config{})
	mustJoin(t, w, 2, 24, 24)
	p, _ := w.Position(2)
	if w.grid.Collides(p, w.cfg.Radius) {
		t.Fatalf("joined inside a building at %v", p)
	}
	if w.Len() != 1 {
		t.Fatalf("Len = %d", w.Len())
	}
}

// Enter records carry the identity given to Join: name, role and look.
func TestEntersCarryIdentity(t *testing.T) {
	t.Parallel()
	w := newWorld(t, openZone(64, 64, nil), Config{})
	who := Identity{Name: "Inès", Role: protocol.RoleProfessional, Colour: 5, Shape: 3}
	if err := w.Join(1, who, nav.Point{X: 20, Y: 20}); err != nil {
		t.Fatal(err)
	}
	mustJoin(t, w, 2, 24, 20)
	u := step(w)[2]
	if len(u.Enters) != 1 {
		t.Fatalf("enters %+v", u.Enters)
	}
	e := u.Enters[0]
	if e.ID != 1 || e.Pseudonym != who.Name || e.Role != who.Role || e.Colour != who.Colour || e.Shape != who.Shape {
		t.Errorf("enter %+v, want the identity %+v", e, who)
	}
}

func TestSpawnIsWalkableAndSeeded(t *testing.T) {
	t.Parallel()
	z := openZone(100, 100, func(c, r int) bool { return (c+r)%3 == 0 })
	z.Spawn = zone.Rect{X: 10, Y: 10, W: 30, H: 30}
	a, b := newWorld(t, z, Config{Seed: 7}), newWorld(t, z, Config{Seed: 7})
	for range 100 {
		p, q := a.Spawn(), b.Spawn()
		if p != q {
			t.Fatalf("same seed, different spawns %v %v", p, q)
		}
		if a.grid.Collides(p, a.cfg.Radius) || p.X < 10 || p.X > 40 || p.Y < 10 || p.Y > 40 {
			t.Fatalf("bad spawn %v", p)
		}
	}
}

func TestNearAvatarsSeeEachOtherFarOnesDoNot(t *testing.T) {
	t.Parallel()
	w := newWorld(t, openZone(200, 200, nil), Config{})
	mustJoin(t, w, 1, 100, 100)
	mustJoin(t, w, 2, 110, 100)
	mustJoin(t, w, 3, 180, 180) // 100 m away
	up := step(w)
	if got := enterIDs(up[1]); !slices.Equal(got, []ID{2}) {
		t.Fatalf("1 enters %v, want [2]", got)
	}
	if got := enterIDs(up[2]); !slices.Equal(got, []ID{1}) {
		t.Fatalf("2 enters %v, want [1]", got)
	}
	if u, ok := up[3]; !ok || len(u.Enters) != 0 || u.Online != 3 {
		t.Fatalf("3: first update %+v, %v", u, ok)
	}
	e := up[1].Enters[0]
	if e.Pseudonym != pseudo(2) || e.X != protocol.Quantise(110) || e.Y != protocol.Quantise(100) || e.Role != protocol.RoleVisitor {
		t.Fatalf("enter %+v", e)
	}
	if up[1].SelfX != protocol.Quantise(100) || up[1].Online != 3 {
		t.Fatalf("self %+v", up[1])
	}

	// 2 walks: 1 gets its moves, 3 nothing at all.
	w.SetMove(2, 9, 1, 0)
	for i := range 5 {
		up = step(w)
		if got := moveIDs(up[1]); !slices.Equal(got, []ID{2}) {
			t.Fatalf("tick %d: 1 moves %v", i, got)
		}
		p, _ := w.Position(2)
		if m := up[1].Moves[0]; m.X != protocol.Quantise(p.X) || m.Y != protocol.Quantise(p.Y) {
			t.Fatalf("move %+v, position %v", m, p)
		}
		if up[2].Ack != 9 || up[2].SelfX != protocol.Quantise(p.X) {
			t.Fatalf("2's own update %+v", up[2])
		}
		if _, ok := up[3]; ok {
			t.Fatalf("3 got %+v", up[3])
		}
	}
}

func TestNoUpdateWhenNothingChanged(t *testing.T) {
	t.Parallel()
	w := newWorld(t, openZone(200, 200, nil), Config{})
	mustJoin(t, w, 1, 100, 100)
	mustJoin(t, w, 2, 105, 100)
	step(w)
	for range 10 {
		if up := step(w); len(up) != 0 {
			t.Fatalf("idle world sent %+v", up)
		}
	}
	// A join reaches the others' Online count within a second (it is
	// refreshed once a second), as one Update each.
	mustJoin(t, w, 3, 150, 150)
	got := map[ID]int{}
	for range w.Config().TickRate {
		for id, u := range step(w) {
			if id != 3 && (u.Online != 3 || len(u.Moves) != 0) {
				t.Fatalf("after a join, %d got %+v", id, u)
			}
			got[id]++
		}
	}
	if got[1] != 1 || got[2] != 1 || got[3] < 1 {
		t.Fatalf("updates per avatar in the second after a join: %v", got)
	}
}

func TestAckEchoesSeq(t *testing.T) {
	t.Parallel()
	w := newWorld(t, openZone(200, 200, nil), Config{})
	mustJoin(t, w, 1, 100, 100)
	step(w)
	w.SetMove(1, 41, 0, 0) // no motion: the ack alone makes an update
	if up := step(w); up[1].Ack != 41 {
		t.Fatalf("ack %d, want 41", up[1].Ack)
	}
	w.SetPath(1, 42, []nav.Point{{X: 101, Y: 100}})
	w.SetMove(1, 43, 0, 1) // the latest intent wins
	up := step(w)
	if up[1].Ack != 43 {
		t.Fatalf("ack %d, want 43", up[1].Ack)
	}
	if p, _ := w.Position(1); p.X != 100 || p.Y <= 100 {
		t.Fatalf("path not replaced: %v", p)
	}
}

func TestCrossingCellBorderAndViewRadius(t *testing.T) {
	t.Parallel()
	for _, refresh := range []int{1, 0} {
		w := newWorld(t, openZone(400, 100, nil), Config{Refresh: refresh})
		mustJoin(t, w, 1, 50, 50)
		mustJoin(t, w, 2, 60, 50) // 16 m cells: 2 starts in cell 3, 1 in cell 3
		c1, c2 := newClient(1), newClient(2)
		enters, leaves := 0, 0
		run := func(n int) {
			for range n {
				up := step(w)
				c1.apply(t, up[1])
				c2.apply(t, up[2])
				enters += len(up[1].Enters)
				leaves += len(up[1].Leaves)
			}
		}
		run(1)
		// 2 walks east 80 m at 5 m/s: out of the 40 m view radius (and
		// across four cell borders), then back.
		w.SetMove(2, 1, 1, 0)
		run(80 * 4)
		if p, _ := w.Position(2); math.Abs(p.X-140) > 0.01 {
			t.Fatalf("2 at %v", p)
		}
		if enters != 1 || leaves != 1 {
			t.Fatalf("refresh %d: going: %d enters, %d leaves; want 1, 1", refresh, enters, leaves)
		}
		w.SetMove(2, 2, -1, 0)
		run(80 * 4)
		if enters != 2 || leaves != 1 {
			t.Fatalf("refresh %d: back: %d enters, %d leaves; want 2, 1", refresh, enters, leaves)
		}
		if _, ok := c1.known[2]; !ok {
			t.Fatal("1 does not see 2 at the end")
		}
		if _, ok := c2.known[1]; !ok {
			t.Fatal("2 does not see 1 at the end")
		}
	}
}

func TestWallStopsAndSlides(t *testing.T) {
	t.Parallel()
	// A wall of tiles at x in [40, 42).
	w := newWorld(t, openZone(100, 100, func(c, r int) bool { return c == 20 }), Config{})
	mustJoin(t, w, 1, 35, 20)
	w.SetMove(1, 1, math.Sqrt2/2, math.Sqrt2/2)
	for range 40 { // 10 m along the diagonal
		step(w)
	}
	p, _ := w.Position(1)
	if p.X > 40-w.cfg.Radius+1e-6 {
		t.Fatalf("went through the wall: %v", p)
	}
	if p.X < 40-w.cfg.Radius-0.01 {
		t.Fatalf("did not reach the wall: %v", p)
	}
	// It slid along the wall: Y kept growing at the diagonal's Y speed.
	if p.Y < 20+40*0.25*math.Sqrt2/2-0.01 {
		t.Fatalf("did not slide: %v", p)
	}
}

func TestSpeedHackNeverExceedsMaxSpeed(t *testing.T) {
	t.Parallel()
	w := newWorld(t, openZone(400, 400, func(c, r int) bool { return c == 60 && r > 50 }), Config{})
	mustJoin(t, w, 1, 100, 100)
	limit := w.cfg.MaxSpeed*tickDt.Seconds() + 1e-9
	rng := rand.New(rand.NewPCG(1, 2))
	prev, _ := w.Position(1)
	for i := range 400 {
		a := rng.Float64() * 2 * math.Pi
		l := []float64{1, 1.001, 5, 1e9}[i%4] // longer than 1 is scaled down
		w.SetMove(1, uint32(i), l*math.Cos(a), l*math.Sin(a))
		if i%7 == 0 { // and paths with far-apart waypoints
			w.SetPath(1, uint32(i), []nav.Point{{X: prev.X + 30, Y: prev.Y}, {X: prev.X, Y: prev.Y + 30}})
		}
		step(w)
		p, _ := w.Position(1)
		if d := math.Hypot(p.X-prev.X, p.Y-prev.Y); d > limit {
			t.Fatalf("tick %d: moved %.4f m > %.4f", i, d, limit)
		}
		prev = p
	}
}

func TestPathAroundBuilding(t *testing.T) {
	t.Parallel()
	// A building across the middle, with a gap at the top.
	z := openZone(100, 100, func(c, r int) bool { return c >= 24 && c < 26 && r >= 5 })
	w := newWorld(t, z, Config{})
	mustJoin(t, w, 1, 20, 80)
	to := nav.Point{X: 80, Y: 80}
	path, err := nav.NewFinder(w.grid).Path(nil, nav.Point{X: 20, Y: 80}, to, w.cfg.Radius)
	if err != nil {
		t.Fatal(err)
	}
	w.SetPath(1, 5, path)
	path[0] = nav.Point{} // SetPath copied it
	for range 20 * 60 {
		step(w)
	}
	p, _ := w.Position(1)
	if math.Hypot(p.X-to.X, p.Y-to.Y) > 0.01 {
		t.Fatalf("ended at %v, want %v", p, to)
	}
	// An empty path stops.
	w.SetMove(1, 6, -1, 0)
	w.SetPath(1, 7, nil)
	step(w)
	if q, _ := w.Position(1); q != p {
		t.Fatalf("moved after an empty path: %v", q)
	}
}

func TestLeaveSendsLeaves(t *testing.T) {
	t.Parallel()
	w := newWorld(t, openZone(200, 200, nil), Config{})
	for id := ID(1); id <= 4; id++ {
		mustJoin(t, w, id, 100+float64(id), 100)
	}
	step(w)
	w.Leave(3)
	w.Leave(3) // twice is harmless
	up := step(w)
	for _, id := range []ID{1, 2, 4} {
		if !slices.Equal(up[id].Leaves, []ID{3}) { // Online follows within a second
			t.Fatalf("%d: %+v", id, up[id])
		}
	}
	if _, ok := w.Position(3); ok || w.Len() != 3 {
		t.Fatal("3 still there")
	}
	// The slot is reused by a newcomer, and the same id may come back.
	mustJoin(t, w, 5, 103, 100)
	mustJoin(t, w, 3, 130, 100)
	up = step(w)
	if got := enterIDs(up[1]); !slices.Equal(got, []ID{3, 5}) || len(up[1].Leaves) != 0 {
		t.Fatalf("1: %+v", up[1])
	}
}

func TestLeaveAndRejoinSameTick(t *testing.T) {
	t.Parallel()
	w := newWorld(t, openZone(200, 200, nil), Config{Refresh: 1})
	mustJoin(t, w, 1, 100, 100)
	mustJoin(t, w, 2, 105, 100)
	c1 := newClient(1)
	c1.apply(t, step(w)[1])
	w.Leave(2)
	mustJoin(t, w, 2, 110, 100) // e.g. a reconnect that was not a resume
	for range 3 {
		c1.apply(t, step(w)[1]) // fails on a leave and an enter of 2 in one update
	}
	if e, ok := c1.known[2]; !ok || e.X != protocol.Quantise(110) {
		t.Fatalf("1 knows %+v", c1.known)
	}
}

func TestEventsAndErrors(t *testing.T) {
	t.Parallel()
	w := newWorld(t, openZone(200, 200, nil), Config{})
	mustJoin(t, w, 1, 100, 100)
	step(w)
	w.Error(1, protocol.ErrRateLimited, 12, "slow down")
	w.Event(1, protocol.Path{Seq: 3, Points: []uint16{1, 2}})
	w.Event(99, protocol.Path{}) // unknown: ignored
	up := step(w)
	ev := up[1].Events
	if e, ok := ev[0].(protocol.ErrorEvent); len(ev) != 2 || !ok || e.Code != protocol.ErrRateLimited || e.Ref != 12 || ev[1].Kind() != protocol.EventPath {
		t.Fatalf("events %+v", ev)
	}
	if up := step(w); len(up) != 0 {
		t.Fatalf("events sent twice: %+v", up)
	}
	for range maxEvents + 10 {
		w.Error(1, protocol.ErrBadIntent, 0, "")
	}
	if up := step(w); len(up[1].Events) != maxEvents || w.Stats().EventsDropped != 10 {
		t.Fatalf("%d events, %d dropped", len(up[1].Events), w.Stats().EventsDropped)
	}
}

// TestRandomWalkKeepsClientsConsistent runs a crowd with joins, leaves and
// random walks and checks every update against a mirror of each client.
func TestRandomWalkKeepsClientsConsistent(t *testing.T) {
	t.Parallel()
	for _, cfg := range []Config{{}, {Budget: 8, Refresh: 3}, {Budget: 5, ViewRadius: 20, CellSize: 8}, {FarEvery: 1}, {Near: 8, FarEvery: 7}} {
		z := openZone(160, 120, func(c, r int) bool { return c%20 == 10 && r%15 < 10 })
		w := newWorld(t, z, cfg)
		rng := rand.New(rand.NewPCG(3, 4))
		clients := map[ID]*client{}
		// The quantised positions of the last FarEvery ticks, newest first:
		// what a client may hold of an avatar beyond Near.
		recent := map[ID][]uint32{}
		next := ID(1)
		for tick := range 600 {
			if len(clients) < 150 && rng.IntN(2) == 0 || len(clients) < 20 {
				p := w.Spawn()
				if tick > 300 { // a crowd in a corner
					p = nav.Point{X: 20 + rng.Float64()*10, Y: 20 + rng.Float64()*10}
				}
				if err := w.Join(next, Identity{Name: pseudo(next), Role: protocol.Role(rng.IntN(2)), Group: uint32(rng.IntN(3)), Colour: uint8(rng.IntN(protocol.Colours)), Shape: uint8(rng.IntN(protocol.Shapes))}, p); err != nil {
					t.Fatal(err)
				}
				clients[next] = newClient(next)
				next++
			}
			for id := range clients {
				switch rng.IntN(40) {
				case 0:
					w.Leave(id)
					delete(clients, id)
				case 1, 2:
					a := rng.Float64() * 2 * math.Pi
					w.SetMove(id, uint32(tick), math.Cos(a), math.Sin(a))
				}
			}
			up := step(w)
			for id := range clients {
				p, _ := w.Position(id)
				q := uint32(protocol.Quantise(p.X))<<16 | uint32(protocol.Quantise(p.Y))
				recent[id] = append([]uint32{q}, recent[id][:min(len(recent[id]), w.cfg.FarEvery-1)]...)
			}
			for id, u := range up {
				c, ok := clients[id]
				if !ok {
					t.Fatalf("update for %d who left", id)
				}
				if len(u.Enters) > w.cfg.Budget || (w.Tick()%uint32(w.cfg.TickRate) == 0 && u.Online != uint32(w.Len())) {
					t.Fatalf("update %+v", u)
				}
				c.apply(t, u)
			}
			// What clients know is in the world, near, and within budget.
			for id, c := range clients {
				if len(c.known) > w.cfg.Budget {
					t.Fatalf("%d knows %d > budget", id, len(c.known))
				}
				me, _ := w.Position(id)
				for o, e := range c.known {
					p, ok := w.Position(o)
					if !ok {
						t.Fatalf("tick %d: %d still knows %d who left", tick, id, o)
					}
					d := math.Hypot(float64(float32(p.X))-float64(float32(me.X)), float64(float32(p.Y))-float64(float32(me.Y)))
					if q := uint32(e.X)<<16 | uint32(e.Y); d <= w.cfg.Near && q != recent[o][0] || !slices.Contains(recent[o], q) {
						t.Fatalf("tick %d: %d has a stale position of %d (%.1f m away)", tick, id, o, d)
					}
					slack := float64(w.cfg.Refresh)*2*w.cfg.MaxSpeed*tickDt.Seconds() + float64(w.scr.margin)
					if d := math.Hypot(p.X-me.X, p.Y-me.Y); d > w.cfg.ViewRadius+slack {
						t.Fatalf("%d sees %d at %.1f m", id, o, d)
					}
				}
			}
		}
	}
}

// From 1,000 on the online count is rounded (protocol.RoundCount): the
// fair's count moving inside one step sends idle visitors nothing, and
// crossing to the next sends each one UPDATE within the second.
func TestOnlineRoundedSendsNothingWithinAStep(t *testing.T) {
	t.Parallel()
	w := newWorld(t, openZone(200, 200, nil), Config{})
	mustJoin(t, w, 1, 100, 100)
	mustJoin(t, w, 2, 105, 100)
	w.SetOnline(98_347)
	// Two seconds: the count is taken once a second, then sent on each
	// viewer's own tick of the second after.
	second := func() map[ID][]uint32 {
		got := map[ID][]uint32{}
		for range 2 * w.Config().TickRate {
			for id, u := range step(w) {
				got[id] = append(got[id], u.Online)
			}
		}
		return got
	}
	second() // the joins and the first count
	for _, n := range []uint32{98_348, 98_100, 98_499, 97_500} {
		w.SetOnline(n)
		if got := second(); len(got) != 0 {
			t.Fatalf("online %d (shown 98,000) sent %v", n, got)
		}
	}
	w.SetOnline(98_500)
	if got := second(); len(got[1]) != 1 || len(got[2]) != 1 || got[1][0] != 99_000 {
		t.Fatalf("online 98,500 (shown 99,000): updates in two seconds %v, want one each of 99000", got)
	}
	w.SetOnline(999) // exact below 1,000
	if got := second(); len(got[1]) != 1 || got[1][0] != 999 {
		t.Fatalf("online 999: %v", got)
	}
}
