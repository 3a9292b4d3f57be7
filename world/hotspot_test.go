package world

import (
	"testing"

	"github.com/usine-extraordinaire/fairworld/protocol"
	"github.com/usine-extraordinaire/fairworld/world/zone"
)

func hotspotWorld(t *testing.T) *World {
	t.Helper()
	z := openZone(300, 200, nil,
		zone.Hotspot{ID: "h-001", Challenge: zone.ChallengeInnovation, Booth: "b-01", X: 100, Y: 100, Range: 4},
		zone.Hotspot{ID: "h-002", X: 250, Y: 100}, // no range: the default
	)
	return newWorld(t, z, Config{})
}

// eventsOf returns the events of kind T in u.
func eventsOf[T protocol.Event](u protocol.Update) []T {
	var out []T
	for _, e := range u.Events {
		if x, ok := e.(T); ok {
			out = append(out, x)
		}
	}
	return out
}

func TestOpenHotspotRangeAndErrors(t *testing.T) {
	t.Parallel()
	w := hotspotWorld(t)
	mustJoin(t, w, 1, 103, 100) // 3 m from h-001
	mustJoin(t, w, 2, 110, 100) // 10 m
	step(w)
	if c := w.OpenHotspot(1, "h-404"); c != protocol.ErrUnknownHotspot {
		t.Fatalf("unknown: %v", c)
	}
	if c := w.OpenHotspot(2, "h-001"); c != protocol.ErrOutOfRange {
		t.Fatalf("far: %v", c)
	}
	if c := w.OpenHotspot(99, "h-001"); c != protocol.ErrNotReady {
		t.Fatalf("no avatar: %v", c)
	}
	if c := w.CloseHotspot(1, "h-404"); c != protocol.ErrUnknownHotspot {
		t.Fatalf("close unknown: %v", c)
	}
	if w.HotspotOpen(1, "h-001") {
		t.Fatal("open before opening")
	}
	if c := w.OpenHotspot(1, "h-001"); c != 0 {
		t.Fatalf("open: %v", c)
	}
	if !w.HotspotOpen(1, "h-001") || w.HotspotOpen(2, "h-001") || w.HotspotOpen(1, "h-002") || w.HotspotOpen(1, "h-404") || w.HotspotOpen(99, "h-001") {
		t.Fatal("HotspotOpen wrong after one opening")
	}
	up := step(w)
	// The content is the server's to send (from the contents file), never the world's.
	if len(eventsOf[protocol.HotspotContent](up[1]))+len(eventsOf[protocol.HotspotContent](up[2])) != 0 {
		t.Fatal("the world sent a content")
	}
	// The default range (6 m) applies when the zone gives none.
	mustJoin(t, w, 3, 255, 100)
	if c := w.OpenHotspot(3, "h-002"); c != 0 {
		t.Fatalf("default range: %v", c)
	}
}

func TestHotspotDiscoveredAndViewers(t *testing.T) {
	t.Parallel()
	w := hotspotWorld(t)
	mustJoin(t, w, 1, 102, 100) // opener
	mustJoin(t, w, 2, 120, 100) // sees 1, near the hotspot
	mustJoin(t, w, 3, 160, 100) // 60 m away: too far
	mustJoin(t, w, 4, 101, 102) // second opener
	step(w)
	if c := w.OpenHotspot(1, "h-001"); c != 0 {
		t.Fatal(c)
	}
	up := step(w)
	d := eventsOf[protocol.HotspotDiscovered](up[2])
	if len(d) != 1 || d[0].HotspotID != "h-001" || d[0].AvatarID != 1 || d[0].Pseudonym != pseudo(1) {
		t.Fatalf("2 discovered %+v", up[2].Events)
	}
	if len(eventsOf[protocol.HotspotDiscovered](up[1])) != 0 {
		t.Fatal("the opener got its own discovery")
	}
	if len(up[3].Events) != 0 {
		t.Fatalf("far avatar got %+v", up[3].Events)
	}
	v := eventsOf[protocol.HotspotViewers](up[2])
	if len(v) != 1 || v[0].Viewers != 1 {
		t.Fatalf("2 viewers %+v", up[2].Events)
	}

	viewers := func(want uint32) {
		t.Helper()
		if n, _ := w.HotspotViewers("h-001"); n != want {
			t.Fatalf("viewers %d, want %d", n, want)
		}
	}
	viewers(1)
	w.OpenHotspot(1, "h-001") // again: no count change
	w.OpenHotspot(4, "h-001")
	viewers(2)
	up = step(w)
	if v := eventsOf[protocol.HotspotViewers](up[2]); len(v) != 1 || v[0].Viewers != 2 {
		t.Fatalf("one coalesced viewers event expected: %+v", up[2].Events)
	}

	// Close, close again, walk away beyond twice the range, leave.
	w.CloseHotspot(4, "h-001")
	w.CloseHotspot(4, "h-001")
	viewers(1)
	w.OpenHotspot(4, "h-001")
	viewers(2)
	w.SetMove(1, 1, 1, 0) // 1 walks away at 0.25 m a tick: beyond 8 m after 25 ticks
	for range 20 {
		step(w)
	}
	viewers(2)
	for range 10 {
		step(w)
	}
	viewers(1)
	if w.HotspotOpen(1, "h-001") || !w.HotspotOpen(4, "h-001") {
		t.Fatal("walking beyond twice the range did not close it (or closed the other's)")
	}
	w.Leave(4)
	viewers(0)
	up = step(w)
	if v := eventsOf[protocol.HotspotViewers](up[2]); len(v) != 1 || v[0].Viewers != 0 {
		t.Fatalf("after leave: %+v", up[2].Events)
	}
	// The slot of 4 is reused: the newcomer has nothing open.
	mustJoin(t, w, 5, 101, 101)
	w.Leave(5)
	viewers(0)
}

func TestOpenHotspotsAreBounded(t *testing.T) {
	t.Parallel()
	var hs []zone.Hotspot
	for i := range maxOpen + 2 {
		hs = append(hs, zone.Hotspot{ID: string(rune('a' + i)), X: 100, Y: 100, Range: 5})
	}
	w := newWorld(t, openZone(200, 200, nil, hs...), Config{})
	mustJoin(t, w, 1, 100, 100)
	for _, h := range hs {
		if c := w.OpenHotspot(1, h.ID); c != 0 {
			t.Fatal(c)
		}
	}
	if n, _ := w.HotspotViewers("a"); n != 0 {
		t.Fatalf("oldest still open: %d", n)
	}
	if n, _ := w.HotspotViewers(hs[len(hs)-1].ID); n != 1 {
		t.Fatalf("newest: %d", n)
	}
}
