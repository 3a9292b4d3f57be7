package admit

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"
)

// RedisConfig configures a Redis limiter. Zero values are documented per
// field.
type RedisConfig struct {
	Key       string        // the bucket's key; zero means "fair:joins" (one per fair)
	PerSecond float64       // tokens a second, the whole fair; zero means 200
	Burst     int           // tokens saved up at most; zero means 2 s worth of PerSecond
	Timeout   time.Duration // of one call to Redis; zero means 250 ms
}

// Redis is a Limiter shared by every node of a fair through one Redis key.
// When Redis does not answer (an outage: new sessions are refused with
// 4014 by presence then anyway) it falls back to a Memory limiter at the
// same rate, and counts the call in fair_admit_redis_errors_total.
type Redis struct {
	c        redis.UniversalClient
	cfg      RedisConfig
	interval int64 // µs per token
	fallback *Memory
	errors   prometheus.Counter
	log      *slog.Logger
}

var _ Limiter = (*Redis)(nil)

// gcra takes a token from the bucket KEYS[1] (ARGV: µs per token, burst):
// 1 if taken, 0 if not. The key holds the theoretical arrival time (µs on
// Redis's clock) and expires when the bucket is full again.
var gcra = redis.NewScript(`
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local interval = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local tat = tonumber(redis.call('GET', KEYS[1]) or now)
if tat < now then tat = now end
local new = tat + interval
if new - now > burst * interval then return 0 end
redis.call('SET', KEYS[1], string.format('%d', new), 'PX', math.ceil((new - now) / 1000) + 1)
return 1
`)

// NewRedis builds the limiter over c (the caller closes c). reg may be
// nil; log nil discards.
func NewRedis(c redis.UniversalClient, cfg RedisConfig, reg prometheus.Registerer, log *slog.Logger) (*Redis, error) {
	if cfg.Key == "" {
		cfg.Key = "fair:joins"
	}
	if cfg.PerSecond == 0 {
		cfg.PerSecond = 200
	}
	if cfg.Burst == 0 {
		cfg.Burst = max(1, int(2*cfg.PerSecond))
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = 250 * time.Millisecond
	}
	if cfg.PerSecond < 0 || cfg.Burst < 1 || cfg.Timeout < 0 {
		return nil, fmt.Errorf("admit: bad rate %v, burst %d or timeout %v", cfg.PerSecond, cfg.Burst, cfg.Timeout)
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	r := &Redis{
		c: c, cfg: cfg, interval: max(1, int64(1e6/cfg.PerSecond)), fallback: NewMemory(cfg.PerSecond, cfg.Burst), log: log,
		errors: prometheus.NewCounter(prometheus.CounterOpts{Namespace: "fair", Subsystem: "admit", Name: "redis_errors_total",
			Help: "Join-rate decisions Redis did not answer in time, taken by this node's own limiter at the same rate instead."}),
	}
	if reg != nil {
		if err := reg.Register(r.errors); err != nil {
			return nil, fmt.Errorf("admit: %w", err)
		}
	}
	return r, nil
}

// Allow implements Limiter: one script call to Redis.
func (r *Redis) Allow(ctx context.Context) bool {
	ctx, cancel := context.WithTimeout(ctx, r.cfg.Timeout)
	defer cancel()
	n, err := gcra.Run(ctx, r.c, []string{r.cfg.Key}, r.interval, r.cfg.Burst).Int()
	if err != nil {
		r.errors.Inc()
		r.log.Debug("admit: Redis did not answer; this node's own limit instead", "err", err)
		return r.fallback.Allow(ctx)
	}
	return n == 1
}
