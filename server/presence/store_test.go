package presence

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"

	"github.com/usine-extraordinaire/fairworld/internal/redistest"
	"github.com/usine-extraordinaire/fairworld/world/nav"
)

// clock is a settable clock for token grace and resume windows.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func newClock() *clock { return &clock{now: time.Now()} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

type tlog struct{ t testing.TB }

func (w tlog) Write(p []byte) (int, error) { w.t.Log(strings.TrimSpace(string(p))); return len(p), nil }

func testLogger(t testing.TB) *slog.Logger { return slog.New(slog.NewTextHandler(tlog{t}, nil)) }

// redisURL returns a fresh redis-server (or a Cluster) for the test.
func redisURL(t *testing.T, cluster bool) string {
	if cluster {
		return redistest.StartCluster(t).URL()
	}
	return redistest.Start(t).URL()
}

// newRedisClient is feed.NewRedisClient's client (presence does not import feed).
func newRedisClient(t *testing.T, url string) redis.UniversalClient {
	t.Helper()
	var c redis.UniversalClient
	if rest, ok := strings.CutPrefix(url, "redis+cluster://"); ok {
		c = redis.NewClusterClient(&redis.ClusterOptions{Addrs: strings.Split(rest, ","), MaxRetries: -1, DialTimeout: time.Second, ContextTimeoutEnabled: true})
	} else {
		opt, err := redis.ParseURL(url)
		if err != nil {
			t.Fatal(err)
		}
		opt.MaxRetries, opt.DialTimeout, opt.ContextTimeoutEnabled = -1, time.Second, true
		c = redis.NewClient(opt)
	}
	t.Cleanup(func() { _ = c.Close() })
	return c
}

type redisNode struct {
	*RedisStore
	reg     *prometheus.Registry
	crashed atomic.Bool
	cancel  context.CancelFunc
	done    chan struct{}
}

// startRedisNode runs a RedisStore named node until the test ends (or
// crash/stop), and waits until it is ready.
func startRedisNode(t *testing.T, url, node string, cfg RedisConfig) *redisNode {
	t.Helper()
	return startRedisNodeOn(t, newRedisClient(t, url), node, cfg)
}

// startRedisNodeOn is startRedisNode over a client of the test's own (one
// with a hook, say).
func startRedisNodeOn(t *testing.T, client redis.UniversalClient, node string, cfg RedisConfig) *redisNode {
	t.Helper()
	cfg.Node = node
	if cfg.Prefix == "" {
		cfg.Prefix = "t" + strings.ToLower(strings.ReplaceAll(t.Name(), "/", "_"))
	}
	reg := prometheus.NewRegistry()
	s, err := NewRedis(client, cfg, reg, testLogger(t).With("node", node))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	n := &redisNode{RedisStore: s, reg: reg, cancel: cancel, done: make(chan struct{})}
	go func() { defer close(n.done); s.run(ctx, func() bool { return !n.crashed.Load() }) }()
	t.Cleanup(n.stop)
	waitFor(t, 10*time.Second, node+" ready", func() bool { return s.Ready() == nil })
	return n
}

func (n *redisNode) stop() { n.cancel(); <-n.done }

// crash ends the node's goroutines without leaving the fair, as a SIGKILL.
func (n *redisNode) crash() {
	n.crashed.Store(true)
	n.cancel()
	<-n.done
}

func waitFor(t *testing.T, d time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("waiting for %s: not after %v", what, d)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// stores runs f against each implementation: memory, Redis, Redis Cluster.
// mk makes the store for one node of the fair.
func stores(t *testing.T, f func(t *testing.T, mk func(node string, c *clock) Store, redisBacked bool)) {
	t.Run("memory", func(t *testing.T) {
		t.Parallel()
		var shared *MemoryStore
		f(t, func(_ string, c *clock) Store {
			if shared == nil { // one node only: every "node" is the same store
				shared = NewMemory(MemoryConfig{ResumeWindow: 2 * time.Second, Now: c.Now})
			}
			return shared
		}, false)
	})
	for _, cluster := range []bool{false, true} {
		name := "redis"
		if cluster {
			name = "cluster"
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			url := redisURL(t, cluster)
			f(t, func(node string, c *clock) Store {
				return startRedisNode(t, url, node, RedisConfig{ResumeWindow: 2 * time.Second, Now: c.Now}).RedisStore
			}, true)
		})
	}
}

var ctx = context.Background()

// settle writes what a store has pending (a RedisStore's writer would at
// its next tick), so that a test need not wait for it.
func settle(stores ...Store) {
	for _, s := range stores {
		if r, ok := s.(interface{ flush(context.Context) }); ok {
			r.flush(ctx)
		}
	}
}

func TestCreateReservesThePseudonym(t *testing.T) {
	t.Parallel()
	stores(t, func(t *testing.T, mk func(string, *clock) Store, _ bool) {
		c := newClock()
		a, b := mk("a", c), mk("b", c)
		s, err := a.Create(ctx, "Léa", "lea", Traits{})
		if err != nil || s.Avatar == 0 || s.Token == "" || s.Resumed || s.HasPos {
			t.Fatalf("create: %+v, %v", s, err)
		}
		if _, err := b.Create(ctx, "LEA", "lea", Traits{}); !errors.Is(err, ErrTaken) {
			t.Fatalf("same key on another node: %v, want ErrTaken", err)
		}
		a.Detach(s.SessionRef, nav.Point{X: 10, Y: 20})
		settle(a)
		if _, err := b.Create(ctx, "Léa", "lea", Traits{}); !errors.Is(err, ErrTaken) {
			t.Fatalf("within the resume window: %v, want ErrTaken", err)
		}
		// Past the window (2 s; the memory store's clock, Redis's own TTL).
		c.add(3 * time.Second)
		waitFor(t, 6*time.Second, "the name free after the window", func() bool {
			s2, err := b.Create(ctx, "Léa", "lea", Traits{})
			return err == nil && s2.Avatar != s.Avatar
		})
		if _, err := a.Resume(ctx, s.Token); !isExpired(err) {
			t.Fatalf("the expired session's token: %v", err)
		}
	})
}

func isExpired(err error) bool {
	var re *ResumeError
	return errors.As(err, &re) && re.Reason == ReasonExpired
}

// Two nodes racing for one pseudonym: exactly one wins, every time.
func TestCreateRace(t *testing.T) {
	t.Parallel()
	stores(t, func(t *testing.T, mk func(string, *clock) Store, _ bool) {
		c := newClock()
		a, b := mk("a", c), mk("b", c)
		for i := range 30 {
			key := "race" + string(rune('a'+i%26)) + string(rune('a'+i/26))
			var wg sync.WaitGroup
			var errs [2]error
			for j, s := range []Store{a, b} {
				wg.Go(func() { _, errs[j] = s.Create(ctx, key, key, Traits{}) })
			}
			wg.Wait()
			won := 0
			for _, err := range errs {
				switch {
				case err == nil:
					won++
				case !errors.Is(err, ErrTaken):
					t.Fatalf("round %d: %v", i, err)
				}
			}
			if won != 1 {
				t.Fatalf("round %d: %d winners (%v)", i, won, errs)
			}
		}
	})
}

// Resume rotates the token; the previous one holds until Confirm or its
// grace; a 1000 (End) voids everything and frees the name.
func TestResumeRotationAcrossNodes(t *testing.T) {
	t.Parallel()
	stores(t, func(t *testing.T, mk func(string, *clock) Store, redisBacked bool) {
		c := newClock()
		a, b := mk("a", c), mk("b", c)
		s, err := a.Create(ctx, "Tom", "tom", Traits{})
		if err != nil {
			t.Fatal(err)
		}
		a.Moved(s.SessionRef, nav.Point{X: 50, Y: 60})
		a.Detach(s.SessionRef, nav.Point{X: 51, Y: 61})
		settle(a)
		r1, err := b.Resume(ctx, s.Token)
		if err != nil || !r1.Resumed || r1.Avatar != s.Avatar || r1.Display != "Tom" || r1.Key != "tom" || r1.Token == s.Token || r1.Gen <= s.Gen {
			t.Fatalf("resume: %+v, %v", r1, err)
		}
		if !r1.HasPos || r1.Pos.X != 51 || r1.Pos.Y != 61 {
			t.Fatalf("position %v %v, want (51, 61)", r1.Pos, r1.HasPos)
		}
		// The old token still opens it (the WELCOME could be lost): on a
		// third node, taking it over.
		r2, err := a.Resume(ctx, s.Token)
		if err != nil || r2.Gen <= r1.Gen {
			t.Fatalf("resume with the previous token: %+v, %v", r2, err)
		}
		if redisBacked {
			waitFor(t, 5*time.Second, "b told of the take-over", func() bool {
				got := b.TakenOver(nil)
				return len(got) == 1 && got[0] == r1.SessionRef
			})
		}
		// r1's token was never used: void.
		if _, err := b.Resume(ctx, r1.Token); !isExpired(err) {
			t.Fatalf("the unused rotated token: %v", err)
		}
		a.Confirm(r2.SessionRef) // the client spoke: the previous token goes
		settle(a)
		if _, err := b.Resume(ctx, s.Token); !isExpired(err) {
			t.Fatalf("the previous token after Confirm: %v", err)
		}
		// Grace: a resume's previous token lasts 10 s at most.
		r3, err := b.Resume(ctx, r2.Token)
		if err != nil {
			t.Fatal(err)
		}
		c.add(PrevTokenGrace + time.Second)
		if _, err := a.Resume(ctx, r2.Token); !isExpired(err) {
			t.Fatalf("the previous token after its grace: %v", err)
		}
		b.End(r3.SessionRef)
		settle(b)
		if _, err := a.Resume(ctx, r3.Token); !isExpired(err) {
			t.Fatalf("after End: %v", err)
		}
		if _, err := a.Create(ctx, "Tom", "tom", Traits{}); err != nil {
			t.Fatalf("the name after End: %v", err)
		}
	})
}

// An operation of an attachment that was taken over does nothing.
func TestStaleAttachmentIsIgnored(t *testing.T) {
	t.Parallel()
	stores(t, func(t *testing.T, mk func(string, *clock) Store, _ bool) {
		c := newClock()
		a, b := mk("a", c), mk("b", c)
		s, _ := a.Create(ctx, "Zoé", "zoe", Traits{})
		r, err := b.Resume(ctx, s.Token)
		if err != nil {
			t.Fatal(err)
		}
		a.End(s.SessionRef) // the taken-over connection's 1000
		a.Detach(s.SessionRef, nav.Point{X: 1, Y: 1})
		settle(a)
		b.Moved(r.SessionRef, nav.Point{X: 7, Y: 8})
		b.Detach(r.SessionRef, nav.Point{X: 7, Y: 8})
		settle(b)
		r2, err := a.Resume(ctx, r.Token)
		if err != nil || r2.Pos.X != 7 {
			t.Fatalf("the session after stale writes: %+v, %v", r2, err)
		}
	})
}

func TestMalformedTokens(t *testing.T) {
	t.Parallel()
	m := NewMemory(MemoryConfig{})
	for _, tok := range []string{"", "x", strings.Repeat("A", 43), strings.Repeat("é", 30), "q3xSJ1m0GkWcO2mB0hC7Xw"} {
		_, err := m.Resume(ctx, tok)
		var re *ResumeError
		if !errors.As(err, &re) {
			t.Errorf("%q: %v", tok, err)
		}
	}
	// A well-formed token of another run of a memory store: restarted.
	other := NewMemory(MemoryConfig{})
	s, _ := other.Create(ctx, "Ana", "ana", Traits{})
	if _, err := m.Resume(ctx, s.Token); err == nil || err.(*ResumeError).Reason != ReasonRestarted {
		t.Errorf("another run's token: %v", err)
	}
	if len(s.Token) != tokenLen || len(s.Token) > 64 {
		t.Errorf("token of %d characters", len(s.Token))
	}
}

func counterValue(t *testing.T, reg *prometheus.Registry, name string) float64 {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	total := 0.0
	for _, mf := range mfs {
		if mf.GetName() == name {
			for _, m := range mf.GetMetric() {
				total += m.GetCounter().GetValue()
			}
		}
	}
	return total
}

// TestTraitsForm: a staff session's token fields round-trip through the
// record form, with or without a progress id; older forms still read.
func TestTraitsForm(t *testing.T) {
	for _, tr := range []Traits{
		{},
		{Role: 2, Colour: 3, Shape: 1},
		{Role: 0, Progress: "AbC-d_9"},
		{Role: 2, Staff: "t-0042", JTI: "Jx_9", Colour: 1},
		{Role: 1, Progress: "p1", Staff: "p-7", JTI: "j", Booth: "b-07"},
	} {
		if got := parseTraits(tr.String()); got != tr {
			t.Errorf("parseTraits(%q) = %+v, want %+v", tr.String(), got, tr)
		}
	}
	if got := parseTraits("2.1.0.p1"); got != (Traits{Role: 2, Colour: 1, Progress: "p1"}) {
		t.Errorf("an older record: %+v", got)
	}
}
