package world

import (
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"testing"
	"time"

	"github.com/usine-extraordinaire/fairworld/protocol"
	"github.com/usine-extraordinaire/fairworld/world/nav"
	"github.com/usine-extraordinaire/fairworld/world/zone"
)

// crowdSim drives avatars that walk in random directions.
type crowdSim struct {
	w     *World
	rng   *rand.Rand
	ids   []ID
	speed float64 // intent length
	// remote walkers, moved by each tick like a feed would (bench only)
	remote []remoteWalker
}

type remoteWalker struct {
	id     ID
	p      nav.Point
	dx, dy float64 // m a tick
}

// moveRemote moves the remote walkers one tick, turning back at walls.
func (c *crowdSim) moveRemote() {
	for i := range c.remote {
		r := &c.remote[i]
		n := nav.Point{X: r.p.X + r.dx, Y: r.p.Y + r.dy}
		if c.w.grid.Collides(n, c.w.cfg.Radius) {
			r.dx, r.dy = -r.dx, -r.dy
			continue
		}
		r.p = n
		c.w.MoveRemote(r.id, n)
	}
}

// walkers joins n avatars at random walkable points of the whole map, ids
// from first, each walking in a random direction at full speed.
func walkers(w *World, n int, first ID) *crowdSim {
	mw, mh := w.grid.Size()
	return walkersIn(w, n, first, zone.Rect{W: mw, H: mh}, 1)
}

func walkersIn(w *World, n int, first ID, r zone.Rect, speed float64) *crowdSim {
	c := &crowdSim{w: w, rng: rand.New(rand.NewPCG(uint64(first), 99)), speed: speed}
	for i := range n {
		var p nav.Point
		for range 1000 {
			p = nav.Point{X: r.X + c.rng.Float64()*r.W, Y: r.Y + c.rng.Float64()*r.H}
			if !w.grid.Collides(p, w.cfg.Radius) {
				break
			}
		}
		id := first + ID(i)
		if err := w.Join(id, Identity{Name: "walker", Role: protocol.RoleVisitor}, p); err != nil {
			panic(err)
		}
		c.ids = append(c.ids, id)
		c.turnOne(id)
	}
	return c
}

func (c *crowdSim) turnOne(id ID) {
	a := c.rng.Float64() * 2 * math.Pi
	c.w.SetMove(id, c.rng.Uint32(), c.speed*math.Cos(a), c.speed*math.Sin(a))
}

// turn gives k random avatars a new direction.
func (c *crowdSim) turn(k int) {
	for range k {
		c.turnOne(c.ids[c.rng.IntN(len(c.ids))])
	}
}

// benchTick measures Step + Updates (no-op fn), reporting the mean as
// ns/op; percentiles of the wall time and of the thread's CPU time (on a
// shared machine the wall time includes waiting for a core); the Step
// share; and how many avatars each viewer sees individually and as crowd.
func benchTick(b *testing.B, w *World, sim *crowdSim) {
	noop := func(ID, *protocol.Update) {}
	for range 3 * w.cfg.Refresh * 5 { // warm-up
		sim.turn(len(sim.ids) / 100)
		sim.moveRemote()
		w.Step(tickDt)
		w.Updates(noop)
	}
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	total := make([]time.Duration, 0, b.N)
	cpu := make([]time.Duration, 0, b.N)
	steps := make([]time.Duration, 0, b.N)
	calls := 0
	count := func(ID, *protocol.Update) { calls++ }
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		sim.turn(len(sim.ids) / 100)
		sim.moveRemote()
		t0, c0 := time.Now(), threadCPU()
		w.Step(tickDt)
		c1 := threadCPU()
		w.Updates(count)
		t2, c2 := time.Now(), threadCPU()
		steps = append(steps, c1-c0)
		cpu = append(cpu, c2-c0)
		total = append(total, t2.Sub(t0))
	}
	b.StopTimer()
	vis, crowd := 0, 0
	for s := range w.av {
		if w.hot[s].gen != 0 {
			vis += len(w.av[s].vis)
			crowd += int(w.av[s].crowd)
		}
	}
	n := float64(w.Len())
	b.ReportMetric(pct(total, 50), "wall-p50-ms")
	b.ReportMetric(pct(total, 99), "wall-p99-ms")
	b.ReportMetric(pct(cpu, 50), "cpu-p50-ms")
	b.ReportMetric(pct(cpu, 99), "cpu-p99-ms")
	b.ReportMetric(pct(steps, 99), "step-cpu-p99-ms")
	b.ReportMetric(float64(vis)/n, "visible/avatar")
	b.ReportMetric(float64(crowd)/n, "crowd/avatar")
	b.ReportMetric(float64(calls)/float64(b.N)/n, "updates/avatar")
}

func pct(d []time.Duration, p int) float64 {
	if len(d) == 0 {
		return 0
	}
	s := slices.Clone(d)
	slices.Sort(s)
	return float64(s[(len(s)-1)*p/100]) / float64(time.Millisecond)
}

// BenchmarkStep20k: 20,000 avatars walking in random directions. The open
// 1400 m zone gives about 50 visible each; the 1000 m one about 100 within
// ViewRadius (so the budget of 64 applies); the default fair zone is far
// denser (the agora-like regime everywhere).
func BenchmarkStep20k(b *testing.B) {
	b.Run("open-1400m", func(b *testing.B) {
		w := newWorld(b, openZone(1400, 1400, nil), Config{})
		benchTick(b, w, walkers(w, 20000, 1))
	})
	b.Run("open-1000m", func(b *testing.B) {
		w := newWorld(b, openZone(1000, 1000, nil), Config{})
		benchTick(b, w, walkers(w, 20000, 1))
	})
	b.Run("default-zone", func(b *testing.B) {
		z, err := zone.Default()
		if err != nil {
			b.Skip(err)
		}
		w := newWorld(b, z, Config{})
		benchTick(b, w, walkers(w, 20000, 1))
	})
}

// BenchmarkStepAgora: 5,000 avatars milling about (1 m/s) in a 60 x 40 m
// plaza: every viewer has ~5,000 within ViewRadius.
func BenchmarkStepAgora(b *testing.B) {
	b.Run("plaza-60x40m", func(b *testing.B) {
		w := newWorld(b, openZone(60, 40, nil), Config{})
		benchTick(b, w, walkersIn(w, 5000, 1, zone.Rect{W: 60, H: 40}, 0.2))
	})
	b.Run("default-zone-agora", func(b *testing.B) {
		z, err := zone.Default()
		if err != nil {
			b.Skip(err)
		}
		agora := agoraOf(z)
		w := newWorld(b, z, Config{})
		benchTick(b, w, walkersIn(w, 5000, 1, agora, 0.2))
	})
	// The nightly talk: 2,000 standing in the agora while 2,000 visitors
	// walk over the zone, some past the crowd.
	b.Run("default-zone-talk", func(b *testing.B) {
		z, err := zone.Default()
		if err != nil {
			b.Skip(err)
		}
		agora := agoraOf(z)
		w := newWorld(b, z, Config{})
		walkersIn(w, 2000, 1, agora, 0)
		benchTick(b, w, walkersIn(w, 2000, 10_000, zone.Rect{W: z.Width, H: z.Height}, 1))
	})
}

// BenchmarkStepStanding: 15,000 visitors standing still, all at the
// default zone's spawn plaza (a crowd of 15,000 around every viewer) or
// spread over the zone. What a standing crowd costs per tick; the
// server's idle cost per 1,000 visitors (docs/PERFORMANCE.md) is this plus
// its connections' keepalive.
func BenchmarkStepStanding(b *testing.B) {
	z, err := zone.Default()
	if err != nil {
		b.Skip(err)
	}
	for _, where := range []string{"plaza-15k", "spread-15k"} {
		b.Run(where, func(b *testing.B) {
			w := newWorld(b, z, Config{})
			r := z.Spawn
			if where == "spread-15k" {
				r = zone.Rect{W: z.Width, H: z.Height}
			}
			sim := walkersIn(w, 15000, 1, r, 0)
			sim.ids = sim.ids[:1] // turn changes nothing: a zero intent
			benchTick(b, w, sim)
		})
	}
}

// BenchmarkStepFair: the 100,000 run's regime on one node's world: 30,000
// visitors over the default zone, 27,000 standing (crowded everywhere: the
// zone is small for them) and 3,000 walking among them (10 %).
func BenchmarkStepFair(b *testing.B) {
	z, err := zone.Default()
	if err != nil {
		b.Skip(err)
	}
	w := newWorld(b, z, Config{})
	all := zone.Rect{W: z.Width, H: z.Height}
	walkersIn(w, 27000, 1, all, 0) // standing: a zero intent
	sim := walkersIn(w, 3000, 100_000, all, 1)
	benchTick(b, w, sim)
}

// BenchmarkStepFairNode: one node of the 100,000 run (6 nodes, visitors
// spread over the default zone by a round-robin balancer, so every node's
// world holds every avatar): 16,700 local (10 % walking) and 83,300
// remote (10 % walking, moved as the feed would), all standing ones
// spread uniformly (the run puts them at hotspots and booths: denser
// there, emptier between).
func BenchmarkStepFairNode(b *testing.B) {
	z, err := zone.Default()
	if err != nil {
		b.Skip(err)
	}
	w := newWorld(b, z, Config{})
	all := zone.Rect{W: z.Width, H: z.Height}
	walkersIn(w, 15_030, 1, all, 0)
	sim := walkersIn(w, 1_670, 100_000, all, 1)
	rng := rand.New(rand.NewPCG(7, 7))
	speed := w.cfg.MaxSpeed / float64(w.cfg.TickRate)
	for i := range 83_300 {
		var p nav.Point
		for range 1000 {
			p = nav.Point{X: rng.Float64() * all.W, Y: rng.Float64() * all.H}
			if !w.grid.Collides(p, w.cfg.Radius) {
				break
			}
		}
		id := ID(200_000 + i)
		if err := w.JoinRemote(id, Identity{Name: "remote", Role: protocol.RoleVisitor}, p); err != nil {
			b.Fatal(err)
		}
		if i%10 == 0 {
			a := rng.Float64() * 2 * math.Pi
			sim.remote = append(sim.remote, remoteWalker{id: id, p: p, dx: speed * math.Cos(a), dy: speed * math.Sin(a)})
		}
	}
	benchTick(b, w, sim)
}

// agoraOf is the zone's area of kind agora (the zero Rect if none).
func agoraOf(z *zone.Zone) zone.Rect {
	for _, a := range z.Areas {
		if a.Kind == "agora" {
			return a.Rect
		}
	}
	return zone.Rect{}
}

// BenchmarkRenumber: one renumbering of 100,000 slots (16,700 local
// viewers, the rest remote), as in a node of the 100,000 run; it runs
// every renumberEvery ticks.
func BenchmarkRenumber(b *testing.B) {
	z, err := zone.Default()
	if err != nil {
		b.Skip(err)
	}
	w := newWorld(b, z, Config{})
	all := zone.Rect{W: z.Width, H: z.Height}
	sim := walkersIn(w, 16_700, 1, all, 1)
	rng := rand.New(rand.NewPCG(7, 7))
	for i := range 83_300 {
		p := nav.Point{X: rng.Float64() * all.W, Y: rng.Float64() * all.H}
		if err := w.JoinRemote(ID(200_000+i), Identity{Name: "remote", Role: protocol.RoleVisitor}, p); err != nil {
			b.Fatal(err)
		}
	}
	noop := func(ID, *protocol.Update) {}
	for range 40 { // the avatars walk out of cell order
		sim.turn(100)
		w.Step(tickDt)
		w.Updates(noop)
	}
	b.ResetTimer()
	for range b.N {
		w.renumber()
	}
}
