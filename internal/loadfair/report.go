package loadfair

import (
	"context"
	"fmt"
	"io"
	"maps"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/usine-extraordinaire/fairworld/internal/cluster"
	"github.com/usine-extraordinaire/fairworld/loadtest"
)

// MessageCeiling is what this machine carries: about 280,000 WebSocket
// messages a second with sender and receiver on its 2 cores (issue 17).
const MessageCeiling = 280_000

// TickBound is the tick time the targets count ticks above (a bucket of
// fair_world_tick_duration_seconds: 0.1 ms × 2^8).
const TickBound = 0.0256

// Report is the outcome of Run, written as JSON.
type Report struct {
	Name     string           `json:"name"`
	Started  string           `json:"started"` // RFC 3339
	Dir      string           `json:"dir"`
	Nodes    int              `json:"nodes"`
	Procs    int              `json:"load_processes"`
	Mix      Mix              `json:"mix"`
	NodeArgs []string         `json:"node_args"`
	PIDs     map[string][]int `json:"pids"` // every process started, by name

	Pass     bool     `json:"pass"`     // correctness: every bot welcomed, no unexpected disconnect, the probes found nothing, the targets met
	Failures []string `json:"failures"` // why not

	Bots       int            `json:"bots"`
	Welcomed   int64          `json:"welcomed"`
	Retries    int64          `json:"retries"`    // refusals retried as the protocol says
	RetriedBy  map[string]int `json:"retried_by"` // by reason (too_many_joins, server_full, service_unavailable)
	Failed     map[string]int `json:"failed"`     // attempts that never got a WELCOME, by reason
	Unexpected map[string]int `json:"unexpected"` // connections ended by the server or the network, by reason

	Window float64 `json:"window_s"` // the steady window the rates below are measured over
	// The nodes' own counters over the window, all nodes summed.
	MsgsOutPerSec  float64 `json:"msgs_out_per_s"`
	BytesOutPerSec float64 `json:"bytes_out_per_s"`
	MsgsInPerSec   float64 `json:"msgs_in_per_s"`
	BytesInPerSec  float64 `json:"bytes_in_per_s"`
	Ceiling        float64 `json:"ceiling_msgs_per_s"` // MessageCeiling
	CeilingShare   float64 `json:"ceiling_share"`      // (out + in) / ceiling
	NodesCPU       float64 `json:"nodes_cpu_s_per_s"`
	// Memory 5 s before the hold's end, all nodes together: their RSS over
	// their connections (Redis apart), the idle nodes' RSS before the load
	// included, and the same above it.
	NodesRSS       float64 `json:"nodes_rss_bytes"`
	NodesConns     float64 `json:"nodes_connections"`
	RSSPerConnAll  float64 `json:"nodes_rss_per_conn_bytes"`
	RSSPerConnLoad float64 `json:"nodes_rss_per_conn_above_idle_bytes"`
	Refusals       float64 `json:"refusals"` // admission refusals over the whole run, all reasons

	PerNode []NodeReport `json:"per_node"`
	Redis   RedisReport  `json:"redis"`

	// Monday morning (Config.Burst): the burst's bots, the 4004 refusals
	// they retried, when the last was welcomed, and the ticks of every
	// node before and during it.
	Burst *BurstReport `json:"burst,omitempty"`

	EchoP50ms float64               `json:"echo_p50_ms"` // the walking probes (the probes' process)
	EchoP99ms float64               `json:"echo_p99_ms"`
	EchoN     uint64                `json:"echo_samples"`
	Probe     loadtest.ProbeSummary `json:"probe"`
	Summaries []*loadtest.Summary   `json:"process_summaries"`
	Series    []Point               `json:"series"`
	Verdicts  []Verdict             `json:"targets"`
}

// NodeReport is one node over the window.
type NodeReport struct {
	ID           string  `json:"id"`
	ConnsPeak    float64 `json:"connections_peak"`
	Ticks        float64 `json:"ticks"`
	TickOver     float64 `json:"tick_over_25_6ms_share"`
	TickP50ms    float64 `json:"tick_p50_ms"` // bucket upper bounds
	TickP99ms    float64 `json:"tick_p99_ms"`
	TickMeanms   float64 `json:"tick_mean_ms"`
	TickBusy     float64 `json:"tick_wall_s_per_s"` // tick wall time per second
	CPU          float64 `json:"cpu_s_per_s"`       // the node process's CPU (the tick's own CPU time has no metric: see docs/PERFORMANCE.md)
	RSS          float64 `json:"rss_bytes"`         // 5 s before the hold's end (every bot still connected)
	RSSPerConn   float64 `json:"rss_per_conn_bytes"`
	MsgsOutPerS  float64 `json:"msgs_out_per_s"`
	BytesOutPerS float64 `json:"bytes_out_per_s"`
}

// RedisReport is the fair's Redis over the run.
type RedisReport struct {
	RSS         float64 `json:"rss_bytes"`
	CPU         float64 `json:"cpu_s_per_s"`
	CommandsPer float64 `json:"commands_per_s"`

	before, after redisStats
}

// BurstReport is Monday morning's burst.
type BurstReport struct {
	N              int     `json:"n"`
	At             float64 `json:"at_s"`
	Within         float64 `json:"within_s"`
	Welcomed       int64   `json:"welcomed"`
	Refused4004    int     `json:"refused_4004_retried"`
	AllWelcomedAt  float64 `json:"all_welcomed_at_s"` // seconds after the burst's start; 0 if never
	TickP99Before  float64 `json:"tick_p99_before_ms"`
	TickP99During  float64 `json:"tick_p99_during_ms"`
	TickOverBefore float64 `json:"tick_over_before"` // share of the windows' worst-node p99 above 25.6 ms
	TickOverDuring float64 `json:"tick_over_during"`
}

func (r *Report) burst(cfg *Config) {
	b := &BurstReport{N: cfg.Burst.N, At: cfg.Burst.At.Seconds(), Within: cfg.Burst.Within.Seconds()}
	for _, s := range r.Summaries {
		if s.Kinds["stand"] == cfg.Burst.N && s.Bots == cfg.Burst.N { // the burst's process
			b.Welcomed = s.Welcomed
			b.Refused4004 = s.RetriedBy["too_many_joins"]
		}
	}
	var nb, nd, ob, od float64
	for _, p := range r.Series {
		worst := 0.0
		for _, v := range p.TickP99ms {
			worst = max(worst, v)
		}
		switch {
		case p.T >= b.At-60 && p.T < b.At:
			b.TickP99Before += worst
			nb++
			if worst > TickBound*1000 {
				ob++
			}
		case p.T >= b.At && p.T < b.At+b.Within+30:
			b.TickP99During += worst
			nd++
			if worst > TickBound*1000 {
				od++
			}
		}
		if p.BurstConnected >= int64(cfg.Burst.N) && b.AllWelcomedAt == 0 && p.T >= b.At {
			b.AllWelcomedAt = p.T - b.At
		}
	}
	if nb > 0 {
		b.TickP99Before, b.TickOverBefore = b.TickP99Before/nb, ob/nb
	}
	if nd > 0 {
		b.TickP99During, b.TickOverDuring = b.TickP99During/nd, od/nd
	}
	r.Burst = b
}

// Verdict is one target.
type Verdict struct {
	Name  string  `json:"name"`
	Value float64 `json:"value"`
	Limit float64 `json:"limit"`
	OK    bool    `json:"ok"`
}

// Point is one second of the run.
type Point struct {
	T         float64   `json:"t"`
	Conns     []float64 `json:"connections"` // per node
	MsgsOut   float64   `json:"msgs_out_per_s"`
	MsgsIn    float64   `json:"msgs_in_per_s"`
	TickP99ms []float64 `json:"tick_p99_ms"` // per node, over the last 5 s
	RSS       []float64 `json:"rss_bytes"`   // per node
	EchoP50   float64   `json:"echo_p50_ms"`
	EchoP99   float64   `json:"echo_p99_ms"`
	// BurstConnected are the burst's bots connected (Config.Burst).
	BurstConnected int64 `json:"burst_connected,omitempty"`
}

func newReport(cfg *Config, c *cluster.Cluster) *Report {
	return &Report{Name: cfg.Name, Started: time.Now().UTC().Format(time.RFC3339), Dir: cfg.Dir, Nodes: len(c.Nodes),
		Mix: cfg.Mix, NodeArgs: cfg.NodeArgs, Ceiling: MessageCeiling,
		Failed: map[string]int{}, Unexpected: map[string]int{}, RetriedBy: map[string]int{}}
}

func (r *Report) addProc(p *proc) {
	<-p.done
	r.Procs++
	s := p.summary
	if s == nil {
		r.Failures = append(r.Failures, fmt.Sprintf("load process %s gave no summary: %v", p.name, p.err))
		return
	}
	r.Summaries = append(r.Summaries, s)
	r.Bots += s.Bots
	r.Welcomed += s.Welcomed
	r.Retries += s.Retries
	for k, v := range s.RetriedBy {
		r.RetriedBy[k] += v
	}
	for k, v := range s.Failed {
		r.Failed[k] += v
	}
	for k, v := range s.Ended {
		r.Unexpected[k] += v
	}
	if p.echo {
		r.EchoP50ms, r.EchoP99ms, r.EchoN = s.EchoP50ms, s.EchoP99ms, s.EchoSamples
	}
	if q := s.Probe; q != nil {
		r.Probe.Probes += q.Probes
		r.Probe.Checks += q.Checks
		r.Probe.Skipped += q.Skipped
		r.Probe.BadPos += q.BadPos
		r.Probe.LateOneTick += q.LateOneTick
		r.Probe.Late += q.Late
		r.Probe.WorstLag = max(r.Probe.WorstLag, q.WorstLag)
		r.Probe.DupEnters += q.DupEnters
		r.Probe.BadLeaves += q.BadLeaves
		r.Probe.Missing += q.Missing
		r.Probe.Stale += q.Stale
	}
}

// finish computes the window's figures and the verdicts.
func (r *Report) finish(cfg *Config, s *sampler, stopErr error) {
	a, b := s.winA, s.winB
	if a == nil {
		a = s.base
	}
	if b == nil {
		b = s.last
	}
	if len(a) > 0 && len(b) > 0 {
		r.Window = b[0].at.Sub(a[0].at).Seconds()
	}
	var idle float64 // the nodes' RSS before the load
	for i, n := range s.nodes {
		nr := NodeReport{ID: n.ID(), ConnsPeak: s.peak[i]}
		if r.Window > 0 && a[i].ok && b[i].ok {
			w := ticksBetween(&a[i], &b[i])
			nr.Ticks, nr.TickOver = w.n, w.over(TickBound)
			nr.TickP50ms, nr.TickP99ms = w.quantile(0.5)*1000, w.quantile(0.99)*1000
			if w.n > 0 {
				nr.TickMeanms = w.sum / w.n * 1000
			}
			d := func(name string) float64 { return (b[i].get(name) - a[i].get(name)) / r.Window }
			nr.TickBusy = w.sum / r.Window
			nr.CPU = d("process_cpu_seconds_total")
			nr.MsgsOutPerS = d("fair_gateway_messages_out_total")
			nr.BytesOutPerS = d("fair_gateway_bytes_out_total")
			r.MsgsOutPerSec += nr.MsgsOutPerS
			r.BytesOutPerSec += nr.BytesOutPerS
			r.MsgsInPerSec += d("fair_gateway_messages_in_total")
			r.BytesInPerSec += d("fair_gateway_bytes_in_total")
			r.NodesCPU += nr.CPU
			m := b // memory: read before the load processes close their bots
			if s.mem != nil && s.mem[i].ok {
				m = s.mem
			}
			nr.RSS = m[i].get("process_resident_memory_bytes")
			base := s.base[i].get("process_resident_memory_bytes")
			c := m[i].get("fair_gateway_connections")
			if c > 0 {
				nr.RSSPerConn = (nr.RSS - base) / c
			}
			r.NodesRSS += nr.RSS
			r.NodesConns += c
			idle += base
		}
		if s.last[i].ok {
			r.Refusals += s.last[i].get("fair_gateway_admission_refusals_total")
		}
		r.PerNode = append(r.PerNode, nr)
	}
	if r.NodesConns > 0 {
		r.RSSPerConnAll = r.NodesRSS / r.NodesConns
		r.RSSPerConnLoad = (r.NodesRSS - idle) / r.NodesConns
	}
	r.CeilingShare = (r.MsgsOutPerSec + r.MsgsInPerSec) / MessageCeiling
	if ra, rb := r.Redis.before, r.Redis.after; ra.ok && rb.ok {
		el := rb.at.Sub(ra.at).Seconds()
		r.Redis.CPU = (rb.cpu - ra.cpu) / el
		r.Redis.CommandsPer = (rb.cmds - ra.cmds) / el
	}

	// Correctness.
	if r.Welcomed != int64(r.Bots) || r.Bots != cfg.bots() {
		r.Failures = append(r.Failures, fmt.Sprintf("%d of %d bots welcomed (failed: %s)", r.Welcomed, cfg.bots(), countList(r.Failed)))
	}
	if cfg.Burst.N > 0 {
		r.burst(cfg)
	}
	if len(r.Unexpected) > 0 {
		r.Failures = append(r.Failures, "unexpected disconnects: "+countList(r.Unexpected))
	}
	if r.Probe.Probes > 0 && r.Probe.Checks == 0 {
		r.Failures = append(r.Failures, "the probes checked no position")
	}
	if n := r.Probe.Errors(); n > 0 {
		r.Failures = append(r.Failures, fmt.Sprintf("the probes found %d errors: %+v", n, r.Probe))
	}
	for i, n := range s.nodes {
		if !s.last[i].ok {
			r.Failures = append(r.Failures, fmt.Sprintf("node %s stopped answering /metrics", n.ID()))
		}
	}
	if stopErr != nil {
		r.Failures = append(r.Failures, "stopping the cluster: "+stopErr.Error())
	}
	// Targets.
	if t := cfg.Targets.MaxTickOverShare; t > 0 {
		for _, n := range r.PerNode {
			r.verdict("tick >25.6 ms share, node "+n.ID, n.TickOver, t)
		}
	}
	if t := cfg.Targets.MaxKiBPerConn; t > 0 {
		r.verdict("nodes' RSS per connection, KiB", r.RSSPerConnAll/1024, t)
	}
	if t := cfg.Targets.MaxEchoP99ms; t > 0 {
		r.verdict("echo p99 ms of the walking probes", r.EchoP99ms, t)
	}
	r.Pass = len(r.Failures) == 0
}

func (r *Report) verdict(name string, v, limit float64) {
	ok := v <= limit && !math.IsNaN(v)
	r.Verdicts = append(r.Verdicts, Verdict{Name: name, Value: v, Limit: limit, OK: ok})
	if !ok {
		r.Failures = append(r.Failures, fmt.Sprintf("target missed: %s = %.4g (limit %.4g)", name, v, limit))
	}
}

// WriteText prints the report for people.
func (r *Report) WriteText(w io.Writer) {
	verdict := "PASS"
	if !r.Pass {
		verdict = "FAIL"
	}
	fmt.Fprintf(w, "%s: %s — %d bots over %d nodes (%d load processes), window %.0f s\n", r.Name, verdict, r.Bots, r.Nodes, r.Procs, r.Window)
	fmt.Fprintf(w, "  welcomed %d/%d, %d refusals retried (%s), failed: %s, unexpected disconnects: %s\n",
		r.Welcomed, r.Bots, r.Retries, countList(r.RetriedBy), countList(r.Failed), countList(r.Unexpected))
	fmt.Fprintf(w, "  messages: %.0f/s out, %.0f/s in (%.0f%% of the ~%d/s ceiling); bytes %.1f MB/s out, %.2f MB/s in; nodes' CPU %.2f s/s; refusals %.0f\n",
		r.MsgsOutPerSec, r.MsgsInPerSec, r.CeilingShare*100, MessageCeiling, r.BytesOutPerSec/1e6, r.BytesInPerSec/1e6, r.NodesCPU, r.Refusals)
	for _, n := range r.PerNode {
		fmt.Fprintf(w, "  node %-3s peak %6.0f conns | ticks %6.0f, >25.6 ms %.2f%%, p50 %.1f ms p99 %.1f ms mean %.2f ms | CPU %.2f s/s (ticks %.2f s/s wall) | RSS %.0f MB, %.1f KiB/conn | out %.0f msg/s %.1f MB/s\n",
			n.ID, n.ConnsPeak, n.Ticks, n.TickOver*100, n.TickP50ms, n.TickP99ms, n.TickMeanms, n.CPU, n.TickBusy, n.RSS/1e6, n.RSSPerConn/1024, n.MsgsOutPerS, n.BytesOutPerS/1e6)
	}
	fmt.Fprintf(w, "  memory: nodes' RSS %.0f MB for %.0f connections: %.2f KiB per connection (%.2f above the idle nodes' %.0f MB), Redis apart\n",
		r.NodesRSS/1e6, r.NodesConns, r.RSSPerConnAll/1024, r.RSSPerConnLoad/1024, (r.NodesRSS-r.RSSPerConnLoad*r.NodesConns)/1e6)
	fmt.Fprintf(w, "  redis: RSS %.0f MB, %.3f CPU s/s, %.0f commands/s\n", r.Redis.RSS/1e6, r.Redis.CPU, r.Redis.CommandsPer)
	fmt.Fprintf(w, "  walking probes' echo: p50 %.1f ms, p99 %.1f ms (%d samples)\n", r.EchoP50ms, r.EchoP99ms, r.EchoN)
	p := r.Probe
	fmt.Fprintf(w, "  probes (%d): %d positions checked (%d skipped), %d one tick late (%.3f%%), %d later (%.3f%%, worst lag %d ticks), %d wrong; %d duplicate enters, %d spurious leaves, %d missing enters, %d missing leaves\n",
		p.Probes, p.Checks, p.Skipped, p.LateOneTick, 100*float64(p.LateOneTick)/max(1, float64(p.Checks)), p.Late, 100*float64(p.Late)/max(1, float64(p.Checks)), p.WorstLag, p.BadPos, p.DupEnters, p.BadLeaves, p.Missing, p.Stale)
	if b := r.Burst; b != nil {
		all := "never all"
		if b.AllWelcomedAt > 0 {
			all = fmt.Sprintf("all %.0f s after its start", b.AllWelcomedAt)
		}
		fmt.Fprintf(w, "  burst: %d visitors at %.0f s within %.0f s: %d welcomed (%s), %d refusals 4004 retried; worst node's tick p99 %.1f ms before, %.1f ms during (windows above 25.6 ms: %.0f%% before, %.0f%% during)\n",
			b.N, b.At, b.Within, b.Welcomed, all, b.Refused4004, b.TickP99Before, b.TickP99During, b.TickOverBefore*100, b.TickOverDuring*100)
	}
	for _, v := range r.Verdicts {
		ok := "ok"
		if !v.OK {
			ok = "MISSED"
		}
		fmt.Fprintf(w, "  target %s: %.4g (limit %.4g) %s\n", v.Name, v.Value, v.Limit, ok)
	}
	for _, f := range r.Failures {
		fmt.Fprintf(w, "  FAILURE: %s\n", f)
	}
}

func countList(m map[string]int) string {
	if len(m) == 0 {
		return "none"
	}
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(m)) {
		parts = append(parts, fmt.Sprintf("%s=%d", k, m[k]))
	}
	return strings.Join(parts, ", ")
}

// redisStats is what INFO says.
type redisStats struct {
	at             time.Time
	cmds, cpu, rss float64
	ok             bool
}

func redisInfo(ctx context.Context, r *cluster.Redis) redisStats {
	st := redisStats{at: time.Now()}
	if r == nil {
		return st
	}
	c := r.Client()
	defer c.Close()
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	info, err := loadtest.RedisInfo(ctx, c, "stats", "cpu", "memory")
	if err != nil {
		return st
	}
	st.cmds = info["total_commands_processed"]
	st.cpu = info["used_cpu_sys"] + info["used_cpu_user"]
	st.rss = info["used_memory_rss"]
	st.ok = true
	return st
}
