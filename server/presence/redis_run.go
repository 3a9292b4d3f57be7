package presence

import (
	"context"
	"encoding/hex"
	"errors"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

// Run implements Store: the heartbeat, the writer and the control channel
// until ctx ends; then a last write of what is pending, and the node
// leaves the fair (its key and count go; sessions still attached are
// detached, resumable on other nodes). Call it once.
func (r *RedisStore) Run(ctx context.Context) { r.run(ctx, func() bool { return true }) }

// run is Run; a test's leave says false to play a node that dies.
func (r *RedisStore) run(ctx context.Context, leave func() bool) {
	var wg sync.WaitGroup
	wg.Go(func() { r.heartbeatLoop(ctx) })
	wg.Go(func() { r.writerLoop(ctx) })
	wg.Go(func() { r.controlLoop(ctx) })
	wg.Wait()
	if leave() {
		r.leave()
	}
}

func (r *RedisStore) heartbeatLoop(ctx context.Context) {
	t := time.NewTicker(r.cfg.Heartbeat)
	defer t.Stop()
	j := janitor{missing: map[string]time.Time{}}
	failing := false
	for {
		err := r.heartbeat(ctx, &j)
		if err != nil {
			// A node is dead after its key was missing for a TTL while
			// Redis answered: time Redis was away does not count.
			clear(j.missing)
		}
		switch {
		case err != nil && !failing && ctx.Err() == nil:
			failing = true
			r.log.Warn("presence: Redis unreachable; new sessions refused (4014) until it answers", "err", err)
		case err == nil && failing:
			failing = false
			r.log.Info("presence: Redis answers again")
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// janitor is the heartbeat's view of the other nodes.
type janitor struct {
	missing map[string]time.Time // node -> since when its key was seen missing (Redis answering)
}

// heartbeat refreshes the node key and count, reads the others' counts and
// the epoch, and does what a change there calls for (a restore after Redis
// lost its data or the node was wrongly taken for dead; the eviction of
// dead nodes).
func (r *RedisStore) heartbeat(ctx context.Context, j *janitor) error {
	ctx, cancel := context.WithTimeout(ctx, r.cfg.Timeout)
	defer cancel()
	local := r.local.Load()
	r.mu.Lock()
	first := !r.started
	r.mu.Unlock()
	pipe := r.c.Pipeline()
	pipe.Set(ctx, r.k.nodeKey, local, r.cfg.HeartbeatTTL)
	pipe.HSet(ctx, r.k.nodes, r.cfg.Node, local)
	all := pipe.HGetAll(ctx, r.k.nodes)
	epc := r.sc.epoch.Eval(ctx, pipe, []string{r.k.ids, r.k.epochKey}, hex.EncodeToString(newEpochBytes()), r.idFloor.Load())
	ev := pipe.Get(ctx, r.k.evicted)
	var prior *redis.IntCmd
	if first {
		prior = pipe.Exists(ctx, r.k.nodeSet) // sessions of an earlier run of this node
	}
	r.m.cmd("heartbeat", 6)
	t0 := time.Now()
	cmds, _ := pipe.Exec(ctx)
	r.m.roundTrip.Observe(time.Since(t0).Seconds())
	for _, c := range cmds {
		if err := c.Err(); err != nil && !errors.Is(err, redis.Nil) { // GET evicted is nil normally
			r.m.fail("heartbeat")
			return err
		}
	}
	epHex, err := epc.Text()
	if err != nil {
		r.m.fail("heartbeat")
		return err
	}
	if first {
		// The writer's pipelines use EVALSHA: load the scripts once now
		// (again after a NOSCRIPT, or when Redis came back empty).
		r.loadScripts(ctx)
	}
	if first && prior.Val() > 0 {
		// A process that ran with this node name before (a restart): its
		// sessions have no connection any more. They stay resumable.
		r.log.Warn("presence: sessions of an earlier run of this node found; detaching them")
		if err := r.evict(ctx, r.cfg.Node); err != nil {
			return err
		}
	}
	restore := ""
	r.mu.Lock()
	switch {
	case r.epHex == "":
		r.setEpochLocked(epHex)
	case r.epHex != epHex:
		r.setEpochLocked(epHex)
		restore = "data_lost"
	}
	if ev.Err() == nil {
		restore = "evicted"
	}
	if restore != "" {
		for id := range r.t.byID {
			r.markLocked(id, dirtyAll|dirtyList)
		}
	}
	r.started = true
	r.mu.Unlock()
	if restore != "" {
		r.loadScripts(ctx)
		r.m.restores.WithLabelValues(restore).Inc()
		r.log.Warn("presence: writing this node's sessions to Redis again", "reason", restore)
		r.idMu.Lock()
		r.idNext, r.idLast = 0, 0 // a block of the old epoch may be handed out again by others
		r.idMu.Unlock()
		if restore == "evicted" {
			r.m.cmd("heartbeat", 1)
			_ = r.c.Del(ctx, r.k.evicted).Err()
		}
		r.nudge()
	}
	r.lastOK.Store(time.Now().UnixNano())

	// The others' counts, and the nodes whose key is gone.
	var others int64
	var names []string
	for n, v := range all.Val() {
		if n == r.cfg.Node {
			continue
		}
		names = append(names, n)
		if _, dead := j.missing[n]; !dead {
			c, _ := strconv.ParseInt(v, 10, 64)
			others += c
		}
	}
	r.others.Store(others)
	r.m.online.Set(float64(others + local))
	r.sweepMirror()
	if len(names) == 0 {
		return nil
	}
	return r.lookForDead(ctx, j, names)
}

func newEpochBytes() []byte { e := newEpoch(); return e[:] }

// setEpochLocked adopts Redis's epoch. Called with mu held.
func (r *RedisStore) setEpochLocked(h string) {
	r.epHex = h
	if b, err := hex.DecodeString(h); err == nil && len(b) == epochBytes {
		copy(r.ep[:], b)
	}
}

// lookForDead evicts the nodes whose key has been missing, while Redis
// answered, for HeartbeatTTL (a node key also expires during a Redis pause:
// its node refreshes it within a heartbeat after).
func (r *RedisStore) lookForDead(ctx context.Context, j *janitor, names []string) error {
	pipe := r.c.Pipeline()
	ex := make([]*redis.IntCmd, len(names))
	for i, n := range names {
		ex[i] = pipe.Exists(ctx, r.k.nodeKeyOf(n))
	}
	r.m.cmd("heartbeat", len(names))
	if _, err := pipe.Exec(ctx); err != nil {
		r.m.fail("heartbeat")
		return err
	}
	now := time.Now()
	for i, n := range names {
		if ex[i].Val() > 0 {
			delete(j.missing, n)
			continue
		}
		since, ok := j.missing[n]
		if !ok {
			j.missing[n] = now
			continue
		}
		if now.Sub(since) >= r.cfg.HeartbeatTTL {
			if err := r.evict(ctx, n); err != nil {
				return err
			}
			delete(j.missing, n)
		}
	}
	return nil
}

// evict detaches the sessions a dead node (or an earlier run of this one)
// left attached: they stay resumable for the window. One node does it
// (a lock key).
func (r *RedisStore) evict(ctx context.Context, node string) error {
	r.m.cmd("evict", 2)
	got, err := r.c.SetNX(ctx, r.k.janitorOf(node), r.cfg.Node, 10*r.cfg.HeartbeatTTL).Result()
	if err != nil || !got {
		return err
	}
	members, err := r.c.SMembers(ctx, r.k.nodeSetOf(node)).Result()
	if err != nil {
		r.m.fail("evict")
		return err
	}
	ttl := r.cfg.ResumeWindow.Milliseconds()
	pipe := r.c.Pipeline()
	for _, m := range members {
		tag, id, key, ok := parseMember(m)
		if !ok {
			continue
		}
		r.sc.evict.Eval(ctx, pipe, []string{r.k.session(tag, id), r.k.name(tag, key)}, node, ttl, id)
	}
	pipe.Del(ctx, r.k.nodeSetOf(node), r.k.janitorOf(node))
	pipe.HDel(ctx, r.k.nodes, node)
	if node != r.cfg.Node {
		// Should the node be alive after all (a partition), it writes its
		// sessions again.
		pipe.Set(ctx, r.k.evictedOf(node), "1", 10*r.cfg.ResumeWindow)
	}
	r.m.cmd("evict", len(members)+3)
	if _, err := pipe.Exec(ctx); err != nil {
		r.m.fail("evict")
		return err
	}
	r.m.evictions.Inc()
	r.log.Info("presence: detached the sessions of a node gone", "gone", node, "sessions", len(members))
	return nil
}

// sweepMirror forgets the detached sessions past their window (Redis
// expired them) and the previous tokens past their grace.
func (r *RedisStore) sweepMirror() {
	now := r.cfg.Now()
	r.mu.Lock()
	defer r.mu.Unlock()
	for id, l := range r.later {
		if time.Since(l.at) > 30*time.Second {
			delete(r.later, id)
		}
	}
	for id, e := range r.t.byID {
		switch {
		case !e.resumable(now):
			delete(r.t.byID, id)
			delete(r.dirty, id)
			r.unlist = append(r.unlist, member(e.tag, e.id, e.key))
		case e.prev != "" && now.After(e.prevUntil):
			e.prev = ""
		}
	}
}

// writerLoop writes the pending writes every FlushEvery (a tick: one
// pipeline per tick), until ctx ends.
func (r *RedisStore) writerLoop(ctx context.Context) {
	t := time.NewTicker(r.cfg.FlushEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-r.wake:
		}
		if r.Ready() == nil {
			r.flush(ctx)
		}
	}
}

// op is one pending write, as taken from the mirror.
type op struct {
	what uint8
	e    entry // a copy
	end  *endOp
}

// flush writes everything pending in one pipeline; what fails is pending
// again.
func (r *RedisStore) flush(ctx context.Context) {
	r.flushMu.Lock() // one flush at a time: writes of one session stay in order
	defer r.flushMu.Unlock()
	r.mu.Lock()
	ops := make([]op, 0, len(r.dirty)+len(r.ends))
	for id, what := range r.dirty {
		if e := r.t.byID[id]; e != nil {
			ops = append(ops, op{what: what, e: *e})
		}
	}
	clear(r.dirty)
	for i := range r.ends {
		ops = append(ops, op{end: &r.ends[i]})
	}
	r.ends = nil
	unlist := r.unlist
	r.unlist = nil
	r.mu.Unlock()
	r.m.pending.Set(float64(len(ops) + len(unlist)))
	if len(ops) == 0 && len(unlist) == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, r.cfg.Timeout)
	defer cancel()
	pipe := r.c.Pipeline()
	cmds := make([]*redis.Cmd, len(ops))
	ttl := r.cfg.ResumeWindow.Milliseconds()
	now := r.cfg.Now()
	for i, o := range ops {
		switch {
		case o.end != nil:
			cmds[i] = r.sc.end.EvalSha(ctx, pipe, []string{r.k.session(o.end.tag, o.end.id), r.k.name(o.end.tag, o.end.key)}, o.end.gen, o.end.id)
			pipe.SRem(ctx, r.k.nodeSet, member(o.end.tag, o.end.id, o.end.key))
			r.m.cmd("end", 2)
		case o.what&dirtyAll != 0:
			e := &o.e
			state, x, y, left := "a", "", "", ttl
			if !e.attached {
				state, left = "d", max(e.expires.Sub(now).Milliseconds(), 1)
			}
			if e.hasPos {
				x, y = strconv.Itoa(int(e.x)), strconv.Itoa(int(e.y))
			}
			cmds[i] = r.sc.put.EvalSha(ctx, pipe, []string{r.k.session(e.tag, e.id), r.k.name(e.tag, e.key)},
				e.id, r.cfg.Node, e.gen, e.avatar, e.display, e.key, e.cur, e.prev, e.prevUntil.UnixMilli(), state, x, y, left, e.traits.String())
			r.m.cmd("put", 1)
			if o.what&dirtyList != 0 {
				pipe.SAdd(ctx, r.k.nodeSet, member(e.tag, e.id, e.key))
				r.m.cmd("put", 1)
			}
		default:
			cmds[i] = r.sc.pos.EvalSha(ctx, pipe, []string{r.k.session(o.e.tag, o.e.id)}, o.e.gen, o.e.x, o.e.y)
			r.m.cmd("pos", 1)
		}
	}
	if len(unlist) > 0 {
		pipe.SRem(ctx, r.k.nodeSet, toAny(unlist)...)
		r.m.cmd("unlist", 1)
	}
	_, execErr := pipe.Exec(ctx)
	if r.results(ops, cmds, unlist, execErr) {
		r.loadScripts(ctx)
	}
}

// results applies a flush's answers: what failed is pending again, a
// refused write means a take-over, a missing record is written whole. It
// reports whether a script was missing (Redis restarted).
func (r *RedisStore) results(ops []op, cmds []*redis.Cmd, unlist []string, execErr error) (noScript bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if execErr != nil && len(unlist) > 0 && !isScriptMissing(execErr) {
		r.unlist = append(r.unlist, unlist...) // SREM is idempotent: again next time
	}
	for i, o := range ops {
		n, err := cmds[i].Int()
		if err != nil {
			noScript = noScript || isScriptMissing(err)
			r.m.fail("write")
			if o.end != nil {
				r.ends = append(r.ends, *o.end)
			} else if cur := r.t.find(o.e.ref()); cur != nil {
				r.dirty[o.e.id] |= o.what
			}
			continue
		}
		switch {
		case o.end != nil:
		case n == 0: // another node resumed it
			r.takenLocked(o.e.id, o.e.gen+1, "write")
		case n == -1: // Redis lost the record: write it whole
			if r.t.find(o.e.ref()) != nil {
				r.dirty[o.e.id] |= dirtyAll | dirtyList
			}
		case n == 2:
			r.m.nameConflicts.Inc()
			r.log.Warn("presence: a restored session's pseudonym was taken meanwhile", "session", o.e.id)
		}
	}
	return noScript
}

// loadScripts loads the scripts (a restarted Redis has none); writes that
// failed for want of one go out at the next flush.
func (r *RedisStore) loadScripts(ctx context.Context) {
	for _, s := range r.sc.all() {
		r.m.cmd("script_load", 1)
		if err := s.Load(ctx, r.c).Err(); err != nil {
			r.m.fail("script_load")
			return
		}
	}
}

func isScriptMissing(err error) bool {
	return err != nil && strings.HasPrefix(err.Error(), "NOSCRIPT")
}

func toAny(s []string) []any {
	out := make([]any, len(s))
	for i, v := range s {
		out[i] = v
	}
	return out
}

// controlLoop reads the node's control channel: the sessions other nodes
// resumed from this one ("<session id> <generation>"). Read with Receive
// into the store's own list, never with PubSub.Channel (go-redis issue
// 2267: a full buffer blocks the subscription).
func (r *RedisStore) controlLoop(ctx context.Context) {
	ps := r.c.Subscribe(ctx, r.k.control)
	// A Receive waiting for a message does not see ctx end: closing the
	// subscription ends it.
	stop := context.AfterFunc(ctx, func() { _ = ps.Close() })
	defer stop()
	const minBackoff, maxBackoff = 50 * time.Millisecond, time.Second
	backoff := minBackoff
	for {
		msg, err := ps.Receive(ctx)
		if err != nil {
			if ctx.Err() != nil || errors.Is(err, redis.ErrClosed) {
				return
			}
			r.m.fail("control")
			select {
			case <-ctx.Done():
				return
			case <-time.After(backoff):
			}
			backoff = min(2*backoff, maxBackoff)
			continue
		}
		backoff = minBackoff
		m, ok := msg.(*redis.Message)
		if !ok {
			continue
		}
		id, g, _ := strings.Cut(m.Payload, " ")
		gen, err := strconv.ParseUint(g, 10, 64)
		if err != nil {
			continue
		}
		r.mu.Lock()
		r.takenLocked(id, gen, "control")
		r.mu.Unlock()
	}
}

// leave is the end of Run: pending writes, then the node's sessions still
// attached are detached, and its key and count go.
func (r *RedisStore) leave() {
	ctx, cancel := context.WithTimeout(context.Background(), 2*r.cfg.Timeout)
	defer cancel()
	now := r.cfg.Now()
	r.mu.Lock()
	for id, e := range r.t.byID {
		if e.attached {
			e.attached, e.expires = false, now.Add(r.cfg.ResumeWindow)
			r.markLocked(id, dirtyAll)
		}
	}
	r.mu.Unlock()
	r.flush(ctx)
	r.m.cmd("leave", 2)
	pipe := r.c.Pipeline()
	pipe.Del(ctx, r.k.nodeKey)
	pipe.HDel(ctx, r.k.nodes, r.cfg.Node)
	if _, err := pipe.Exec(ctx); err != nil {
		r.log.Warn("presence: leaving the fair", "err", err)
	}
}
