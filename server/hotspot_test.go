package server_test

import (
	"testing"
	"time"

	"github.com/usine-extraordinaire/fairworld/client"
	"github.com/usine-extraordinaire/fairworld/protocol"
	"github.com/usine-extraordinaire/fairworld/server/servertest"
	"github.com/usine-extraordinaire/fairworld/world/nav"
	"github.com/usine-extraordinaire/fairworld/world/zone"
)

// nextEvent waits for the first event of kind T matching ok.
func nextEvent[T protocol.Event](t *testing.T, c *client.Client, what string, ok func(T) bool) T {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		select {
		case e := <-c.Events():
			if e, is := e.(T); is && ok(e) {
				return e
			}
		case <-deadline:
			t.Fatalf("no %s event", what)
			var zero T
			return zero
		}
	}
}

func TestHotspotOpenEventsAndViewers(t *testing.T) {
	t.Parallel()
	in := servertest.Start(t, fast)
	a := dial(t, in, client.Options{Pseudonym: "Léa", EventBuffer: 256})
	b := dial(t, in, client.Options{EventBuffer: 256})
	// The hotspot nearest to a.
	x, y := a.Self()
	var h *zone.Hotspot
	for i := range in.Zone.Hotspots {
		hh := &in.Zone.Hotspots[i]
		if h == nil || dist(x, y, hh.X, hh.Y) < dist(x, y, h.X, h.Y) {
			h = hh
		}
	}
	// Far away first: out of range.
	if dist(x, y, h.X, h.Y) > h.Range {
		req, _ := a.OpenHotspot(h.ID)
		expectError(t, a, req, protocol.ErrOutOfRange)
	}
	req, _ := a.OpenHotspot("h-999")
	expectError(t, a, req, protocol.ErrUnknownHotspot)

	g := nav.NewGrid(in.Zone.Grid)
	spot, ok := g.NearestWalkable(nav.Point{X: h.X, Y: h.Y}, 0.35, h.Range)
	if !ok {
		t.Fatalf("no walkable point near %s", h.ID)
	}
	for _, c := range []*client.Client{a, b} {
		_, _ = c.Goto(spot.X, spot.Y)
	}
	for _, c := range []*client.Client{a, b} {
		waitFor(t, c, 20*time.Second, "arrival at the hotspot", func(c *client.Client) bool {
			x, y := c.Self()
			return dist(x, y, spot.X, spot.Y) < 1
		})
	}
	req, _ = a.OpenHotspot(h.ID)
	content := nextEvent(t, a, "HOTSPOT_CONTENT", func(e protocol.HotspotContent) bool { return e.Req == req })
	want, _ := in.Config().Contents.Content(h.ID)
	if content.HotspotID != h.ID || content.Title != want.Title || content.Text != want.Text || content.Challenge != h.Challenge ||
		content.ContentKind != string(want.Kind) || content.Points != uint32(want.Points) || content.Viewers != 1 {
		t.Errorf("content %+v for %+v", content, *h)
	}
	disc := nextEvent(t, b, "HOTSPOT_DISCOVERED", func(protocol.HotspotDiscovered) bool { return true })
	if disc.HotspotID != h.ID || disc.AvatarID != a.SelfID() || disc.Pseudonym != "Léa" {
		t.Errorf("discovered %+v", disc)
	}
	viewers := func(n uint32) {
		t.Helper()
		nextEvent(t, b, "HOTSPOT_VIEWERS", func(e protocol.HotspotViewers) bool {
			return e.HotspotID == h.ID && e.Viewers == n
		})
	}
	viewers(1)
	req, _ = b.OpenHotspot(h.ID)
	nextEvent(t, b, "b's content", func(e protocol.HotspotContent) bool { return e.Req == req })
	viewers(2)
	_ = a.CloseHotspot(h.ID)
	viewers(1)
	_, _ = a.OpenHotspot(h.ID)
	viewers(2)
	_ = a.Close() // disconnecting closes the panel
	viewers(1)
	// Walking away closes it too.
	far := farWalkable(t, in, spot.X, spot.Y, 40)
	_, _ = b.Goto(far.X, far.Y)
	waitFor(t, b, 20*time.Second, "b to walk away", func(c *client.Client) bool {
		x, y := c.Self()
		return dist(x, y, spot.X, spot.Y) > 3*h.Range
	})
	// A newcomer opening it is then its only viewer.
	c := dial(t, in, client.Options{EventBuffer: 256})
	_, _ = c.Goto(spot.X, spot.Y)
	waitFor(t, c, 20*time.Second, "c's arrival at the hotspot", func(c *client.Client) bool {
		x, y := c.Self()
		return dist(x, y, spot.X, spot.Y) < 1
	})
	req, _ = c.OpenHotspot(h.ID)
	content = nextEvent(t, c, "c's content", func(e protocol.HotspotContent) bool { return e.Req == req })
	if content.Viewers != 1 {
		t.Errorf("after a disconnect and a walk-away, the newcomer is viewer number %d", content.Viewers)
	}
}
