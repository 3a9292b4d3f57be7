package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/netip"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/usine-extraordinaire/fairworld/server"
	"github.com/usine-extraordinaire/fairworld/web"
	"github.com/usine-extraordinaire/fairworld/world/zone"
)

// run parses flags, loads the zone and serves until ctx ends.
func run(ctx context.Context, args []string, getenv func(string) string, stderr io.Writer) error {
	fl := flag.NewFlagSet("fairserver", flag.ContinueOnError)
	fl.SetOutput(stderr)
	var (
		addr       = fl.String("addr", ":8080", "public address: the page, /api/zone, /media/ and /ws")
		adminAddr  = fl.String("admin-addr", "127.0.0.1:9090", "admin address: /metrics, /healthz, /readyz (empty: served on the public address)")
		zonePath   = fl.String("zone", "", "Tiled map (.tmx) of the zone; empty: the embedded default fair")
		tickRate   = fl.Int("tick-rate", 20, "world ticks per second")
		maxSpeed   = fl.Float64("max-speed", 5, "avatar speed limit, m/s")
		cellSize   = fl.Float64("cell-size", 16, "spatial cell size, m")
		viewRadius = fl.Float64("view-radius", 40, "area-of-interest radius, m")
		budget     = fl.Int("budget", 64, "avatars sent one by one to each client (nearest first); the rest as a count")
		maxConns   = fl.Int("max-conns", 0, "admission limit; 0 derives it from the open-file limit")
		joinRate   = fl.Float64("join-rate", 200, "new connections admitted per second, all clients together")
		joinBurst  = fl.Int("join-burst", 0, "burst above -join-rate; 0 means 2 s worth")
		resume     = fl.Duration("resume-window", 60*time.Second, "how long a dropped session can be resumed")
		writeTO    = fl.Duration("write-timeout", 5*time.Second, "close a client whose socket accepts nothing for this long")
		origins    = fl.String("origins", "", "comma-separated extra allowed Origin host patterns (e.g. fair.example.org,*.example.org); the page's own host is always allowed")
		proxies    = fl.String("trusted-proxies", "", "comma-separated CIDRs of reverse proxies whose X-Forwarded-Host is believed for the Origin check (e.g. 127.0.0.1/32)")
		inputRate  = fl.Float64("input-rate", 40, "messages per second accepted from one client")
		logLevel   = fl.String("log-level", "info", "debug, info, warn or error")
		logFormat  = fl.String("log-format", "json", "json or text")
		build      = fl.String("build", "", "build id sent to clients; empty: the page's build id")
		testRoles  = fl.Bool("test-roles", false, "TESTS ONLY: pseudonyms prefixed pro: or prof: join as professionals or teachers; refused unless -addr is a loopback address, never read from the environment")
	)
	fl.VisitAll(func(f *flag.Flag) {
		if f.Name == "test-roles" {
			return // a forgotten variable must never turn it on
		}
		env := "FAIR_" + strings.ToUpper(strings.ReplaceAll(f.Name, "-", "_"))
		if v := getenv(env); v != "" {
			_ = f.Value.Set(v) // validated again below through Parse of the command line
			f.DefValue = v
		}
	})
	if err := fl.Parse(args); err != nil {
		return err
	}

	if *testRoles && !loopback(*addr) {
		return fmt.Errorf("-test-roles is for tests only and needs a loopback -addr (such as 127.0.0.1:0), not %q", *addr)
	}

	var level slog.Level
	if err := level.UnmarshalText([]byte(*logLevel)); err != nil {
		return fmt.Errorf("bad -log-level: %w", err)
	}
	var h slog.Handler = slog.NewJSONHandler(stderr, &slog.HandlerOptions{Level: level})
	if *logFormat == "text" {
		h = slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level})
	}
	log := slog.New(h)

	var z *zone.Zone
	var err error
	if *zonePath == "" {
		z, err = zone.Default()
	} else {
		z, err = zone.LoadFile(*zonePath)
	}
	if err != nil {
		return fmt.Errorf("loading the zone: %w", err)
	}

	page := web.FS()
	if *build == "" {
		if b, err := fs.ReadFile(page, "build.txt"); err == nil {
			*build = strings.TrimSpace(string(b))
		}
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))

	cfg := server.Config{
		Zone:     z,
		Media:    z.Media(),
		Page:     page,
		Build:    *build,
		MaxConns: *maxConns, JoinRate: *joinRate, JoinBurst: *joinBurst,
		ResumeWindow: *resume, WriteTimeout: *writeTO, InputRate: *inputRate,
		Logger: log, Registerer: reg, Gatherer: reg,
		TestRoles: *testRoles,
	}
	cfg.World.TickRate = *tickRate
	cfg.World.MaxSpeed = *maxSpeed
	cfg.World.CellSize = *cellSize
	cfg.World.ViewRadius = *viewRadius
	cfg.World.Budget = *budget
	for _, o := range strings.Split(*origins, ",") {
		if o = strings.TrimSpace(o); o != "" {
			cfg.AllowedOrigins = append(cfg.AllowedOrigins, o)
		}
	}
	for _, p := range strings.Split(*proxies, ",") {
		if p = strings.TrimSpace(p); p == "" {
			continue
		}
		pfx, err := netip.ParsePrefix(p)
		if err != nil {
			return fmt.Errorf("bad -trusted-proxies: %w", err)
		}
		cfg.TrustedProxies = append(cfg.TrustedProxies, pfx)
	}
	srv, err := server.New(cfg)
	if err != nil {
		return err
	}

	pub, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	var adm net.Listener
	if *adminAddr != "" {
		if adm, err = net.Listen("tcp", *adminAddr); err != nil {
			pub.Close()
			return err
		}
		log.Info("admin listening", "addr", adm.Addr().String())
	}
	log.Info("listening", "addr", pub.Addr().String(), "url", "http://"+pub.Addr().String()+"/")
	err = srv.Serve(ctx, pub, adm)
	if errors.Is(err, context.Canceled) {
		err = nil
	}
	return err
}

// loopback reports whether addr (host:port) can only be reached from this
// machine: an IP loopback address or "localhost".
func loopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.IsLoopback()
}
