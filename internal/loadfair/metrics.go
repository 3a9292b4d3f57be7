package loadfair

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"math"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"
)

// scrape is one node's /metrics at one instant: every sample by its full
// series text (name{labels}).
type scrape struct {
	at time.Time
	ok bool
	v  map[string]float64
}

// get sums the samples of name whose labels contain every one of labels.
func (s *scrape) get(name string, labels ...string) float64 {
	sum := 0.0
	for k, v := range s.v {
		if !strings.HasPrefix(k, name) || (len(k) > len(name) && k[len(name)] != '{') {
			continue
		}
		ok := true
		for _, l := range labels {
			ok = ok && strings.Contains(k, l)
		}
		if ok {
			sum += v
		}
	}
	return sum
}

// tickBuckets are the tick histogram's cumulative counts by upper bound.
func (s *scrape) tickBuckets() map[float64]float64 {
	const name = "fair_world_tick_duration_seconds_bucket{"
	out := map[float64]float64{}
	for k, v := range s.v {
		if !strings.HasPrefix(k, name) {
			continue
		}
		i := strings.Index(k, `le="`)
		if i < 0 {
			continue
		}
		rest := k[i+4:]
		le, err := strconv.ParseFloat(rest[:strings.IndexByte(rest, '"')], 64)
		if err != nil {
			continue
		}
		out[le] = v
	}
	return out
}

// tickWindow is the tick histogram between two scrapes.
type tickWindow struct {
	n      float64
	sum    float64
	bounds []float64 // ascending, +Inf last
	cum    []float64 // cumulative counts in the window
}

func ticksBetween(a, b *scrape) tickWindow {
	w := tickWindow{n: b.get("fair_world_tick_duration_seconds_count") - a.get("fair_world_tick_duration_seconds_count"),
		sum: b.get("fair_world_tick_duration_seconds_sum") - a.get("fair_world_tick_duration_seconds_sum")}
	ba, bb := a.tickBuckets(), b.tickBuckets()
	for le := range bb {
		w.bounds = append(w.bounds, le)
	}
	sort.Float64s(w.bounds)
	for _, le := range w.bounds {
		w.cum = append(w.cum, bb[le]-ba[le])
	}
	return w
}

// quantile is the upper bound of the bucket holding quantile q (seconds);
// the largest finite bound when it falls in +Inf.
func (w *tickWindow) quantile(q float64) float64 {
	if w.n <= 0 {
		return 0
	}
	for i, c := range w.cum {
		if c >= q*w.n {
			if math.IsInf(w.bounds[i], 1) && i > 0 {
				return w.bounds[i-1]
			}
			return w.bounds[i]
		}
	}
	return 0
}

// over is the share of ticks longer than bound (a bucket bound).
func (w *tickWindow) over(bound float64) float64 {
	if w.n <= 0 {
		return 0
	}
	for i, le := range w.bounds {
		if math.Abs(le-bound) < 1e-9 {
			return (w.n - w.cum[i]) / w.n
		}
	}
	return math.NaN() // no such bucket
}

func scrapeNode(ctx context.Context, url string) scrape {
	s := scrape{at: time.Now(), v: map[string]float64{}}
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return s
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return s
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return s
	}
	if err := parseText(resp.Body, s.v); err != nil {
		return s
	}
	s.ok = true
	return s
}

// parseText reads a Prometheus text exposition: every sample line as
// series text and value.
func parseText(r io.Reader, into map[string]float64) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || line[0] == '#' {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		if i < 0 {
			continue
		}
		v, err := strconv.ParseFloat(line[i+1:], 64)
		if err != nil {
			return fmt.Errorf("loadfair: metric line %q: %w", line, err)
		}
		into[line[:i]] = v
	}
	return sc.Err()
}
