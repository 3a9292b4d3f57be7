// Command bots runs from one to a few thousand simulated visitors against a
// world server and reports what they receive, once a second and at the end.
//
//	bots -url ws://127.0.0.1:8080/ws -n 2000 -ramp 150 -duration 3m -warmup 90s -density 20 -echo 5
//
// Live lines go to stderr, one a second: connections up/asked, failed
// attempts, connections the server ended; messages and kB received per
// client per second; avatars in view per client; avatar moves received per
// second (all, and per client); input-to-echo latency p50/p99 over that
// second and its sample count. The summary goes to stdout (-json for
// scripts); its rates leave out the ramp and -warmup. One
// process holds up to about 15,000 bots (the open-file limit is 20,000 per
// process); beyond that, or for more than ~28,000 connections to one
// address, start several processes, each with its own -prefix and, on
// loopback, its own -local-addrs (127.0.0.2, 127.0.0.3, ...).
//
// The fair's mix: -n walkers, -stand visitors at hotspots and booths,
// -group bots in groups of -group-size behind a leader, -agora a crowd at
// the agora, -idle-tabs tabs left open, and -probes bots that check what
// they receive against the walkers near them (see loadtest/probe.go):
//
//	bots -url ws://127.0.0.1:8080/ws -n 100 -stand 600 -group 120 -agora 200 -idle-tabs 50 -probes 5
//
// For latency figures not inflated by the bots' own CPU use, run a second,
// small process with only echo bots: bots -n 0 -echo 5 -prefix echo.
//
// Several nodes: -url takes every node's endpoint, comma-separated (bots
// spread over them in turn, as a load balancer would), -server-metrics
// every node's /metrics, -redis the fair's Redis; -pairs N adds pairs of
// bots timing a walker's MOVE as its watcher on the next node sees it:
//
//	bots -url ws://127.0.0.1:8081/ws,ws://127.0.0.1:8082/ws -n 0 -pairs 20 -prefix pair
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
	"strings"
	"syscall"

	"github.com/usine-extraordinaire/fairworld/loadtest"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "bots:", err)
		}
		os.Exit(2)
	}
}

// run parses the flags, runs the bots and prints the summary.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("bots", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var (
		cfg      loadtest.Config
		addrs    string
		asJSON   bool
		quiet    bool
		verbose  bool
		liveJSON bool
	)
	fs.StringVar(&cfg.URL, "url", "ws://127.0.0.1:8080/ws", "the server's game endpoint, or several comma-separated (the nodes of a fair: bots spread over them in turn)")
	fs.IntVar(&cfg.N, "n", 100, "bots that walk (or stay idle with -idle)")
	fs.IntVar(&cfg.Echo, "echo", 0, "extra bots measuring input-to-echo latency with an intent every ~250 ms")
	fs.IntVar(&cfg.Pairs, "pairs", 0, "extra pairs of bots measuring a walker's MOVE seen by a watcher on the next -url (across nodes with several)")
	fs.IntVar(&cfg.Stand, "stand", 0, "extra bots standing at hotspots and booths, opening contents now and then")
	fs.IntVar(&cfg.Group, "group", 0, "extra bots walking in groups of -group-size behind a leader (a class)")
	fs.IntVar(&cfg.GroupSize, "group-size", 30, "bots per group, leader included")
	fs.IntVar(&cfg.Agora, "agora", 0, "extra bots standing in the agora's crowd")
	fs.IntVar(&cfg.IdleTabs, "idle-tabs", 0, "extra bots connected and doing nothing (tabs left open)")
	fs.DurationVar(&cfg.ChatEvery, "chat-every", 0, "every bot that moves or stands says a quick phrase nearby about this often (0: never)")
	fs.IntVar(&cfg.Probes, "probes", 0, "extra bots checking what they receive against the walkers of this process near them (positions, enters and leaves)")
	fs.Float64Var(&cfg.NearRadius, "near", 20, "for -probes: avatars within this many metres are sent every tick")
	fs.IntVar(&cfg.FarEvery, "far-every", 4, "for -probes: avatars beyond -near are sent at least every this many ticks")
	fs.IntVar(&cfg.Retries, "retries", 2, "attempts again after a refusal, as the protocol says (4004: 2-10 s, 4003: 10-30 s, 4014: 5-15 s); negative: none")
	fs.BoolVar(&liveJSON, "live-json", false, "the live lines on stderr as JSON objects (loadtest.LiveSample), for an orchestrator")
	fs.StringVar(&cfg.Redis, "redis", "", "the fair's Redis (redis://host:port or unix:///path.sock): adds its commands, bytes and CPU, and the whole cluster's CPU, to the summary")
	fs.Float64Var(&cfg.Ramp, "ramp", 100, "new connections per second (keep under the server's admission rate)")
	fs.DurationVar(&cfg.Duration, "duration", 60e9, "the whole run, ramp included")
	fs.StringVar(&cfg.ServerMetrics, "server-metrics", "", "the server's /metrics URL (admin address, e.g. http://127.0.0.1:9090/metrics), or every node's comma-separated: adds their CPU and memory (and the cell feed's messages) to the summary")
	fs.DurationVar(&cfg.Warmup, "warmup", 0, "leave the first part of the run out of the summary's rates (with -density, ~90s: the walk to the boxes)")
	fs.IntVar(&cfg.Density, "density", 0, "place bots in groups so that each sees about this many others (0: roam)")
	fs.Float64Var(&cfg.ViewRadius, "view-radius", 40, "the server's view radius in metres (for -density)")
	fs.BoolVar(&cfg.Idle, "idle", false, "connect and do nothing (server memory per idle connection)")
	fs.StringVar(&addrs, "local-addrs", "", "comma-separated source IPs to spread connections over, e.g. 127.0.0.2,127.0.0.3")
	fs.StringVar(&cfg.Prefix, "prefix", "bot", "pseudonym prefix (letters/digits; one per process)")
	fs.Uint64Var(&cfg.Seed, "seed", 0, "random seed (0: random)")
	fs.DurationVar(&cfg.DialTimeout, "dial-timeout", 15e9, "timeout of one connection attempt")
	fs.BoolVar(&asJSON, "json", false, "print the summary as JSON")
	fs.BoolVar(&quiet, "q", false, "no live line")
	fs.BoolVar(&verbose, "v", false, "debug logs (every failed connection)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	if addrs != "" {
		cfg.LocalAddrs = strings.Split(addrs, ",")
	}
	level := slog.LevelInfo
	if verbose {
		level = slog.LevelDebug
	}
	cfg.Logger = slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))
	switch {
	case liveJSON:
		cfg.LiveJSON = stderr
	case !quiet:
		cfg.Live = stderr
	}
	bots := cfg.N + cfg.Echo + 2*cfg.Pairs + cfg.Stand + cfg.Group + cfg.Agora + cfg.IdleTabs + cfg.Probes
	if limit, ok := openFileLimit(); ok && uint64(bots)+64 > limit {
		cfg.Logger.Warn("more bots than open files allowed: expect too_many_files failures", "bots", bots, "limit", limit)
	}

	sum, err := loadtest.Run(ctx, cfg)
	if err != nil {
		return err
	}
	if asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(sum)
	}
	sum.WriteText(stdout)
	return nil
}
