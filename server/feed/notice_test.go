package feed_test

import (
	"testing"

	"github.com/usine-extraordinaire/fairworld/server/feed"
	"github.com/usine-extraordinaire/fairworld/world"
	"github.com/usine-extraordinaire/fairworld/world/nav"
)

// A notice about an avatar (a badge earned) reaches the other nodes with
// the next record of its channel, once; a notice for a channel without a
// record this tick is dropped; a bad channel is ignored.
func TestMemoryNoticesAcrossNodes(t *testing.T) {
	t.Parallel()
	_, n := memoryNodes(t, 2, openZone(200, 200), world.Config{}, feed.SyncConfig{})
	a, b := n[0], n[1]
	c := newClock()
	a.join(1, world.Identity{Name: "gagnante"}, 100, 100)
	b.join(2, world.Identity{Name: "amie"}, 103, 100)
	for range 20 {
		tick(t, c, a, b)
	}
	var got []feed.ReceivedNotice
	take := func() {
		b.s.Notices(func(rn feed.ReceivedNotice) { got = append(got, rn) })
	}
	take()
	if len(got) != 0 {
		t.Fatalf("notices before any: %+v", got)
	}
	a.s.Notice(a.w.ChannelOf(nav.Point{X: 100, Y: 100}), 1, 1, "quiz-1")
	a.s.Notice(-1, 1, 1, "ignored")
	a.s.Notice(a.w.Channels(), 1, 1, "ignored")
	for range 3 {
		tick(t, c, a, b)
		take()
	}
	if len(got) != 1 || got[0] != (feed.ReceivedNotice{Avatar: 1, Kind: 1, Text: "quiz-1"}) {
		t.Fatalf("notices on b: %+v", got)
	}
	b.s.Notices(func(rn feed.ReceivedNotice) { t.Fatalf("a notice twice: %+v", rn) })
}
