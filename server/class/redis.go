package class

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

var _ Store = (*RedisStore)(nil)

// RedisConfig configures a RedisStore; zero values mean the defaults.
// Every node of a fair uses the same Prefix.
type RedisConfig struct {
	Prefix string // of every key; zero means "fair"
	// Retention is how long a class and its memberships are kept after
	// their last change; zero means DefaultRetention (60 days).
	Retention time.Duration
	// Timeout bounds every call; zero means 1 s.
	Timeout time.Duration
}

// RedisStore is the Store of every node of a fair. Keys (all in one hash
// slot, {class}, so that its scripts run on a Redis Cluster too; the
// classes of a fair are a few thousand small records):
//
//	prefix:{class}:next               the last class id (INCR)
//	prefix:{class}:c:<id>             hash: name level teacher tname code closed route steps gen created paused follow
//	prefix:{class}:code:<CODE>        the class id of a code
//	prefix:{class}:t:<teacher>        set of the teacher's class ids
//	prefix:{class}:m:<id>             hash: progress id -> "number|gen|steps|name"
//	prefix:{class}:n:<id>             the last member number
//	prefix:{class}:of:<progress>      the class id of a member
type RedisStore struct {
	rc  redis.UniversalClient
	cfg RedisConfig
	p   string
}

// NewRedis returns the store in rc.
func NewRedis(rc redis.UniversalClient, cfg RedisConfig) (*RedisStore, error) {
	if cfg.Prefix == "" {
		cfg.Prefix = "fair"
	}
	if cfg.Retention == 0 {
		cfg.Retention = DefaultRetention
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = time.Second
	}
	if cfg.Retention < time.Minute || cfg.Timeout < 0 {
		return nil, errors.New("class: Retention under a minute, or a negative Timeout")
	}
	return &RedisStore{rc: rc, cfg: cfg, p: cfg.Prefix + ":{class}:"}, nil
}

func (r *RedisStore) kClass(id uint32) string { return r.p + "c:" + strconv.FormatUint(uint64(id), 10) }
func (r *RedisStore) kMembers(id uint32) string {
	return r.p + "m:" + strconv.FormatUint(uint64(id), 10)
}
func (r *RedisStore) kNumber(id uint32) string {
	return r.p + "n:" + strconv.FormatUint(uint64(id), 10)
}
func (r *RedisStore) kCode(code string) string { return r.p + "code:" + code }
func (r *RedisStore) kTeacher(t string) string { return r.p + "t:" + t }
func (r *RedisStore) kOf(progress string) string {
	return r.p + "of:" + progress
}

func (r *RedisStore) ctx(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, r.cfg.Timeout)
}

func unavailable(what string, err error) error {
	return fmt.Errorf("class: failed to %s: %w (%w)", what, ErrUnavailable, err)
}

var createScript = redis.NewScript(`
if redis.call('SCARD', KEYS[2]) >= tonumber(ARGV[1]) then return 0 end
local id = redis.call('INCR', KEYS[1])
redis.call('SADD', KEYS[2], id)
redis.call('PEXPIRE', KEYS[2], ARGV[2])
return id`)

// Create implements Store.
func (r *RedisStore) Create(ctx context.Context, c Class) (Class, error) {
	ctx, cancel := r.ctx(ctx)
	defer cancel()
	ttl := r.cfg.Retention.Milliseconds()
	id, err := createScript.Run(ctx, r.rc, []string{r.p + "next", r.kTeacher(c.Teacher)}, MaxClasses, ttl).Int64()
	if err != nil {
		return Class{}, unavailable("create a class", err)
	}
	if id == 0 {
		return Class{}, ErrTooMany
	}
	c.ID = uint32(id)
	c.Created = time.Now().Unix()
	for {
		c.Code = NewCode()
		ok, err := r.rc.SetNX(ctx, r.kCode(c.Code), c.ID, r.cfg.Retention).Result()
		if err != nil {
			return Class{}, unavailable("reserve a code", err)
		}
		if ok {
			break
		}
	}
	pipe := r.rc.TxPipeline()
	pipe.HSet(ctx, r.kClass(c.ID), "name", c.Name, "level", c.Level, "teacher", c.Teacher, "tname", c.TeacherName,
		"code", c.Code, "created", c.Created)
	r.fields(ctx, pipe, c)
	if _, err := pipe.Exec(ctx); err != nil {
		return Class{}, unavailable("store a class", err)
	}
	return c, nil
}

// fields queues the writes of what Update changes, and the expiries.
func (r *RedisStore) fields(ctx context.Context, pipe redis.Pipeliner, c Class) {
	pipe.HSet(ctx, r.kClass(c.ID), "closed", boolStr(c.Closed), "route", c.Route, "steps", strings.Join(c.Steps, ","),
		"gen", c.RouteGen, "paused", c.PausedUntil, "follow", boolStr(c.Following))
	for _, k := range []string{r.kClass(c.ID), r.kCode(c.Code), r.kTeacher(c.Teacher), r.kMembers(c.ID), r.kNumber(c.ID)} {
		pipe.PExpire(ctx, k, r.cfg.Retention)
	}
}

func boolStr(b bool) string {
	if b {
		return "1"
	}
	return "0"
}

// Get implements Store.
func (r *RedisStore) Get(ctx context.Context, id uint32) (Class, error) {
	ctx, cancel := r.ctx(ctx)
	defer cancel()
	return r.get(ctx, id)
}

func (r *RedisStore) get(ctx context.Context, id uint32) (Class, error) {
	h, err := r.rc.HGetAll(ctx, r.kClass(id)).Result()
	if err != nil {
		return Class{}, unavailable("read a class", err)
	}
	if len(h) == 0 || h["code"] == "" {
		return Class{}, ErrNotFound
	}
	return parseClass(id, h), nil
}

func parseClass(id uint32, h map[string]string) Class {
	c := Class{ID: id, Name: h["name"], Level: h["level"], Teacher: h["teacher"], TeacherName: h["tname"], Code: h["code"],
		Closed: h["closed"] == "1", Route: h["route"], Following: h["follow"] == "1"}
	if s := h["steps"]; s != "" {
		c.Steps = strings.Split(s, ",")
	}
	g, _ := strconv.ParseUint(h["gen"], 10, 32)
	c.RouteGen = uint32(g)
	c.Created, _ = strconv.ParseInt(h["created"], 10, 64)
	c.PausedUntil, _ = strconv.ParseInt(h["paused"], 10, 64)
	return c
}

// ByCode implements Store.
func (r *RedisStore) ByCode(ctx context.Context, code string) (Class, error) {
	ctx, cancel := r.ctx(ctx)
	defer cancel()
	id, err := r.rc.Get(ctx, r.kCode(code)).Uint64()
	switch {
	case errors.Is(err, redis.Nil):
		return Class{}, ErrNotFound
	case err != nil:
		return Class{}, unavailable("read a code", err)
	}
	return r.get(ctx, uint32(id))
}

// Teacher implements Store.
func (r *RedisStore) Teacher(ctx context.Context, teacher string) ([]Class, error) {
	ctx, cancel := r.ctx(ctx)
	defer cancel()
	ids, err := r.rc.SMembers(ctx, r.kTeacher(teacher)).Result()
	if err != nil {
		return nil, unavailable("read a teacher's classes", err)
	}
	var out []Class
	for _, s := range ids {
		id, err := strconv.ParseUint(s, 10, 32)
		if err != nil {
			continue
		}
		c, err := r.get(ctx, uint32(id))
		if errors.Is(err, ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	slices.SortFunc(out, func(a, b Class) int { return int(a.ID) - int(b.ID) })
	return out, nil
}

// Update implements Store.
func (r *RedisStore) Update(ctx context.Context, c Class) error {
	ctx, cancel := r.ctx(ctx)
	defer cancel()
	n, err := r.rc.Exists(ctx, r.kClass(c.ID)).Result()
	if err != nil {
		return unavailable("update a class", err)
	}
	if n == 0 {
		return ErrNotFound
	}
	pipe := r.rc.TxPipeline()
	r.fields(ctx, pipe, c)
	if _, err := pipe.Exec(ctx); err != nil {
		return unavailable("update a class", err)
	}
	return nil
}

var joinScript = redis.NewScript(`
local of = redis.call('GET', KEYS[3])
if of and of ~= ARGV[4] then return {-1, 0, '0'} end
local cur = redis.call('HGET', KEYS[1], ARGV[1])
local n, g, s
if cur then
  n, g, s = string.match(cur, '^(%d+)|(%d+)|(%d+)|')
else
  if redis.call('HLEN', KEYS[1]) >= tonumber(ARGV[3]) then return {-2, 0, '0'} end
  n, g, s = tostring(redis.call('INCR', KEYS[2])), '0', '0'
end
redis.call('HSET', KEYS[1], ARGV[1], n .. '|' .. g .. '|' .. s .. '|' .. ARGV[2])
redis.call('SET', KEYS[3], ARGV[4], 'PX', ARGV[5])
redis.call('PEXPIRE', KEYS[1], ARGV[5])
redis.call('PEXPIRE', KEYS[2], ARGV[5])
return {tonumber(n), tonumber(g), s}`)

// Join implements Store.
func (r *RedisStore) Join(ctx context.Context, id uint32, progress, name string) (Member, error) {
	ctx, cancel := r.ctx(ctx)
	defer cancel()
	if n, err := r.rc.Exists(ctx, r.kClass(id)).Result(); err != nil {
		return Member{}, unavailable("join a class", err)
	} else if n == 0 {
		return Member{}, ErrNotFound
	}
	res, err := joinScript.Run(ctx, r.rc, []string{r.kMembers(id), r.kNumber(id), r.kOf(progress)},
		progress, name, MaxPupils, id, r.cfg.Retention.Milliseconds()).Slice()
	if err != nil || len(res) != 3 {
		return Member{}, unavailable("join a class", err)
	}
	n, _ := res[0].(int64)
	switch n {
	case -1:
		return Member{}, ErrMember
	case -2:
		return Member{}, ErrFull
	}
	g, _ := res[1].(int64)
	s, _ := res[2].(string)
	steps, _ := strconv.ParseUint(s, 10, 64)
	return Member{Class: id, Number: uint32(n), Progress: progress, Name: name, RouteGen: uint32(g), Steps: steps}, nil
}

var leaveScript = redis.NewScript(`
if redis.call('GET', KEYS[2]) == ARGV[2] then
  redis.call('DEL', KEYS[2])
  redis.call('HDEL', KEYS[1], ARGV[1])
end
return 1`)

// Leave implements Store.
func (r *RedisStore) Leave(ctx context.Context, id uint32, progress string) error {
	ctx, cancel := r.ctx(ctx)
	defer cancel()
	if err := leaveScript.Run(ctx, r.rc, []string{r.kMembers(id), r.kOf(progress)}, progress, id).Err(); err != nil {
		return unavailable("leave a class", err)
	}
	return nil
}

// Membership implements Store.
func (r *RedisStore) Membership(ctx context.Context, progress string) (Member, error) {
	ctx, cancel := r.ctx(ctx)
	defer cancel()
	id, err := r.rc.Get(ctx, r.kOf(progress)).Uint64()
	switch {
	case errors.Is(err, redis.Nil):
		return Member{}, ErrNotFound
	case err != nil:
		return Member{}, unavailable("read a membership", err)
	}
	v, err := r.rc.HGet(ctx, r.kMembers(uint32(id)), progress).Result()
	switch {
	case errors.Is(err, redis.Nil):
		return Member{}, ErrNotFound
	case err != nil:
		return Member{}, unavailable("read a membership", err)
	}
	m, ok := parseMember(uint32(id), progress, v)
	if !ok {
		return Member{}, ErrNotFound
	}
	return m, nil
}

func parseMember(id uint32, progress, v string) (Member, bool) {
	parts := strings.SplitN(v, "|", 4)
	if len(parts) != 4 {
		return Member{}, false
	}
	n, err1 := strconv.ParseUint(parts[0], 10, 32)
	g, err2 := strconv.ParseUint(parts[1], 10, 32)
	s, err3 := strconv.ParseUint(parts[2], 10, 64)
	if err1 != nil || err2 != nil || err3 != nil {
		return Member{}, false
	}
	return Member{Class: id, Number: uint32(n), Progress: progress, Name: parts[3], RouteGen: uint32(g), Steps: s}, true
}

// Members implements Store.
func (r *RedisStore) Members(ctx context.Context, id uint32) ([]Member, error) {
	ctx, cancel := r.ctx(ctx)
	defer cancel()
	h, err := r.rc.HGetAll(ctx, r.kMembers(id)).Result()
	if err != nil {
		return nil, unavailable("read the members", err)
	}
	out := make([]Member, 0, len(h))
	for p, v := range h {
		if m, ok := parseMember(id, p, v); ok {
			out = append(out, m)
		}
	}
	slices.SortFunc(out, func(a, b Member) int { return int(a.Number) - int(b.Number) })
	return out, nil
}

var stepsScript = redis.NewScript(`
local cur = redis.call('HGET', KEYS[1], ARGV[1])
if not cur then return 0 end
local n, name = string.match(cur, '^(%d+)|%d+|%d+|(.*)$')
redis.call('HSET', KEYS[1], ARGV[1], n .. '|' .. ARGV[2] .. '|' .. ARGV[3] .. '|' .. name)
return 1`)

// SetSteps implements Store.
func (r *RedisStore) SetSteps(ctx context.Context, id uint32, progress string, gen uint32, steps uint64) error {
	ctx, cancel := r.ctx(ctx)
	defer cancel()
	n, err := stepsScript.Run(ctx, r.rc, []string{r.kMembers(id)}, progress, gen, strconv.FormatUint(steps, 10)).Int()
	if err != nil {
		return unavailable("record route steps", err)
	}
	if n == 0 {
		return ErrNotFound
	}
	return nil
}
