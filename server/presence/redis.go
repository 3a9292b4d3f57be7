package presence

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"

	"github.com/usine-extraordinaire/fairworld/protocol"
	"github.com/usine-extraordinaire/fairworld/world/nav"
)

var _ Store = (*RedisStore)(nil)

// RedisConfig configures a RedisStore. Zero values mean the defaults;
// every node of a fair uses the same Prefix, ResumeWindow and
// HeartbeatTTL.
type RedisConfig struct {
	Node   string // this node's name: 1-64 of [A-Za-z0-9._-], unique among the running nodes; required
	Prefix string // of every key and channel; zero means "fair"

	ResumeWindow time.Duration // how long a detached session stays resumable; zero means 60 s
	// Heartbeat is how often the node refreshes its node key, reads the
	// online counts and looks for dead nodes; zero means 1 s.
	Heartbeat time.Duration
	// HeartbeatTTL is the node key's expiry: a node whose key has been
	// gone for this long (while Redis answers) is dead, and its sessions
	// are detached. Zero means 3 s; at least 2 Heartbeat.
	HeartbeatTTL time.Duration
	// Timeout bounds every call to Redis (a Create, a Resume, one
	// pipeline); zero means 1 s.
	Timeout time.Duration
	// IDBlock is how many avatar ids a node takes at once (INCRBY); zero
	// means 1024.
	IDBlock uint32
	// FlushEvery is how often pending writes go out, one pipeline; zero
	// means 50 ms (a tick at 20 Hz).
	FlushEvery time.Duration
	Now        func() time.Time // clock of token grace and the window; nil means time.Now
}

func (c RedisConfig) withDefaults() (RedisConfig, error) {
	if !validNode(c.Node) {
		return c, fmt.Errorf("presence: node name %q: want 1-64 of A-Z a-z 0-9 . _ -", c.Node)
	}
	if c.Prefix == "" {
		c.Prefix = "fair"
	}
	if c.ResumeWindow == 0 {
		c.ResumeWindow = DefaultResumeWindow
	}
	if c.Heartbeat == 0 {
		c.Heartbeat = time.Second
	}
	if c.HeartbeatTTL == 0 {
		c.HeartbeatTTL = 3 * c.Heartbeat
	}
	if c.Timeout == 0 {
		c.Timeout = time.Second
	}
	if c.IDBlock == 0 {
		c.IDBlock = 1024
	}
	if c.FlushEvery == 0 {
		c.FlushEvery = 50 * time.Millisecond
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	switch {
	case c.ResumeWindow < time.Second || c.Heartbeat <= 0 || c.Timeout <= 0 || c.FlushEvery <= 0:
		return c, errors.New("presence: ResumeWindow under 1 s, or a negative Heartbeat, Timeout or FlushEvery")
	case c.HeartbeatTTL < 2*c.Heartbeat:
		return c, fmt.Errorf("presence: HeartbeatTTL %v under 2 Heartbeat (%v)", c.HeartbeatTTL, c.Heartbeat)
	case c.IDBlock > 1<<20:
		return c, fmt.Errorf("presence: IDBlock %d over 2^20", c.IDBlock)
	}
	return c, nil
}

// RedisStore is the presence of a fair over Redis (one server or a
// Cluster): every node sees every reservation and session, so a session
// resumes on any node and the online count is fair-wide. Redis is the
// truth; each node also keeps the sessions it attached (its mirror), so
// that it resumes them while Redis is away and writes them again when
// Redis lost them. Safe for concurrent use.
type RedisStore struct {
	c   redis.UniversalClient
	cfg RedisConfig
	log *slog.Logger
	m   *metrics
	k   keys
	sc  scripts

	mu      sync.Mutex
	t       table            // guarded by mu: this node's sessions
	dirty   map[string]uint8 // guarded by mu: session id -> what to write
	ends    []endOp          // guarded by mu: ended sessions to delete
	unlist  []string         // guarded by mu: members of the node set to remove
	taken   []SessionRef     // guarded by mu: for TakenOver
	later   map[string]later // guarded by mu: sessions other nodes resumed, by id, for a resume still attaching here
	ep      epoch            // guarded by mu: Redis's epoch (zero until read)
	epHex   string           // guarded by mu
	started bool             // guarded by mu: the first heartbeat and the cleanup of an earlier run are done

	flushMu sync.Mutex // held by a flush

	idMu           sync.Mutex
	idNext, idLast uint32 // guarded by idMu: the block being handed out
	idFloor        atomic.Uint32

	lastOK atomic.Int64 // unix ns of the last successful heartbeat
	local  atomic.Int64 // this node's online count, as the hub gave it
	others atomic.Int64 // the other nodes' counts, from the last heartbeat
	wake   chan struct{}
}

// What a session's pending write is (RedisStore.dirty).
const (
	dirtyPos  uint8 = 1 << iota // the position: the pos script
	dirtyAll                    // the whole record: the put script
	dirtyList                   // its member of the node set (after a restore)
)

// later is the latest generation of a session that another node told this
// one it attached.
type later struct {
	gen uint64
	at  time.Time
}

type endOp struct {
	tag      uint16
	id, key  string
	gen      uint64
	attached bool
}

// NewRedis returns a store over client (from feed.NewRedisClient; the
// caller closes it after Run returned). Metrics go to reg (nil: none),
// logs to log (nil: discarded). Nothing runs until Run.
func NewRedis(client redis.UniversalClient, cfg RedisConfig, reg prometheus.Registerer, log *slog.Logger) (*RedisStore, error) {
	if client == nil {
		return nil, errors.New("presence: nil redis client")
	}
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	r := &RedisStore{
		c: client, cfg: cfg, log: log.With("node", cfg.Node), k: newKeys(cfg.Prefix, cfg.Node), sc: newScripts(),
		t: newTable(), dirty: make(map[string]uint8), later: make(map[string]later), wake: make(chan struct{}, 1),
	}
	if r.m, err = newMetrics(reg, r.readyGauge); err != nil {
		return nil, fmt.Errorf("presence: metrics: %w", err)
	}
	return r, nil
}

func (r *RedisStore) readyGauge() float64 {
	if r.Ready() == nil {
		return 1
	}
	return 0
}

// Ready implements Store: nil while Redis answered the node's heartbeat
// recently.
func (r *RedisStore) Ready() error {
	r.mu.Lock()
	started := r.started
	r.mu.Unlock()
	if !started {
		return fmt.Errorf("%w: not connected to Redis yet", ErrUnavailable)
	}
	if age := time.Duration(time.Now().UnixNano() - r.lastOK.Load()); age > 2*r.cfg.Heartbeat+r.cfg.Timeout {
		return fmt.Errorf("%w: Redis has not answered for %v", ErrUnavailable, age.Round(time.Millisecond))
	}
	return nil
}

// unavailable wraps a Redis failure of a connection's call.
func unavailable(op string, err error) error {
	return fmt.Errorf("%w: %s: %v", ErrUnavailable, op, err)
}

// Create implements Store: the pseudonym is reserved in Redis (SET NX on
// its folded key, in one script with the session record).
func (r *RedisStore) Create(ctx context.Context, display, key string, t Traits) (Session, error) {
	if err := r.Ready(); err != nil {
		return Session{}, err
	}
	ctx, cancel := context.WithTimeout(ctx, r.cfg.Timeout)
	defer cancel()
	avatar, err := r.allocID(ctx)
	if err != nil {
		return Session{}, err
	}
	r.mu.Lock()
	ep := r.ep
	r.mu.Unlock()
	e := &entry{sid: newSID(), tag: tagOf(key), display: display, key: key, avatar: avatar, traits: t, gen: 1, attached: true}
	e.id = sidString(e.sid)
	tok := mint(ep, e.tag, e.sid)
	e.cur = tok.hash()
	// The node set first: a node that dies after the script leaves no
	// session without an owner to detach it.
	mem := member(e.tag, e.id, key)
	r.m.cmd("create", 2)
	if err := r.c.SAdd(ctx, r.k.nodeSet, mem).Err(); err != nil {
		r.m.fail("create")
		return Session{}, unavailable("create", err)
	}
	n, err := r.sc.create.Run(ctx, r.c, []string{r.k.session(e.tag, e.id), r.k.name(e.tag, key)},
		e.id, r.cfg.Node, avatar, display, key, e.cur, t.String()).Int()
	if err != nil {
		r.m.fail("create")
		// The script may have run and only its answer been lost (a
		// timeout): the pseudonym would stay reserved, attached to this
		// node, by a session nobody holds a token of. End it as a visit
		// is ended (the record of generation 1 and the name if it is this
		// session's; nothing if the script did not run), then unlist.
		r.mu.Lock()
		r.ends = append(r.ends, endOp{tag: e.tag, id: e.id, key: key, gen: 1, attached: true})
		r.mu.Unlock()
		return Session{}, unavailable("create", err)
	}
	if n == 0 {
		r.queueUnlist(mem)
		return Session{}, ErrTaken
	}
	r.mu.Lock()
	r.t.byID[e.id] = e
	r.mu.Unlock()
	return e.session(tok, false), nil
}

// allocID hands out the next id of the node's block, taking a new block
// from Redis when it is used up.
func (r *RedisStore) allocID(ctx context.Context) (uint32, error) {
	r.idMu.Lock()
	defer r.idMu.Unlock()
	if r.idNext == 0 || r.idNext > r.idLast {
		r.mu.Lock()
		ep := r.epHex
		r.mu.Unlock()
		r.m.cmd("alloc", 1)
		v, err := r.sc.alloc.Run(ctx, r.c, []string{r.k.ids, r.k.epochKey}, r.cfg.IDBlock, ep).Int64()
		switch {
		case err != nil:
			r.m.fail("alloc")
			return 0, unavailable("alloc", err)
		case v < 0:
			return 0, fmt.Errorf("%w: Redis lost its data; restoring", ErrUnavailable)
		}
		r.idLast, r.idNext = uint32(v), uint32(v)-r.cfg.IDBlock+1
		if r.idLast > r.idFloor.Load() {
			r.idFloor.Store(r.idLast)
		}
	}
	id := r.idNext
	r.idNext++
	return id, nil
}

// Resume implements Store. With Redis reachable, the session's record
// there is the truth (a session resumes on any node); without, the node
// resumes the sessions of its mirror and writes them when Redis is back.
func (r *RedisStore) Resume(ctx context.Context, raw string) (Session, error) {
	tok, ok := parseToken(raw)
	if !ok {
		return Session{}, &ResumeError{Reason: ReasonExpired}
	}
	id, h, now := sidString(tok.sid), tok.hash(), r.cfg.Now()
	if r.Ready() != nil {
		return r.resumeLocal(id, h, now)
	}
	ctx, cancel := context.WithTimeout(ctx, r.cfg.Timeout)
	defer cancel()
	r.mu.Lock()
	ep, epHex := r.ep, r.epHex
	r.mu.Unlock()
	nt := mint(ep, tok.tag, tok.sid)
	r.m.cmd("resume", 1)
	res, err := r.sc.resume.Run(ctx, r.c, []string{r.k.session(tok.tag, id)},
		h, r.cfg.Node, now.UnixMilli(), PrevTokenGrace.Milliseconds(), nt.hash()).Slice()
	if err != nil {
		r.m.fail("resume")
		if s, lerr := r.resumeLocal(id, h, now); lerr == nil {
			return s, nil
		}
		return Session{}, unavailable("resume", err)
	}
	switch st, _ := res[0].(int64); st {
	case 0:
		if hex.EncodeToString(tok.epoch[:]) != epHex {
			return Session{}, &ResumeError{Reason: ReasonRestarted}
		}
		return Session{}, &ResumeError{Reason: ReasonExpired}
	case 1:
		return Session{}, &ResumeError{Reason: ReasonExpired}
	}
	if len(res) < 10 {
		return Session{}, unavailable("resume", fmt.Errorf("short reply %v", res))
	}
	str := func(i int) string { s, _ := res[i].(string); return s }
	gen, _ := res[1].(int64)
	avatar, _ := strconv.ParseUint(str(4), 10, 32)
	e := &entry{
		sid: tok.sid, id: id, tag: tok.tag, display: str(5), key: str(6), avatar: uint32(avatar), traits: parseTraits(str(9)),
		cur: nt.hash(), prev: h, prevUntil: now.Add(PrevTokenGrace), gen: uint64(gen), attached: true,
	}
	if x, err := strconv.ParseUint(str(7), 10, 16); err == nil {
		y, _ := strconv.ParseUint(str(8), 10, 16)
		e.x, e.y, e.hasPos = uint16(x), uint16(y), true
	}
	prevNode := str(2)
	pipe := r.c.Pipeline()
	r.sc.name.Eval(ctx, pipe, []string{r.k.name(e.tag, e.key)}, id)
	pipe.SAdd(ctx, r.k.nodeSet, member(e.tag, id, e.key))
	n := 2
	if prevNode != r.cfg.Node {
		// The node that held it drops it (its connection gets 4006).
		pipe.Publish(ctx, r.k.controlOf(prevNode), id+" "+strconv.FormatUint(e.gen, 10))
		n++
	}
	r.m.cmd("resume", n)
	if _, err := pipe.Exec(ctx); err != nil {
		r.m.fail("resume")
		r.mu.Lock()
		r.markLocked(id, dirtyAll|dirtyList) // written again by the writer
		r.mu.Unlock()
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if l, ok := r.later[id]; ok && l.gen > e.gen {
		// Another node resumed it again, and told this one, before this
		// resume could attach it here: the later one has it.
		return Session{}, ErrTakenOver
	}
	r.t.byID[id] = e
	return e.session(nt, true), nil
}

// resumeLocal resumes a session of the mirror, Redis being away; the
// writer puts it in Redis when it answers again.
func (r *RedisStore) resumeLocal(id, h string, now time.Time) (Session, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	e := r.t.byID[id]
	if e == nil {
		return Session{}, fmt.Errorf("%w: Redis is away and the session is not this node's", ErrUnavailable)
	}
	if !e.resumable(now) || !e.accepts(h, now) {
		return Session{}, &ResumeError{Reason: ReasonExpired}
	}
	nt := e.rotate(h, r.ep, now)
	r.markLocked(id, dirtyAll)
	r.m.localResumes.Inc()
	return e.session(nt, true), nil
}

// markLocked schedules a write of session id. Called with mu held.
func (r *RedisStore) markLocked(id string, what uint8) {
	r.dirty[id] |= what
}

func (r *RedisStore) queueUnlist(mem string) {
	r.mu.Lock()
	r.unlist = append(r.unlist, mem)
	r.mu.Unlock()
}

// Confirm implements Store.
func (r *RedisStore) Confirm(ref SessionRef) {
	r.mu.Lock()
	if e := r.t.find(ref); e != nil && e.prev != "" {
		e.prev = ""
		r.markLocked(ref.ID, dirtyAll)
	}
	r.mu.Unlock()
}

// Moved implements Store.
func (r *RedisStore) Moved(ref SessionRef, p nav.Point) {
	x, y := protocol.Quantise(p.X), protocol.Quantise(p.Y)
	r.mu.Lock()
	if e := r.t.find(ref); e != nil && e.attached && (!e.hasPos || e.x != x || e.y != y) {
		e.x, e.y, e.hasPos = x, y, true
		r.markLocked(ref.ID, dirtyPos)
	}
	r.mu.Unlock()
}

// Detach implements Store.
func (r *RedisStore) Detach(ref SessionRef, p nav.Point) {
	now := r.cfg.Now()
	r.mu.Lock()
	if e := r.t.find(ref); e != nil && e.attached {
		e.setPos(p)
		e.attached = false
		e.expires = now.Add(r.cfg.ResumeWindow)
		r.markLocked(ref.ID, dirtyAll)
	}
	r.mu.Unlock()
}

// End implements Store.
func (r *RedisStore) End(ref SessionRef) {
	r.mu.Lock()
	if e := r.t.find(ref); e != nil {
		delete(r.t.byID, e.id)
		delete(r.dirty, e.id)
		r.ends = append(r.ends, endOp{tag: e.tag, id: e.id, key: e.key, gen: e.gen, attached: e.attached})
	}
	r.mu.Unlock()
}

// nudge wakes the writer (after a restore: everything goes out at once).
func (r *RedisStore) nudge() {
	select {
	case r.wake <- struct{}{}:
	default:
	}
}

// TakenOver implements Store.
func (r *RedisStore) TakenOver(dst []SessionRef) []SessionRef {
	r.mu.Lock()
	dst = append(dst, r.taken...)
	r.taken = r.taken[:0]
	r.mu.Unlock()
	return dst
}

// takenLocked drops a session of the mirror that another node resumed
// (attachment gen or later) and tells the hub if it was attached here.
// Called with mu held.
func (r *RedisStore) takenLocked(id string, gen uint64, via string) {
	if l := r.later[id]; l.gen < gen {
		r.later[id] = later{gen: gen, at: time.Now()}
	}
	e := r.t.byID[id]
	if e == nil || e.gen >= gen {
		return
	}
	delete(r.t.byID, id)
	delete(r.dirty, id)
	r.unlist = append(r.unlist, member(e.tag, e.id, e.key))
	if e.attached {
		r.taken = append(r.taken, e.ref())
		r.m.takeovers.WithLabelValues(via).Inc()
	}
}

// Online implements Store: the counts the other nodes published at the
// last heartbeat, plus local.
func (r *RedisStore) Online(local int) uint32 {
	r.local.Store(int64(local))
	return uint32(max(r.others.Load()+int64(local), 0))
}

// Sessions implements Store.
func (r *RedisStore) Sessions() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.t.byID)
}
