package world

import (
	"slices"
	"testing"
	"time"

	"github.com/usine-extraordinaire/fairworld/protocol"
	"github.com/usine-extraordinaire/fairworld/world/nav"
	"github.com/usine-extraordinaire/fairworld/world/zone"
)

const tickDt = 50 * time.Millisecond

// openZone returns a w x h metre zone of 2 m tiles; blocked reports the
// blocked tiles (nil: none).
func openZone(w, h int, blocked func(c, r int) bool, hotspots ...zone.Hotspot) *zone.Zone {
	const tile = 2
	cols, rows := w/tile, h/tile
	g := zone.Grid{Cols: cols, Rows: rows, Tile: tile, Blocked: make([]byte, cols*rows), Terrain: make([]byte, cols*rows), TerrainKinds: []string{"ground"}}
	if blocked != nil {
		for r := range rows {
			for c := range cols {
				if blocked(c, r) {
					g.Blocked[r*cols+c] = 1
				}
			}
		}
	}
	return &zone.Zone{
		ID: "test", Name: "test", Width: float64(w), Height: float64(h), Grid: g,
		Hotspots: hotspots, Spawn: zone.Rect{X: 0, Y: 0, W: float64(w), H: float64(h)},
	}
}

func newWorld(tb testing.TB, z *zone.Zone, cfg Config) *World {
	tb.Helper()
	w, err := New(z, nav.NewGrid(z.Grid), cfg)
	if err != nil {
		tb.Fatal(err)
	}
	return w
}

func mustJoin(tb testing.TB, w *World, id ID, x, y float64) {
	tb.Helper()
	if err := w.Join(id, Identity{Name: pseudo(id)}, nav.Point{X: x, Y: y}); err != nil {
		tb.Fatal(err)
	}
}

func pseudo(id ID) string { return "p" + string(rune('a'+id%26)) }

// copyUpdate deep-copies what Updates lends.
func copyUpdate(u *protocol.Update) protocol.Update {
	c := *u
	c.Moves = slices.Clone(u.Moves)
	c.Enters = slices.Clone(u.Enters)
	c.Leaves = slices.Clone(u.Leaves)
	c.Events = slices.Clone(u.Events)
	return c
}

// step runs one Step and collects the Updates.
func step(w *World) map[ID]protocol.Update {
	w.Step(tickDt)
	out := map[ID]protocol.Update{}
	w.Updates(func(id ID, u *protocol.Update) {
		if _, dup := out[id]; dup {
			panic("two updates for one avatar")
		}
		out[id] = copyUpdate(u)
	})
	return out
}

func enterIDs(u protocol.Update) []ID {
	var ids []ID
	for _, e := range u.Enters {
		ids = append(ids, e.ID)
	}
	return ids
}

func moveIDs(u protocol.Update) []ID {
	var ids []ID
	for _, m := range u.Moves {
		ids = append(ids, m.ID)
	}
	return ids
}

// client mirrors what one client knows from its updates and checks the
// protocol's promises as it applies them.
type client struct {
	self  ID
	known map[ID]protocol.Enter
}

func newClient(self ID) *client { return &client{self: self, known: map[ID]protocol.Enter{}} }

func (c *client) apply(tb testing.TB, u protocol.Update) {
	tb.Helper()
	if !slices.IsSortedFunc(u.Moves, protocol.CompareMoves) {
		tb.Fatalf("client %d: moves not sorted: %v", c.self, moveIDs(u))
	}
	seen := map[ID]bool{}
	for _, id := range u.Leaves {
		if _, ok := c.known[id]; !ok {
			tb.Fatalf("client %d: leave of %d never entered", c.self, id)
		}
		seen[id] = true
		delete(c.known, id)
	}
	for _, e := range u.Enters {
		if e.ID == c.self {
			tb.Fatalf("client %d: enter of itself", c.self)
		}
		if seen[e.ID] {
			tb.Fatalf("client %d: leave and enter of %d in one update", c.self, e.ID)
		}
		if _, ok := c.known[e.ID]; ok {
			tb.Fatalf("client %d: enter of %d already known", c.self, e.ID)
		}
		c.known[e.ID] = e
	}
	for _, m := range u.Moves {
		e, ok := c.known[m.ID]
		if !ok || m.ID == c.self {
			tb.Fatalf("client %d: move of %d not known", c.self, m.ID)
		}
		e.X, e.Y = m.X, m.Y
		c.known[m.ID] = e
	}
}
