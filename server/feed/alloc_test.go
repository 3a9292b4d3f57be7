package feed

import (
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/usine-extraordinaire/fairworld/world"
	"github.com/usine-extraordinaire/fairworld/world/nav"
	"github.com/usine-extraordinaire/fairworld/world/zone"
)

// The hub's side of publishing (Export, encoding, subscriptions) does not
// allocate in steady state. The publisher goroutine is played by the test
// (it hands each batch back at once), so only Publish is measured.
func TestPublishAllocatesNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("warm-up takes a while")
	}
	const side = 400
	g := zone.Grid{Cols: side / 2, Rows: side / 2, Tile: 2, Blocked: make([]byte, side*side/4), Terrain: make([]byte, side*side/4), TerrainKinds: []string{"ground"}}
	z := &zone.Zone{ID: "t", Width: side, Height: side, Grid: g, Hotspots: []zone.Hotspot{{ID: "h-001", X: 200, Y: 200, Range: 4}}}
	w, err := world.New(z, nav.NewGrid(g), world.Config{})
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 2000 {
		id := world.ID(i + 1)
		if err := w.Join(id, world.Identity{Name: "bot"}, nav.Point{X: 2 + rng.Float64()*(side-4), Y: 2 + rng.Float64()*(side-4)}); err != nil {
			t.Fatal(err)
		}
		a := rng.Float64() * 2 * math.Pi
		w.SetMove(id, 1, math.Cos(a), math.Sin(a))
	}
	s, err := NewSync(memoryForTest(t), SyncConfig{Channels: w.Channels(), Node: 1}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Unix(1_700_000_000, 0)
	tick := func() {
		now = now.Add(50 * time.Millisecond)
		w.Step(50 * time.Millisecond)
		s.Publish(w, now)
		select {
		case b := <-s.work:
			b.reset()
			s.free <- b
			s.inflight.Add(-1)
		default:
		}
	}
	for range 300 {
		tick()
	}
	if a := testing.AllocsPerRun(50, tick); a != 0 {
		t.Fatalf("%v allocations per tick", a)
	}
	if s.Stats().Published == 0 || s.Stats().DroppedTicks != 0 {
		t.Fatalf("%+v", s.Stats())
	}
}

func memoryForTest(t *testing.T) Feed {
	f, err := NewMemory(NewBus(), 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	return f
}
