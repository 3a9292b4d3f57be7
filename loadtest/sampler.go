package loadtest

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"time"
)

// sampler takes a sample of every client's counters each second, prints the
// live line and integrates what the summary needs over the steady window.
type sampler struct {
	first, last   sample  // the window: from the end of the ramp (or the start) to the end
	clientSeconds float64 // connected clients integrated over the window
	visSum        float64 // per-sample mean visible avatars, summed over the window
	crowdSum      float64
	n             int // samples in the window with clients connected

	srvA, srvB serverStats // the server's own figures at the window's start and end
}

// runSampler runs until ctx ends and returns the integrated window, which
// starts once the ramp is done and warmup has passed (or at the start when
// that never happens).
func runSampler(ctx context.Context, start time.Time, warmup time.Duration, bots int, col *collector, live, liveJSON io.Writer, rampDone <-chan struct{}, scrape func() serverStats) *sampler {
	s := &sampler{first: col.sample(start), srvA: scrape()}
	s.last = s.first
	steady := false
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		var now time.Time
		select {
		case <-ctx.Done():
			now = time.Now()
		case now = <-t.C:
		}
		cur := col.sample(now)
		if now.Sub(s.last.at) >= time.Second/2 { // not the sliver at the end
			fmt.Fprintln(live, liveLine(now.Sub(start), bots, col, &s.last, &cur))
			if liveJSON != nil {
				b, _ := json.Marshal(liveSample(now.Sub(start), bots, col, &s.last, &cur))
				fmt.Fprintln(liveJSON, string(b))
			}
		}
		s.add(&cur)
		if ctx.Err() != nil {
			s.srvB = scrape()
			return s
		}
		if !steady && now.Sub(start) >= warmup {
			select {
			case <-rampDone:
				// The window starts now: the ramp's transient is left out.
				steady = true
				*s = sampler{first: cur, last: cur, srvA: scrape()}
			default:
			}
		}
	}
}

func (s *sampler) add(cur *sample) {
	dt := cur.at.Sub(s.last.at).Seconds()
	s.clientSeconds += float64(s.last.connected+cur.connected) / 2 * dt
	if cur.connected > 0 {
		s.visSum += float64(cur.visible) / float64(cur.connected)
		s.crowdSum += float64(cur.crowd) / float64(cur.connected)
		s.n++
	}
	s.last = *cur
}

func (s *sampler) summarise(sum *Summary) {
	vis, crowd := 0.0, 0.0
	if s.n > 0 {
		vis, crowd = s.visSum/float64(s.n), s.crowdSum/float64(s.n)
	}
	sum.rates(&s.first, &s.last, s.clientSeconds, vis, crowd)
}

// LiveSample is one second of a run, as Config.LiveJSON receives it (one
// JSON object a line): what an orchestrator of several processes sums and
// plots.
type LiveSample struct {
	T         float64 `json:"t"` // seconds since the start
	Bots      int     `json:"bots"`
	Connected int64   `json:"connected"`
	Welcomed  int64   `json:"welcomed"`
	Failed    int     `json:"failed"`
	Ended     int     `json:"ended"`
	MsgsIn    float64 `json:"msgs_in_per_s"` // received by every bot of the process
	BytesIn   float64 `json:"bytes_in_per_s"`
	MsgsOut   float64 `json:"msgs_out_per_s"`
	EchoN     uint64  `json:"echo_n"`
	EchoP50   float64 `json:"echo_p50_ms"`
	EchoP99   float64 `json:"echo_p99_ms"`
}

func liveSample(elapsed time.Duration, bots int, c *collector, a, b *sample) LiveSample {
	dt := b.at.Sub(a.at).Seconds()
	rate := func(x, y uint64) float64 {
		if dt <= 0 {
			return 0
		}
		return float64(y-x) / dt
	}
	lat := b.latency.Sub(&a.latency)
	c.mu.Lock()
	failed, ended := sum(c.failed), sum(c.ended)
	c.mu.Unlock()
	return LiveSample{
		T: elapsed.Seconds(), Bots: bots, Connected: b.connected, Welcomed: c.welcomed.Load(), Failed: failed, Ended: ended,
		MsgsIn: rate(a.msgs, b.msgs), BytesIn: rate(a.bytes, b.bytes), MsgsOut: rate(a.sent, b.sent),
		EchoN: lat.N, EchoP50: ms(lat.Quantile(0.5)), EchoP99: ms(lat.Quantile(0.99)),
	}
}
