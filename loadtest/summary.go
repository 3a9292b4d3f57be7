package loadtest

import (
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/usine-extraordinaire/fairworld/protocol"
)

// Summary is the outcome of a run. Rates are measured over the steady window
// (from the end of the ramp to the end of the run), or over the whole run
// when the ramp took it all; "per client" divides by the connected
// client-seconds of that window, so bots that dropped count for the time
// they were there.
type Summary struct {
	URL       string         `json:"url"`
	Bots      int            `json:"bots"`  // every kind
	Kinds     map[string]int `json:"kinds"` // bots by behaviour (walk, echo, pair, stand, group, agora, idle, probe)
	AgoraNote string         `json:"agora_note,omitempty"`
	Probe     *ProbeSummary  `json:"probe,omitempty"`
	Echo      int            `json:"echo_bots"`
	Pairs     int            `json:"pairs,omitempty"`
	Density   int            `json:"density,omitempty"`
	Plan      string         `json:"plan,omitempty"`
	Elapsed   float64        `json:"elapsed_s"`
	Window    float64        `json:"window_s"` // the steady window the rates are measured over
	Attempts  int64          `json:"attempts"`
	Welcomed  int64          `json:"welcomed"` // connections that got a WELCOME
	Connected int64          `json:"connected_peak"`
	ConnAtEnd int64          `json:"connected_at_end"`
	Retries   int64          `json:"retries"` // attempts retried after a refusal (4004, 4003, 4014)
	RetriedBy map[string]int `json:"retried_by"`
	Failed    map[string]int `json:"failed"` // attempts that never got a WELCOME, by reason
	Ended     map[string]int `json:"ended"`  // connections ended by the server or the network, by reason

	MsgsPerClientSec    float64 `json:"msgs_per_client_s"`
	BytesPerClientSec   float64 `json:"bytes_per_client_s"`
	UpdatesPerClientSec float64 `json:"updates_per_client_s"`
	SentPerClientSec    float64 `json:"sent_per_client_s"`
	VisibleMean         float64 `json:"visible_mean"` // avatars in view per connected client
	CrowdMean           float64 `json:"crowd_mean"`   // avatars summarised as crowd per client
	MovesPerSec         float64 `json:"moves_per_s"`  // avatar move records received, all clients
	MovesPerClientSec   float64 `json:"moves_per_client_s"`
	EntersPerClientSec  float64 `json:"enters_per_client_s"`

	EchoSamples uint64  `json:"echo_samples"`
	EchoP50ms   float64 `json:"echo_p50_ms"`
	EchoP99ms   float64 `json:"echo_p99_ms"`
	EchoMaxms   float64 `json:"echo_max_ms"`

	// Pairs (Config.Pairs): from a walker's MOVE to the first UPDATE of its
	// watcher (on the next URL) showing it elsewhere.
	PairSamples  uint64  `json:"pair_samples,omitempty"`
	PairP50ms    float64 `json:"pair_p50_ms,omitempty"`
	PairP99ms    float64 `json:"pair_p99_ms,omitempty"`
	PairMaxms    float64 `json:"pair_max_ms,omitempty"`
	PairTimeouts uint64  `json:"pair_timeouts,omitempty"` // MOVEs not seen within a second
	PairSkipped  uint64  `json:"pair_skipped,omitempty"`  // cycles with the walker out of the watcher's view

	Events        map[string]uint64 `json:"events"`              // events received by kind, and ERROR events by code
	ChatSaid      uint64            `json:"chat_said,omitempty"` // quick phrases said nearby (Config.ChatEvery), the whole run
	EventsDropped uint64            `json:"events_dropped"`

	// From the server's /metrics (Config.ServerMetrics), over the same window.
	ServerCPU         float64 `json:"server_cpu_s_per_s,omitempty"`        // server CPU seconds per second
	MovesPerServerCPU float64 `json:"moves_per_server_cpu_s,omitempty"`    // avatar updates received per server CPU second
	ServerRSS         float64 `json:"server_rss_bytes,omitempty"`          // at the end of the window
	ServerRSSPerConn  float64 `json:"server_rss_per_conn_bytes,omitempty"` // (RSS at the end - RSS before the first connection) / connections
	ServerNote        string  `json:"server,omitempty"`
	Nodes             int     `json:"nodes,omitempty"` // servers whose metrics were read

	// With several nodes: the cell feed's messages per node and tick (all
	// nodes' counters summed, divided by the nodes and the ticks).
	FeedPublishedPerNodeTick float64 `json:"feed_published_per_node_tick,omitempty"`
	FeedReceivedPerNodeTick  float64 `json:"feed_received_per_node_tick,omitempty"`

	// From Redis's INFO (Config.Redis), over the same window.
	RedisCPU            float64 `json:"redis_cpu_s_per_s,omitempty"`
	RedisCommandsPerSec float64 `json:"redis_commands_per_s,omitempty"`
	RedisInBytesPerSec  float64 `json:"redis_in_bytes_per_s,omitempty"`
	RedisOutBytesPerSec float64 `json:"redis_out_bytes_per_s,omitempty"`
	// ClusterCPU is the nodes' CPU and Redis's; MovesPerClusterCPU the
	// avatar updates received per CPU second of the whole cluster.
	ClusterCPU         float64 `json:"cluster_cpu_s_per_s,omitempty"`
	MovesPerClusterCPU float64 `json:"moves_per_cluster_cpu_s,omitempty"`
}

// rates fills the rate fields from two samples.
func (s *Summary) rates(a, b *sample, clientSeconds, visibleMean, crowdMean float64) {
	s.Window = b.at.Sub(a.at).Seconds()
	if clientSeconds > 0 {
		s.MsgsPerClientSec = float64(b.msgs-a.msgs) / clientSeconds
		s.BytesPerClientSec = float64(b.bytes-a.bytes) / clientSeconds
		s.UpdatesPerClientSec = float64(b.updates-a.updates) / clientSeconds
		s.SentPerClientSec = float64(b.sent-a.sent) / clientSeconds
		s.MovesPerClientSec = float64(b.moves-a.moves) / clientSeconds
		s.EntersPerClientSec = float64(b.enters-a.enters) / clientSeconds
	}
	if s.Window > 0 {
		s.MovesPerSec = float64(b.moves-a.moves) / s.Window
	}
	s.VisibleMean, s.CrowdMean = visibleMean, crowdMean
	lat := b.latency.Sub(&a.latency)
	if lat.N == 0 { // no echo in the window (e.g. idle): report the whole run's
		lat = b.latency
	}
	s.EchoSamples = lat.N
	s.EchoP50ms = ms(lat.Quantile(0.50))
	s.EchoP99ms = ms(lat.Quantile(0.99))
	s.EchoMaxms = ms(lat.Quantile(1))
	s.EventsDropped = b.eventsDropped
	pl := b.pairLatency.Sub(&a.pairLatency)
	if pl.N == 0 {
		pl = b.pairLatency
	}
	s.PairSamples = pl.N
	s.PairP50ms, s.PairP99ms, s.PairMaxms = ms(pl.Quantile(0.50)), ms(pl.Quantile(0.99)), ms(pl.Quantile(1))
}

func (s *Summary) events(c *collector) {
	s.Events = make(map[string]uint64)
	s.ChatSaid = c.chatSaid.Load()
	names := map[protocol.EventKind]string{
		protocol.EventHotspotContent: "hotspot_content", protocol.EventHotspotDiscovered: "hotspot_discovered",
		protocol.EventHotspotViewers: "hotspot_viewers", protocol.EventError: "error", protocol.EventPath: "path",
		protocol.EventProgress: "progress", protocol.EventBadge: "badge", protocol.EventBadgeNotice: "badge_notice",
		protocol.EventChat: "chat", protocol.EventChatState: "chat_state", protocol.EventChatBlocked: "chat_blocked",
	}
	for k := range c.events {
		if n := c.events[k].Load(); n > 0 {
			name, ok := names[protocol.EventKind(k)]
			if !ok {
				name = fmt.Sprintf("kind_%d", k)
			}
			s.Events[name] = n
		}
	}
	for k := range c.errCodes {
		if n := c.errCodes[k].Load(); n > 0 {
			s.Events["error_"+protocol.ErrorCode(k).String()] = n
		}
	}
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// WriteText prints the summary for people.
func (s *Summary) WriteText(w io.Writer) {
	fmt.Fprintf(w, "summary: %s, %d bots (%s) over %.0fs, rates over the last %.0fs\n", s.URL, s.Bots, countList(s.Kinds), s.Elapsed, s.Window)
	if s.Plan != "" {
		fmt.Fprintf(w, "  density %d: %s\n", s.Density, s.Plan)
	}
	fmt.Fprintf(w, "  connections: %d attempts, %d welcomed, %d at once at most, %d at end, %d retried (%s)\n",
		s.Attempts, s.Welcomed, s.Connected, s.ConnAtEnd, s.Retries, countList(s.RetriedBy))
	fmt.Fprintf(w, "  failed: %s\n  ended by server/network: %s\n", countList(s.Failed), countList(s.Ended))
	fmt.Fprintf(w, "  received per client: %.1f msg/s, %.0f B/s, %.1f updates/s; sent %.2f msg/s\n",
		s.MsgsPerClientSec, s.BytesPerClientSec, s.UpdatesPerClientSec, s.SentPerClientSec)
	fmt.Fprintf(w, "  visible avatars: %.1f mean (+%.1f as crowd); moves %.0f/s in total, %.1f/s per client; enters %.2f/s per client\n",
		s.VisibleMean, s.CrowdMean, s.MovesPerSec, s.MovesPerClientSec, s.EntersPerClientSec)
	fmt.Fprintf(w, "  input-to-echo: p50 %.1f ms, p99 %.1f ms, max %.1f ms (%d samples)\n", s.EchoP50ms, s.EchoP99ms, s.EchoMaxms, s.EchoSamples)
	if s.Pairs > 0 {
		fmt.Fprintf(w, "  pairs (a walker's MOVE seen by its watcher): p50 %.1f ms, p99 %.1f ms, max %.1f ms (%d samples, %d timeouts, %d skipped)\n",
			s.PairP50ms, s.PairP99ms, s.PairMaxms, s.PairSamples, s.PairTimeouts, s.PairSkipped)
	}
	if p := s.Probe; p != nil {
		fmt.Fprintf(w, "  probes (%d): %d positions checked (%d skipped), %d one tick late, %d later (worst lag %d ticks), %d wrong; %d duplicate enters, %d spurious leaves, %d missing enters, %d missing leaves\n",
			p.Probes, p.Checks, p.Skipped, p.LateOneTick, p.Late, p.WorstLag, p.BadPos, p.DupEnters, p.BadLeaves, p.Missing, p.Stale)
	}
	ev := make(map[string]int, len(s.Events))
	for k, v := range s.Events {
		ev[k] = int(v)
	}
	fmt.Fprintf(w, "  events: %s; %d dropped\n", countList(ev), s.EventsDropped)
	if s.ChatSaid > 0 {
		fmt.Fprintf(w, "  chat: %d quick phrases said nearby, %d chat messages received\n", s.ChatSaid, s.Events["chat"])
	}
	if s.ServerNote != "" {
		fmt.Fprintf(w, "  %s: %.0f moves received per server CPU second; %.1f KiB RSS per connection\n",
			s.ServerNote, s.MovesPerServerCPU, s.ServerRSSPerConn/1024)
	}
	if s.FeedPublishedPerNodeTick > 0 || s.FeedReceivedPerNodeTick > 0 {
		fmt.Fprintf(w, "  cell feed: %.1f messages published and %.1f received per node and tick\n", s.FeedPublishedPerNodeTick, s.FeedReceivedPerNodeTick)
	}
	if s.RedisCommandsPerSec > 0 {
		fmt.Fprintf(w, "  redis: %.0f commands/s, %.0f kB/s in, %.0f kB/s out, %.3f CPU s/s; cluster (nodes + redis) %.2f CPU s/s: %.0f moves received per cluster CPU second\n",
			s.RedisCommandsPerSec, s.RedisInBytesPerSec/1000, s.RedisOutBytesPerSec/1000, s.RedisCPU, s.ClusterCPU, s.MovesPerClusterCPU)
	}
}

func countList(m map[string]int) string {
	if len(m) == 0 {
		return "none"
	}
	var b strings.Builder
	for i, k := range slices.Sorted(maps.Keys(m)) {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%s=%d", k, m[k])
	}
	return b.String()
}

// liveLine formats one second's line from the previous and current samples.
func liveLine(elapsed time.Duration, bots int, c *collector, a, b *sample) string {
	dt := b.at.Sub(a.at).Seconds()
	cs := float64(a.connected+b.connected) / 2 * dt // client-seconds in the interval
	per := func(x, y uint64) float64 {
		if cs <= 0 {
			return 0
		}
		return float64(y-x) / cs
	}
	vis := 0.0
	if b.connected > 0 {
		vis = float64(b.visible) / float64(b.connected)
	}
	lat := b.latency.Sub(&a.latency)
	c.mu.Lock()
	failed, ended := sum(c.failed), sum(c.ended)
	c.mu.Unlock()
	moves := 0.0
	if dt > 0 {
		moves = float64(b.moves-a.moves) / dt
	}
	return fmt.Sprintf("%5.0fs conn %d/%d fail %d drop %d | per client %.1f msg/s %.1f kB/s | vis %.1f | moves %.0f/s (%.1f/cl) | echo p50 %.1fms p99 %.1fms n=%d",
		elapsed.Seconds(), b.connected, bots, failed, ended, per(a.msgs, b.msgs), per(a.bytes, b.bytes)/1000, vis,
		moves, per(a.moves, b.moves), ms(lat.Quantile(0.5)), ms(lat.Quantile(0.99)), lat.N)
}

func sum(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}
