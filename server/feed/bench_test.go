package feed_test

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/usine-extraordinaire/fairworld/server/feed"
	"github.com/usine-extraordinaire/fairworld/world"
	"github.com/usine-extraordinaire/fairworld/world/zone"
)

// walkers joins n avatars at random points of the w x w square (ids from
// first), walking in random directions; turn gives some a new direction.
type walkers struct {
	n   *node
	rng *rand.Rand
	ids []world.ID
}

func newWalkers(tb testing.TB, n *node, count int, first world.ID, side float64) *walkers {
	ws := &walkers{n: n, rng: rand.New(rand.NewPCG(uint64(first), 7))}
	for i := range count {
		id := first + world.ID(i)
		n.join(id, world.Identity{Name: fmt.Sprintf("bot%05d", id)}, 2+ws.rng.Float64()*(side-4), 2+ws.rng.Float64()*(side-4))
		ws.ids = append(ws.ids, id)
		ws.turnOne(id)
	}
	return ws
}

func (ws *walkers) turnOne(id world.ID) {
	a := ws.rng.Float64() * 2 * math.Pi
	ws.n.w.SetMove(id, ws.rng.Uint32(), math.Cos(a), math.Sin(a))
}

func (ws *walkers) turn(k int) {
	for range k {
		ws.turnOne(ws.ids[ws.rng.IntN(len(ws.ids))])
	}
}

func benchNodes(b *testing.B, n int, z *zone.Zone, wcfg world.Config) []*node {
	bus := feed.NewBus()
	var nodes []*node
	for i := range n {
		reg := prometheus.NewRegistry()
		f, err := feed.NewMemory(bus, 1<<16, reg)
		if err != nil {
			b.Fatal(err)
		}
		nodes = append(nodes, newNode(b, z, wcfg, f, reg, feed.SyncConfig{Node: uint64(i + 1)}))
	}
	return nodes
}

// BenchmarkPublish5k: one tick's Export, encoding and subscription update
// (Sync.Publish) for 5,000 local avatars walking in a 700 m square.
func BenchmarkPublish5k(b *testing.B) {
	nodes := benchNodes(b, 1, openZone(700, 700), world.Config{})
	a := nodes[0]
	ws := newWalkers(b, a, 5000, 1, 700)
	c := newClock()
	for range 50 {
		tick(b, c, a)
	}
	pub0 := gauge(b, a.reg, "fair_feed_published_bytes_total")
	msgs0 := a.s.Stats().Published
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		ws.turn(50)
		c.now = c.now.Add(tickDt)
		a.w.Step(tickDt)
		b.StartTimer()
		a.s.Publish(a.w, c.now)
		b.StopTimer()
		flush(b, a)
		b.StartTimer()
	}
	b.StopTimer()
	n := float64(b.N)
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/n/5000, "ns/avatar")
	b.ReportMetric(float64(a.s.Stats().Published-msgs0)/n, "msgs/tick")
	b.ReportMetric((gauge(b, a.reg, "fair_feed_published_bytes_total")-pub0)/n/5000, "B/avatar")
}

// BenchmarkApply5k: decoding and applying one tick of another node's
// records (Sync.Apply) for 5,000 remote avatars walking.
func BenchmarkApply5k(b *testing.B) {
	nodes := benchNodes(b, 2, openZone(700, 700), world.Config{})
	a, r := nodes[0], nodes[1]
	ws := newWalkers(b, a, 5000, 1, 700)
	var names []string
	for ch := range r.w.Channels() {
		names = append(names, r.s.Channel(ch))
	}
	if err := r.f.Subscribe(context.Background(), names...); err != nil {
		b.Fatal(err)
	}
	c := newClock()
	for range 50 {
		tick(b, c, a, r)
	}
	if r.w.RemoteLen() != 5000 {
		b.Fatalf("%d remote", r.w.RemoteLen())
	}
	rec0 := r.s.Stats()
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		ws.turn(50)
		c.now = c.now.Add(tickDt)
		a.w.Step(tickDt)
		a.s.Publish(a.w, c.now)
		flush(b, a)
		r.w.Step(tickDt)
		b.StartTimer()
		r.s.Apply(r.w, c.now.Add(tickDt/2))
	}
	b.StopTimer()
	st := r.s.Stats()
	n := float64(b.N)
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/n/5000, "ns/avatar")
	b.ReportMetric(float64(st.Received-rec0.Received)/n, "msgs/tick")
	b.ReportMetric(float64(st.Positions-rec0.Positions+st.Identities-rec0.Identities)/n, "records/tick")
}

// BenchmarkChannelSize measures the feed for channel sizes of 1, 2, 4 and
// 8 cells (16 to 128 m): 3 nodes of 700 walkers each, spread at random
// (as a load balancer spreads visitors) over a 460 m square (about 50
// avatars within 40 m of each: every node needs every channel) or a
// 1400 m one (about 5), or 50 walkers each over 1400 m (a node's viewers
// then cover a small part of the zone). Per node
// and tick: messages published and received, records received, and the
// remote avatars held that no local viewer sees (what the subscriptions
// bring for nothing).
func BenchmarkChannelSize(b *testing.B) {
	for _, tc := range []struct {
		side, per, k int
	}{
		{460, 700, 1}, {460, 700, 2}, {460, 700, 4}, {460, 700, 8},
		{1400, 700, 1}, {1400, 700, 2}, {1400, 700, 4}, {1400, 700, 8},
		{1400, 50, 1}, {1400, 50, 2}, {1400, 50, 4}, {1400, 50, 8},
	} {
		side, k := float64(tc.side), tc.k
		b.Run(fmt.Sprintf("%dm/%d-per-node/cells-%d", tc.side, tc.per, k), func(b *testing.B) {
			nodes := benchNodes(b, 3, openZone(int(side), int(side)), world.Config{ChannelCells: k})
			var ws []*walkers
			for i, n := range nodes {
				ws = append(ws, newWalkers(b, n, tc.per, world.ID(1+i*10000), side))
			}
			c := newClock()
			for range 60 {
				tick(b, c, nodes...)
			}
			var pub0, recv0, rec0 uint64
			for _, n := range nodes {
				st := n.s.Stats()
				pub0 += st.Published
				recv0 += st.Received
				rec0 += st.Positions + st.Identities
			}
			held, viewed := 0, 0
			var cpu time.Duration
			b.ResetTimer()
			for range b.N {
				for _, w := range ws {
					w.turn(max(1, tc.per/100))
				}
				t0 := time.Now()
				tick(b, c, nodes...)
				cpu += time.Since(t0)
				for _, n := range nodes {
					h, v := n.w.RemoteViewed()
					held += h
					viewed += v
				}
			}
			b.StopTimer()
			var pub, recv, rec uint64
			for _, n := range nodes {
				st := n.s.Stats()
				pub += st.Published
				recv += st.Received
				rec += st.Positions + st.Identities
			}
			per := float64(b.N) * float64(len(nodes))
			b.ReportMetric(float64(pub-pub0)/per, "pub-msgs/node/tick")
			b.ReportMetric(float64(recv-recv0)/per, "recv-msgs/node/tick")
			b.ReportMetric(float64(rec-rec0)/per, "recv-records/node/tick")
			b.ReportMetric(float64(held)/per, "remote-held/node")
			b.ReportMetric(float64(held-viewed)/per, "remote-unviewed/node")
		})
	}
}
