package admit

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/redis/go-redis/v9"

	"github.com/usine-extraordinaire/fairworld/internal/redistest"
)

func client(t *testing.T, url string) redis.UniversalClient {
	t.Helper()
	opt, err := redis.ParseURL(url)
	if err != nil {
		t.Fatal(err)
	}
	c := redis.NewClient(opt)
	t.Cleanup(func() { c.Close() })
	return c
}

// Three nodes sharing one budget over a real redis-server take the fair's
// rate between them, not three times it: a burst of 20 and 2 a second,
// 3 × 100 attempts at once.
func TestRedisLimitIsFairWide(t *testing.T) {
	t.Parallel()
	rs := redistest.Start(t)
	var nodes []*Redis
	for range 3 {
		l, err := NewRedis(client(t, rs.URL()), RedisConfig{Key: "t:joins", PerSecond: 2, Burst: 20}, prometheus.NewRegistry(), nil)
		if err != nil {
			t.Fatal(err)
		}
		nodes = append(nodes, l)
	}
	start := time.Now()
	var allowed atomic.Int64
	var wg sync.WaitGroup
	for _, l := range nodes {
		for range 100 {
			wg.Go(func() {
				if l.Allow(t.Context()) {
					allowed.Add(1)
				}
			})
		}
	}
	wg.Wait()
	elapsed := time.Since(start).Seconds()
	most := int64(20 + 2*elapsed + 1)
	if n := allowed.Load(); n < 20 || n > most {
		t.Fatalf("%d of 300 allowed in %.2fs, want 20 to %d (the burst and the refill)", n, elapsed, most)
	}
	for _, l := range nodes {
		if e := testutil.ToFloat64(l.errors); e != 0 {
			t.Fatalf("%v Redis errors", e)
		}
	}
	// The key expires once the bucket is full again: nothing grows.
	ttl, err := client(t, rs.URL()).PTTL(context.Background(), "t:joins").Result()
	if err != nil || ttl <= 0 || ttl > 11*time.Second {
		t.Fatalf("the bucket's key has PTTL %v (%v), want an expiry of at most 10 s", ttl, err)
	}
}

// The bucket refills at the rate.
func TestRedisRefills(t *testing.T) {
	t.Parallel()
	rs := redistest.Start(t)
	l, err := NewRedis(client(t, rs.URL()), RedisConfig{Key: "r:joins", PerSecond: 20, Burst: 1}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !l.Allow(t.Context()) {
		t.Fatal("the first token was refused")
	}
	deadline := time.Now().Add(10 * time.Second)
	for !l.Allow(t.Context()) {
		if time.Now().After(deadline) {
			t.Fatal("no token 10 s later at 20 a second")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// Redis gone: the node's own limiter decides, at the same rate, and the
// errors are counted.
func TestRedisDownFallsBack(t *testing.T) {
	t.Parallel()
	rs := redistest.Start(t)
	c := client(t, rs.URL())
	l, err := NewRedis(c, RedisConfig{PerSecond: 1, Burst: 3, Timeout: 100 * time.Millisecond}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	rs.Kill()
	n := 0
	for range 10 {
		if l.Allow(t.Context()) {
			n++
		}
	}
	if n < 3 || n > 4 || testutil.ToFloat64(l.errors) != 10 {
		t.Fatalf("%d of 10 allowed with Redis down (errors %v), want the burst of 3 (4 with a refill)", n, testutil.ToFloat64(l.errors))
	}
}

func TestMemory(t *testing.T) {
	t.Parallel()
	m := NewMemory(0, 5)
	n := 0
	for range 10 {
		if m.Allow(t.Context()) {
			n++
		}
	}
	if n != 5 {
		t.Fatalf("%d allowed, want the burst of 5", n)
	}
}

func TestBadConfig(t *testing.T) {
	t.Parallel()
	if _, err := NewRedis(nil, RedisConfig{PerSecond: -1}, nil, nil); err == nil {
		t.Fatal("a negative rate was accepted")
	}
}
