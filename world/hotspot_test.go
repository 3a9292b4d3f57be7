package world

import (
	"testing"

	"github.com/usine-extraordinaire/fairworld/protocol"
	"github.com/usine-extraordinaire/fairworld/world/zone"
)

func hotspotWorld(t *testing.T) *World {
	t.Helper()
	z := openZone(300, 200, nil,
		zone.Hotspot{ID: "h-001", Title: "Tour", Text: "Visite", Media: "/m.svg", Challenge: zone.ChallengeInnovation, Booth: "b-01", X: 100, Y: 100, Range: 4},
		zone.Hotspot{ID: "h-002", Title: "Quiz", X: 250, Y: 100}, // no range: the default
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
	if c := w.OpenHotspot(1, 7, "h-404"); c != protocol.ErrUnknownHotspot {
		t.Fatalf("unknown: %v", c)
	}
	if c := w.OpenHotspot(2, 8, "h-001"); c != protocol.ErrOutOfRange {
		t.Fatalf("far: %v", c)
	}
	if c := w.OpenHotspot(99, 8, "h-001"); c != protocol.ErrNotReady {
		t.Fatalf("no avatar: %v", c)
	}
	if c := w.CloseHotspot(1, "h-404"); c != protocol.ErrUnknownHotspot {
		t.Fatalf("close unknown: %v", c)
	}
	if c := w.OpenHotspot(1, 9, "h-001"); c != 0 {
		t.Fatalf("open: %v", c)
	}
	up := step(w)
	ev := eventsOf[protocol.HotspotContent](up[1])
	if len(ev) != 1 {
		t.Fatalf("1: %+v", up[1].Events)
	}
	if e := ev[0]; e.Req != 9 || e.HotspotID != "h-001" || e.Title != "Tour" || e.Text != "Visite" || e.Media != "/m.svg" ||
		e.Challenge != zone.ChallengeInnovation || e.Booth != "b-01" || e.Viewers != 1 {
		t.Fatalf("content %+v", e)
	}
	if len(eventsOf[protocol.HotspotContent](up[2])) != 0 {
		t.Fatal("2 got content it did not ask for")
	}
	// The default range (6 m) applies when the zone gives none.
	mustJoin(t, w, 3, 255, 100)
	if c := w.OpenHotspot(3, 1, "h-002"); c != 0 {
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
	if c := w.OpenHotspot(1, 1, "h-001"); c != 0 {
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
	w.OpenHotspot(1, 2, "h-001") // again: content, no count change
	w.OpenHotspot(4, 3, "h-001")
	viewers(2)
	up = step(w)
	if v := eventsOf[protocol.HotspotViewers](up[2]); len(v) != 1 || v[0].Viewers != 2 {
		t.Fatalf("one coalesced viewers event expected: %+v", up[2].Events)
	}
	if c := eventsOf[protocol.HotspotContent](up[1]); len(c) != 1 || c[0].Req != 2 {
		t.Fatalf("reopen: %+v", up[1].Events)
	}

	// Close, close again, walk away beyond twice the range, leave.
	w.CloseHotspot(4, "h-001")
	w.CloseHotspot(4, "h-001")
	viewers(1)
	w.OpenHotspot(4, 4, "h-001")
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
		if c := w.OpenHotspot(1, 0, h.ID); c != 0 {
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
