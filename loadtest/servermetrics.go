package loadtest

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// serverStats is what the load tool reads from the server's own /metrics
// (the admin address), to relate what the bots receive to what the server
// spends: CPU seconds and resident memory of the server process.
type serverStats struct {
	at       time.Time
	cpu      float64 // process_cpu_seconds_total
	rss      float64 // process_resident_memory_bytes
	conns    float64 // fair_gateway_connections
	feedPub  float64 // fair_feed_published_messages_total
	feedRecv float64 // fair_feed_received_messages_total
	nodes    int     // servers read (all of them, or ok is false)
	ok       bool

	redis redisStats
}

// scrapeServers reads every server's metrics and sums them; ok only if
// every one answered.
func scrapeServers(ctx context.Context, hc *http.Client, urls []string) serverStats {
	sum := serverStats{at: time.Now(), ok: len(urls) > 0}
	for _, u := range urls {
		st := scrapeServer(ctx, hc, u)
		sum.ok = sum.ok && st.ok
		sum.cpu += st.cpu
		sum.rss += st.rss
		sum.conns += st.conns
		sum.feedPub += st.feedPub
		sum.feedRecv += st.feedRecv
		sum.nodes++
	}
	return sum
}

// scrapeServer reads the server's metrics; a failure leaves ok false (the
// summary then has no server figures) rather than stopping the run.
func scrapeServer(ctx context.Context, hc *http.Client, url string) serverStats {
	st := serverStats{at: time.Now()}
	if url == "" {
		return st
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return st
	}
	resp, err := hc.Do(req)
	if err != nil {
		return st
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return st
	}
	found := 0
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		name, val, ok := strings.Cut(sc.Text(), " ")
		if !ok {
			continue
		}
		var dst *float64
		switch name {
		case "process_cpu_seconds_total":
			dst = &st.cpu
		case "process_resident_memory_bytes":
			dst = &st.rss
		case "fair_gateway_connections":
			dst = &st.conns
		case "fair_feed_published_messages_total":
			dst = &st.feedPub
		case "fair_feed_received_messages_total":
			dst = &st.feedRecv
		default:
			continue
		}
		if v, err := strconv.ParseFloat(strings.TrimSpace(val), 64); err == nil {
			*dst = v
			found++
		}
	}
	st.ok = found >= 2
	st.nodes = 1
	return st
}

// serverFigures fills the summary's server fields from scrapes taken before
// the first connection (base), at the start of the window (a) and at its end (b).
// tickHz is the servers' tick rate (for the per-tick feed figures; zero
// leaves them out).
func (s *Summary) serverFigures(base, a, b serverStats, tickHz float64) {
	wall := b.at.Sub(a.at).Seconds()
	if wall <= 0 {
		return
	}
	s.redisFigures(a.redis, b.redis, wall)
	if !a.ok || !b.ok {
		return
	}
	s.Nodes = b.nodes
	s.ServerCPU = (b.cpu - a.cpu) / wall
	if s.ServerCPU > 0 {
		s.MovesPerServerCPU = s.MovesPerSec / s.ServerCPU
	}
	s.ServerRSS = b.rss
	if base.ok && b.conns > 0 {
		s.ServerRSSPerConn = (b.rss - base.rss) / b.conns
	}
	what := "server"
	if b.nodes > 1 {
		what = fmt.Sprintf("%d servers", b.nodes)
	}
	s.ServerNote = fmt.Sprintf("%s: %.2f CPU s/s over the window, RSS %.0f MiB with %.0f connections", what, s.ServerCPU, b.rss/(1<<20), b.conns)
	if tickHz > 0 && b.nodes > 0 {
		ticks := wall * tickHz * float64(b.nodes)
		s.FeedPublishedPerNodeTick = (b.feedPub - a.feedPub) / ticks
		s.FeedReceivedPerNodeTick = (b.feedRecv - a.feedRecv) / ticks
	}
	if s.RedisCommandsPerSec > 0 || b.redis.ok {
		s.ClusterCPU = s.ServerCPU + s.RedisCPU
		if s.ClusterCPU > 0 {
			s.MovesPerClusterCPU = s.MovesPerSec / s.ClusterCPU
		}
	}
}
