package progress

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/usine-extraordinaire/fairworld/internal/redistest"
)

// storeUnderTest is one implementation with what its tests need.
type storeUnderTest struct {
	Store
	flush func() // sends what Apply queued
}

// eachStore runs f over a MemoryStore and a RedisStore on a redis-server
// of its own.
func eachStore(t *testing.T, f func(t *testing.T, s storeUnderTest, rc redis.UniversalClient)) {
	t.Run("memory", func(t *testing.T) {
		t.Parallel()
		f(t, storeUnderTest{Store: NewMemory(MemoryConfig{}), flush: func() {}}, nil)
	})
	t.Run("redis", func(t *testing.T) {
		t.Parallel()
		srv := redistest.Start(t)
		rc := redis.NewClient(&redis.Options{Network: "unix", Addr: srv.Addr()})
		t.Cleanup(func() { _ = rc.Close() })
		rs, err := NewRedis(rc, RedisConfig{Prefix: "t", Retention: time.Hour}, nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		f(t, storeUnderTest{Store: rs, flush: func() {
			if err := rs.flush(context.Background(), ""); err != nil {
				t.Fatal(err)
			}
		}}, rc)
	})
}

func TestStoreKeepsProgress(t *testing.T) {
	t.Parallel()
	eachStore(t, func(t *testing.T, s storeUnderTest, rc redis.UniversalClient) {
		ctx := context.Background()
		a, b := NewID(), NewID()
		if _, err := s.Load(ctx, a); !errors.Is(err, ErrNotFound) {
			t.Fatalf("load of nothing: %v", err)
		}
		w := Write{ID: a, KeyHash: "kha", Name: "Léa", Created: 1000, Ops: []Op{
			{Kind: OpSeen, Hotspot: "h-001", Points: 10}, {Kind: OpSeen, Hotspot: "h-001", Points: 10},
			{Kind: OpAnswer, Hotspot: "h-042", Question: 0, Right: true, Points: 5},
			{Kind: OpAnswer, Hotspot: "h-042", Question: 0, Right: false, Points: 5}, // a second attempt: ignored
			{Kind: OpAnswer, Hotspot: "h-042", Question: 1, Right: false, Points: 5},
			{Kind: OpBadge, Badge: "quiz-1", At: 77},
		}}
		s.Apply(w)
		s.Apply(w) // sent again: idempotent
		s.Apply(Write{ID: b, KeyHash: "khb", Name: "Tom", Ops: []Op{{Kind: OpSeen, Hotspot: "h-002", Points: 15}}})
		s.flush()
		r, err := s.Load(ctx, a)
		if err != nil {
			t.Fatal(err)
		}
		if r.Points != 15 || r.Name != "Léa" || r.KeyHash != "kha" || r.Created != 1000 || !slices.Equal(r.Seen, []string{"h-001"}) ||
			len(r.Answers) != 2 || !r.Answers["h-042/0"] || r.Answers["h-042/1"] || r.Badges["quiz-1"] != 77 {
			t.Fatalf("record %+v", r)
		}
		if id, err := s.Lookup(ctx, "kha"); err != nil || id != a {
			t.Fatalf("lookup: %q, %v", id, err)
		}
		if _, err := s.Lookup(ctx, "nope"); !errors.Is(err, ErrNotFound) {
			t.Fatalf("lookup of an unknown key: %v", err)
		}

		// Leaderboards: b first with 15, a with 15 too: equal points, one rank.
		top, n, err := s.Top(ctx, 0, 10)
		if err != nil || n != 2 || len(top) != 2 || top[0].Rank != 1 || top[1].Rank != 1 || top[0].Points != 15 {
			t.Fatalf("top %+v, %d, %v", top, n, err)
		}
		s.Apply(Write{ID: a, KeyHash: "kha", Name: "Léa", Group: 7, Ops: []Op{{Kind: OpSeen, Hotspot: "h-003", Points: 1}}})
		s.flush()
		if r, p, _ := s.Rank(ctx, 0, b); r != 2 || p != 15 {
			t.Fatalf("b's rank %d, %d points", r, p)
		}
		if r, p, _ := s.Rank(ctx, 0, a); r != 1 || p != 16 {
			t.Fatalf("a's rank %d, %d points", r, p)
		}
		if top, n, _ := s.Top(ctx, 7, 10); n != 1 || len(top) != 1 || top[0].ID != a || top[0].Name != "Léa" {
			t.Fatalf("group 7: %+v, %d", top, n)
		}
		if r, _, _ := s.Rank(ctx, 7, b); r != 0 {
			t.Fatal("b ranked in a group it is not in")
		}
		// A change of group leaves the old group's board.
		s.Apply(Write{ID: a, KeyHash: "kha", Name: "Léa", Group: 8})
		s.flush()
		if _, n, _ := s.Top(ctx, 7, 10); n != 0 {
			t.Fatalf("group 7 still has %d", n)
		}
		if top, _, _ := s.Top(ctx, 8, 10); len(top) != 1 || top[0].ID != a {
			t.Fatalf("group 8: %+v", top)
		}

		// Share links.
		tok, err := s.Share(ctx, a, ShareRecord{Name: "Léa", Badge: "quiz-1", At: 77})
		if err != nil || !ValidID(tok) {
			t.Fatalf("share: %q, %v", tok, err)
		}
		if again, _ := s.Share(ctx, a, ShareRecord{Name: "Léa", Badge: "quiz-1", At: 77}); again != tok {
			t.Fatal("a second share of a badge made another link")
		}
		if sr, err := s.Shared(ctx, tok); err != nil || sr != (ShareRecord{Name: "Léa", Badge: "quiz-1", At: 77}) {
			t.Fatalf("shared %+v, %v", sr, err)
		}
		if _, err := s.Share(ctx, NewID(), ShareRecord{Badge: "x"}); !errors.Is(err, ErrNotFound) {
			t.Fatalf("a share for no progress: %v", err)
		}
		if err := s.Unshare(ctx, a, "quiz-1"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Shared(ctx, tok); !errors.Is(err, ErrNotFound) {
			t.Fatalf("an unshared link: %v", err)
		}
		tok, _ = s.Share(ctx, a, ShareRecord{Name: "Léa", Badge: "quiz-1", At: 77})

		// Wrong keys.
		for i := range 3 {
			if n, _ := s.WrongKeys(ctx, "who"); n != i {
				t.Fatalf("%d wrong keys, want %d", n, i)
			}
			if err := s.Failed(ctx, "who"); err != nil {
				t.Fatal(err)
			}
		}

		if rc != nil {
			// Every key expires (the retention, or the wrong-key window).
			keys, _ := rc.Keys(ctx, "t:*").Result()
			if len(keys) < 8 {
				t.Fatalf("keys %v", keys)
			}
			for _, k := range keys {
				ttl, _ := rc.PTTL(ctx, k).Result()
				if ttl <= 0 || ttl > time.Hour {
					t.Errorf("key %s expires in %v", k, ttl)
				}
			}
		}

		// Erasure: nothing of a is left.
		if err := s.Erase(ctx, a, "who"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Load(ctx, a); !errors.Is(err, ErrNotFound) {
			t.Fatalf("load after erasure: %v", err)
		}
		if _, err := s.Lookup(ctx, "kha"); !errors.Is(err, ErrNotFound) {
			t.Fatalf("lookup after erasure: %v", err)
		}
		if _, err := s.Shared(ctx, tok); !errors.Is(err, ErrNotFound) {
			t.Fatalf("share after erasure: %v", err)
		}
		if n, _ := s.WrongKeys(ctx, "who"); n != 0 {
			t.Fatal("wrong keys after erasure")
		}
		if top, n, _ := s.Top(ctx, 0, 10); n != 1 || top[0].ID != b {
			t.Fatalf("board after erasure %+v", top)
		}
		if top, n, _ := s.Top(ctx, 8, 10); n != 0 || len(top) != 0 {
			t.Fatalf("group board after erasure %+v", top)
		}
		if rc != nil {
			keys, _ := rc.Keys(ctx, "t:*").Result()
			for _, k := range keys {
				if strings.Contains(k, a) || strings.Contains(k, "kha") {
					t.Errorf("key %s left", k)
				}
			}
		}
	})
}

// Writes made while Redis is away wait and go out when it is back, also
// after a restart that lost the script; the store says when it is away.
func TestRedisStoreOutage(t *testing.T) {
	t.Parallel()
	srv := redistest.Start(t)
	rc := redis.NewClient(&redis.Options{Network: "unix", Addr: srv.Addr(), MaxRetries: -1, DialTimeout: 200 * time.Millisecond})
	defer rc.Close()
	s, err := NewRedis(rc, RedisConfig{Prefix: "t", Timeout: 300 * time.Millisecond}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	id := NewID()
	s.Apply(Write{ID: id, KeyHash: "k", Name: "Léa", Ops: []Op{{Kind: OpSeen, Hotspot: "h-001", Points: 10}}})
	if err := s.flush(ctx, ""); err != nil {
		t.Fatal(err)
	}
	srv.Kill()
	s.Apply(Write{ID: id, KeyHash: "k", Name: "Léa", Ops: []Op{{Kind: OpSeen, Hotspot: "h-002", Points: 5}}})
	if err := s.flush(ctx, ""); err == nil || s.Ready() == nil {
		t.Fatalf("a flush with Redis away: %v, ready %v", err, s.Ready())
	}
	if _, err := s.Lookup(ctx, "k"); !errors.Is(err, ErrUnavailable) {
		t.Fatalf("lookup with Redis away: %v", err)
	}
	srv.Restart() // empty: no data, no script
	deadline := time.Now().Add(10 * time.Second)
	for s.flush(ctx, "") != nil || s.Ready() != nil {
		if time.Now().After(deadline) {
			t.Fatalf("not back: %v", s.Ready())
		}
		time.Sleep(50 * time.Millisecond)
	}
	_ = s.flush(ctx, "") // what NOSCRIPT held back
	r, err := s.Load(ctx, id)
	if err != nil || !slices.Contains(r.Seen, "h-002") {
		t.Fatalf("the write made while Redis was away: %+v, %v", r, err)
	}
}
