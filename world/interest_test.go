package world

import (
	"math"
	"slices"
	"testing"

	"github.com/usine-extraordinaire/fairworld/protocol"
	"github.com/usine-extraordinaire/fairworld/world/nav"
)

// plaza joins n avatars on a grid of spacing 1 m starting at (x0, y0),
// cols per row, ids from first.
func plaza(tb testing.TB, w *World, first ID, n, cols int, x0, y0 float64) {
	for i := range n {
		mustJoin(tb, w, first+ID(i), x0+float64(i%cols), y0+float64(i/cols))
	}
}

func TestCrowdBudgetNearestFirst(t *testing.T) {
	t.Parallel()
	w := newWorld(t, openZone(200, 200, nil), Config{})
	plaza(t, w, 1, 300, 20, 90, 90) // 20 x 15 m: everyone within 40 m of everyone
	up := step(w)
	B := w.cfg.Budget
	for id := ID(1); id <= 300; id++ {
		u := up[id]
		if len(u.Enters) != B || u.Crowd != uint32(300-1-B) || u.Online != 300 {
			t.Fatalf("%d: %d enters, crowd %d", id, len(u.Enters), u.Crowd)
		}
		// Nearest first: nobody left out is nearer than someone entered.
		me, _ := w.Position(id)
		entered := map[ID]bool{}
		far := 0.0
		for _, e := range u.Enters {
			entered[e.ID] = true
			p, _ := w.Position(e.ID)
			far = max(far, math.Hypot(p.X-me.X, p.Y-me.Y))
		}
		for o := ID(1); o <= 300; o++ {
			if o == id || entered[o] {
				continue
			}
			p, _ := w.Position(o)
			if d := math.Hypot(p.X-me.X, p.Y-me.Y); d < far-1e-4 {
				t.Fatalf("%d: %d at %.2f m left out, %.2f m entered", id, o, d, far)
			}
		}
	}
	// Stable: nothing moves, nothing churns.
	if up := step(w); len(up) != 0 {
		t.Fatalf("%d updates in a still crowd", len(up))
	}
	for range 8 {
		step(w)
	}
	// A professional at the back of the crowd is seen by more viewers than
	// a visitor at the same place.
	seenBy := func(role protocol.Role) int {
		w := newWorld(t, openZone(200, 200, nil), Config{})
		plaza(t, w, 1, 300, 20, 90, 90)
		step(w)
		if err := w.Join(1000, Identity{Name: "x", Role: role}, nav.Point{X: 100, Y: 106}); err != nil {
			t.Fatal(err)
		}
		n := 0
		for range w.cfg.Refresh + 1 {
			for _, u := range step(w) {
				if slices.Contains(enterIDs(u), 1000) {
					n++
				}
			}
		}
		return n
	}
	if pro, vis := seenBy(protocol.RoleProfessional), seenBy(protocol.RoleVisitor); pro <= vis+10 {
		t.Fatalf("a professional is seen by %d, a visitor by %d", pro, vis)
	}
}

func TestDenseCrowdIsBounded(t *testing.T) {
	t.Parallel()
	// 2,400 avatars in a 60 x 40 m agora: the dense search, Crowd from
	// the cell counts.
	w := newWorld(t, openZone(300, 200, nil), Config{})
	plaza(t, w, 1, 2400, 60, 100, 80)
	up := step(w)
	for id := ID(1); id <= 2400; id += 97 {
		u := up[id]
		if len(u.Enters) != w.cfg.Budget {
			t.Fatalf("%d: %d enters", id, len(u.Enters))
		}
		// Count exactly, compare with the estimate.
		me, _ := w.Position(id)
		n := 0
		for o := ID(1); o <= 2400; o++ {
			p, _ := w.Position(o)
			if o != id && math.Hypot(p.X-me.X, p.Y-me.Y) <= w.cfg.ViewRadius {
				n++
			}
		}
		want := float64(n - w.cfg.Budget)
		if got := float64(u.Crowd); math.Abs(got-want) > 0.05*want+5 {
			t.Fatalf("%d: crowd %v, exact %v", id, got, want)
		}
		// Nearest first holds in the dense search too.
		far := 0.0
		entered := map[ID]bool{}
		for _, e := range u.Enters {
			entered[e.ID] = true
			p, _ := w.Position(e.ID)
			far = max(far, math.Hypot(p.X-me.X, p.Y-me.Y))
		}
		for o := ID(1); o <= 2400; o++ {
			p, _ := w.Position(o)
			if d := math.Hypot(p.X-me.X, p.Y-me.Y); o != id && !entered[o] && d < far-1e-4 {
				t.Fatalf("%d: %d at %.2f m left out, %.2f m entered", id, o, d, far)
			}
		}
	}
}

func TestGroupMembersHavePriority(t *testing.T) {
	t.Parallel()
	w := newWorld(t, openZone(200, 200, nil), Config{Budget: 10})
	plaza(t, w, 1, 100, 10, 95, 95)
	// A class of 5, 10 m from the crowd's edge, joins as group 7.
	for i := range ID(5) {
		if err := w.Join(500+i, Identity{Name: "c", Group: 7}, nav.Point{X: 100 + float64(i), Y: 86}); err != nil {
			t.Fatal(err)
		}
	}
	up := step(w)
	// Each pupil sees its 4 mates: they are nearer than the crowd anyway.
	for i := range ID(5) {
		got := enterIDs(up[500+i])
		n := 0
		for _, id := range got {
			if id >= 500 {
				n++
			}
		}
		if n != 4 {
			t.Fatalf("pupil %d sees %v", i, got)
		}
	}
	// Now the class walks into the crowd: mates 3 m away beat visitors at 2 m.
	w.SetGroup(1, 7) // avatar 1 (at 95,95) is in the class too
	for range 3 {
		step(w)
	}
	w.Leave(500)
	if err := w.Join(600, Identity{Name: "mate", Group: 7}, nav.Point{X: 97.5, Y: 97.5}); err != nil {
		t.Fatal(err)
	}
	found := false
	for range w.cfg.Refresh + 1 {
		if slices.Contains(enterIDs(step(w)[1]), 600) {
			found = true
		}
	}
	if !found {
		t.Fatal("avatar 1 does not see its classmate in the crowd")
	}
}

func TestStepAllocatesNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("warm-up takes a while")
	}
	w := newWorld(t, openZone(600, 600, nil), Config{})
	sim := walkers(w, 2000, 1)
	agora := ID(100000)
	plaza(t, w, agora, 900, 30, 400, 400) // and a crowd
	noop := func(ID, *protocol.Update) {}
	for range 200 { // warm-up: buffers reach their steady size
		sim.turn(20)
		w.Step(tickDt)
		w.Updates(noop)
	}
	allocs := testing.AllocsPerRun(50, func() {
		w.Step(tickDt)
		w.Updates(noop)
	})
	if allocs != 0 {
		t.Fatalf("%v allocations per Step+Updates", allocs)
	}
}
