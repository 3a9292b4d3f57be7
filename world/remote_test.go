package world

import (
	"errors"
	"slices"
	"testing"

	"github.com/usine-extraordinaire/fairworld/protocol"
	"github.com/usine-extraordinaire/fairworld/world/nav"
)

func mustJoinRemote(tb testing.TB, w *World, id ID, who Identity, x, y float64) {
	tb.Helper()
	if err := w.JoinRemote(id, who, nav.Point{X: x, Y: y}); err != nil {
		tb.Fatal(err)
	}
}

// A remote avatar walking through a local viewer's view: one Enter (with
// its identity) at the edge of the view radius, moves, one Leave; it never
// gets an Update of its own.
func TestRemoteEntersAndLeavesOnceAtEdgeOfView(t *testing.T) {
	t.Parallel()
	w := newWorld(t, openZone(400, 200, nil), Config{})
	mustJoin(t, w, 1, 200, 100)
	who := Identity{Name: "loin", Role: protocol.RoleProfessional, Group: 3, Colour: 5, Shape: 2}
	mustJoinRemote(t, w, 2, who, 100, 100)
	if w.Len() != 1 || w.RemoteLen() != 1 || !w.IsRemote(2) || w.IsRemote(1) {
		t.Fatalf("Len %d RemoteLen %d", w.Len(), w.RemoteLen())
	}
	c := newClient(1)
	enters, leaves, moves := 0, 0, 0
	var entered protocol.Enter
	walk := func(x float64) {
		w.MoveRemote(2, nav.Point{X: x, Y: 100})
		for id, u := range step(w) {
			if id != 1 {
				t.Fatalf("an Update for avatar %d", id)
			}
			c.apply(t, u)
			for _, e := range u.Enters {
				entered = e
				enters++
				if d := 200 - protocol.Dequantise(e.X); d > w.cfg.ViewRadius+0.1 {
					t.Errorf("entered at %.2f m, beyond the view radius", d)
				}
			}
			leaves += len(u.Leaves)
			moves += len(u.Moves)
		}
	}
	for x := 100.0; x <= 200; x += 0.25 {
		walk(x)
	}
	for x := 200.0; x >= 100; x -= 0.25 {
		walk(x)
	}
	if enters != 1 || leaves != 1 {
		t.Fatalf("%d enters, %d leaves; want 1 and 1", enters, leaves)
	}
	if moves < 100 {
		t.Fatalf("only %d moves while the remote avatar walked in view", moves)
	}
	if entered.ID != 2 || entered.Pseudonym != "loin" || entered.Role != protocol.RoleProfessional || entered.Colour != 5 || entered.Shape != 2 {
		t.Fatalf("enter %+v", entered)
	}
	// Removal: a normal Leave for a viewer that holds it.
	for range 12 {
		walk(190)
	}
	if _, ok := c.known[2]; !ok {
		t.Fatal("not seen again")
	}
	w.LeaveRemote(2)
	u := step(w)[1]
	if !slices.Equal(u.Leaves, []uint32{2}) || w.RemoteLen() != 0 {
		t.Fatalf("leaves %v, remote %d", u.Leaves, w.RemoteLen())
	}
}

func TestRemoteIsNeverMovedByIntentsNorSentEvents(t *testing.T) {
	t.Parallel()
	w := newWorld(t, openZone(200, 200, nil), Config{})
	mustJoin(t, w, 1, 100, 100)
	mustJoinRemote(t, w, 2, Identity{Name: "r"}, 105, 100)
	w.SetMove(2, 1, 1, 0)
	w.SetPath(2, 2, []nav.Point{{X: 150, Y: 150}})
	w.Event(2, protocol.ErrorEvent{})
	w.Leave(2) // a local leave does not remove a remote avatar
	w.SetGroup(2, 9)
	for range 20 {
		for id := range step(w) {
			if id != 1 {
				t.Fatalf("an Update for avatar %d", id)
			}
		}
	}
	if p, _ := w.Position(2); p != (nav.Point{X: 105, Y: 100}) {
		t.Fatalf("remote avatar moved to %v", p)
	}
	if who, _ := w.Identity(2); who.Group != 0 {
		t.Fatalf("SetGroup changed a remote avatar: %+v", who)
	}
	if a := &w.av[w.byID[2]]; len(a.vis) != 0 || len(a.events) != 0 {
		t.Fatalf("remote avatar has %d visible, %d events", len(a.vis), len(a.events))
	}
	if err := w.JoinRemote(1, Identity{}, nav.Point{}); !errors.Is(err, ErrDuplicate) {
		t.Fatalf("JoinRemote over a local avatar: %v", err)
	}
	w.MoveRemote(1, nav.Point{X: 10, Y: 10})
	w.LeaveRemote(1)
	if p, ok := w.Position(1); !ok || p.X != 100 {
		t.Fatalf("remote calls touched a local avatar: %v %v", p, ok)
	}
	// Out-of-map feed positions are clamped.
	w.MoveRemote(2, nav.Point{X: -5, Y: 1e9})
	if p, _ := w.Position(2); p.X != 0 || p.Y != 200 {
		t.Fatalf("clamped to %v", p)
	}
}

// A session resumed here from another node: the local join replaces the
// remote entry; its viewers get a Leave, then an Enter.
func TestLocalJoinReplacesRemote(t *testing.T) {
	t.Parallel()
	w := newWorld(t, openZone(200, 200, nil), Config{})
	mustJoin(t, w, 1, 100, 100)
	mustJoinRemote(t, w, 2, Identity{Name: "r"}, 104, 100)
	c := newClient(1)
	c.apply(t, step(w)[1])
	if _, ok := c.known[2]; !ok {
		t.Fatal("remote avatar not seen")
	}
	if err := w.Join(2, Identity{Name: "r"}, nav.Point{X: 104, Y: 100}); err != nil {
		t.Fatal(err)
	}
	if w.IsRemote(2) || w.Len() != 2 || w.RemoteLen() != 0 {
		t.Fatalf("after the local join: remote %v, Len %d, RemoteLen %d", w.IsRemote(2), w.Len(), w.RemoteLen())
	}
	got2 := false
	for range 30 {
		ups := step(w)
		c.apply(t, ups[1])
		if _, ok := ups[2]; ok {
			got2 = true
		}
	}
	if _, ok := c.known[2]; !ok || !got2 {
		t.Fatalf("local avatar 2 known to 1: %v; 2 gets updates: %v", ok, got2)
	}
}

func TestRemoteCountInBudgetAndCrowd(t *testing.T) {
	t.Parallel()
	w := newWorld(t, openZone(200, 200, nil), Config{Budget: 4})
	mustJoin(t, w, 1, 100, 100)
	for i := range 10 {
		mustJoinRemote(t, w, ID(10+i), Identity{Name: "r"}, 100+float64(i+1), 100)
	}
	mustJoin(t, w, 5, 100, 111) // a local one, 11 m away
	c := newClient(1)
	var u protocol.Update
	for range 12 {
		if up, ok := step(w)[1]; ok {
			u = up
			c.apply(t, u)
		}
	}
	want := []ID{10, 11, 12, 13}
	got := slices.Sorted(func(yield func(ID) bool) {
		for id := range c.known {
			if !yield(id) {
				return
			}
		}
	})
	if !slices.Equal(got, want) || u.Crowd != 7 {
		t.Fatalf("sees %v crowd %d; want %v crowd 7", got, u.Crowd, want)
	}
}

func TestRemotePriority(t *testing.T) {
	t.Parallel()
	w := newWorld(t, openZone(200, 200, nil), Config{Budget: 3})
	if err := w.Join(1, Identity{Name: "me", Group: 7}, nav.Point{X: 100, Y: 100}); err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		mustJoinRemote(t, w, ID(10+i), Identity{Name: "v"}, 100+float64(i+6), 100) // 6-8 m
	}
	mustJoinRemote(t, w, 20, Identity{Name: "pro", Role: protocol.RoleProfessional}, 100, 108) // 8 m
	mustJoinRemote(t, w, 21, Identity{Name: "mate", Group: 7}, 100, 109)                       // 9 m
	c := newClient(1)
	for range 12 {
		c.apply(t, step(w)[1])
	}
	for _, id := range []ID{10, 20, 21} {
		if _, ok := c.known[id]; !ok {
			t.Fatalf("avatar %d not visible; sees %v", id, c.known)
		}
	}
	// A remote group change takes effect in the priorities; a name change
	// makes it leave and enter again.
	w.SetRemoteIdentity(21, Identity{Name: "mate", Group: 8})
	w.SetRemoteIdentity(20, Identity{Name: "pro2", Role: protocol.RoleProfessional})
	leaves := map[ID]int{}
	enters := map[ID]int{}
	for range 30 {
		u := step(w)[1]
		c.apply(t, u)
		for _, id := range u.Leaves {
			leaves[id]++
		}
		for _, e := range u.Enters {
			enters[e.ID]++
		}
	}
	if _, ok := c.known[21]; ok || leaves[21] != 1 {
		t.Fatalf("former mate still visible (%d leaves)", leaves[21])
	}
	if e, ok := c.known[20]; !ok || e.Pseudonym != "pro2" || leaves[20] != 1 || enters[20] != 1 {
		t.Fatalf("renamed professional: %+v %v, %d leaves, %d enters", e, ok, leaves[20], enters[20])
	}
}

// Two worlds, no feed: what A's Export says, replayed on B by hand, makes
// B's viewer see A's avatar open a hotspot, and counts add up.
func TestHotspotAcrossWorlds(t *testing.T) {
	t.Parallel()
	a, b := hotspotWorld(t), hotspotWorld(t)
	mustJoin(t, a, 1, 101, 100)
	mustJoin(t, a, 3, 99, 101)
	mustJoin(t, b, 2, 103, 100)
	step(a)
	step(b)
	exportTo := func(dst *World) {
		a.Export(func(ex *ChannelExport) {
			for _, av := range ex.Avatars {
				p := nav.Point{X: protocol.Dequantise(av.X), Y: protocol.Dequantise(av.Y)}
				if av.New {
					if err := dst.JoinRemote(av.ID, av.Who, p); err != nil {
						t.Fatal(err)
					}
				} else {
					dst.MoveRemote(av.ID, p)
				}
			}
			for _, d := range ex.Discovered {
				if !dst.DiscoveredRemote(d.Avatar, d.Hotspot) {
					t.Errorf("discovery %+v refused", d)
				}
			}
			for _, h := range ex.Hotspots {
				dst.SetRemoteViewers(h.Hotspot, h.Viewers)
			}
		})
	}
	exportTo(b)
	for range 3 {
		step(b)
	}
	if code := a.OpenHotspot(1, "h-001"); code != 0 {
		t.Fatal(code)
	}
	if code := a.OpenHotspot(3, "h-001"); code != 0 {
		t.Fatal(code)
	}
	step(a)
	exportTo(b)
	u := step(b)[2]
	disc := eventsOf[protocol.HotspotDiscovered](u)
	if len(disc) != 2 || disc[0].AvatarID != 1 || disc[0].Pseudonym != pseudo(1) || disc[1].AvatarID != 3 {
		t.Fatalf("discovered on B: %+v", disc)
	}
	if v := eventsOf[protocol.HotspotViewers](u); len(v) != 1 || v[0].Viewers != 2 {
		t.Fatalf("viewers on B: %+v", v)
	}
	// B's own viewer opens it too: everyone is told 3.
	if code := b.OpenHotspot(2, "h-001"); code != 0 {
		t.Fatal(code)
	}
	if n, _ := b.HotspotViewers("h-001"); n != 3 {
		t.Fatalf("B counts %d", n)
	}
	if v := eventsOf[protocol.HotspotViewers](step(b)[2]); len(v) != 1 || v[0].Viewers != 3 {
		t.Fatalf("viewers event on B %+v", v)
	}
	if b.DiscoveredRemote(2, "h-001") || b.DiscoveredRemote(1, "nope") || b.SetRemoteViewers("nope", 1) {
		t.Fatal("a discovery by a local avatar or of an unknown hotspot was accepted")
	}
}

func TestExportReportsChangesPerChannel(t *testing.T) {
	t.Parallel()
	w := newWorld(t, openZone(256, 128, nil), Config{ChannelCells: 2}) // channels of 32 m: 8 x 4
	if w.Channels() != 32 {
		t.Fatalf("%d channels", w.Channels())
	}
	collect := func() map[int]ChannelExport {
		out := map[int]ChannelExport{}
		w.Export(func(ex *ChannelExport) {
			c := *ex
			c.Avatars, c.Gone = slices.Clone(ex.Avatars), slices.Clone(ex.Gone)
			c.Hotspots, c.Discovered = slices.Clone(ex.Hotspots), slices.Clone(ex.Discovered)
			out[ex.Channel] = c
		})
		return out
	}
	mustJoin(t, w, 1, 10, 10) // channel 0
	mustJoin(t, w, 2, 40, 10) // channel 1
	mustJoinRemote(t, w, 3, Identity{Name: "r"}, 12, 10)
	w.Step(tickDt)
	got := collect()
	if len(got) != 2 || len(got[0].Avatars) != 1 || !got[0].Avatars[0].New || got[0].Avatars[0].ID != 1 ||
		got[0].Avatars[0].Who.Name != pseudo(1) || !got[1].Avatars[0].New {
		t.Fatalf("first export %+v", got)
	}
	w.Step(tickDt)
	got = collect()
	if a := got[0].Avatars[0]; a.New || a.Moved || a.Ident {
		t.Fatalf("standing still: %+v", a)
	}
	// 1 walks east into channel 1; 2 changes group; 2's channel holds both.
	w.SetMove(1, 1, 1, 0)
	w.SetGroup(2, 4)
	for range 200 {
		w.Step(tickDt)
		got = collect()
		if len(got[0].Gone) > 0 {
			break
		}
		if a := got[0].Avatars[0]; !a.Moved || a.New {
			t.Fatalf("walking: %+v", a)
		}
	}
	if !slices.Equal(got[0].Gone, []ID{1}) || len(got[0].Avatars) != 0 {
		t.Fatalf("leaving channel 0: %+v", got[0])
	}
	for _, a := range got[1].Avatars {
		if a.ID == 1 && !a.New {
			t.Fatalf("walking into channel 1: %+v", a)
		}
	}
	w.Leave(2)
	w.Step(tickDt)
	got = collect()
	if !slices.Equal(got[1].Gone, []ID{2}) || len(got[1].Avatars) != 1 {
		t.Fatalf("after a leave: %+v", got[1])
	}
}

func TestExportOfIdentityChange(t *testing.T) {
	t.Parallel()
	w := newWorld(t, openZone(128, 128, nil), Config{})
	mustJoin(t, w, 1, 10, 10)
	w.Step(tickDt)
	w.Export(func(*ChannelExport) {})
	w.SetGroup(1, 4)
	w.Step(tickDt)
	n := 0
	w.Export(func(ex *ChannelExport) {
		n++
		if a := ex.Avatars[0]; !a.Ident || a.Who.Group != 4 {
			t.Fatalf("%+v", a)
		}
	})
	if n != 1 {
		t.Fatalf("%d channels", n)
	}
}

func TestExportOfHotspots(t *testing.T) {
	t.Parallel()
	w := hotspotWorld(t)
	mustJoin(t, w, 1, 101, 100)
	w.Step(tickDt)
	w.Export(func(*ChannelExport) {})
	w.OpenHotspot(1, "h-001")
	w.Step(tickDt)
	ch := w.ChannelOf(nav.Point{X: 100, Y: 100})
	seen := false
	w.Export(func(ex *ChannelExport) {
		if ex.Channel != ch {
			return
		}
		seen = true
		if !slices.Equal(ex.Discovered, []Discovery{{Avatar: 1, Hotspot: "h-001"}}) ||
			!slices.Equal(ex.Hotspots, []HotspotCount{{Hotspot: "h-001", Viewers: 1, Changed: true}}) {
			t.Fatalf("%+v", ex)
		}
	})
	if !seen {
		t.Fatal("no export of the hotspot's channel")
	}
	w.CloseHotspot(1, "h-001")
	w.Step(tickDt)
	w.Export(func(ex *ChannelExport) {
		if ex.Channel == ch && !slices.Equal(ex.Hotspots, []HotspotCount{{Hotspot: "h-001", Viewers: 0, Changed: true}}) {
			t.Fatalf("after closing: %+v", ex.Hotspots)
		}
	})
	w.Step(tickDt)
	w.Export(func(ex *ChannelExport) {
		if len(ex.Hotspots) != 0 {
			t.Fatalf("unchanged zero count exported: %+v", ex.Hotspots)
		}
	})
}

func TestInterestCoversViewersOnly(t *testing.T) {
	t.Parallel()
	w := newWorld(t, openZone(512, 512, nil), Config{ChannelCells: 2}) // 16 x 16 channels of 32 m
	mustJoin(t, w, 1, 200, 200)
	mustJoinRemote(t, w, 2, Identity{Name: "r"}, 450, 450)
	w.Step(tickDt)
	bits := w.Interest(8, nil)
	has := func(ch int) bool { return bits[ch/64]&(1<<(ch%64)) != 0 }
	reach := w.cfg.ViewRadius + 8
	for ch := range w.Channels() {
		cx, cy := float64(ch%16)*32, float64(ch/16)*32
		// Distance from avatar 1's cell [192, 208]^2 to the channel.
		dx, dy := gap(192, 208, cx, cx+32), gap(192, 208, cy, cy+32)
		want := dx*dx+dy*dy <= reach*reach
		if has(ch) != want {
			t.Errorf("channel %d (%v, %v): %v, want %v", ch, cx, cy, has(ch), want)
		}
	}
	if !has(w.ChannelOf(nav.Point{X: 200 + w.cfg.ViewRadius, Y: 200})) {
		t.Error("the channel at the view radius is not wanted")
	}
	if has(w.ChannelOf(nav.Point{X: 450, Y: 450})) {
		t.Error("a channel with only a remote avatar is wanted")
	}
}

func TestExportAndRemoteMovesAllocateNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("warm-up takes a while")
	}
	w := newWorld(t, openZone(600, 600, nil), Config{})
	sim := walkers(w, 2000, 1)
	for i := range 500 {
		mustJoinRemote(t, w, ID(100000+i), Identity{Name: "r"}, float64(i%100)*6, float64(i/100)*100+50)
	}
	noop := func(ID, *protocol.Update) {}
	var bits []uint64
	tick := func() {
		for i := range 500 {
			w.MoveRemote(ID(100000+i), nav.Point{X: float64(i%100)*6 + float64(w.tick%10), Y: float64(i/100)*100 + 50})
		}
		w.Step(tickDt)
		w.Export(func(*ChannelExport) {})
		bits = w.Interest(8, bits)
		w.Updates(noop)
	}
	for range 200 {
		sim.turn(20)
		tick()
	}
	if allocs := testing.AllocsPerRun(50, tick); allocs != 0 {
		t.Fatalf("%v allocations per tick", allocs)
	}
}

// Slots are renumbered every 128 ticks: standing avatars must not look
// gone or new to Export across it.
func TestExportStableAcrossRenumber(t *testing.T) {
	t.Parallel()
	w := newWorld(t, openZone(256, 256, nil), Config{})
	for i := range 60 {
		mustJoin(t, w, ID(60-i), float64(i%8)*30+5, float64(i/8)*30+5)
	}
	w.Step(tickDt)
	w.Export(func(*ChannelExport) {})
	for range 300 {
		w.Step(tickDt)
		w.Export(func(ex *ChannelExport) {
			if len(ex.Gone) > 0 {
				t.Fatalf("tick %d: channel %d gone %v", w.Tick(), ex.Channel, ex.Gone)
			}
			for _, a := range ex.Avatars {
				if a.New || a.Moved {
					t.Fatalf("tick %d: %+v", w.Tick(), a)
				}
			}
		})
	}
}
