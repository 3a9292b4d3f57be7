package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/netip"
	"net/url"
	"os"
	"regexp"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/usine-extraordinaire/fairworld/server"
	"github.com/usine-extraordinaire/fairworld/server/chat"
	"github.com/usine-extraordinaire/fairworld/server/class"
	"github.com/usine-extraordinaire/fairworld/server/progress"
	"github.com/usine-extraordinaire/fairworld/server/staff"
	"github.com/usine-extraordinaire/fairworld/web"
	"github.com/usine-extraordinaire/fairworld/world"
	"github.com/usine-extraordinaire/fairworld/world/content"
	"github.com/usine-extraordinaire/fairworld/world/zone"
)

// envName is the environment variable of a flag: FAIR_ and the name in
// upper case with dashes as underscores.
func envName(flagName string) string {
	return "FAIR_" + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

// run parses flags, loads the zone and serves until ctx ends.
func run(ctx context.Context, args []string, getenv func(string) string, stderr io.Writer) error {
	fl := flag.NewFlagSet("fairserver", flag.ContinueOnError)
	fl.SetOutput(stderr)
	var (
		addr       = fl.String("addr", ":8080", "public address: the page, /api/zone, /media/ and /ws")
		adminAddr  = fl.String("admin-addr", "127.0.0.1:9090", "admin address: /metrics, /healthz, /readyz (empty: served on the public address)")
		zonePath   = fl.String("zone", "", "Tiled map (.tmx) of the zone; empty: the embedded default fair")
		contents   = fl.String("contents", "", "contents file of the hotspots (.json, its media/ folder beside it; docs/CONTENTS.md); empty: the embedded default contents")
		publicURL  = fl.String("public-url", "", "the fair's public address, e.g. https://fair.example.org, for the absolute og:image of share pages; empty: the address each request came to")
		retention  = fl.Duration("progress-retention", progress.DefaultRetention, "how long a visitor's progress, progress key and leaderboard entries are kept after their last change (share links: after their creation)")
		chatKeep   = fl.Duration("chat-retention", chat.Retention, "how long a class chat message is kept (the class history; a message in an open report is kept with it)")
		tickRate   = fl.Int("tick-rate", 20, fmt.Sprintf("world ticks per second, %d to %d", world.MinTickRate, world.MaxTickRate))
		maxSpeed   = fl.Float64("max-speed", 5, "avatar speed limit, m/s")
		cellSize   = fl.Float64("cell-size", 16, "spatial cell size, m")
		viewRadius = fl.Float64("view-radius", 40, "area-of-interest radius, m")
		budget     = fl.Int("budget", 64, "avatars sent one by one to each client (nearest first); the rest as a count")
		near       = fl.Float64("near", 20, "avatars within this many metres of a client are sent every tick they move, those beyond every -far-every ticks")
		farEvery   = fl.Int("far-every", 4, "ticks between two moves of an avatar beyond -near (1: every tick)")
		maxConns   = fl.Int("max-conns", 0, "admission limit; 0 derives it from the open-file limit")
		joinRate   = fl.Float64("join-rate", 200, "new connections admitted per second, all clients together")
		joinBurst  = fl.Int("join-burst", 0, "burst above -join-rate; 0 means 2 s worth")
		resume     = fl.Duration("resume-window", 60*time.Second, "how long a dropped session can be resumed")
		writeTO    = fl.Duration("write-timeout", 5*time.Second, "close a client whose socket accepts nothing for this long")
		pingEvery  = fl.Duration("ping-interval", 20*time.Second, "ping a client nothing was read from for this long")
		pingTO     = fl.Duration("ping-timeout", 10*time.Second, "close a client still silent this long after -ping-interval")
		origins    = fl.String("origins", "", "comma-separated extra allowed Origin host patterns (e.g. fair.example.org,*.example.org); the page's own host is always allowed")
		proxies    = fl.String("trusted-proxies", "", "comma-separated CIDRs of reverse proxies whose X-Forwarded-Host is believed for the Origin check (e.g. 127.0.0.1/32)")
		inputRate  = fl.Float64("input-rate", 40, "messages per second accepted from one client")
		logLevel   = fl.String("log-level", "info", "debug, info, warn or error")
		logFormat  = fl.String("log-format", "json", "json or text")
		build      = fl.String("build", "", "build id sent to clients; empty: the page's build id")
		redisURL   = fl.String("redis", "", "Redis of the fair (presence and cell feed): redis://host:port, unix:///path.sock, redis+cluster://h1:p1,h2:p2; empty: a single node, sessions in memory")
		nodeID     = fl.String("node-id", "", "this node's name in logs, feed records and Redis keys (A-Z a-z 0-9 . _ -); empty: random")
		hbTTL      = fl.Duration("heartbeat-ttl", 3*time.Second, "with -redis: a node silent this long is dead, its sessions detached (heartbeats every third of it)")
		resumeRate = fl.Float64("resume-rate", 2000, "resumes (HELLO with a token) admitted per second, outside -join-rate")
		drainDelay = fl.Duration("drain-delay", -1, "at shutdown, /readyz fails this long before clients are closed; default 2s with -redis, 0 without")
		drainSprd  = fl.Duration("drain-spread", -1, "at shutdown, the 1012 closes are spread over this long; default 10s with -redis, 0 without")
		staffKey   = fl.String("staff-key", "", "staff sign-in: the PEM file of the fair's Ed25519 public key (stafftoken keygen's .pub), or the PEM itself; empty: no staff sign-in (the ticket endpoint answers 404, a ticket in HELLO gets 4018)")
		classKeep  = fl.Duration("class-retention", class.DefaultRetention, "with -redis: how long classes and memberships are kept after their last change")
		testRoles  = fl.Bool("test-roles", false, "TESTS ONLY: pseudonyms prefixed pro:, prof: or mod: join as professionals, teachers or moderators; refused unless -addr is a loopback address, never read from the environment")
		testRead   = fl.Float64("test-reading-scale", 0, "TESTS ONLY: multiplies the contents' reading times and the quiz answer gap (0.05: a 20 s reading takes 1 s); refused unless -addr is a loopback address, never read from the environment")
	)
	// Environment first, then the command line over it; a bad value is
	// refused wherever it comes from, naming where.
	var envErr error
	fromEnv := map[string]string{} // flag name -> its variable, for values the command line did not replace
	fl.VisitAll(func(f *flag.Flag) {
		if strings.HasPrefix(f.Name, "test-") {
			return // a forgotten variable must never turn a test switch on
		}
		env := envName(f.Name)
		if v := getenv(env); v != "" {
			if err := f.Value.Set(v); err != nil {
				envErr = errors.Join(envErr, fmt.Errorf("bad %s=%q: %w", env, v, err))
				return
			}
			f.DefValue = v
			fromEnv[f.Name] = env
		}
	})
	if envErr != nil {
		return envErr
	}
	if err := fl.Parse(args); err != nil {
		return err
	}
	fl.Visit(func(f *flag.Flag) { delete(fromEnv, f.Name) })
	// source names where a flag's value came from, for errors.
	source := func(name string) string {
		if env, ok := fromEnv[name]; ok {
			return env
		}
		return "-" + name
	}
	if *tickRate < world.MinTickRate || *tickRate > world.MaxTickRate {
		return fmt.Errorf("bad %s %d: ticks per second must be %d to %d", source("tick-rate"), *tickRate, world.MinTickRate, world.MaxTickRate)
	}

	if *testRoles && !loopback(*addr) {
		return fmt.Errorf("-test-roles is for tests only and needs a loopback -addr (such as 127.0.0.1:0), not %q", *addr)
	}
	if *testRead != 0 && (!loopback(*addr) || !(*testRead > 0 && *testRead <= 1)) {
		return fmt.Errorf("-test-reading-scale is for tests only: a number in (0, 1] with a loopback -addr (such as 127.0.0.1:0), not %v on %q", *testRead, *addr)
	}

	var level slog.Level
	if err := level.UnmarshalText([]byte(*logLevel)); err != nil {
		return fmt.Errorf("bad %s: %w", source("log-level"), err)
	}
	if *logFormat != "json" && *logFormat != "text" {
		return fmt.Errorf("bad %s %q: json or text", source("log-format"), *logFormat)
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
	var set *content.Set
	if *contents == "" {
		set, err = content.Default(z)
	} else {
		set, err = content.LoadFile(*contents, z)
	}
	if err != nil {
		return fmt.Errorf("loading the contents (%s): %w", source("contents"), err)
	}
	if *chatKeep < time.Second || *chatKeep > 30*24*time.Hour {
		return fmt.Errorf("bad %s %v: from 1s to 720h", source("chat-retention"), *chatKeep)
	}
	if *retention < time.Minute {
		return fmt.Errorf("bad %s %v: at least a minute", source("progress-retention"), *retention)
	}
	if *publicURL != "" {
		u, err := url.Parse(*publicURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || (u.Path != "" && u.Path != "/") || u.RawQuery != "" {
			return fmt.Errorf("bad %s %q: want http(s)://host[:port]", source("public-url"), *publicURL)
		}
	}

	page := web.FS()
	if *build == "" {
		if b, err := fs.ReadFile(page, "build.txt"); err == nil {
			*build = strings.TrimSpace(string(b))
		}
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))

	if *nodeID == "" {
		var b [4]byte
		_, _ = rand.Read(b[:]) // never fails (crypto/rand documents it)
		*nodeID = hex.EncodeToString(b[:])
	}
	if !nodeName.MatchString(*nodeID) {
		return fmt.Errorf("bad %s %q: 1 to 64 of A-Z a-z 0-9 . _ -", source("node-id"), *nodeID)
	}
	multi := *redisURL != ""
	// Several nodes: fail /readyz first so the load balancer stops sending
	// visitors, then spread the closes so their resumes do not all reach
	// the other nodes at once. One node: nothing to wait for.
	if *drainDelay < 0 {
		*drainDelay = 0
		if multi {
			*drainDelay = 2 * time.Second
		}
	}
	if *drainSprd < 0 {
		*drainSprd = 0
		if multi {
			*drainSprd = 10 * time.Second
		}
	}
	cfg := server.Config{
		Zone:      z,
		Contents:  set,
		PublicURL: *publicURL,
		Page:      page,
		Build:     *build,
		NodeID:    *nodeID,
		MaxConns:  *maxConns, JoinRate: *joinRate, JoinBurst: *joinBurst, ResumeRate: *resumeRate,
		ResumeWindow: *resume, WriteTimeout: *writeTO, InputRate: *inputRate,
		PingInterval: *pingEvery, PingTimeout: *pingTO,
		DrainDelay: *drainDelay, DrainSpread: *drainSprd,
		Logger: log, Registerer: reg, Gatherer: reg,
		TestRoles: *testRoles,
	}
	cfg.ProgressConfig.Retention = *retention
	cfg.Chat.Retention = *chatKeep
	if *staffKey != "" {
		pemText := []byte(*staffKey)
		if !strings.HasPrefix(strings.TrimSpace(*staffKey), "-----BEGIN") {
			b, err := os.ReadFile(*staffKey)
			if err != nil {
				return fmt.Errorf("bad %s: %w", source("staff-key"), err)
			}
			pemText = b
		}
		pub, err := staff.ParsePublicKey(pemText)
		if err != nil {
			return fmt.Errorf("bad %s: %w", source("staff-key"), err)
		}
		cfg.Classes.StaffKey = pub
		log.Info("staff sign-in is on")
	}
	if *testRead != 0 {
		cfg.ProgressConfig.ReadingScale = *testRead
		log.Warn("TEST READING SCALE IS ON: contents earn their points faster than anyone reads; never use this for a real fair", "scale", *testRead)
	}
	cfg.World.TickRate = *tickRate
	cfg.World.MaxSpeed = *maxSpeed
	cfg.World.CellSize = *cellSize
	cfg.World.ViewRadius = *viewRadius
	cfg.World.Budget = *budget
	cfg.World.Near = *near
	cfg.World.FarEvery = *farEvery
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
			return fmt.Errorf("bad %s: %w", source("trusted-proxies"), err)
		}
		cfg.TrustedProxies = append(cfg.TrustedProxies, pfx)
	}
	if multi {
		b, err := server.NewRedisBackends(server.RedisOptions{
			URL: *redisURL, Node: *nodeID, ResumeWindow: *resume, HeartbeatTTL: *hbTTL, Retention: *retention, ClassRetention: *classKeep, ChatRetention: *chatKeep,
			Registerer: reg, Logger: log,
		})
		if err != nil {
			return fmt.Errorf("bad %s: %w", source("redis"), err)
		}
		defer b.Close()
		b.Configure(&cfg)
		log.Info("joining the fair over Redis", "redis", redactURL(*redisURL), "node", *nodeID)
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

var nodeName = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)

// redactURL hides a password in a Redis URL, for logs.
func redactURL(raw string) string {
	scheme, rest, ok := strings.Cut(raw, "://")
	if !ok {
		return raw
	}
	if at := strings.LastIndexByte(rest, '@'); at >= 0 {
		if u, err := url.Parse("x://" + rest[:at+1] + "h"); err == nil && u.User != nil {
			if _, has := u.User.Password(); has {
				rest = u.User.Username() + ":xxxxx" + rest[at:]
			}
		}
	}
	return scheme + "://" + rest
}

// loopback reports whether addr listens on a loopback address only.
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
