package feed_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/usine-extraordinaire/fairworld/internal/redistest"
	"github.com/usine-extraordinaire/fairworld/protocol"
	"github.com/usine-extraordinaire/fairworld/server/feed"
	"github.com/usine-extraordinaire/fairworld/world"
)

// redisNodes makes n nodes, each with its own client and RedisFeed.
func redisNodes(t *testing.T, url string, n int, wcfg world.Config, scfg feed.SyncConfig, rcfg feed.RedisConfig) []*node {
	t.Helper()
	var nodes []*node
	for i := range n {
		client, err := feed.NewRedisClient(url)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = client.Close() })
		reg := prometheus.NewRegistry()
		f, err := feed.NewRedis(client, rcfg, reg, testLogger(t))
		if err != nil {
			t.Fatal(err)
		}
		c := scfg
		c.Node = uint64(100 + i)
		nodes = append(nodes, newNode(t, openZone(240, 200), wcfg, f, reg, c))
	}
	return nodes
}

func TestRedisURLForms(t *testing.T) {
	t.Parallel()
	for _, u := range []string{
		"redis://127.0.0.1:6379", "redis://user:pw@127.0.0.1:6379/2", "rediss://h:1", "unix:///tmp/r.sock?db=1",
		"redis+cluster://127.0.0.1:7000,127.0.0.1:7001,127.0.0.1:7002", "redis+cluster://:pw@h1:1,h2:2?dial_timeout=3s",
	} {
		c, err := feed.NewRedisClient(u)
		if err != nil {
			t.Errorf("%s: %v", u, err)
			continue
		}
		_ = c.Close()
	}
	for _, u := range []string{"", "127.0.0.1:6379", "http://h:1", "redis+cluster://", "redis://h:notaport"} {
		if c, err := feed.NewRedisClient(u); err == nil {
			_ = c.Close()
			t.Errorf("%q accepted", u)
		}
	}
}

func TestRedisWalkAcrossNodes(t *testing.T) {
	t.Parallel()
	srv := redistest.Start(t)
	n := redisNodes(t, srv.URL(), 2, world.Config{}, feed.SyncConfig{}, feed.RedisConfig{})
	testWalk(t, newClock(), n[0], n[1])
}

func TestRedisClusterWalkAcrossNodes(t *testing.T) {
	t.Parallel()
	cl := redistest.StartCluster(t)
	n := redisNodes(t, cl.URL(), 2, world.Config{}, feed.SyncConfig{}, feed.RedisConfig{})
	testWalk(t, newClock(), n[0], n[1])
	// The channels of the walk hash to several slots, on several masters.
	ctx := context.Background()
	masters := 0
	for _, s := range cl.Nodes {
		c, err := feed.NewRedisClient(s.URL())
		if err != nil {
			t.Fatal(err)
		}
		chans, err := c.PubSubShardChannels(ctx, "*").Result()
		_ = c.Close()
		if err != nil {
			t.Fatal(err)
		}
		if len(chans) > 0 {
			masters++
		}
		t.Logf("%s: %d shard channels subscribed %v", s.Addr(), len(chans), chans)
	}
	if masters < 2 {
		t.Fatalf("the subscriptions are on %d master(s)", masters)
	}
}

// realTime drives nodes at the real tick rate (the Redis fault tests run
// against a real clock). It returns the longest hub work of one tick
// (Apply + Step + Publish), which must never wait on Redis.
type realTime struct {
	nodes   []*node
	longest time.Duration
}

func (r *realTime) run(t *testing.T, d time.Duration, until func() bool) (time.Duration, bool) {
	t.Helper()
	start := time.Now()
	tk := time.NewTicker(tickDt)
	defer tk.Stop()
	for time.Since(start) < d {
		now := <-tk.C
		for _, n := range r.nodes {
			t0 := time.Now()
			n.s.Apply(n.w, now)
			n.w.Step(tickDt)
			n.s.Publish(n.w, now)
			r.longest = max(r.longest, time.Since(t0))
			n.w.Updates(func(id world.ID, u *protocol.Update) {
				if cl := n.clients[id]; cl != nil {
					cl.apply(t, copyUpdate(u))
				}
			})
		}
		if until != nil && until() {
			return time.Since(start), true
		}
	}
	return time.Since(start), false
}

func sees(n *node, viewer, other world.ID) func() bool {
	return func() bool { _, ok := n.clients[viewer].known[other]; return ok }
}

func TestRedisKilledAndRestarted(t *testing.T) {
	t.Parallel()
	srv := redistest.Start(t)
	cfg := feed.SyncConfig{Expiry: 1500 * time.Millisecond}
	n := redisNodes(t, srv.URL(), 2, world.Config{}, cfg, feed.RedisConfig{})
	a, b := n[0], n[1]
	a.join(1, world.Identity{Name: "un"}, 100, 100)
	b.join(2, world.Identity{Name: "deux"}, 100, 104)
	rt := &realTime{nodes: n}
	if _, ok := rt.run(t, 10*time.Second, func() bool { return sees(b, 2, 1)() && sees(a, 1, 2)() }); !ok {
		t.Fatal("the nodes never saw each other")
	}
	srv.Kill()
	gone, ok := rt.run(t, 3*cfg.Expiry, func() bool { return !sees(b, 2, 1)() })
	if !ok {
		t.Fatal("remote avatar not expired while Redis is down")
	}
	t.Logf("Redis killed: the remote avatar left after %v (expiry %v)", gone.Round(time.Millisecond), cfg.Expiry)
	rt.run(t, time.Second, nil) // down a little longer
	srv.Restart()
	back, ok := rt.run(t, 6*time.Second, func() bool { return sees(b, 2, 1)() && sees(a, 1, 2)() })
	if !ok {
		t.Fatal("cross-node visibility did not come back within 6 s of Redis restarting")
	}
	t.Logf("Redis restarted: visible again after %v; longest hub tick work %v", back.Round(time.Millisecond), rt.longest.Round(time.Microsecond))
	if b.clients[2].enters[1] != 2 || b.clients[2].leaves[1] != 1 {
		t.Fatalf("enters %d leaves %d", b.clients[2].enters[1], b.clients[2].leaves[1])
	}
	if rt.longest > time.Second {
		t.Fatalf("a tick's hub work took %v: it waited on Redis", rt.longest)
	}
}

func TestRedisPaused(t *testing.T) {
	t.Parallel()
	srv := redistest.Start(t)
	cfg := feed.SyncConfig{Expiry: 1500 * time.Millisecond}
	n := redisNodes(t, srv.URL(), 2, world.Config{}, cfg, feed.RedisConfig{})
	a, b := n[0], n[1]
	a.join(1, world.Identity{Name: "un"}, 100, 100)
	a.w.SetMove(1, 1, 0.3, 0) // 7.5 cm a tick: a record every tick
	b.join(2, world.Identity{Name: "deux"}, 100, 104)
	rt := &realTime{nodes: n}
	if _, ok := rt.run(t, 10*time.Second, sees(b, 2, 1)); !ok {
		t.Fatal("never seen")
	}
	srv.Pause()
	rt.run(t, 3*time.Second, nil)
	if sees(b, 2, 1)() {
		t.Fatal("remote avatar still visible after 3 s of Redis paused")
	}
	srv.Continue()
	back, ok := rt.run(t, 6*time.Second, sees(b, 2, 1))
	if !ok {
		t.Fatal("cross-node visibility did not come back within 6 s of Redis continuing")
	}
	t.Logf("Redis paused 3 s: visible again %v after it continued; longest hub tick work %v; stats %+v",
		back.Round(time.Millisecond), rt.longest.Round(time.Microsecond), b.s.Stats())
	if rt.longest > time.Second {
		t.Fatalf("a tick's hub work took %v: it waited on Redis", rt.longest)
	}
}

// A receive queue that overflows (the hub did not drain it for a while)
// drops and counts; the gaps are seen and resynced.
func TestRedisQueueOverflowIsResynced(t *testing.T) {
	t.Parallel()
	srv := redistest.Start(t)
	n := redisNodes(t, srv.URL(), 2, world.Config{}, feed.SyncConfig{}, feed.RedisConfig{QueueSize: 4})
	a, b := n[0], n[1]
	for i := range 20 { // in several channels, all walking: records every tick
		a.join(world.ID(10+i), world.Identity{Name: "w"}, 60+float64(i)*6, 100)
		a.w.SetMove(world.ID(10+i), 1, 0, 0.3) // 7.5 cm a tick: a record every tick
	}
	b.join(2, world.Identity{Name: "deux"}, 120, 104)
	rt := &realTime{nodes: n}
	if _, ok := rt.run(t, 10*time.Second, func() bool { return len(b.clients[2].known) >= 10 }); !ok {
		t.Fatalf("b sees %d", len(b.clients[2].known))
	}
	// b's hub "stalls" for 10 ticks: a keeps publishing.
	rt.nodes = []*node{a}
	rt.run(t, 10*tickDt, nil)
	rt.nodes = n
	want := len(b.clients[2].known)
	_, ok := rt.run(t, 5*time.Second, func() bool { return b.s.Stats().Resyncs > 0 && len(b.clients[2].known) >= want })
	st := b.s.Stats()
	drops := gauge(t, b.reg, "fair_feed_queue_drops_total")
	if !ok || st.Gaps == 0 || drops == 0 {
		t.Fatalf("after the overflow: ok %v, %+v, queue drops %v", ok, st, drops)
	}
	t.Logf("queue overflow: %v drops, %d gaps, %d resyncs", drops, st.Gaps, st.Resyncs)
}

// The feed's channel names carry a hash tag: every group is one slot.
func TestChannelNames(t *testing.T) {
	t.Parallel()
	if got := feed.ChannelName("fair", 16, 35); got != "fair:{3}:35" {
		t.Fatalf("%q", got)
	}
	if !strings.Contains(feed.ChannelName("x", 1, 7), "{0}") {
		t.Fatal("no tag")
	}
}
