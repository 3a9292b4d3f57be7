package server

import (
	"context"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/usine-extraordinaire/fairworld/protocol"
	"github.com/usine-extraordinaire/fairworld/server/feed"
	"github.com/usine-extraordinaire/fairworld/server/presence"
	"github.com/usine-extraordinaire/fairworld/world"
)

// hub is the one goroutine that owns the world, this node's sessions and
// the map from avatars to connections. Everything reaches it through its
// bounded inbox (commands.go); it never blocks on a connection (conn.push
// only takes a short lock) nor on I/O (presence and the feed only touch
// memory on its side).
type hub struct {
	world *world.World
	store presence.Store
	sync  *feed.Sync // nil without a feed
	m     *metrics
	late  *lateness
	log   *slog.Logger
	cfg   hubConfig
	inbox chan command
	prog  *progressHub // points, badges, progress (progress.go)
	chat  *chatHub     // chat and moderation (chat_hub.go)
	cls   *classHub    // classes, routes, teachers' orders (class_hub.go)

	// owned by the hub goroutine
	conns      map[uint32]*conn       // avatar -> its current connection
	sessions   map[string]*hubSession // session id -> its attachment here (sessions.go)
	order      []*hubSession          // the sessions, for the staggered position writes
	cursor     int                    // next in order to write
	superseded map[string]superseded  // attachments another node took before they joined here
	taken      []presence.SessionRef  // TakenOver's buffer
	held       []*conn                // connections with events delivered outside the world this round
	goals      map[uint32]*pathState  // avatar -> its GOTO state (paths.go)
	waiting    map[uint32]struct{}    // avatars with a GOTO waiting for its turn
	paths      chan pathRequest

	// behind is how many ticks the hub owed the wall clock after its latest
	// round (0 when on time); read by admission.
	behind atomic.Int64

	// stats is the world's counters, published once a second for /metrics
	// (the world itself is read by the hub only).
	stats atomic.Pointer[world.Stats]
}

// hubDeps are the hub's dependencies, passed by the server.
type hubDeps struct {
	world   *world.World
	store   presence.Store
	sync    *feed.Sync
	metrics *metrics
	late    *lateness
	log     *slog.Logger
	prog    *progressHub
	chat    *chatHub
	cfg     hubConfig
}

// hubConfig is what the hub reads of the server's configuration.
type hubConfig struct {
	tickRate      int
	zoneID, build string // for WELCOME
	inboxSize     int
	radius        float64       // an avatar's, for path finding
	resumeWindow  time.Duration // how long a detached session's progress stays here
}

func newHub(d hubDeps) *hub {
	return &hub{
		world: d.world, store: d.store, sync: d.sync, m: d.metrics, late: d.late, log: d.log, cfg: d.cfg, prog: d.prog, chat: d.chat,
		inbox:      make(chan command, d.cfg.inboxSize),
		conns:      make(map[uint32]*conn),
		sessions:   make(map[string]*hubSession),
		superseded: make(map[string]superseded),
		goals:      make(map[uint32]*pathState),
		waiting:    make(map[uint32]struct{}),
		paths:      make(chan pathRequest, d.cfg.inboxSize),
	}
}

// send delivers a command, waiting while the inbox is full (back-pressure on
// the sending connection's reads) until ctx ends.
func (h *hub) send(ctx context.Context, cmd command) bool {
	select {
	case h.inbox <- cmd:
		return true
	case <-ctx.Done():
		return false
	}
}

// trySend delivers a command if the inbox has room, without waiting.
func (h *hub) trySend(cmd command) bool {
	select {
	case h.inbox <- cmd:
		return true
	default:
		return false
	}
}

// The hub's clock (docs/PROTOCOL.md §4, "When the server is late"). Tick t
// is the period [t, t+1) × 1/TickRate s of unix time: the same numbering on
// every node (UPDATE's tick is t mod 2^32, feed records carry it too).
// Every step is one tick of simulated time, and each round runs the steps
// the wall clock owes since the last one, so the world never runs in slow
// motion; the steps of one round are sent in one UPDATE. When a round
// (steps, updates and pushes) takes longer than a tick, the next one owes
// two ticks and updates go out every second tick, and so on: sending
// degrades first. A round runs at most maxStepsPerSend steps; the hub then
// runs its next round at once, between commands, until it has caught up.
// Time owed beyond maxDebt (a stall) is skipped and counted; the tick
// numbering jumps with it.
const (
	maxStepsPerSend = 4
	maxDebt         = 5 * time.Second
)

// tickOf is the tick of unix time t.
func tickOf(t time.Time, period time.Duration) int64 { return t.UnixNano() / int64(period) }

// untilTick is the wait from now to the start of the next tick, plus a
// little, so that a wake-up is never just before the boundary.
func untilTick(now time.Time, period time.Duration) time.Duration {
	p := int64(period)
	return time.Duration(p-now.UnixNano()%p) + time.Millisecond
}

// run owns the world until ctx ends.
func (h *hub) run(ctx context.Context) {
	period := time.Second / time.Duration(h.cfg.tickRate)
	done := tickOf(time.Now(), period) // the last tick run or skipped
	h.world.SetTick(uint32(done))
	timer := time.NewTimer(untilTick(time.Now(), period))
	defer timer.Stop()
	ready := make(chan time.Time)
	close(ready) // always ready: the next round when behind
	for {
		due := timer.C
		if h.behind.Load() > 0 {
			due = ready
		}
		select {
		case <-ctx.Done():
			return
		case cmd := <-h.inbox:
			cmd.run(h)
		case <-due:
			t := time.Now()
			h.late.observe(t)
			owed := tickOf(t, period) - done
			if owed > 0 {
				if limit := int64(maxDebt / period); owed > limit {
					h.m.ticksSkipped.Add(float64(owed - limit))
					done += owed - limit
					h.world.SetTick(uint32(done))
					owed = limit
				}
				n := min(owed, maxStepsPerSend)
				h.round(int(n), period, t)
				done += n
				owed -= n
			}
			h.behind.Store(max(owed, 0))
			if owed <= 0 {
				timer.Reset(untilTick(time.Now(), period))
			}
		}
	}
}

// round runs n steps of dt with the feed around them, then hands every
// connection its update.
func (h *hub) round(n int, dt time.Duration, now time.Time) {
	start := time.Now()
	rate := uint32(h.cfg.tickRate)
	h.takeOvers()
	if h.sync != nil {
		h.sync.Apply(h.world, now) // what the other nodes' avatars did
	}
	for range n {
		h.world.Step(dt)
		if h.world.Tick()%rate == 0 {
			h.everySecond(now)
		}
	}
	if h.sync != nil {
		h.sync.Publish(h.world, now) // what this node's avatars did
	}
	h.writePositions(n)
	h.progressRound(now)
	h.chatRound(now)
	h.classRound(now)
	h.dispatchWaiting(time.Now())
	h.world.Updates(func(id uint32, u *protocol.Update) {
		if c := h.conns[id]; c != nil {
			c.push(u)
		}
	})
	for _, c := range h.held {
		c.flushHeld() // delivered events no update took
	}
	clear(h.held)
	h.held = h.held[:0]
	if n > 1 {
		h.m.ticksMerged.Add(float64(n - 1))
	}
	h.m.tickDuration.Observe(time.Since(start).Seconds())
	h.m.avatars.Set(float64(h.world.Len()))
}

// everySecond refreshes what changes slowly: the online count, the world's
// counters, the superseded attachments.
func (h *hub) everySecond(now time.Time) {
	h.world.SetOnline(h.store.Online(h.world.Len()))
	st := h.world.Stats()
	h.stats.Store(&st)
	for id, s := range h.superseded {
		if now.Sub(s.at) > supersededFor {
			delete(h.superseded, id)
		}
	}
}

// owns reports whether c is the current connection of its avatar (a
// taken-over connection's late commands are ignored).
func (h *hub) owns(c *conn) bool { return c.sess != nil && h.conns[c.avatar] == c }
