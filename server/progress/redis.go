package progress

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"
)

var _ Store = (*RedisStore)(nil)

// RedisConfig configures a RedisStore. Zero values mean the defaults;
// every node of a fair uses the same Prefix and Retention.
type RedisConfig struct {
	Prefix string // of every key; zero means "fair"
	// Retention is how long a visitor's progress, key and leaderboard
	// entries are kept after their last change, and a share link after
	// its creation; zero means DefaultRetention (45 days).
	Retention time.Duration
	// Timeout bounds every call to Redis (a lookup, a load, one flush);
	// zero means 1 s.
	Timeout time.Duration
	// FlushEvery is how often queued writes go out, one pipeline; zero
	// means 100 ms.
	FlushEvery time.Duration
	// MaxPending bounds the changes queued while Redis is away; beyond,
	// new ones are dropped and counted. Zero means 200,000.
	MaxPending int
}

func (c RedisConfig) withDefaults() (RedisConfig, error) {
	if c.Prefix == "" {
		c.Prefix = "fair"
	}
	if c.Retention == 0 {
		c.Retention = DefaultRetention
	}
	if c.Timeout == 0 {
		c.Timeout = time.Second
	}
	if c.FlushEvery == 0 {
		c.FlushEvery = 100 * time.Millisecond
	}
	if c.MaxPending == 0 {
		c.MaxPending = 200_000
	}
	if c.Retention < time.Minute || c.Timeout < 0 || c.FlushEvery < 0 || c.MaxPending < 0 {
		return c, errors.New("progress: Retention under a minute, or a negative Timeout, FlushEvery or MaxPending")
	}
	return c, nil
}

// RedisStore is the Store of every node of a fair: progress in Redis (one
// server or a Cluster), kept for the retention period, across node deaths
// and, with appendonly yes, Redis restarts. Keys (docs/ARCHITECTURE.md,
// "Progress"):
//
//	<p>:p:{<id>}    hash   n name, g group, k key hash, c created, pts points,
//	                       b:<badge> earned (unix s), sh:<badge> share token
//	<p>:p:{<id>}:s  set    hotspot ids seen
//	<p>:p:{<id>}:q  hash   "<hotspot>/<question>" -> 1 right, 0 wrong
//	<p>:k:<hash>    string the progress id of a key hash
//	<p>:lb          zset   progress id -> points, the fair's leaderboard
//	<p>:lb:g:<n>    zset   the same for class group n
//	<p>:sh:<token>  hash   n name, b badge, d date: a share link
//	<p>:kw:<who>    string wrong keys given with a pseudonym this hour
//
// Every key expires: the record's three and the key's lookup Retention
// after the last write, a share link Retention after its creation, the
// leaderboards Retention after their last write (their members are the
// records' ids, removed when found expired, and on erasure), the wrong-key
// counter after KeyTriesWindow. It is safe for concurrent use.
type RedisStore struct {
	c   redis.UniversalClient
	cfg RedisConfig
	log *slog.Logger
	m   *storeMetrics
	sc  *redis.Script

	mu      sync.Mutex
	pending map[string]*Write // guarded by mu: writes not sent yet, by progress id
	nops    int               // guarded by mu: their ops
	flushMu sync.Mutex        // one flush at a time

	down atomic.Pointer[error] // the last failure, nil while Redis answers
}

// NewRedis returns a RedisStore over c, registering its metrics with reg
// (nil: none). Nothing is sent until Run or a call.
func NewRedis(c redis.UniversalClient, cfg RedisConfig, reg prometheus.Registerer, log *slog.Logger) (*RedisStore, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	m, err := newStoreMetrics(reg)
	if err != nil {
		return nil, err
	}
	return &RedisStore{c: c, cfg: cfg, log: log, m: m, sc: redis.NewScript(applyScript), pending: map[string]*Write{}}, nil
}

// applyScript applies one progress id's changes. KEYS record, seen, quiz;
// ARGV retention ms, name, group, key hash, created, then ops: "s" hotspot
// points, "q" field right points, "b" badge at. It returns {points, the
// previous group}.
const applyScript = `
local old = redis.call('HGET', KEYS[1], 'g') or '0'
redis.call('HSET', KEYS[1], 'g', ARGV[3])
if ARGV[2] ~= '' then redis.call('HSET', KEYS[1], 'n', ARGV[2]) end
if ARGV[4] ~= '' then redis.call('HSET', KEYS[1], 'k', ARGV[4]) end
redis.call('HSETNX', KEYS[1], 'c', ARGV[5])
redis.call('HSETNX', KEYS[1], 'pts', '0')
local i = 6
while i <= #ARGV do
  local k = ARGV[i]
  if k == 's' then
    if redis.call('SADD', KEYS[2], ARGV[i+1]) == 1 then redis.call('HINCRBY', KEYS[1], 'pts', ARGV[i+2]) end
    i = i + 3
  elseif k == 'q' then
    if redis.call('HSETNX', KEYS[3], ARGV[i+1], ARGV[i+2]) == 1 and ARGV[i+2] == '1' then redis.call('HINCRBY', KEYS[1], 'pts', ARGV[i+3]) end
    i = i + 4
  elseif k == 'b' then
    redis.call('HSETNX', KEYS[1], 'b:' .. ARGV[i+1], ARGV[i+2])
    i = i + 3
  else
    return redis.error_reply('progress: unknown op ' .. k)
  end
end
for _, key in ipairs(KEYS) do redis.call('PEXPIRE', key, ARGV[1]) end
return {tonumber(redis.call('HGET', KEYS[1], 'pts')), old}`

func (r *RedisStore) rec(id string) string    { return r.cfg.Prefix + ":p:{" + id + "}" }
func (r *RedisStore) seen(id string) string   { return r.rec(id) + ":s" }
func (r *RedisStore) quiz(id string) string   { return r.rec(id) + ":q" }
func (r *RedisStore) key(kh string) string    { return r.cfg.Prefix + ":k:" + kh }
func (r *RedisStore) share(t string) string   { return r.cfg.Prefix + ":sh:" + t }
func (r *RedisStore) wrong(who string) string { return r.cfg.Prefix + ":kw:" + who }
func (r *RedisStore) board(group uint32) string {
	if group == 0 {
		return r.cfg.Prefix + ":lb"
	}
	return r.cfg.Prefix + ":lb:g:" + strconv.FormatUint(uint64(group), 10)
}

func (r *RedisStore) ctx(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, r.cfg.Timeout)
}

// result records whether Redis answered; a redis.Nil is an answer.
func (r *RedisStore) result(err error) error {
	if err == nil || errors.Is(err, redis.Nil) {
		r.down.Store(nil)
		return err
	}
	if errors.Is(err, context.Canceled) {
		return err
	}
	r.down.Store(&err)
	r.m.failures.Inc()
	return fmt.Errorf("%w: %w", ErrUnavailable, err)
}

// Ready implements Store.
func (r *RedisStore) Ready() error {
	if e := r.down.Load(); e != nil {
		return fmt.Errorf("%w: %w", ErrUnavailable, *e)
	}
	return nil
}

// Lookup implements Store.
func (r *RedisStore) Lookup(ctx context.Context, keyHash string) (string, error) {
	ctx, cancel := r.ctx(ctx)
	defer cancel()
	id, err := r.c.Get(ctx, r.key(keyHash)).Result()
	if err = r.result(err); errors.Is(err, redis.Nil) {
		return "", ErrNotFound
	}
	return id, err
}

// Load implements Store. Changes of id still queued here are in the
// record.
func (r *RedisStore) Load(ctx context.Context, id string) (*Record, error) {
	ctx, cancel := r.ctx(ctx)
	defer cancel()
	pipe := r.c.Pipeline()
	h := pipe.HGetAll(ctx, r.rec(id))
	s := pipe.SMembers(ctx, r.seen(id))
	q := pipe.HGetAll(ctx, r.quiz(id))
	if _, err := pipe.Exec(ctx); r.result(err) != nil {
		return nil, r.result(err)
	}
	f := h.Val()
	rec := &Record{ID: id, Seen: s.Val(), Answers: map[string]bool{}, Badges: map[string]uint32{}, Shares: map[string]string{}}
	if len(f) > 0 {
		rec.Name, rec.KeyHash = f["n"], f["k"]
		g, _ := strconv.ParseUint(f["g"], 10, 32)
		p, _ := strconv.ParseUint(f["pts"], 10, 32)
		rec.Group, rec.Points = uint32(g), uint32(p)
		rec.Created, _ = strconv.ParseInt(f["c"], 10, 64)
		for k, v := range f {
			if b, ok := strings.CutPrefix(k, "b:"); ok {
				at, _ := strconv.ParseUint(v, 10, 32)
				rec.Badges[b] = uint32(at)
			} else if b, ok := strings.CutPrefix(k, "sh:"); ok {
				rec.Shares[b] = v
			}
		}
	}
	for k, v := range q.Val() {
		rec.Answers[k] = v == "1"
	}
	r.mu.Lock()
	w := r.pending[id]
	if w != nil {
		applyToRecord(rec, w)
	}
	r.mu.Unlock()
	if len(f) == 0 && w == nil {
		return nil, ErrNotFound
	}
	return rec, nil
}

// applyToRecord adds a queued write to a loaded record.
func applyToRecord(rec *Record, w *Write) {
	if rec.KeyHash == "" {
		rec.KeyHash, rec.Created = w.KeyHash, w.Created
	}
	if w.Name != "" {
		rec.Name = w.Name
	}
	rec.Group = w.Group
	for _, op := range w.Ops {
		switch op.Kind {
		case OpSeen:
			if !slices.Contains(rec.Seen, op.Hotspot) {
				rec.Seen = append(rec.Seen, op.Hotspot)
			}
		case OpAnswer:
			if _, done := rec.Answers[answerField(op.Hotspot, op.Question)]; !done {
				rec.Answers[answerField(op.Hotspot, op.Question)] = op.Right
			}
		case OpBadge:
			if _, done := rec.Badges[op.Badge]; !done {
				rec.Badges[op.Badge] = op.At
			}
		}
	}
}

// Apply implements Store.
func (r *RedisStore) Apply(w Write) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.nops+len(w.Ops) > r.cfg.MaxPending {
		r.m.drops.Add(float64(len(w.Ops)))
		return
	}
	r.nops += len(w.Ops)
	p := r.pending[w.ID]
	if p == nil {
		c := w
		c.Ops = append([]Op(nil), w.Ops...)
		r.pending[w.ID] = &c
	} else {
		p.KeyHash, p.Name, p.Group = cmpOr(w.KeyHash, p.KeyHash), cmpOr(w.Name, p.Name), w.Group
		if p.Created == 0 {
			p.Created = w.Created
		}
		p.Ops = append(p.Ops, w.Ops...)
	}
	r.m.pending.Set(float64(r.nops))
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// Run implements Store.
func (r *RedisStore) Run(ctx context.Context) {
	t := time.NewTicker(r.cfg.FlushEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			// What is queued goes out, within the timeout.
			fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), r.cfg.Timeout)
			r.flush(fctx, "")
			cancel()
			return
		case <-t.C:
			r.flush(ctx, "")
		}
	}
}

// take removes the queued writes (of one id, or all for "").
func (r *RedisStore) take(id string) []*Write {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []*Write
	if id != "" {
		if w := r.pending[id]; w != nil {
			out = append(out, w)
			delete(r.pending, id)
			r.nops -= len(w.Ops)
		}
	} else {
		for _, w := range r.pending {
			out = append(out, w)
		}
		clear(r.pending)
		r.nops = 0
	}
	r.m.pending.Set(float64(r.nops))
	return out
}

// requeue puts back writes that failed, behind any newer ones.
func (r *RedisStore) requeue(ws []*Write) {
	for _, w := range ws {
		r.Apply(*w)
	}
}

// flush sends the queued writes (of one id, or all): one pipeline of
// scripts, then one of leaderboard and key updates with the points the
// scripts return. Writes that fail are queued again.
func (r *RedisStore) flush(ctx context.Context, id string) error {
	r.flushMu.Lock()
	defer r.flushMu.Unlock()
	err := r.send(ctx, id)
	if errors.Is(err, errNoScript) { // loaded now: once more
		err = r.send(ctx, id)
	}
	return err
}

// errNoScript: Redis had no script (a first flush, or after a restart);
// it is loaded and the writes are queued again.
var errNoScript = errors.New("progress: script not loaded")

func (r *RedisStore) send(ctx context.Context, id string) error {
	ws := r.take(id)
	if len(ws) == 0 {
		return nil
	}
	ctx, cancel := r.ctx(ctx)
	defer cancel()
	ttl := r.cfg.Retention.Milliseconds()
	pipe := r.c.Pipeline()
	cmds := make([]*redis.Cmd, len(ws))
	for i, w := range ws {
		args := []any{ttl, w.Name, w.Group, w.KeyHash, w.Created}
		for _, op := range w.Ops {
			switch op.Kind {
			case OpSeen:
				args = append(args, "s", op.Hotspot, op.Points)
			case OpAnswer:
				right := "0"
				if op.Right {
					right = "1"
				}
				args = append(args, "q", answerField(op.Hotspot, op.Question), right, op.Points)
			case OpBadge:
				args = append(args, "b", op.Badge, op.At)
			}
		}
		cmds[i] = r.sc.EvalSha(ctx, pipe, []string{r.rec(w.ID), r.seen(w.ID), r.quiz(w.ID)}, args...)
	}
	_, err := pipe.Exec(ctx)
	var failed []*Write
	missing := false
	pipe2 := r.c.Pipeline()
	for i, c := range cmds {
		w := ws[i]
		v, err := c.Slice()
		if err != nil {
			missing = missing || strings.HasPrefix(err.Error(), "NOSCRIPT")
			failed = append(failed, w)
			continue
		}
		pts, _ := v[0].(int64)
		old, _ := v[1].(string)
		r.m.writes.Inc()
		pipe2.ZAdd(ctx, r.board(0), redis.Z{Score: float64(pts), Member: w.ID})
		pipe2.PExpire(ctx, r.board(0), r.cfg.Retention)
		if w.Group != 0 {
			pipe2.ZAdd(ctx, r.board(w.Group), redis.Z{Score: float64(pts), Member: w.ID})
			pipe2.PExpire(ctx, r.board(w.Group), r.cfg.Retention)
		}
		if og, _ := strconv.ParseUint(old, 10, 32); uint32(og) != w.Group && og != 0 {
			pipe2.ZRem(ctx, r.board(uint32(og)), w.ID)
		}
		if w.KeyHash != "" {
			pipe2.Set(ctx, r.key(w.KeyHash), w.ID, r.cfg.Retention)
		}
	}
	if len(pipe2.Cmds()) > 0 {
		if _, err2 := pipe2.Exec(ctx); err2 != nil && err == nil {
			err = err2
		}
	}
	if missing {
		if lerr := r.sc.Load(ctx, r.c).Err(); lerr != nil {
			r.log.Warn("progress: loading the script failed", "err", lerr)
		}
	}
	if len(failed) > 0 {
		r.requeue(failed)
		if err == nil {
			err = errors.New("progress: writes failed")
		}
	}
	if missing && len(failed) == len(cmds) {
		return errNoScript
	}
	return r.result(err)
}

// Erase implements Store.
func (r *RedisStore) Erase(ctx context.Context, id, who string) error {
	r.take(id) // queued changes go: nothing may write the record again
	ctx, cancel := r.ctx(ctx)
	defer cancel()
	f, err := r.c.HGetAll(ctx, r.rec(id)).Result()
	if err = r.result(err); err != nil {
		return err
	}
	pipe := r.c.Pipeline()
	pipe.Del(ctx, r.rec(id), r.seen(id), r.quiz(id))
	if kh := f["k"]; kh != "" {
		pipe.Del(ctx, r.key(kh))
	}
	for k, v := range f {
		if strings.HasPrefix(k, "sh:") {
			pipe.Del(ctx, r.share(v))
		}
	}
	pipe.ZRem(ctx, r.board(0), id)
	if g, _ := strconv.ParseUint(f["g"], 10, 32); g != 0 {
		pipe.ZRem(ctx, r.board(uint32(g)), id)
	}
	if who != "" {
		pipe.Del(ctx, r.wrong(who))
	}
	_, err = pipe.Exec(ctx)
	return r.result(err)
}

// Top implements Store.
func (r *RedisStore) Top(ctx context.Context, group uint32, n int) ([]Entry, int, error) {
	ctx, cancel := r.ctx(ctx)
	defer cancel()
	pipe := r.c.Pipeline()
	zs := pipe.ZRevRangeWithScores(ctx, r.board(group), 0, int64(n-1))
	card := pipe.ZCard(ctx, r.board(group))
	if _, err := pipe.Exec(ctx); r.result(err) != nil {
		return nil, 0, r.result(err)
	}
	pipe = r.c.Pipeline()
	names := make([]*redis.StringCmd, len(zs.Val()))
	for i, z := range zs.Val() {
		names[i] = pipe.HGet(ctx, r.rec(z.Member.(string)), "n")
	}
	if len(names) > 0 {
		if _, err := pipe.Exec(ctx); err != nil && !errors.Is(err, redis.Nil) {
			return nil, 0, r.result(err)
		}
	}
	var out []Entry
	var gone []any
	for i, z := range zs.Val() {
		id := z.Member.(string)
		name, err := names[i].Result()
		if err != nil { // the record expired: it leaves the board
			gone = append(gone, id)
			continue
		}
		e := Entry{ID: id, Name: name, Points: uint32(z.Score), Rank: i + 1}
		if k := len(out); k > 0 && out[k-1].Points == e.Points {
			e.Rank = out[k-1].Rank
		}
		out = append(out, e)
	}
	players := int(card.Val())
	if len(gone) > 0 {
		_ = r.c.ZRem(ctx, r.board(group), gone...).Err()
		players -= len(gone)
	}
	return out, players, nil
}

// Rank implements Store.
func (r *RedisStore) Rank(ctx context.Context, group uint32, id string) (int, uint32, error) {
	ctx, cancel := r.ctx(ctx)
	defer cancel()
	score, err := r.c.ZScore(ctx, r.board(group), id).Result()
	if err = r.result(err); errors.Is(err, redis.Nil) {
		return 0, 0, nil
	} else if err != nil {
		return 0, 0, err
	}
	above, err := r.c.ZCount(ctx, r.board(group), "("+strconv.FormatFloat(score, 'f', -1, 64), "+inf").Result()
	if err = r.result(err); err != nil {
		return 0, 0, err
	}
	return int(above) + 1, uint32(score), nil
}

// Share implements Store. Changes of id still queued are written first,
// so that a badge just earned can be shared at once.
func (r *RedisStore) Share(ctx context.Context, id string, sr ShareRecord) (string, error) {
	if err := r.flush(ctx, id); err != nil {
		return "", err
	}
	ctx, cancel := r.ctx(ctx)
	defer cancel()
	field := "sh:" + sr.Badge
	pipe := r.c.Pipeline()
	ex := pipe.Exists(ctx, r.rec(id))
	old := pipe.HGet(ctx, r.rec(id), field)
	if _, err := pipe.Exec(ctx); err != nil && !errors.Is(err, redis.Nil) {
		return "", r.result(err)
	}
	if ex.Val() == 0 {
		return "", ErrNotFound
	}
	if tok := old.Val(); tok != "" {
		n, err := r.c.Exists(ctx, r.share(tok)).Result()
		if err = r.result(err); err != nil {
			return "", err
		}
		if n == 1 {
			return tok, nil
		}
	}
	tok := randomToken()
	pipe = r.c.Pipeline()
	pipe.HSet(ctx, r.share(tok), "n", sr.Name, "b", sr.Badge, "d", sr.At)
	pipe.PExpire(ctx, r.share(tok), r.cfg.Retention)
	pipe.HSet(ctx, r.rec(id), field, tok)
	if _, err := pipe.Exec(ctx); err != nil {
		return "", r.result(err)
	}
	return tok, nil
}

// Unshare implements Store.
func (r *RedisStore) Unshare(ctx context.Context, id, badge string) error {
	ctx, cancel := r.ctx(ctx)
	defer cancel()
	tok, err := r.c.HGet(ctx, r.rec(id), "sh:"+badge).Result()
	if err = r.result(err); errors.Is(err, redis.Nil) {
		return nil
	} else if err != nil {
		return err
	}
	pipe := r.c.Pipeline()
	pipe.Del(ctx, r.share(tok))
	pipe.HDel(ctx, r.rec(id), "sh:"+badge)
	_, err = pipe.Exec(ctx)
	return r.result(err)
}

// Shared implements Store.
func (r *RedisStore) Shared(ctx context.Context, token string) (ShareRecord, error) {
	ctx, cancel := r.ctx(ctx)
	defer cancel()
	f, err := r.c.HGetAll(ctx, r.share(token)).Result()
	if err = r.result(err); err != nil {
		return ShareRecord{}, err
	}
	if len(f) == 0 {
		return ShareRecord{}, ErrNotFound
	}
	at, _ := strconv.ParseUint(f["d"], 10, 32)
	return ShareRecord{Name: f["n"], Badge: f["b"], At: uint32(at)}, nil
}

// WrongKeys implements Store.
func (r *RedisStore) WrongKeys(ctx context.Context, who string) (int, error) {
	ctx, cancel := r.ctx(ctx)
	defer cancel()
	n, err := r.c.Get(ctx, r.wrong(who)).Int()
	if err = r.result(err); errors.Is(err, redis.Nil) {
		return 0, nil
	}
	return n, err
}

// Failed implements Store.
func (r *RedisStore) Failed(ctx context.Context, who string) error {
	ctx, cancel := r.ctx(ctx)
	defer cancel()
	pipe := r.c.Pipeline()
	pipe.Incr(ctx, r.wrong(who))
	pipe.ExpireNX(ctx, r.wrong(who), KeyTriesWindow)
	_, err := pipe.Exec(ctx)
	return r.result(err)
}
