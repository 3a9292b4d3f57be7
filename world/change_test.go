package world

import (
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/usine-extraordinaire/fairworld/protocol"
	"github.com/usine-extraordinaire/fairworld/world/nav"
)

// Change-driven interest (change.go) is an optimisation only: a world that
// skips the recomputations and scans where nothing changed sends exactly
// what a world that recomputes every viewer at every stagger tick sends,
// update for update, through joins, leaves, walkers, standing crowds over
// the budget, group changes and remote avatars.
func TestChangeDrivenMatchesFullRecompute(t *testing.T) {
	t.Parallel()
	for i, cfg := range []Config{{}, {Budget: 8, Refresh: 3}, {Budget: 5, ViewRadius: 20, CellSize: 8, FarEvery: 1}, {Budget: 16, Near: 10}} {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			t.Parallel()
			z := openZone(240, 160, func(c, r int) bool { return c%30 == 15 && r%20 < 12 })
			a, b := newWorld(t, z, cfg), newWorld(t, z, cfg)
			b.ch.always = true
			rng := rand.New(rand.NewPCG(uint64(i), 17))
			live := map[ID]bool{}
			remote := map[ID]bool{}
			next := ID(1)
			both := func(f func(w *World)) { f(a); f(b) }
			var recA, recB uint64
			for tick := range 900 {
				// Phases: joins and walkers, with a crowd over the budget;
				// then everyone stands (a talk); then walkers and leaves.
				quiet := tick >= 400 && tick < 700
				if len(live) < 160 && rng.IntN(3) == 0 && !quiet {
					p := nav.Point{X: 20 + rng.Float64()*200, Y: 20 + rng.Float64()*120}
					if rng.IntN(2) == 0 {
						p = nav.Point{X: 60 + rng.Float64()*12, Y: 60 + rng.Float64()*12} // the plaza
					}
					id := next
					next++
					who := Identity{Name: pseudo(id), Role: protocol.Role(rng.IntN(2)), Group: uint32(rng.IntN(3))}
					if rng.IntN(4) == 0 {
						both(func(w *World) {
							if err := w.JoinRemote(id, who, p); err != nil {
								t.Fatal(err)
							}
						})
						remote[id] = true
					} else {
						both(func(w *World) {
							if err := w.Join(id, who, p); err != nil {
								t.Fatal(err)
							}
						})
					}
					live[id] = true
				}
				if tick == 400 { // the talk starts: everyone stops
					for id := range live {
						if !remote[id] {
							both(func(w *World) { w.SetMove(id, uint32(tick), 0, 0) })
						}
					}
				}
				for id := range live {
					r := rng.IntN(200)
					if quiet {
						continue
					}
					switch {
					case r == 0 && tick > 650:
						both(func(w *World) { w.Leave(id); w.LeaveRemote(id) })
						delete(live, id)
						delete(remote, id)
					case r < 6 && remote[id]:
						p, _ := a.Position(id)
						p.X += rng.Float64()*6 - 3
						p.Y += rng.Float64()*6 - 3
						both(func(w *World) { w.MoveRemote(id, p) })
					case r < 6:
						ang := rng.Float64() * 2 * math.Pi
						dx, dy := math.Cos(ang), math.Sin(ang)
						if r == 5 {
							dx, dy = 0, 0
						}
						both(func(w *World) { w.SetMove(id, uint32(tick), dx, dy) })
					case r == 6 && !remote[id]:
						g := uint32(rng.IntN(3))
						both(func(w *World) { w.SetGroup(id, g) })
					}
				}
				ua, ub := step(a), step(b)
				if !reflect.DeepEqual(ua, ub) {
					for id := range live {
						if !reflect.DeepEqual(ua[id], ub[id]) {
							t.Fatalf("tick %d, avatar %d:\nchange-driven %+v\nfull          %+v", tick, id, ua[id], ub[id])
						}
					}
					t.Fatalf("tick %d: updates differ", tick)
				}
				switch tick {
				case 450:
					recA, recB = a.Stats().Recomputes, b.Stats().Recomputes
				case 699:
					// While the crowd stood the change-driven world recomputed
					// (almost) nothing.
					if ra, rb := a.Stats().Recomputes-recA, b.Stats().Recomputes-recB; ra*50 > rb {
						t.Errorf("recomputations while the crowd stood: %d change-driven, %d full", ra, rb)
					}
				}
			}
		})
	}
}

// A crowd standing still costs no recomputation and gets no update; one
// walker in it makes only the viewers within reach of it recompute.
func TestStandingCrowdCostsNothing(t *testing.T) {
	t.Parallel()
	w := newWorld(t, openZone(400, 200, nil), Config{})
	plaza(t, w, 1, 600, 30, 40, 40)      // 600 at (40, 40), over the budget
	plaza(t, w, 1001, 100, 10, 300, 100) // 100 far from them
	for range 2 * w.Config().TickRate {  // joins settle, online goes out
		step(w)
	}
	before := w.Stats().Recomputes
	for range 3 * w.Config().TickRate {
		if up := step(w); len(up) != 0 {
			t.Fatalf("a standing crowd got %d updates", len(up))
		}
	}
	if n := w.Stats().Recomputes - before; n != 0 {
		t.Fatalf("a standing crowd cost %d recomputations in 3 s", n)
	}
	// One of the far group walks: only its group (within reach) recomputes.
	w.SetMove(1050, 1, 1, 0)
	before = w.Stats().Recomputes
	got := map[ID]int{}
	for range w.Config().Refresh {
		for id := range step(w) {
			got[id]++
		}
	}
	if n := w.Stats().Recomputes - before; n > 100 || n == 0 {
		t.Fatalf("one walker among 100 cost %d recomputations in a refresh period", n)
	}
	for id := range got {
		if id < 1001 {
			t.Fatalf("%d, 250 m away, got an update", id)
		}
	}
}

// Moves of avatars beyond Near reach a viewer on one tick in FarEvery, its
// own phase, with their latest position; near ones and its own position
// every tick; and the viewers' far ticks are spread evenly.
func TestFarAvatarsEveryFourthTick(t *testing.T) {
	t.Parallel()
	w := newWorld(t, openZone(400, 200, nil), Config{})
	const viewers = 40
	for i := range ID(viewers) {
		mustJoin(t, w, 100+i, 100+float64(i)*0.2, 100) // a row of standing viewers
	}
	mustJoin(t, w, 1, 105, 95)  // walks near them
	mustJoin(t, w, 2, 100, 130) // walks 30 m away
	w.SetMove(1, 1, 0, 0.5)     // slowly: stays near them
	w.SetMove(2, 1, 1, 0)
	c := newClient(100)
	for range 10 {
		c.apply(t, step(w)[100])
	}
	farTicks := map[uint32]int{} // per tick, the viewers that got a move of 2
	last := map[ID]uint32{}      // viewer -> tick of its last move of 2
	for range 80 {
		up := step(w)
		for id, u := range up {
			if id == 100 {
				c.apply(t, u)
			}
			moved := map[ID]bool{}
			for _, m := range u.Moves {
				moved[m.ID] = true
			}
			if id >= 100 && !moved[1] {
				t.Fatalf("tick %d: viewer %d got no move of the near walker: %+v", w.Tick(), id, u)
			}
			if moved[2] && id >= 100 {
				farTicks[w.Tick()]++
				if l, ok := last[id]; ok && w.Tick()-l != uint32(w.Config().FarEvery) {
					t.Fatalf("viewer %d got the far walker %d ticks apart", id, w.Tick()-l)
				}
				last[id] = w.Tick()
			}
		}
		// Viewer 100 holds the far walker's position of at most 3 ticks ago.
		p, _ := w.Position(2)
		if e := c.known[2]; math.Abs(float64(e.X)-float64(protocol.Quantise(p.X))) > 3*16*w.Config().MaxSpeed/float64(w.Config().TickRate)+1 {
			t.Fatalf("viewer 100 holds %d for the far walker at %d", e.X, protocol.Quantise(p.X))
		}
	}
	if len(last) != viewers {
		t.Fatalf("%d of %d viewers got the far walker", len(last), viewers)
	}
	for tick, n := range farTicks {
		if n < viewers/4-3 || n > viewers/4+3 {
			t.Fatalf("tick %d served %d viewers' far moves, want about %d", tick, n, viewers/4)
		}
	}
}

// A change of the crowd count or the online count alone reaches each viewer
// at most once a second, spread over the ticks of the second.
func TestCountsAloneAtMostOncePerSecond(t *testing.T) {
	t.Parallel()
	w := newWorld(t, openZone(400, 200, nil), Config{Budget: 2})
	const viewers = 60
	for i := range ID(viewers) {
		mustJoin(t, w, 100+i, 50+float64(i%10)*0.5, 50+float64(i/10)*0.5)
	}
	rate := w.Config().TickRate
	for range 2 * rate {
		step(w)
	}
	// Someone joins far away every tick (online changes), and walkers cross
	// the viewers' radius beyond their budget (crowd changes).
	for i := range ID(8) {
		mustJoin(t, w, 10+i, 50+float64(i)*3, 85)
		w.SetMove(10+i, 1, 0, -1)
	}
	got := map[ID][]uint32{}
	perTick := map[uint32]int{}
	for k := range 4 * rate {
		mustJoin(t, w, 1000+ID(k), 350, 150)
		for id, u := range step(w) {
			if id < 100 || id >= 1000 {
				continue
			}
			if len(u.Moves)+len(u.Enters)+len(u.Leaves)+len(u.Events) != 0 {
				continue // not a count alone
			}
			got[id] = append(got[id], w.Tick())
			perTick[w.Tick()]++
		}
	}
	for id, ticks := range got {
		for i := 1; i < len(ticks); i++ {
			if ticks[i]-ticks[i-1] < uint32(rate) {
				t.Fatalf("viewer %d got counts alone at ticks %v", id, ticks)
			}
		}
	}
	if len(got) < viewers/2 {
		t.Fatalf("only %d viewers got count updates", len(got))
	}
	for tick, n := range perTick {
		if n > viewers/rate+3 {
			t.Fatalf("tick %d sent counts alone to %d viewers, want about %d", tick, n, viewers/rate)
		}
	}
}

// Only viewers hold a visible set: after a renumbering, remote avatars (a
// node holding other nodes' avatars around its viewers) have none, and the
// block of sets has regions for the local avatars only.
func TestRemoteAvatarsHoldNoVisibleSet(t *testing.T) {
	t.Parallel()
	w := newWorld(t, openZone(400, 200, nil), Config{})
	for i := range ID(50) {
		mustJoin(t, w, 1+i, 100+float64(i%10), 100+float64(i/10))
	}
	for i := range ID(2000) {
		mustJoinRemote(t, w, 1000+i, Identity{Name: pseudo(i)}, 50+float64(i%50)*5, 50+float64(i/50)*3)
	}
	for range renumberEvery + 1 {
		step(w)
	}
	for s := range w.av {
		if a := &w.av[s]; w.hot[s].gen != 0 && a.remote && cap(a.vis) != 0 {
			t.Fatalf("remote avatar %d holds a set of capacity %d", a.id, cap(a.vis))
		}
	}
	if n := w.visb.slots; n > 50+50/8 {
		t.Fatalf("%d regions for 50 viewers", n)
	}
}
