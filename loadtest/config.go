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

	Live   io.Writer    // receives one line per second; nil for none
	Logger *slog.Logger // nil discards

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
	if o.N < 0 || o.Echo < 0 || o.Pairs < 0 || o.N+o.Echo+o.Pairs == 0 {
		return o, fmt.Errorf("loadtest: want at least one bot (n=%d, echo=%d, pairs=%d)", o.N, o.Echo, o.Pairs)
	}
	if o.Ramp < 0 || o.Density < 0 || o.ViewRadius < 0 || o.Duration < 0 || o.Warmup < 0 {
		return o, fmt.Errorf("loadtest: negative ramp, density, view radius, duration or warmup")
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
