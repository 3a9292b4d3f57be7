package loadtest

import (
	"fmt"
	"io"
	"log/slog"
	"net"
	"strings"
	"time"
)

// Config configures Run. Zero values are documented per field.
type Config struct {
	// URL is the game endpoint, ws://host:port/ws, or several separated by
	// commas (the nodes of one fair): bot i connects to the (i mod n)-th,
	// as a load balancer would spread them.
	URL  string
	N    int // bots that walk (or stay idle with Idle)
	Echo int // extra bots that send an intent about 4 times a second to measure latency
	// Pairs are extra pairs of bots measuring the echo of one bot's intent
	// on another (see pair): walker on one URL, watcher on the next: across
	// nodes with several URLs, on one node with one.
	Pairs int

	// The rest of a fair's mix (mix.go), after the walkers, echo bots and
	// pairs; zero means none of that kind.
	Stand int // visitors standing at hotspots and booths, opening contents now and then
	// Group bots walk in groups of GroupSize (zero means 30), each behind
	// its first member, who walks like a roaming walker (a class behind its
	// teacher).
	Group, GroupSize int
	Agora            int // a crowd standing in the zone's agora (or, without one, its largest area)
	IdleTabs         int // connected, doing nothing (a tab left open)
	// Probes check what they receive against what the walkers near them
	// did (probe.go); each stays near one walker (or echo bot).
	Probes int
	// NearRadius and FarEvery are the server's message budget as the
	// probes allow for it: avatars within NearRadius of a viewer are sent
	// every tick, those beyond at least every FarEvery ticks. Zero means
	// 20 m and 4.
	NearRadius float64
	FarEvery   int
	// Retries is how many times a refused bot tries again, as the
	// protocol says (4004 after 2-10 s, 4003 after 10-30 s, 4014 after
	// 5-15 s); zero means 2, negative never.
	Retries int

	Ramp     float64       // new connections per second; zero means 100. Keep under the server's admission rate.
	Duration time.Duration // the whole run, ramp included; zero means 60 s
	// Warmup delays the summary's measurement window: it starts at the end
	// of the ramp or Warmup after the start, whichever is later. With
	// Density, bots first walk from the spawn to their boxes (about a
	// minute on the default map): a Warmup of 60-90 s leaves that out.
	Warmup time.Duration

	// Density, when positive, places bots in groups so that each sees about
	// Density others (see Plan); zero lets them roam the whole zone.
	Density    int
	ViewRadius float64 // the server's view radius in metres; zero means 40

	Idle bool // bots connect and do nothing (server memory per idle connection)

	// ChatEvery, when positive, makes every bot of the mix that moves or
	// stands (walkers, standing visitors, groups, the agora; not idle tabs,
	// echo bots or probes) say a quick phrase nearby (CHAT_QUICK, channel
	// 1) about that often: each wait is uniform in [½, 1½] × ChatEvery.
	// Zero means the bots never chat.
	ChatEvery time.Duration

	// LocalAddrs are source IPs to spread connections over (loopback has
	// ~28k ephemeral ports per source/destination pair). Empty means the
	// system's choice.
	LocalAddrs []string
	// ServerMetrics is the server's /metrics URL (its admin address), or
	// several separated by commas (every node of a fair: their figures are
	// summed). When set, the summary relates the moves received to the
	// servers' CPU seconds, reports their memory per connection and, with
	// several nodes, the cell feed's messages per node and tick. Empty: not
	// read.
	ServerMetrics string
	// Redis is the fair's Redis (a URL as fairserver's -redis takes for
	// one server: redis://host:port, unix:///path.sock). When set, the
	// summary reports its commands, bytes and CPU per second from INFO,
	// and the CPU of the whole cluster (nodes and Redis) per avatar update.
	// Empty: not read.
	Redis  string
	Prefix string // pseudonym prefix, letters or digits; zero means "bot". One per process.
	Seed   uint64 // random seed; zero means a random one

	DialTimeout time.Duration // per connection attempt; zero means 15 s
	MaxDialing  int           // handshakes in flight at once; zero means 256

	Live io.Writer // receives one line per second; nil for none
	// LiveJSON receives a LiveSample per second, one JSON object a line;
	// nil for none.
	LiveJSON io.Writer
	Logger   *slog.Logger // nil discards

	urls, serverMetrics []string // URL and ServerMetrics split
}

func (c *Config) withDefaults() (Config, error) {
	o := *c
	o.urls = splitList(o.URL)
	if len(o.urls) == 0 {
		return o, fmt.Errorf("loadtest: no URL")
	}
	for _, u := range o.urls {
		if _, err := ZoneURL(u); err != nil {
			return o, err
		}
	}
	o.serverMetrics = splitList(o.ServerMetrics)
	total := 0
	for k, n := range o.counts() {
		if n < 0 {
			return o, fmt.Errorf("loadtest: %d %s bots", n, kind(k))
		}
		total += n
	}
	if total == 0 {
		return o, fmt.Errorf("loadtest: want at least one bot")
	}
	if o.GroupSize < 0 || o.NearRadius < 0 || o.FarEvery < 0 {
		return o, fmt.Errorf("loadtest: negative group size, near radius or far-every")
	}
	if o.GroupSize == 0 {
		o.GroupSize = 30
	}
	if o.NearRadius == 0 {
		o.NearRadius = 20
	}
	if o.FarEvery == 0 {
		o.FarEvery = 4
	}
	switch {
	case o.Retries == 0:
		o.Retries = 2
	case o.Retries < 0:
		o.Retries = 0
	}
	if o.Ramp < 0 || o.Density < 0 || o.ViewRadius < 0 || o.Duration < 0 || o.Warmup < 0 || o.ChatEvery < 0 {
		return o, fmt.Errorf("loadtest: negative ramp, density, view radius, duration, warmup or chat interval")
	}
	if o.Ramp == 0 {
		o.Ramp = 100
	}
	if o.Duration == 0 {
		o.Duration = time.Minute
	}
	if o.ViewRadius == 0 {
		o.ViewRadius = 40
	}
	if o.Prefix == "" {
		o.Prefix = "bot"
	}
	if err := CheckPrefix(o.Prefix); err != nil {
		return o, err
	}
	for _, a := range o.LocalAddrs {
		if net.ParseIP(a) == nil {
			return o, fmt.Errorf("loadtest: bad local address %q", a)
		}
	}
	if o.DialTimeout == 0 {
		o.DialTimeout = 15 * time.Second
	}
	if o.MaxDialing == 0 {
		o.MaxDialing = 256
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Live == nil {
		o.Live = io.Discard
	}
	return o, nil
}

// splitList splits a comma-separated list, dropping empty items.
func splitList(s string) []string {
	var out []string
	for _, x := range strings.Split(s, ",") {
		if x = strings.TrimSpace(x); x != "" {
			out = append(out, x)
		}
	}
	return out
}
