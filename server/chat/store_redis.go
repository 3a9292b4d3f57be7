package chat

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
)

var _ Store = (*RedisStore)(nil)

// RedisConfig tunes a RedisStore; every node of a fair uses the same.
type RedisConfig struct {
	Prefix    string        // of every key; zero means "fair"
	Retention time.Duration // of class messages; zero means Retention (24 h)
	Timeout   time.Duration // of each call; zero means 2 s
}

// RedisStore is a Store in Redis (one server or a Cluster: every command
// touches one key, pipelines are not transactions). Keys, under the
// prefix p:
//
//	p:chat:class:<group>   sorted set of a class's messages (JSON, scored by their time), the 50
//	                       latest, each kept for the retention; the key expires with its last message
//	p:chat:by:<who key>    set of the classes a pseudonym spoke in (for its erasure), as long
//	p:chat:report:<id>     a report and its evidence (JSON), until closed, at most 30 days
//	p:chat:reports         sorted set of the open reports' ids, by time
//	p:chat:mutes           hash: who key -> the mute's end (unix ms); ended ones removed when read
//	p:chat:bans            hash: who or progress key -> the ban's end (unix ms), the same
//	p:chat:classes         hash: group -> its settings (JSON)
//	                       (the three hashes expire StateTTL after their last write)
//	p:chat:audit           list of the audit log (JSON), the 10,000 latest, 30 days after the last
//
// Who and progress keys are hashes (WhoKey, ProgressKey). Safe for
// concurrent use.
type RedisStore struct {
	c   redis.UniversalClient
	cfg RedisConfig
}

// NewRedisStore returns a store over c (the caller closes it).
func NewRedisStore(c redis.UniversalClient, cfg RedisConfig) (*RedisStore, error) {
	if c == nil {
		return nil, errors.New("chat: nil redis client")
	}
	cfg.Prefix = cmp.Or(cfg.Prefix, "fair")
	cfg.Retention = cmp.Or(cfg.Retention, Retention)
	cfg.Timeout = cmp.Or(cfg.Timeout, 2*time.Second)
	return &RedisStore{c: c, cfg: cfg}, nil
}

func (r *RedisStore) k(parts ...string) string {
	s := r.cfg.Prefix + ":chat"
	for _, p := range parts {
		s += ":" + p
	}
	return s
}

func (r *RedisStore) class(g uint32) string { return r.k("class", strconv.FormatUint(uint64(g), 10)) }

func (r *RedisStore) ctx(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, r.cfg.Timeout)
}

// AppendClass implements Store.
func (r *RedisStore) AppendClass(ctx context.Context, m Message) error {
	b, err := json.Marshal(m)
	if err != nil {
		return fmt.Errorf("chat: encoding a message: %w", err)
	}
	ctx, cancel := r.ctx(ctx)
	defer cancel()
	key := r.class(m.Group)
	by := r.k("by", WhoKey(m.Who))
	pipe := r.c.Pipeline()
	pipe.ZAdd(ctx, key, redis.Z{Score: float64(m.AtMs), Member: b})
	pipe.ZRemRangeByScore(ctx, key, "-inf", strconv.FormatInt(m.AtMs-r.cfg.Retention.Milliseconds(), 10))
	pipe.ZRemRangeByRank(ctx, key, 0, -HistoryLen-1)
	pipe.PExpire(ctx, key, r.cfg.Retention)
	pipe.SAdd(ctx, by, m.Group)
	pipe.PExpire(ctx, by, r.cfg.Retention)
	if _, err := pipe.Exec(ctx); err != nil {
		return fmt.Errorf("chat: appending to class %d: %w", m.Group, err)
	}
	return nil
}

// ClassHistory implements Store.
func (r *RedisStore) ClassHistory(ctx context.Context, group uint32, now time.Time) ([]Message, error) {
	ctx, cancel := r.ctx(ctx)
	defer cancel()
	min := strconv.FormatInt(now.Add(-r.cfg.Retention).UnixMilli()+1, 10)
	raw, err := r.c.ZRangeByScore(ctx, r.class(group), &redis.ZRangeBy{Min: min, Max: "+inf"}).Result()
	if err != nil {
		return nil, fmt.Errorf("chat: reading class %d: %w", group, err)
	}
	out := make([]Message, 0, len(raw))
	for _, s := range raw {
		var m Message
		if json.Unmarshal([]byte(s), &m) == nil {
			out = append(out, m)
		}
	}
	if len(out) > HistoryLen {
		out = out[len(out)-HistoryLen:]
	}
	return out, nil
}

// RemoveClass implements Store.
func (r *RedisStore) RemoveClass(ctx context.Context, group uint32, id uint64) error {
	return r.removeWhere(ctx, group, func(m *Message) bool { return m.ID == id })
}

func (r *RedisStore) removeWhere(ctx context.Context, group uint32, match func(*Message) bool) error {
	ctx, cancel := r.ctx(ctx)
	defer cancel()
	key := r.class(group)
	raw, err := r.c.ZRange(ctx, key, 0, -1).Result()
	if err != nil {
		return fmt.Errorf("chat: reading class %d: %w", group, err)
	}
	var gone []any
	for _, s := range raw {
		var m Message
		if json.Unmarshal([]byte(s), &m) != nil || match(&m) {
			gone = append(gone, s)
		}
	}
	if len(gone) == 0 {
		return nil
	}
	if err := r.c.ZRem(ctx, key, gone...).Err(); err != nil {
		return fmt.Errorf("chat: removing from class %d: %w", group, err)
	}
	return nil
}

// EraseWho implements Store.
func (r *RedisStore) EraseWho(ctx context.Context, who string) error {
	by := r.k("by", WhoKey(who))
	c, cancel := r.ctx(ctx)
	groups, err := r.c.SMembers(c, by).Result()
	cancel()
	if err != nil {
		return fmt.Errorf("chat: erasing: %w", err)
	}
	for _, gs := range groups {
		g, err := strconv.ParseUint(gs, 10, 32)
		if err != nil {
			continue
		}
		if err := r.removeWhere(ctx, uint32(g), func(m *Message) bool { return m.Who == who }); err != nil {
			return err
		}
	}
	c, cancel = r.ctx(ctx)
	defer cancel()
	if err := r.c.Del(c, by).Err(); err != nil {
		return fmt.Errorf("chat: erasing: %w", err)
	}
	return nil
}

func (r *RedisStore) report(id uint64) string { return r.k("report", strconv.FormatUint(id, 10)) }

// SaveReport implements Store.
func (r *RedisStore) SaveReport(ctx context.Context, rp Report) error {
	b, err := json.Marshal(rp)
	if err != nil {
		return fmt.Errorf("chat: encoding a report: %w", err)
	}
	ctx, cancel := r.ctx(ctx)
	defer cancel()
	pipe := r.c.Pipeline()
	pipe.Set(ctx, r.report(rp.ID), b, ReportTTL)
	pipe.ZAdd(ctx, r.k("reports"), redis.Z{Score: float64(rp.AtMs), Member: rp.ID})
	pipe.PExpire(ctx, r.k("reports"), ReportTTL)
	if _, err := pipe.Exec(ctx); err != nil {
		return fmt.Errorf("chat: saving report %d: %w", rp.ID, err)
	}
	return nil
}

// CloseReport implements Store.
func (r *RedisStore) CloseReport(ctx context.Context, id uint64) error {
	ctx, cancel := r.ctx(ctx)
	defer cancel()
	pipe := r.c.Pipeline()
	pipe.Del(ctx, r.report(id))
	pipe.ZRem(ctx, r.k("reports"), id)
	if _, err := pipe.Exec(ctx); err != nil {
		return fmt.Errorf("chat: closing report %d: %w", id, err)
	}
	return nil
}

// OpenReports implements Store.
func (r *RedisStore) OpenReports(ctx context.Context, n int) ([]Report, error) {
	ctx, cancel := r.ctx(ctx)
	defer cancel()
	ids, err := r.c.ZRevRange(ctx, r.k("reports"), 0, int64(n)-1).Result()
	if err != nil {
		return nil, fmt.Errorf("chat: open reports: %w", err)
	}
	var out []Report
	for _, s := range ids {
		id, _ := strconv.ParseUint(s, 10, 64)
		b, err := r.c.Get(ctx, r.report(id)).Bytes()
		if errors.Is(err, redis.Nil) {
			r.c.ZRem(ctx, r.k("reports"), s) // expired
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("chat: report %d: %w", id, err)
		}
		var rp Report
		if json.Unmarshal(b, &rp) == nil {
			out = append(out, rp)
		}
	}
	return out, nil
}

// SetMute implements Store.
func (r *RedisStore) SetMute(ctx context.Context, who string, until time.Time) error {
	ctx, cancel := r.ctx(ctx)
	defer cancel()
	var err error
	if until.After(time.Now()) {
		pipe := r.c.Pipeline()
		pipe.HSet(ctx, r.k("mutes"), WhoKey(who), until.UnixMilli())
		pipe.PExpire(ctx, r.k("mutes"), StateTTL)
		_, err = pipe.Exec(ctx)
	} else {
		err = r.c.HDel(ctx, r.k("mutes"), WhoKey(who)).Err()
	}
	if err != nil {
		return fmt.Errorf("chat: mute: %w", err)
	}
	return nil
}

// SetBan implements Store.
func (r *RedisStore) SetBan(ctx context.Context, who, progress string, until time.Time) error {
	ctx, cancel := r.ctx(ctx)
	defer cancel()
	vals := []any{WhoKey(who), until.UnixMilli()}
	if progress != "" {
		vals = append(vals, ProgressKey(progress), until.UnixMilli())
	}
	pipe := r.c.Pipeline()
	pipe.HSet(ctx, r.k("bans"), vals...)
	pipe.PExpire(ctx, r.k("bans"), StateTTL)
	if _, err := pipe.Exec(ctx); err != nil {
		return fmt.Errorf("chat: ban: %w", err)
	}
	return nil
}

// SetClass implements Store.
func (r *RedisStore) SetClass(ctx context.Context, group uint32, c ClassSettings) error {
	b, _ := json.Marshal(c)
	ctx, cancel := r.ctx(ctx)
	defer cancel()
	pipe := r.c.Pipeline()
	pipe.HSet(ctx, r.k("classes"), strconv.FormatUint(uint64(group), 10), b)
	pipe.PExpire(ctx, r.k("classes"), StateTTL)
	if _, err := pipe.Exec(ctx); err != nil {
		return fmt.Errorf("chat: class settings: %w", err)
	}
	return nil
}

// State implements Store; it deletes the mutes and bans that ended.
func (r *RedisStore) State(ctx context.Context, now time.Time) (State, error) {
	ctx, cancel := r.ctx(ctx)
	defer cancel()
	pipe := r.c.Pipeline()
	mutes := pipe.HGetAll(ctx, r.k("mutes"))
	bans := pipe.HGetAll(ctx, r.k("bans"))
	classes := pipe.HGetAll(ctx, r.k("classes"))
	if _, err := pipe.Exec(ctx); err != nil {
		return State{}, fmt.Errorf("chat: reading the state: %w", err)
	}
	st := State{Mutes: map[string]time.Time{}, Bans: map[string]time.Time{}, Classes: map[uint32]ClassSettings{}}
	ends := func(key string, in map[string]string, out map[string]time.Time) {
		var old []string
		for k, v := range in {
			ms, err := strconv.ParseInt(v, 10, 64)
			if t := time.UnixMilli(ms); err == nil && t.After(now) {
				out[k] = t
			} else {
				old = append(old, k)
			}
		}
		if len(old) > 0 {
			r.c.HDel(ctx, key, old...)
		}
	}
	ends(r.k("mutes"), mutes.Val(), st.Mutes)
	ends(r.k("bans"), bans.Val(), st.Bans)
	for k, v := range classes.Val() {
		g, err := strconv.ParseUint(k, 10, 32)
		var c ClassSettings
		if err == nil && json.Unmarshal([]byte(v), &c) == nil {
			st.Classes[uint32(g)] = c
		}
	}
	return st, nil
}

// Audit implements Store.
func (r *RedisStore) Audit(ctx context.Context, e AuditEntry) error {
	b, _ := json.Marshal(e)
	ctx, cancel := r.ctx(ctx)
	defer cancel()
	pipe := r.c.Pipeline()
	pipe.LPush(ctx, r.k("audit"), b)
	pipe.LTrim(ctx, r.k("audit"), 0, AuditLen-1)
	pipe.PExpire(ctx, r.k("audit"), AuditTTL)
	if _, err := pipe.Exec(ctx); err != nil {
		return fmt.Errorf("chat: audit: %w", err)
	}
	return nil
}

// AuditLog implements Store.
func (r *RedisStore) AuditLog(ctx context.Context, n int) ([]AuditEntry, error) {
	ctx, cancel := r.ctx(ctx)
	defer cancel()
	raw, err := r.c.LRange(ctx, r.k("audit"), 0, int64(n)-1).Result()
	if err != nil {
		return nil, fmt.Errorf("chat: audit log: %w", err)
	}
	var out []AuditEntry
	for _, s := range raw {
		var e AuditEntry
		if json.Unmarshal([]byte(s), &e) == nil {
			out = append(out, e)
		}
	}
	return out, nil
}
