package loadtest

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// redisStats is what the load tool reads from the fair's Redis (INFO), to
// report what the cluster costs beside its nodes.
type redisStats struct {
	cmds    float64 // total_commands_processed
	in, out float64 // total_net_input_bytes, total_net_output_bytes
	cpu     float64 // used_cpu_sys + used_cpu_user (the server's process)
	ok      bool
}

// redisClient connects to url (redis:// or unix://, as go-redis parses
// them); nil for an empty url.
func redisClient(url string) (*redis.Client, error) {
	if url == "" {
		return nil, nil
	}
	opt, err := redis.ParseURL(url)
	if err != nil {
		return nil, fmt.Errorf("loadtest: bad Redis URL: %w", err)
	}
	opt.MaxRetries = -1
	return redis.NewClient(opt), nil
}

// scrapeRedis reads INFO; a failure leaves ok false (no Redis figures)
// rather than stopping the run.
func scrapeRedis(ctx context.Context, c *redis.Client) redisStats {
	var st redisStats
	if c == nil {
		return st
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	info, err := RedisInfo(ctx, c, "stats", "cpu")
	if err != nil {
		return st
	}
	found := 0
	for k, f := range info {
		switch k {
		case "total_commands_processed":
			st.cmds = f
		case "total_net_input_bytes":
			st.in = f
		case "total_net_output_bytes":
			st.out = f
		case "used_cpu_sys", "used_cpu_user":
			st.cpu += f
		default:
			continue
		}
		found++
	}
	st.ok = found == 5
	return st
}

func (s *Summary) redisFigures(a, b redisStats, wall float64) {
	if !a.ok || !b.ok {
		return
	}
	s.RedisCPU = (b.cpu - a.cpu) / wall
	s.RedisCommandsPerSec = (b.cmds - a.cmds) / wall
	s.RedisInBytesPerSec = (b.in - a.in) / wall
	s.RedisOutBytesPerSec = (b.out - a.out) / wall
}

// RedisInfo reads the numeric fields of INFO's sections, by name.
func RedisInfo(ctx context.Context, c *redis.Client, sections ...string) (map[string]float64, error) {
	info, err := c.Info(ctx, sections...).Result()
	if err != nil {
		return nil, fmt.Errorf("loadtest: redis INFO: %w", err)
	}
	out := make(map[string]float64)
	for line := range strings.SplitSeq(info, "\n") {
		k, v, ok := strings.Cut(strings.TrimSpace(line), ":")
		if !ok {
			continue
		}
		if f, err := strconv.ParseFloat(v, 64); err == nil {
			out[k] = f
		}
	}
	return out, nil
}
