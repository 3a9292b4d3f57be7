package server_test

import (
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/usine-extraordinaire/fairworld/client"
	"github.com/usine-extraordinaire/fairworld/protocol"
	"github.com/usine-extraordinaire/fairworld/server"
	"github.com/usine-extraordinaire/fairworld/server/servertest"
	"github.com/usine-extraordinaire/fairworld/world/content"
	"github.com/usine-extraordinaire/fairworld/world/nav"
	"github.com/usine-extraordinaire/fairworld/world/zone"
)

func isKind(kinds ...content.Kind) func(*content.Content) bool {
	return func(c *content.Content) bool { return slices.Contains(kinds, c.Kind) }
}

var readable = isKind(content.KindArticle, content.KindTemoignage, content.KindVisite)

// A content's points come once, after its reading time, with no client
// message claiming them; unknown, out of range and too fast openings are
// refused with their typed errors and earn nothing.
func TestPointsAreGrantedOnceAfterReading(t *testing.T) {
	t.Parallel()
	in := servertest.Start(t, progressFast)
	c := dial(t, in, client.Options{EventBuffer: 4096})
	l := collect(t, c)
	first := waitEv(t, l, 0, "the first PROGRESS", func(p protocol.Progress) bool { return true })
	total := 0
	for _, ch := range first.Challenges {
		total += int(ch.Total)
	}
	if !first.Full || first.Points != 0 || len(first.Seen) != 0 || first.Key != "" || len(first.Challenges) != 4 ||
		total != len(in.Zone.Hotspots) || first.QuizTotal == 0 || len(first.Badges) < 13 {
		t.Fatalf("first PROGRESS %+v", first)
	}
	for _, b := range first.Badges {
		if b.EarnedAt != 0 || b.Title == "" || b.Description == "" {
			t.Fatalf("badge %+v", b)
		}
	}

	req, _ := c.OpenHotspot("h-999")
	waitError(t, l, req, protocol.ErrUnknownHotspot)
	x, y := c.Self()
	hs := hotspotsNear(in, x, y, readable)
	req, _ = c.OpenHotspot(hs[len(hs)-1].ID)
	waitError(t, l, req, protocol.ErrOutOfRange)

	h := hs[0]
	walkTo(t, c, in, h)
	from := l.len()
	req, _ = c.OpenHotspot(h.ID)
	ct := waitEv(t, l, from, "HOTSPOT_CONTENT", func(e protocol.HotspotContent) bool { return e.Req == req })
	want := contentOf(t, in, h.ID)
	scaled := time.Duration(float64(want.ReadingTime()) * 0.005)
	if ct.Seen || ct.Points != uint32(want.Points) || ct.Title != want.Title || ct.ContentKind != string(want.Kind) ||
		ct.ReadingMs != uint32(scaled/time.Millisecond) {
		t.Fatalf("content %+v, want %s of %d points, reading %v", ct, want.Title, want.Points, scaled)
	}
	p := waitEv(t, l, from, "the PROGRESS of the reading", func(p protocol.Progress) bool { return slices.Contains(p.Seen, h.ID) })
	if p.Full || p.Points != uint32(want.Points) || len(strings.Fields(p.Key)) != 3 {
		t.Fatalf("progress %+v", p)
	}
	key := p.Key

	// Opened again: seen, and no more points. A second content read after
	// it shows the total is the two contents', once each.
	from = l.len()
	req, _ = c.OpenHotspot(h.ID)
	if ct := waitEv(t, l, from, "the content again", func(e protocol.HotspotContent) bool { return e.Req == req }); !ct.Seen {
		t.Fatal("a content read is not marked seen")
	}
	var h2 *zone.Hotspot
	for _, o := range hs[1:] {
		if dist(o.X, o.Y, h.X, h.Y) < 30 {
			h2 = o
			break
		}
	}
	walkTo(t, c, in, h2)
	p2 := read(t, c, l, h2)
	want2 := contentOf(t, in, h2.ID)
	if p2.Points != uint32(want.Points+want2.Points) || p2.Key != "" {
		t.Fatalf("after two contents: %+v, want %d points and no key", p2, want.Points+want2.Points)
	}
	full := fullProgress(t, c, l)
	if full.Points != p2.Points || len(full.Seen) != 2 || full.Key != key {
		t.Fatalf("full progress %+v", full)
	}
	if n := len(find(l, 0, func(p protocol.Progress) bool { return !p.Full })); n != 2 {
		t.Fatalf("%d partial PROGRESS events, want 2 (one per content read)", n)
	}

	// Opening faster than a reader: refused.
	var reqs []uint32
	for range 10 {
		r, _ := c.OpenHotspot(h2.ID)
		reqs = append(reqs, r)
	}
	waitEv(t, l, 0, "ERROR too_fast", func(e protocol.ErrorEvent) bool {
		return e.Code == protocol.ErrTooFast && slices.Contains(reqs, e.Ref)
	})
	if full := fullProgress(t, c, l); full.Points != p2.Points {
		t.Fatalf("points moved to %d after fast openings", full.Points)
	}
}

// A visitor reads one content at a time: opening another restarts the
// clock, and walking away beyond twice the range stops it.
func TestOneReadingAtATime(t *testing.T) {
	t.Parallel()
	in := servertest.Start(t, func(cfg *server.Config) {
		fast(cfg)
		cfg.ProgressConfig.ReadingScale = 0.1 // 5 s at least: 500 ms
	})
	c := dial(t, in, client.Options{EventBuffer: 4096})
	l := collect(t, c)
	// Two hotspots of one booth 6 m apart: both in range from between them.
	var a, b *zone.Hotspot
	x, y := c.Self()
	for _, h := range hotspotsNear(in, x, y, readable) {
		for _, o := range hotspotsNear(in, h.X, h.Y, readable) {
			if o != h && math.Abs(dist(h.X, h.Y, o.X, o.Y)-6) < 0.01 && h.Booth != "" && h.Booth == o.Booth {
				a, b = h, o
				break
			}
		}
		if a != nil {
			break
		}
	}
	if a == nil {
		t.Fatal("no two hotspots 6 m apart")
	}
	mid := nav.Point{X: (a.X + b.X) / 2, Y: (a.Y + b.Y) / 2}
	_, _ = c.Goto(mid.X, mid.Y)
	waitFor(t, c, 30*time.Second, "arrival between the hotspots", func(c *client.Client) bool {
		x, y := c.Self()
		return dist(x, y, mid.X, mid.Y) < 0.3
	})
	from := l.len()
	_, _ = c.OpenHotspot(a.ID)
	_, _ = c.OpenHotspot(b.ID) // at once: a's clock stops
	pb := waitEv(t, l, from, "b's points", func(p protocol.Progress) bool { return slices.Contains(p.Seen, b.ID) })
	if slices.Contains(pb.Seen, a.ID) || pb.Points != uint32(contentOf(t, in, b.ID).Points) {
		t.Fatalf("progress %+v: a was granted though b was opened right after it", pb)
	}
	// a's clock ends as replaced, and grants nothing.
	mustWait(t, 30*time.Second, "a's reading clock to end, replaced", func() bool {
		return counter(t, in, "fair_progress_readings_total", "result=replaced") >= 1
	})
	if full := fullProgress(t, c, l); slices.Contains(full.Seen, a.ID) {
		t.Fatal("a was granted later though its clock was stopped")
	}

	// Open a, then walk away at once: the world closes it beyond twice
	// its range, before its reading time (more than 2 s here).
	if contentOf(t, in, a.ID).ReadingTime() < 20*time.Second {
		t.Skipf("content %s reads in %v: too short to walk away first", a.ID, contentOf(t, in, a.ID).ReadingTime())
	}
	far := farWalkable(t, in, mid.X, mid.Y, 30)
	from = l.len()
	_, _ = c.OpenHotspot(a.ID)
	_, _ = c.Goto(far.X, far.Y)
	mustWait(t, 30*time.Second, "a's reading clock to end, closed", func() bool {
		return counter(t, in, "fair_progress_readings_total", "result=closed") >= 1
	})
	if got := find(l, from, func(p protocol.Progress) bool { return slices.Contains(p.Seen, a.ID) }); len(got) > 0 {
		t.Fatalf("a was granted though its visitor walked away: %+v", got)
	}
}
