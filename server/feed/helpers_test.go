package feed_test

import (
	"context"
	"log/slog"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/usine-extraordinaire/fairworld/protocol"
	"github.com/usine-extraordinaire/fairworld/server/feed"
	"github.com/usine-extraordinaire/fairworld/world"
	"github.com/usine-extraordinaire/fairworld/world/nav"
	"github.com/usine-extraordinaire/fairworld/world/zone"
)

const tickDt = 50 * time.Millisecond

// openZone is a w x h metre zone of 2 m tiles with no obstacle.
func openZone(w, h int, hotspots ...zone.Hotspot) *zone.Zone {
	const tile = 2
	cols, rows := w/tile, h/tile
	g := zone.Grid{Cols: cols, Rows: rows, Tile: tile, Blocked: make([]byte, cols*rows), Terrain: make([]byte, cols*rows), TerrainKinds: []string{"ground"}}
	return &zone.Zone{ID: "test", Name: "test", Width: float64(w), Height: float64(h), Grid: g, Hotspots: hotspots,
		Spawn: zone.Rect{W: float64(w), H: float64(h)}}
}

// testLogger routes logs to t.Log.
func testLogger(t testing.TB) *slog.Logger {
	return slog.New(slog.NewTextHandler(tlogWriter{t}, &slog.HandlerOptions{Level: slog.LevelInfo}))
}

type tlogWriter struct{ t testing.TB }

func (w tlogWriter) Write(p []byte) (int, error) {
	w.t.Helper()
	w.t.Log(string(p))
	return len(p), nil
}

// node is one fair node in a test: a world, its feed and its synchroniser;
// the test loop plays the hub.
type node struct {
	t       testing.TB
	w       *world.World
	f       feed.Feed
	s       *feed.Sync
	reg     *prometheus.Registry
	clients map[world.ID]*client
	stopped bool // the node no longer ticks (a killed process)
	cancel  context.CancelFunc
}

func newNode(t testing.TB, z *zone.Zone, wcfg world.Config, f feed.Feed, reg *prometheus.Registry, scfg feed.SyncConfig) *node {
	t.Helper()
	w, err := world.New(z, nav.NewGrid(z.Grid), wcfg)
	if err != nil {
		t.Fatal(err)
	}
	scfg.Channels = w.Channels()
	s, err := feed.NewSync(f, scfg, reg, testLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() { s.Run(ctx) })
	t.Cleanup(func() {
		cancel()
		wg.Wait()
		_ = f.Close()
	})
	return &node{t: t, w: w, f: f, s: s, reg: reg, clients: map[world.ID]*client{}, cancel: cancel}
}

func memoryNodes(t testing.TB, n int, z *zone.Zone, wcfg world.Config, scfg feed.SyncConfig) (*feed.Bus, []*node) {
	bus := feed.NewBus()
	var nodes []*node
	for i := range n {
		reg := prometheus.NewRegistry()
		f, err := feed.NewMemory(bus, 0, reg)
		if err != nil {
			t.Fatal(err)
		}
		c := scfg
		c.Node = uint64(i + 1)
		nodes = append(nodes, newNode(t, z, wcfg, f, reg, c))
	}
	return bus, nodes
}

func (n *node) join(id world.ID, who world.Identity, x, y float64) {
	n.t.Helper()
	if err := n.w.Join(id, who, nav.Point{X: x, Y: y}); err != nil {
		n.t.Fatal(err)
	}
	n.clients[id] = newClient(id)
}

// clock is the test's deterministic wall clock.
type clock struct{ now time.Time }

func newClock() *clock { return &clock{now: time.Unix(1_700_000_000, 0)} }

// tick plays one hub tick on every running node, in the hub's order, then
// waits until everything published has reached the other nodes' queues.
// It applies each node's updates to its clients and returns them.
func tick(t testing.TB, c *clock, nodes ...*node) map[*node]map[world.ID]protocol.Update {
	t.Helper()
	c.now = c.now.Add(tickDt)
	for _, n := range nodes {
		if n.stopped {
			continue
		}
		n.s.Apply(n.w, c.now)
		n.w.Step(tickDt)
		n.s.Publish(n.w, c.now)
	}
	flush(t, nodes...)
	out := map[*node]map[world.ID]protocol.Update{}
	for _, n := range nodes {
		if n.stopped {
			continue
		}
		ups := map[world.ID]protocol.Update{}
		n.w.Updates(func(id world.ID, u *protocol.Update) {
			cu := copyUpdate(u)
			ups[id] = cu
			if cl := n.clients[id]; cl != nil {
				cl.apply(t, cu)
			}
		})
		out[n] = ups
	}
	return out
}

func flush(t testing.TB, nodes ...*node) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for _, n := range nodes {
		if n.stopped {
			continue
		}
		if err := n.s.Flush(ctx); err != nil {
			t.Fatalf("flush: %v", err)
		}
	}
}

func copyUpdate(u *protocol.Update) protocol.Update {
	c := *u
	c.Moves = slices.Clone(u.Moves)
	c.Enters = slices.Clone(u.Enters)
	c.Leaves = slices.Clone(u.Leaves)
	c.Events = slices.Clone(u.Events)
	return c
}

// client mirrors what one client knows from its updates and checks the
// protocol's promises: an Enter only for an unknown avatar, a Leave or a
// Move only for a known one, never both in one update.
type client struct {
	self   world.ID
	known  map[world.ID]protocol.Enter
	enters map[world.ID]int
	leaves map[world.ID]int
	events []protocol.Event
}

func newClient(self world.ID) *client {
	return &client{self: self, known: map[world.ID]protocol.Enter{}, enters: map[world.ID]int{}, leaves: map[world.ID]int{}}
}

func (c *client) apply(t testing.TB, u protocol.Update) {
	t.Helper()
	seen := map[world.ID]bool{}
	for _, id := range u.Leaves {
		if _, ok := c.known[id]; !ok {
			t.Fatalf("client %d: leave of %d never entered", c.self, id)
		}
		seen[id] = true
		delete(c.known, id)
		c.leaves[id]++
	}
	for _, e := range u.Enters {
		if e.ID == c.self {
			t.Fatalf("client %d: enter of itself", c.self)
		}
		if seen[e.ID] {
			t.Fatalf("client %d: leave and enter of %d in one update", c.self, e.ID)
		}
		if _, ok := c.known[e.ID]; ok {
			t.Fatalf("client %d: enter of %d already known", c.self, e.ID)
		}
		c.known[e.ID] = e
		c.enters[e.ID]++
	}
	for _, m := range u.Moves {
		e, ok := c.known[m.ID]
		if !ok {
			t.Fatalf("client %d: move of %d not known", c.self, m.ID)
		}
		e.X, e.Y = m.X, m.Y
		c.known[m.ID] = e
	}
	c.events = append(c.events, u.Events...)
}

// gauge reads a metric of a registry (0 when absent).
func gauge(t testing.TB, reg *prometheus.Registry, name string) float64 {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
		sum := 0.0
		for _, m := range mf.GetMetric() {
			switch {
			case m.Gauge != nil:
				sum += m.Gauge.GetValue()
			case m.Counter != nil:
				sum += m.Counter.GetValue()
			}
		}
		return sum
	}
	return 0
}
