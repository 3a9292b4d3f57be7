package presence

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/usine-extraordinaire/fairworld/internal/redistest"
	"github.com/usine-extraordinaire/fairworld/world/nav"
)

// fast is a configuration with short heartbeats, for tests of dead nodes.
func fast(c *clock) RedisConfig {
	return RedisConfig{ResumeWindow: 3 * time.Second, Heartbeat: 100 * time.Millisecond, HeartbeatTTL: 300 * time.Millisecond, Now: c.Now}
}

// A node that dies (no leave): the others find its key gone, detach its
// sessions (resumable elsewhere for the window, with position, id and
// pseudonym) and free its pseudonyms after the window.
func TestDeadNodeSessionsAreDetached(t *testing.T) {
	t.Parallel()
	srv := redistest.Start(t)
	c := newClock()
	a := startRedisNode(t, srv.URL(), "a", fast(c))
	b := startRedisNode(t, srv.URL(), "b", fast(c))
	s, err := a.Create(ctx, "Inès", "ines", Traits{})
	if err != nil {
		t.Fatal(err)
	}
	a.Moved(s.SessionRef, nav.Point{X: 12, Y: 34})
	kept, _ := a.Create(ctx, "Noé", "noe", Traits{})
	settle(a)
	a.Online(2)
	waitFor(t, 5*time.Second, "b counting a's visitors", func() bool { return b.Online(0) == 2 })
	a.crash()
	// Within 3× the TTL (plus the heartbeat), b evicts a.
	waitFor(t, 3*300*time.Millisecond+2*time.Second, "a evicted", func() bool { return counterValue(t, b.reg, "fair_presence_evictions_total") == 1 })
	if n := b.Online(0); n != 0 {
		t.Errorf("online after a died: %d", n)
	}
	r, err := b.Resume(ctx, s.Token)
	if err != nil || r.Avatar != s.Avatar || r.Display != "Inès" || !r.HasPos || r.Pos.X != 12 || r.Pos.Y != 34 {
		t.Fatalf("resume on b of a's session: %+v, %v", r, err)
	}
	// The other session's name is free after the window.
	if _, err := b.Create(ctx, "Noé", "noe", Traits{}); !errors.Is(err, ErrTaken) {
		t.Fatalf("a dead node's pseudonym within the window: %v", err)
	}
	waitFor(t, 3*time.Second+3*time.Second, "the name free after the window", func() bool {
		_, err := b.Create(ctx, "Noé", "noe", Traits{})
		return err == nil
	})
	if _, err := b.Resume(ctx, kept.Token); !isExpired(err) {
		t.Fatalf("the expired session: %v", err)
	}
}

// Redis killed and restarted empty: the node refuses new sessions while it
// is away, still resumes its own, and writes every session of its own again
// when Redis is back, so that they resume anywhere.
func TestRedisKilledAndRestarted(t *testing.T) {
	t.Parallel()
	srv := redistest.Start(t)
	c := newClock()
	a := startRedisNode(t, srv.URL(), "a", RedisConfig{Now: c.Now})
	b := startRedisNode(t, srv.URL(), "b", RedisConfig{Now: c.Now})
	s, err := a.Create(ctx, "Léo", "leo", Traits{})
	if err != nil {
		t.Fatal(err)
	}
	a.Detach(s.SessionRef, nav.Point{X: 5, Y: 6})
	settle(a)
	srv.Kill()
	waitFor(t, 5*time.Second, "a not ready", func() bool { return a.Ready() != nil })
	if _, err := a.Create(ctx, "Nouveau", "nouveau", Traits{}); !errors.Is(err, ErrUnavailable) {
		t.Fatalf("create during the outage: %v", err)
	}
	if _, err := b.Resume(ctx, s.Token); !errors.Is(err, ErrUnavailable) {
		t.Fatalf("another node's session during the outage: %v", err)
	}
	r, err := a.Resume(ctx, s.Token) // a holds it: resumed locally
	if err != nil || r.Avatar != s.Avatar {
		t.Fatalf("local resume during the outage: %+v, %v", r, err)
	}
	srv.Restart()
	waitFor(t, 5*time.Second, "a and b ready", func() bool { return a.Ready() == nil && b.Ready() == nil })
	waitFor(t, 5*time.Second, "a's sessions restored", func() bool {
		return counterValue(t, a.reg, "fair_presence_restores_total") >= 1 && a.Sessions() == 1
	})
	a.Detach(r.SessionRef, nav.Point{X: 7, Y: 8})
	settle(a)
	r2, err := b.Resume(ctx, r.Token)
	if err != nil || r2.Avatar != s.Avatar || r2.Pos.X != 7 {
		t.Fatalf("resume on b after the restore: %+v, %v", r2, err)
	}
	if _, err := b.Create(ctx, "Léo", "leo", Traits{}); !errors.Is(err, ErrTaken) {
		t.Fatalf("the restored session's name: %v", err)
	}
	// A token of sessions Redis lost and no node held: restarted.
	lost := mint(epoch{1, 2, 3, 4, 5, 6}, 3, newSID())
	if _, err := b.Resume(ctx, lost.String()); err == nil || err.(*ResumeError).Reason != ReasonRestarted {
		t.Fatalf("a token of the old epoch: %v", err)
	}
	// New ids do not repeat the old ones.
	n, err := b.Create(ctx, "Nouveau", "nouveau", Traits{})
	if err != nil || n.Avatar <= s.Avatar {
		t.Fatalf("a new session after the restart: %+v, %v (first id %d)", n, err, s.Avatar)
	}
}

// Redis paused past the nodes' TTL: when it continues, no live node is
// taken for dead.
func TestRedisPausedKeepsLiveNodes(t *testing.T) {
	t.Parallel()
	srv := redistest.Start(t)
	c := newClock()
	a := startRedisNode(t, srv.URL(), "a", fast(c))
	b := startRedisNode(t, srv.URL(), "b", fast(c))
	if _, err := a.Create(ctx, "Jade", "jade", Traits{}); err != nil {
		t.Fatal(err)
	}
	srv.Pause()
	time.Sleep(time.Second) // > 3 TTL: every node key has expired when Redis continues
	waitFor(t, 5*time.Second, "not ready while paused", func() bool { return a.Ready() != nil })
	srv.Continue()
	waitFor(t, 5*time.Second, "ready again", func() bool { return a.Ready() == nil && b.Ready() == nil })
	time.Sleep(time.Second)
	if n := counterValue(t, a.reg, "fair_presence_evictions_total") + counterValue(t, b.reg, "fair_presence_evictions_total"); n != 0 {
		t.Fatalf("%v evictions after a pause", n)
	}
	if _, err := b.Create(ctx, "Jade", "jade", Traits{}); !errors.Is(err, ErrTaken) {
		t.Fatalf("a live session's name after the pause: %v", err)
	}
	if got := a.TakenOver(nil); len(got) != 0 {
		t.Fatalf("taken over: %v", got)
	}
}

// Ids are dense: each node takes blocks of IDBlock.
func TestIDBlocks(t *testing.T) {
	t.Parallel()
	srv := redistest.Start(t)
	c := newClock()
	cfg := RedisConfig{IDBlock: 4, Now: c.Now}
	a := startRedisNode(t, srv.URL(), "a", cfg)
	b := startRedisNode(t, srv.URL(), "b", cfg)
	seen := map[uint32]bool{}
	for i := range 10 {
		for j, s := range []*redisNode{a, b} {
			x, err := s.Create(ctx, "n", "n"+string(rune('a'+i))+string(rune('a'+j)), Traits{})
			if err != nil || seen[x.Avatar] || x.Avatar == 0 || x.Avatar > 24 {
				t.Fatalf("id %d (%v), seen %v", x.Avatar, err, seen)
			}
			seen[x.Avatar] = true
		}
	}
}

// Every key a fair leaves in Redis has an expiry, or is one of the
// documented keys with an owner (docs/ARCHITECTURE.md, "Presence").
func TestEveryKeyExpiresOrHasAnOwner(t *testing.T) {
	t.Parallel()
	srv := redistest.Start(t)
	c := newClock()
	cfg := fast(c)
	cfg.Prefix = "fair"
	a := startRedisNode(t, srv.URL(), "a", cfg)
	b := startRedisNode(t, srv.URL(), "b", cfg)
	s1, _ := a.Create(ctx, "Un", "un", Traits{})
	s2, _ := a.Create(ctx, "Deux", "deux", Traits{})
	s3, _ := b.Create(ctx, "Trois", "trois", Traits{})
	a.Detach(s1.SessionRef, nav.Point{X: 1, Y: 1})
	a.End(s2.SessionRef)
	if _, err := b.Resume(ctx, s1.Token); err != nil {
		t.Fatal(err)
	}
	b.Moved(s3.SessionRef, nav.Point{X: 3, Y: 3})
	settle(a, b)
	a.crash() // a dies; b evicts it
	waitFor(t, 5*time.Second, "a evicted", func() bool { return counterValue(t, b.reg, "fair_presence_evictions_total") == 1 })
	cl := newRedisClient(t, srv.URL())
	keys, err := cl.Keys(ctx, "*").Result()
	if err != nil {
		t.Fatal(err)
	}
	owned := func(k string) bool {
		switch {
		case k == "fair:nodes", k == "fair:{meta}:ids", k == "fair:{meta}:epoch":
			return true // documented, fixed in number
		case strings.HasPrefix(k, "fair:node:") && strings.HasSuffix(k, ":sess"):
			return true // a live node's set (deleted when it leaves or is evicted)
		case strings.Contains(k, "}:s:"), strings.Contains(k, "}:n:"):
			return true // attached sessions and their names: their node's, detached when it dies
		}
		return false
	}
	for _, k := range keys {
		ttl, err := cl.PTTL(ctx, k).Result()
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%s ttl %v", k, ttl)
		if ttl < 0 && !owned(k) {
			t.Errorf("key %s has no expiry and no documented owner", k)
		}
	}
	if n, _ := cl.Exists(ctx, "fair:node:a:sess").Result(); n != 0 {
		t.Errorf("the dead node's set is still there")
	}
	b.stop() // leaving: b's key and count go, its sessions become detached
	keys, _ = cl.Keys(ctx, "*").Result()
	for _, k := range keys {
		if ttl, _ := cl.PTTL(ctx, k).Result(); ttl < 0 && k != "fair:{meta}:ids" && k != "fair:{meta}:epoch" && k != "fair:nodes" && !strings.HasSuffix(k, ":b:sess") {
			t.Errorf("after every node left, %s has no expiry", k)
		}
	}
}

// loseCreateReply is a go-redis hook that lets the create script run in
// Redis and then reports a timeout, as when the answer comes after the
// node's deadline (a Redis or a network late under load).
type loseCreateReply struct{ armed atomic.Bool }

func (*loseCreateReply) DialHook(next redis.DialHook) redis.DialHook { return next }
func (*loseCreateReply) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return next
}
func (h *loseCreateReply) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	create := newScripts().create.Hash()
	return func(ctx context.Context, cmd redis.Cmder) error {
		err := next(ctx, cmd)
		if a := cmd.Args(); h.armed.Load() && len(a) > 1 && a[0] == "evalsha" && a[1] == create {
			cmd.SetErr(context.DeadlineExceeded)
			return context.DeadlineExceeded
		}
		return err
	}
}

// A create whose answer is lost (the script ran, the node saw a timeout
// and answered 4014) leaves no pseudonym reserved by a session nobody
// holds: the visitor who retries with it a few seconds later gets it.
func TestLostCreateAnswerFreesThePseudonym(t *testing.T) {
	t.Parallel()
	srv := redistest.Start(t)
	c := newClock()
	cl := newRedisClient(t, srv.URL())
	hook := &loseCreateReply{}
	cl.AddHook(hook)
	a := startRedisNodeOn(t, cl, "a", fast(c))
	hook.armed.Store(true)
	if _, err := a.Create(ctx, "Léa", "lea", Traits{}); !errors.Is(err, ErrUnavailable) {
		t.Fatalf("create whose answer was lost: %v, want ErrUnavailable", err)
	}
	hook.armed.Store(false)
	// The retry comes 5-15 s later by the protocol (4014); the window
	// here is shorter than that.
	var s Session
	waitFor(t, 3*time.Second, "the pseudonym free again", func() bool {
		var err error
		s, err = a.Create(ctx, "Léa", "lea", Traits{})
		return err == nil
	})
	// And nothing of the lost session is left: one session record, the
	// retry's, and one node-set member.
	r := newRedisClient(t, srv.URL())
	pre := "t" + strings.ToLower(t.Name())
	sess, _ := r.Keys(ctx, pre+":*:s:*").Result()
	mem, _ := r.SMembers(ctx, pre+":node:a:sess").Result()
	if len(sess) != 1 || !strings.HasSuffix(sess[0], s.ID) || len(mem) != 1 {
		t.Fatalf("after the retry: session records %v, node set %v; want only session %s", sess, mem, s.ID)
	}
}
