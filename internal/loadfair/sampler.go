package loadfair

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/usine-extraordinaire/fairworld/internal/cluster"
)

// sampler scrapes the nodes and reads the load processes' live lines once
// a second: the series, the window's ends and the progress line.
type sampler struct {
	rep        *Report
	nodes      []*cluster.Node
	metrics    []string
	procs      []*proc
	start      time.Time
	windowFrom time.Time
	memAt      time.Time // when memory is read: the hold's end less 5 s, every bot still connected
	live       io.Writer

	base       []scrape   // before the first bot
	winA, winB []scrape   // the steady window's ends
	mem        []scrape   // the first answers after memAt
	last       []scrape   // the newest answer of each node
	hist       [][]scrape // each second's scrapes, the last 6
	peak       []float64  // connections per node
}

func (s *sampler) loop(ctx context.Context, done <-chan struct{}) {
	s.last = append([]scrape(nil), s.base...)
	s.peak = make([]float64, len(s.nodes))
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		select {
		case <-done:
			if s.winB == nil {
				s.winB = s.last
			}
			return
		case <-ctx.Done():
			s.winB = s.last
			return
		case <-t.C:
		}
		cur := make([]scrape, len(s.metrics))
		for i, u := range s.metrics {
			cur[i] = scrapeNode(ctx, u)
			if cur[i].ok {
				s.last[i] = cur[i]
			}
		}
		if s.mem == nil && !s.memAt.IsZero() && time.Now().After(s.memAt) && !s.closing() {
			s.mem = append([]scrape(nil), s.last...)
		}
		if s.winA == nil && time.Now().After(s.windowFrom) {
			s.winA = append([]scrape(nil), s.last...)
		}
		// The window ends when the load processes start closing their bots.
		if s.winA != nil && s.closing() && s.winB == nil {
			s.winB = append([]scrape(nil), s.last...)
		}
		s.hist = append(s.hist, append([]scrape(nil), s.last...))
		if len(s.hist) > 6 {
			s.hist = s.hist[1:]
		}
		s.point()
	}
}

// closing reports whether some load process's bots are being closed (its
// live lines stopped growing in connections while its run is over).
func (s *sampler) closing() bool {
	for _, p := range s.procs {
		select {
		case <-p.done:
			return true
		default:
		}
	}
	return false
}

func (s *sampler) point() {
	now := s.hist[len(s.hist)-1]
	prev := s.hist[max(0, len(s.hist)-2)]
	old := s.hist[0]
	pt := Point{T: time.Since(s.start).Seconds()}
	var conns, rss float64
	var ticks []string
	for i := range now {
		c := now[i].get("fair_gateway_connections")
		s.peak[i] = max(s.peak[i], c)
		pt.Conns = append(pt.Conns, c)
		r := now[i].get("process_resident_memory_bytes")
		pt.RSS = append(pt.RSS, r)
		conns += c
		rss += r
		dt := now[i].at.Sub(prev[i].at).Seconds()
		if dt > 0 {
			pt.MsgsOut += (now[i].get("fair_gateway_messages_out_total") - prev[i].get("fair_gateway_messages_out_total")) / dt
			pt.MsgsIn += (now[i].get("fair_gateway_messages_in_total") - prev[i].get("fair_gateway_messages_in_total")) / dt
		}
		w := ticksBetween(&old[i], &now[i])
		p99 := w.quantile(0.99) * 1000
		pt.TickP99ms = append(pt.TickP99ms, p99)
		ticks = append(ticks, fmt.Sprintf("%s %.1f", s.nodes[i].ID(), p99))
	}
	var bots, failed, ended int
	var connected, welcomed int64
	for _, p := range s.procs {
		l := p.live()
		bots += p.bots
		failed += l.Failed
		ended += l.Ended
		connected += l.Connected
		welcomed += l.Welcomed
		if p.echo {
			pt.EchoP50, pt.EchoP99 = l.EchoP50, l.EchoP99
		}
		if p.name == "burst" {
			pt.BurstConnected = l.Connected
		}
	}
	s.rep.Series = append(s.rep.Series, pt)
	fmt.Fprintf(s.live, "%4.0fs bots %d/%d (welcomed %d, failed %d, dropped %d) | nodes %.0f conns | out %.0fk msg/s in %.1fk | tick p99 %s ms | echo p50 %.0f p99 %.0f ms | RSS %.0f MB\n",
		pt.T, connected, bots, welcomed, failed, ended, conns, pt.MsgsOut/1000, pt.MsgsIn/1000, strings.Join(ticks, ", "), pt.EchoP50, pt.EchoP99, rss/1e6)
}
