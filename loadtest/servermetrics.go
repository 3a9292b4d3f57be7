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
	at    time.Time
	cpu   float64 // process_cpu_seconds_total
	rss   float64 // process_resident_memory_bytes
	conns float64 // fair_gateway_connections
	ok    bool
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
		default:
			continue
		}
		if v, err := strconv.ParseFloat(strings.TrimSpace(val), 64); err == nil {
			*dst = v
			found++
		}
	}
	st.ok = found >= 2
	return st
}

// serverFigures fills the summary's server fields from scrapes taken before
// the first connection (base), at the start of the window (a) and at its end (b).
func (s *Summary) serverFigures(base, a, b serverStats) {
	if !a.ok || !b.ok {
		return
	}
	wall := b.at.Sub(a.at).Seconds()
	if wall <= 0 {
		return
	}
	s.ServerCPU = (b.cpu - a.cpu) / wall
	if s.ServerCPU > 0 {
		s.MovesPerServerCPU = s.MovesPerSec / s.ServerCPU
	}
	s.ServerRSS = b.rss
	if base.ok && b.conns > 0 {
		s.ServerRSSPerConn = (b.rss - base.rss) / b.conns
	}
	s.ServerNote = fmt.Sprintf("server: %.2f CPU s/s over the window, RSS %.0f MiB with %.0f connections", s.ServerCPU, b.rss/(1<<20), b.conns)
}
