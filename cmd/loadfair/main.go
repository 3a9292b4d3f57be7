// Command loadfair proves a fair's capacity on this machine with one
// command (internal/loadfair): it starts a redis-server and the nodes, then
// load processes (cmd/bots) with the fair's mix of visitors spread over the
// nodes and over source addresses, shows a progress line a second, stops
// everything it started by PID, and writes report.json and PNG plots in
// -out. It exits 1 when the run failed (a bot not welcomed, an unexpected
// disconnect, a probe's finding, a target missed).
//
//	loadfair -preset quick                 # 3,000 bots over 3 nodes, under a minute of load (make loadtest-quick)
//	loadfair -preset 100k -out docs/load   # 100,000 connections held 5 minutes over 6 nodes (make loadtest-100k)
//	loadfair -preset monday                # 30,000 joins in 5 minutes, then a burst of 5,000 in 10 s (make loadtest-monday)
//	loadfair -nodes 2 -walk 200 -stand 800 -hold 1m
//
// Flags given after -preset override it. The nodes listen directly (no
// load balancer: a proxy would hold two sockets per visitor, 200,000 for
// 100,000 visitors, past the 20,000 open files a process may have here);
// the bots spread over them as a load balancer would.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/usine-extraordinaire/fairworld/internal/loadfair"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	pass, err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	if err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "loadfair:", err)
		}
		os.Exit(2)
	}
	if !pass {
		os.Exit(1)
	}
}

// presets are the named runs; flags override them.
func presets() map[string]loadfair.Config {
	return map[string]loadfair.Config{
		// CI's smoke test of the whole chain: correctness, not speed.
		"quick": {
			Name: "quick", Nodes: 3, Ramp: 300, Hold: 40 * time.Second, Retries: 4,
			Mix:      loadfair.Mix{Walk: 300, Stand: 1500, Group: 300, GroupSize: 30, Agora: 600, Idle: 280, Echo: 10, Probes: 10},
			NodeArgs: []string{"-join-rate", "400"},
			BotsArgs: []string{"-chat-every", "60s"}, // a quick phrase nearby a minute per visitor
		},
		// Monday morning: 30,000 joins in 5 minutes through the fair-wide
		// join rate (150 a second, 300 saved up, whatever the number of
		// nodes), then 5,000 more within 10 s: refused beyond the rate with
		// 4004 and retried with jitter.
		"monday": {
			Name: "monday", Nodes: 6, Ramp: 100, Hold: 60 * time.Second, Retries: 10,
			Mix:      loadfair.Mix{Walk: 2_960, Stand: 27_000, Echo: 20, Probes: 20},
			Burst:    loadfair.Burst{N: 5_000, At: 310 * time.Second, Within: 10 * time.Second},
			NodeArgs: []string{"-join-rate", "150", "-join-burst", "300"},
			BotsArgs: []string{"-chat-every", "60s"},
		},
		// 100,000 connections: 10 % walking (groups included), 2,000 at the
		// agora, the rest standing at hotspots and booths.
		"100k": {
			Name: "100k", Nodes: 6, Ramp: 450, Hold: 5 * time.Minute, Retries: 10,
			Mix:      loadfair.Mix{Walk: 6_980, Group: 3_000, GroupSize: 30, Agora: 2_000, Stand: 87_980, Echo: 20, Probes: 20},
			NodeArgs: []string{"-join-rate", "500"},
			Targets:  loadfair.Targets{MaxTickOverShare: 0.01, MaxEchoP99ms: 100},
			NodeEnv:  []string{"GOMEMLIMIT=3GiB"},
			BotsArgs: []string{"-chat-every", "60s"},
		},
		// Memory per connection: 100,000 idle visitors spread over the
		// zone (appearing all over it: SpreadSpawn), held 60 s after the
		// last join, the nodes' RSS over their connections at most 12 KiB
		// with GOMEMLIMIT on each node (about 10 KiB a connection plus
		// 20 MiB: docs/PERFORMANCE.md).
		"idle100k": {
			Name: "idle100k", Nodes: 6, Ramp: 400, Hold: 70 * time.Second, Retries: 10,
			Mix:         loadfair.Mix{Idle: 100_000},
			SpreadSpawn: true,
			NodeArgs:    []string{"-join-rate", "500"},
			NodeEnv:     []string{"GOMEMLIMIT=190MiB"},
			Targets:     loadfair.Targets{MaxKiBPerConn: 12},
		},
	}
}

// scaleMix multiplies every behaviour's count by f, groups in whole groups
// (at least one when there were some); probes and echo bots stay as they
// are (they measure, they are not the load).
func scaleMix(m loadfair.Mix, f float64) loadfair.Mix {
	n := func(v int) int { return int(float64(v)*f + 0.5) }
	size := m.GroupSize
	if size == 0 {
		size = 30
	}
	if m.Group > 0 {
		m.Group = max(1, n(m.Group/size)) * size
	}
	m.Walk, m.Stand, m.Agora, m.Idle = n(m.Walk), n(m.Stand), n(m.Agora), n(m.Idle)
	return m
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) (bool, error) {
	fs := flag.NewFlagSet("loadfair", flag.ContinueOnError)
	fs.SetOutput(stderr)
	preset := fs.String("preset", "", "a named run: quick, monday, 100k or idle100k (other flags override it)")
	// Parse -preset first, then the rest over it.
	for i, a := range args {
		if (a == "-preset" || a == "--preset") && i+1 < len(args) {
			*preset = args[i+1]
		} else if v, ok := strings.CutPrefix(strings.TrimLeft(a, "-"), "preset="); ok {
			*preset = v
		}
	}
	var cfg loadfair.Config
	if *preset != "" {
		p, ok := presets()[*preset]
		if !ok {
			return false, fmt.Errorf("no preset %q (quick, monday, 100k, idle100k)", *preset)
		}
		cfg = p
	}
	nodeArgs, botsArgs := strings.Join(cfg.NodeArgs, " "), strings.Join(cfg.BotsArgs, " ")
	out := fs.String("out", "", "directory for report.json and the plots; empty: the run's directory")
	fs.StringVar(&cfg.Name, "name", cfg.Name, "the run's name in the report")
	fs.StringVar(&cfg.Dir, "dir", "", "directory for logs and the cluster's files; empty: a new temporary one (kept)")
	fs.IntVar(&cfg.Nodes, "nodes", cfg.Nodes, "fairserver nodes (0: 3)")
	fs.IntVar(&cfg.Procs, "procs", cfg.Procs, "load processes besides the probes' (0: one per 14,000 bots)")
	fs.IntVar(&cfg.Mix.Walk, "walk", cfg.Mix.Walk, "walkers")
	fs.IntVar(&cfg.Mix.Stand, "stand", cfg.Mix.Stand, "visitors standing at hotspots and booths")
	fs.IntVar(&cfg.Mix.Group, "group", cfg.Mix.Group, "bots in groups behind a leader")
	fs.IntVar(&cfg.Mix.GroupSize, "group-size", cfg.Mix.GroupSize, "bots per group (0: 30)")
	fs.IntVar(&cfg.Mix.Agora, "agora", cfg.Mix.Agora, "the agora's crowd")
	fs.IntVar(&cfg.Mix.Idle, "idle", cfg.Mix.Idle, "idle tabs")
	fs.IntVar(&cfg.Mix.Echo, "echo", cfg.Mix.Echo, "walking probes measuring input-to-echo (in the probes' process)")
	fs.IntVar(&cfg.Mix.Probes, "probes", cfg.Mix.Probes, "probes checking positions, enters and leaves (in the probes' process)")
	fs.Float64Var(&cfg.Ramp, "ramp", cfg.Ramp, "new connections per second, all processes together (0: 200); keep under the fair's join rate")
	fs.DurationVar(&cfg.Hold, "hold", cfg.Hold, "how long the load is held after the ramp (0: 30s)")
	fs.IntVar(&cfg.Retries, "retries", cfg.Retries, "a bot's attempts after a 4004, 2-10 s apart (0: 2)")
	fs.StringVar(&nodeArgs, "node-args", nodeArgs, "fairserver flags for every node, separated by spaces")
	fs.IntVar(&cfg.Burst.N, "burst", cfg.Burst.N, "a burst of this many more visitors (Monday morning)")
	fs.DurationVar(&cfg.Burst.At, "burst-at", cfg.Burst.At, "when the burst starts, after the first bot")
	fs.DurationVar(&cfg.Burst.Within, "burst-within", cfg.Burst.Within, "the burst's visitors all try within this long (0: 10s)")
	fs.Float64Var(&cfg.Targets.MaxTickOverShare, "max-tick-over", cfg.Targets.MaxTickOverShare, "target: on every node at most this share of ticks above 25.6 ms (0: not judged)")
	fs.Float64Var(&cfg.Targets.MaxEchoP99ms, "max-echo-p99", cfg.Targets.MaxEchoP99ms, "target: the walking probes' echo p99 in ms (0: not judged)")
	fs.StringVar(&cfg.Fairserver, "fairserver", "", "the fairserver binary (empty: built)")
	fs.StringVar(&cfg.Bots, "bots", "", "the bots binary (empty: built)")
	scale := fs.Float64("scale", 0, "the mix (and burst) times this, probes and echo bots kept (e.g. -preset 100k -scale 0.1: the same fair with 10,000); 0: as given")
	verbose := fs.Bool("v", false, "the harness's own logs on stderr")
	fs.StringVar(&botsArgs, "bots-args", botsArgs, "more flags for every load process, separated by spaces (e.g. -v: the probes' findings in its log; the presets' -chat-every 60s)")
	if err := fs.Parse(args); err != nil {
		return false, err
	}
	if fs.NArg() > 0 {
		return false, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	if *scale < 0 {
		return false, fmt.Errorf("-scale %v: want a positive factor", *scale)
	}
	if *scale > 0 {
		cfg.Mix, cfg.Burst.N = scaleMix(cfg.Mix, *scale), int(float64(cfg.Burst.N)**scale+0.5)
		cfg.Name = fmt.Sprintf("%s×%g", cfg.Name, *scale)
	}
	cfg.NodeArgs = strings.Fields(nodeArgs)
	cfg.BotsArgs = strings.Fields(botsArgs)
	cfg.Live = stderr
	if *verbose {
		cfg.Logger = slog.New(slog.NewTextHandler(stderr, nil))
	}
	if cfg.Dir == "" {
		d, err := os.MkdirTemp("", "loadfair-"+cfg.Name+"-")
		if err != nil {
			return false, err
		}
		cfg.Dir = d
	}
	fmt.Fprintf(stderr, "loadfair: %s: %d bots (and a burst of %d) over %d nodes; logs in %s\n", cfg.Name, cfg.Mix.Total(), cfg.Burst.N, max(cfg.Nodes, 1), cfg.Dir)
	t0 := time.Now()
	rep, err := loadfair.Run(ctx, cfg)
	if err != nil {
		return false, err
	}
	if *out == "" {
		*out = cfg.Dir
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return false, err
	}
	b, _ := json.MarshalIndent(rep, "", "  ")
	path := filepath.Join(*out, "report.json")
	if err := os.WriteFile(path, append(b, '\n'), 0o644); err != nil {
		return false, err
	}
	plots, err := rep.WritePlots(*out)
	if err != nil {
		fmt.Fprintln(stderr, "loadfair: plots:", err)
	}
	rep.WriteText(stdout)
	fmt.Fprintf(stdout, "  report %s, plots %s; %v in all\n", path, strings.Join(plots, " "), time.Since(t0).Round(time.Second))
	return rep.Pass, nil
}
