package feed_test

import (
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/usine-extraordinaire/fairworld/protocol"
	"github.com/usine-extraordinaire/fairworld/server/feed"
	"github.com/usine-extraordinaire/fairworld/world"
	"github.com/usine-extraordinaire/fairworld/world/nav"
	"github.com/usine-extraordinaire/fairworld/world/zone"
)

var walkerWho = world.Identity{Name: "marcheuse", Role: protocol.RoleProfessional, Group: 5, Colour: 3, Shape: 1}

// testWalk: avatar 1 of node a walks east across the view of avatar 2 of
// node b. Each sees the other enter, move and leave exactly once, with its
// identity. It returns the ticks it took.
func testWalk(t *testing.T, c *clock, a, b *node) {
	t.Helper()
	a.join(1, walkerWho, 10, 100)
	b.join(2, world.Identity{Name: "statue", Colour: 9}, 120, 100)
	a.w.SetMove(1, 1, 1, 0)
	for i := 0; ; i++ {
		tick(t, c, a, b)
		if p, _ := a.w.Position(1); p.X >= 230 {
			break
		}
		if i > 2000 {
			t.Fatal("the walk does not end")
		}
	}
	for range 10 {
		tick(t, c, a, b)
	}
	cb, ca := b.clients[2], a.clients[1]
	if cb.enters[1] != 1 || cb.leaves[1] != 1 {
		t.Fatalf("on node b: %d enters, %d leaves of the walker; want 1 and 1", cb.enters[1], cb.leaves[1])
	}
	if ca.enters[2] != 1 || ca.leaves[2] != 1 {
		t.Fatalf("on node a: %d enters, %d leaves of the statue; want 1 and 1", ca.enters[2], ca.leaves[2])
	}
	if _, ok := b.clients[2].known[1]; ok {
		t.Fatal("the walker is still visible")
	}
	st := b.s.Stats()
	if st.Positions < 100 || st.Joined != 1 || st.Left != 1 {
		t.Fatalf("node b applied %+v", st)
	}
}

func TestMemoryWalkAcrossNodes(t *testing.T) {
	t.Parallel()
	_, n := memoryNodes(t, 2, openZone(240, 200), world.Config{}, feed.SyncConfig{})
	c := newClock()
	// Check the identity at the enter, on the way.
	n[0].join(1, walkerWho, 10, 100)
	n[1].join(2, world.Identity{Name: "statue", Colour: 9}, 120, 100)
	n[0].w.SetMove(1, 1, 1, 0)
	var entered *protocol.Enter
	for range 2000 {
		ups := tick(t, c, n[0], n[1])
		for _, e := range ups[n[1]][2].Enters {
			entered = &e
			if d := 120 - protocol.Dequantise(e.X); d > 40.5 {
				t.Errorf("entered %.2f m away, beyond the view radius", d)
			}
		}
		if entered != nil {
			break
		}
	}
	if entered == nil || entered.Pseudonym != "marcheuse" || entered.Role != protocol.RoleProfessional || entered.Colour != 3 || entered.Shape != 1 {
		t.Fatalf("enter %+v", entered)
	}
	// And the rest of the walk from a fresh start.
	_, n = memoryNodes(t, 2, openZone(240, 200), world.Config{}, feed.SyncConfig{})
	testWalk(t, newClock(), n[0], n[1])
}

// A lost record is detected by its sequence number; the next full record
// of the channel resyncs: an avatar whose identity was lost appears, an
// avatar whose departure was lost goes, both well before the expiry.
func TestMemoryLostRecordIsResynced(t *testing.T) {
	t.Parallel()
	cfg := feed.SyncConfig{FullEvery: 500 * time.Millisecond, Expiry: 3 * time.Second}
	bus, n := memoryNodes(t, 2, openZone(200, 200), world.Config{}, cfg)
	a, b := n[0], n[1]
	c := newClock()
	a.join(1, world.Identity{Name: "un"}, 70, 100)
	a.join(7, world.Identity{Name: "sept"}, 74, 100)
	b.join(2, world.Identity{Name: "deux"}, 60, 100) // in another channel: LoseNext loses a's record
	for range 20 {
		tick(t, c, a, b)
	}
	cl := b.clients[2]
	if _, ok := cl.known[7]; !ok || len(cl.known) != 2 {
		t.Fatalf("b sees %v", cl.known)
	}
	ch := b.s.Channel(a.w.ChannelOf(nav.Point{X: 72, Y: 102}))
	if ch == b.s.Channel(a.w.ChannelOf(nav.Point{X: 60, Y: 100})) {
		t.Fatal("the viewer is in the channel of the loss")
	}
	bound := int(cfg.FullEvery/tickDt) + int(a.w.Config().Refresh) + 3 // a full record, a recomputation

	a.join(5, world.Identity{Name: "cinq"}, 72, 102)
	bus.LoseNext(ch, 1)
	ticks := 0
	for ; cl.enters[5] == 0; ticks++ {
		if ticks > bound {
			t.Fatalf("avatar 5 not seen %d ticks after its lost identity", ticks)
		}
		tick(t, c, a, b)
	}
	st := b.s.Stats()
	if st.Gaps != 1 || st.Resyncs != 1 {
		t.Fatalf("gaps %d resyncs %d, want 1 and 1", st.Gaps, st.Resyncs)
	}
	t.Logf("identity lost: seen after %d ticks", ticks)

	a.w.Leave(7)
	bus.LoseNext(ch, 1)
	ticks = 0
	for ; cl.leaves[7] == 0; ticks++ {
		if ticks > bound {
			t.Fatalf("avatar 7 still seen %d ticks after its lost leave", ticks)
		}
		tick(t, c, a, b)
	}
	if st := b.s.Stats(); st.Gaps != 2 || st.Resyncs != 2 || st.Expired != 0 {
		t.Fatalf("after the lost leave: %+v", st)
	}
	if g := gauge(t, b.reg, "fair_feed_gaps_total"); g != 2 {
		t.Fatalf("gaps metric %v", g)
	}
	t.Logf("leave lost: gone after %d ticks", ticks)
}

// A node that stops publishing (killed): its avatars leave the other
// nodes' clients after the expiry, not before.
func TestMemoryStoppedNodeExpires(t *testing.T) {
	t.Parallel()
	cfg := feed.SyncConfig{Expiry: 1500 * time.Millisecond, FullEvery: 500 * time.Millisecond}
	_, n := memoryNodes(t, 2, openZone(200, 200), world.Config{}, cfg)
	a, b := n[0], n[1]
	c := newClock()
	a.join(1, world.Identity{Name: "un"}, 100, 100)
	b.join(2, world.Identity{Name: "deux"}, 100, 104)
	for range 20 {
		tick(t, c, a, b)
	}
	if _, ok := b.clients[2].known[1]; !ok {
		t.Fatal("not seen")
	}
	a.stopped = true
	exp := int(cfg.Expiry / tickDt)
	ticks := 0
	for ; b.clients[2].leaves[1] == 0; ticks++ {
		if ticks > exp+3 {
			t.Fatalf("still seen %d ticks after its node stopped", ticks)
		}
		tick(t, c, a, b)
	}
	// A standing avatar is mentioned by its channel's full records only:
	// the expiry runs from the last one.
	if low := int((cfg.Expiry - cfg.FullEvery) / tickDt); ticks < low-1 {
		t.Fatalf("left after %d ticks, before the expiry (%d to %d)", ticks, low, exp)
	}
	if st := b.s.Stats(); st.Expired != 1 || b.w.RemoteLen() != 0 {
		t.Fatalf("%+v, remote %d", st, b.w.RemoteLen())
	}
}

// A discovery on one node reaches the viewers of another near the
// hotspot, with the opener's pseudonym; counts add up over nodes and
// expire with their node.
func TestMemoryHotspotsAcrossNodes(t *testing.T) {
	t.Parallel()
	z := openZone(200, 200, zone.Hotspot{ID: "h-001", X: 100, Y: 100, Range: 4})
	_, n := memoryNodes(t, 2, z, world.Config{}, feed.SyncConfig{})
	a, b := n[0], n[1]
	c := newClock()
	a.join(1, world.Identity{Name: "ouvreuse"}, 101, 100)
	b.join(2, world.Identity{Name: "deux"}, 103, 100)
	for range 20 {
		tick(t, c, a, b)
	}
	if code := a.w.OpenHotspot(1, "h-001"); code != 0 {
		t.Fatal(code)
	}
	for range 3 {
		tick(t, c, a, b)
	}
	var disc []protocol.HotspotDiscovered
	var viewers []protocol.HotspotViewers
	for _, e := range b.clients[2].events {
		switch e := e.(type) {
		case protocol.HotspotDiscovered:
			disc = append(disc, e)
		case protocol.HotspotViewers:
			viewers = append(viewers, e)
		}
	}
	if len(disc) != 1 || disc[0].AvatarID != 1 || disc[0].Pseudonym != "ouvreuse" || disc[0].HotspotID != "h-001" {
		t.Fatalf("discoveries on b: %+v", disc)
	}
	if len(viewers) != 1 || viewers[0].Viewers != 1 {
		t.Fatalf("viewer counts on b: %+v", viewers)
	}
	if code := b.w.OpenHotspot(2, "h-001"); code != 0 {
		t.Fatal(code)
	}
	for range 3 {
		tick(t, c, a, b)
	}
	if v, _ := a.w.HotspotViewers("h-001"); v != 2 {
		t.Fatalf("a counts %d", v)
	}
	if v, _ := b.w.HotspotViewers("h-001"); v != 2 {
		t.Fatalf("b counts %d", v)
	}
	a.stopped = true
	for range int(1500*time.Millisecond/tickDt) + 3 {
		tick(t, c, a, b)
	}
	if v, _ := b.w.HotspotViewers("h-001"); v != 1 {
		t.Fatalf("b counts %d after a stopped", v)
	}
}

// Three nodes, walkers everywhere: every client's view stays consistent,
// and once everyone stops, each viewer sees exactly the avatars of all
// nodes within its view radius (the budget is large enough for all).
func TestMemoryThreeNodesAgree(t *testing.T) {
	t.Parallel()
	_, n := memoryNodes(t, 3, openZone(200, 200), world.Config{Budget: 512}, feed.SyncConfig{})
	c := newClock()
	rng := rand.New(rand.NewPCG(1, 2))
	next := world.ID(1)
	home := map[world.ID]*node{}
	for _, nd := range n {
		for range 40 {
			nd.join(next, world.Identity{Name: "w"}, 10+rng.Float64()*180, 10+rng.Float64()*180)
			home[next] = nd
			next++
		}
	}
	turn := func(id world.ID) {
		a := rng.Float64() * 2 * math.Pi
		home[id].w.SetMove(id, rng.Uint32(), math.Cos(a), math.Sin(a))
	}
	for id := range home {
		turn(id)
	}
	for range 300 {
		for range 5 {
			turn(world.ID(1 + rng.IntN(int(next-1))))
		}
		tick(t, c, n...)
	}
	for id := range home {
		home[id].w.SetMove(id, 0, 0, 0)
	}
	for range 30 {
		tick(t, c, n...)
	}
	R := n[0].w.Config().ViewRadius
	for id, nd := range home {
		p, _ := nd.w.Position(id)
		cl := nd.clients[id]
		for other, ond := range home {
			if other == id {
				continue
			}
			q, _ := ond.w.Position(other)
			d := math.Hypot(p.X-q.X, p.Y-q.Y)
			_, sees := cl.known[other]
			switch {
			case d <= R-0.2 && !sees:
				t.Errorf("avatar %d does not see %d at %.2f m (%s)", id, other, d, where(nd, ond))
			case d > R+2.2 && sees:
				t.Errorf("avatar %d sees %d at %.2f m (%s)", id, other, d, where(nd, ond))
			}
		}
	}
}

func where(a, b *node) string {
	if a == b {
		return "same node"
	}
	return "other node"
}

// Channels no viewer needs any more are unsubscribed after the linger
// time, not before.
func TestMemorySubscriptionsLinger(t *testing.T) {
	t.Parallel()
	cfg := feed.SyncConfig{Linger: 2 * time.Second}
	_, n := memoryNodes(t, 1, openZone(400, 400), world.Config{ChannelCells: 2}, cfg)
	a := n[0]
	c := newClock()
	a.join(1, world.Identity{Name: "un"}, 50, 50)
	tick(t, c, a)
	first := gauge(t, a.reg, "fair_feed_subscriptions")
	if first < 4 || first > 25 {
		t.Fatalf("%v channels subscribed for one viewer", first)
	}
	a.w.Leave(1)
	a.join(1, world.Identity{Name: "un"}, 350, 350)
	tick(t, c, a)
	if g := gauge(t, a.reg, "fair_feed_subscriptions"); g != 2*first {
		t.Fatalf("after the move %v subscribed, want %v", g, 2*first)
	}
	linger := int(cfg.Linger / tickDt)
	for range linger - 2 {
		tick(t, c, a)
	}
	if g := gauge(t, a.reg, "fair_feed_subscriptions"); g != 2*first {
		t.Fatalf("unsubscribed before the linger time: %v", g)
	}
	for range 4 {
		tick(t, c, a)
	}
	if g := gauge(t, a.reg, "fair_feed_subscriptions"); g != first {
		t.Fatalf("after the linger time %v subscribed, want %v", g, first)
	}
}
