package server

import (
	"context"
	"fmt"
	"hash/fnv"
	"io/fs"
	"log/slog"
	"net/http"
	"net/netip"
	"runtime"
	"strings"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"golang.org/x/time/rate"

	"github.com/usine-extraordinaire/fairworld/protocol"
	"github.com/usine-extraordinaire/fairworld/server/admit"
	"github.com/usine-extraordinaire/fairworld/server/feed"
	"github.com/usine-extraordinaire/fairworld/server/presence"
	"github.com/usine-extraordinaire/fairworld/server/progress"
	"github.com/usine-extraordinaire/fairworld/server/pseudonym"
	"github.com/usine-extraordinaire/fairworld/server/share"
	"github.com/usine-extraordinaire/fairworld/world"
	"github.com/usine-extraordinaire/fairworld/world/nav"
)

// Server is the world server: the WebSocket gateway, the hub that owns the
// world, the page and the zone. Its methods are safe for concurrent use.
type Server struct {
	cfg     Config
	log     *slog.Logger
	metrics *metrics
	pseudo  *pseudonym.Checker
	grid    *nav.Grid
	store   presence.Store
	sync    *feed.Sync // nil without a feed
	hub     *hub
	joins   admit.Limiter // fair-wide with Redis (Config.JoinLimiter)
	resumes admit.Limiter
	late    *lateness
	conns   *registry
	readers *readers // the pollers that read the connections
	writers *writers
	env     *connEnv
	zoneJS  []byte
	zoneGz  []byte // zoneJS gzipped
	media   fs.FS  // the contents' media, served at /media/

	// Progress (progress*.go): share pages, the node's bound on wrong
	// progress keys, the leaderboards' cache of the workers.
	shares    *share.Handler
	wrongKeys *rate.Limiter
	tops      topCache

	// Staff sign-in and classes (staff_*.go, class_*.go).
	staff      *staffSignIn
	classNames *classNameChecker

	ctx     context.Context // ends when the connections must go
	cancel  context.CancelFunc
	hubCtx  context.Context // ends after the connections are gone
	stopHub context.CancelFunc

	draining atomic.Bool
	ready    atomic.Bool
}

// New validates cfg and builds a Server. Nothing runs until Serve.
func New(cfg Config) (*Server, error) {
	if err := cfg.setDefaults(); err != nil {
		return nil, err
	}
	log := cfg.Logger.With("node", cfg.NodeID)
	m, err := newMetrics(cfg.Registerer)
	if err != nil {
		return nil, fmt.Errorf("server: registering metrics: %w", err)
	}
	pc, err := pseudonym.New(pseudonym.Config{})
	if err != nil {
		return nil, fmt.Errorf("server: pseudonym checker: %w", err)
	}
	grid := nav.NewGrid(cfg.Zone.Grid)
	w, err := world.New(cfg.Zone, grid, cfg.World)
	if err != nil {
		return nil, fmt.Errorf("server: world: %w", err)
	}
	cfg.World = w.Config() // with the world's defaults filled in
	zoneJS, zoneGz, err := zoneJSON(cfg.Zone, cfg.Contents)
	if err != nil {
		return nil, err
	}
	cat, err := progress.NewCatalogue(cfg.Contents, cfg.Zone)
	if err != nil {
		return nil, fmt.Errorf("server: %w", err)
	}
	pm, err := newProgressMetrics(cfg.Registerer)
	if err != nil {
		return nil, fmt.Errorf("server: registering metrics: %w", err)
	}
	cm, err := newChatMetrics(cfg.Registerer)
	if err != nil {
		return nil, fmt.Errorf("server: registering metrics: %w", err)
	}
	shares, err := share.New(share.Config{
		Source: cfg.Progress, PublicURL: cfg.PublicURL, Logger: log,
		Badges: func(id string) (string, string, string, bool) {
			b, _, ok := cat.Badge(id)
			if !ok {
				return "", "", "", false
			}
			ch := ""
			if b.Kind == progress.BadgeChallenge {
				ch = cat.Challenges()[b.Challenge]
			}
			return b.Title, b.Description, ch, true
		},
	})
	if err != nil {
		return nil, fmt.Errorf("server: %w", err)
	}
	store := cfg.Presence
	if store == nil {
		store = presence.NewMemory(presence.MemoryConfig{ResumeWindow: cfg.ResumeWindow, Now: cfg.Now})
	}
	var sync *feed.Sync
	if cfg.Feed != nil {
		sc := cfg.FeedConfig
		sc.Channels, sc.Node, sc.TickRate = w.Channels(), FeedNode(cfg.NodeID), cfg.World.TickRate
		if sync, err = feed.NewSync(cfg.Feed, sc, cfg.Registerer, log); err != nil {
			return nil, fmt.Errorf("server: feed: %w", err)
		}
	}
	s := &Server{
		cfg:       cfg,
		log:       log,
		metrics:   m,
		pseudo:    pc,
		grid:      grid,
		store:     store,
		sync:      sync,
		joins:     cfg.JoinLimiter,
		resumes:   admit.NewMemory(cfg.ResumeRate, cfg.ResumeBurst),
		late:      newLateness(time.Now()),
		conns:     newRegistry(m),
		zoneJS:    zoneJS,
		zoneGz:    zoneGz,
		media:     cfg.Contents.Media(),
		shares:    shares,
		wrongKeys: rate.NewLimiter(rate.Limit(cfg.ProgressConfig.WrongKeyRate), cfg.ProgressConfig.WrongKeyBurst),
	}
	if s.joins == nil {
		s.joins = admit.NewMemory(cfg.JoinRate, cfg.JoinBurst)
	}
	if cfg.TestRoles {
		s.log.Warn("TEST ROLES ARE ON: anyone can join as a professional or a teacher with a pseudonym prefix; never use this for a real fair")
	}
	s.ctx, s.cancel = context.WithCancel(context.Background())
	s.hubCtx, s.stopHub = context.WithCancel(context.Background())
	s.hub = newHub(hubDeps{
		world: w, store: store, sync: sync, metrics: m, late: s.late, log: log,
		prog: newProgressHub(cat, cfg.Progress, cfg.ProgressConfig, pm),
		chat: newChatHub(cfg.Chat, FeedNode(cfg.NodeID), cfg.World.ViewRadius, cm),
		cfg: hubConfig{
			tickRate: cfg.World.TickRate, zoneID: cfg.Zone.ID, build: cfg.Build, inboxSize: cfg.InboxSize,
			radius: cfg.World.Radius, resumeWindow: cfg.ResumeWindow,
		},
	})
	if err := s.newClasses(); err != nil {
		return nil, err
	}
	if s.readers, err = newReaders(runtime.GOMAXPROCS(0)); err != nil {
		return nil, fmt.Errorf("server: pollers: %w", err)
	}
	s.writers = newWriters(runtime.GOMAXPROCS(0))
	s.env = &connEnv{
		log: log, metrics: m, late: s.late, hub: s.hub, conns: s.conns, writers: s.writers, hello: s.hello,
		ctx: s.ctx, hubCtx: s.hubCtx, chatRates: cm.rates,
		inputRate: cfg.InputRate, inputBurst: cfg.InputBurst, maxPending: cfg.MaxPendingEvents,
		zoneW: cfg.Zone.Width, zoneH: cfg.Zone.Height,
	}
	if err := s.registerMetrics(); err != nil {
		return nil, fmt.Errorf("server: registering metrics: %w", err)
	}
	return s, nil
}

// FeedNode is the feed's 64-bit node id of a node name (FNV-1a, never 0):
// every node of a fair must have its own name.
func FeedNode(name string) uint64 {
	h := fnv.New64a()
	_, _ = h.Write([]byte(name))
	return h.Sum64() | 1
}

func (s *Server) registerMetrics() error {
	reg := s.cfg.Registerer
	if err := registerWorldStats(reg, s.hub.stats.Load); err != nil {
		return err
	}
	for _, c := range []prometheus.Collector{
		prometheus.NewCounterFunc(prometheus.CounterOpts{
			Namespace: "fair", Subsystem: "server", Name: "late_seconds_total",
			Help: "Time the server was late: the process did not run, or its goroutines waited 50 ms or more to run.",
		}, func() float64 { return s.late.total().Seconds() }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Namespace: "fair", Subsystem: "world", Name: "sessions",
			Help: "Sessions this node holds: online, or detached and resumable."},
			func() float64 { return float64(s.store.Sessions()) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Namespace: "fair", Subsystem: "server", Name: "ready",
			Help: "1 while /readyz answers 200: serving, not draining, and shared presence reachable."},
			func() float64 {
				if s.Ready() == nil {
					return 1
				}
				return 0
			}),
	} {
		if err := reg.Register(c); err != nil {
			return err
		}
	}
	return nil
}

// Config returns the configuration with its defaults filled in.
func (s *Server) Config() Config { return s.cfg }

// Deliver hands an event to the client of a local avatar: it rides on
// that client's next UPDATE (at most one UPDATE a tick), without going
// through the world. It is the way in for features that live in packages
// of their own (chat, class groups, progress). It waits while the hub's
// inbox is full, until ctx ends; false when the event could not be handed
// over. An avatar that is not this node's drops it.
func (s *Server) Deliver(ctx context.Context, avatar uint32, e protocol.Event) bool {
	return s.hub.send(ctx, deliverCmd{avatar: avatar, ev: e})
}

// Ready is nil while the server takes new visitors, else why not: before
// Serve, draining at shutdown, or shared presence unreachable (new
// sessions would get 4014). /readyz answers it.
func (s *Server) Ready() error {
	switch {
	case !s.ready.Load() && s.draining.Load():
		return errDraining
	case !s.ready.Load():
		return errNotServing
	}
	return s.store.Ready()
}

var (
	errDraining   = fmt.Errorf("draining: shutting down")
	errNotServing = fmt.Errorf("not serving yet")
)

// forwardedHost returns the public host a trusted proxy says the request was
// for, or "" when the peer is not a trusted proxy or says nothing.
func (s *Server) forwardedHost(r *http.Request) string {
	h := r.Header.Get("X-Forwarded-Host")
	if h == "" || len(s.cfg.TrustedProxies) == 0 {
		return ""
	}
	ap, err := netip.ParseAddrPort(r.RemoteAddr)
	if err != nil {
		return ""
	}
	for _, p := range s.cfg.TrustedProxies {
		if p.Contains(ap.Addr().Unmap()) {
			if i := strings.IndexByte(h, ','); i >= 0 { // the first proxy's view of the host
				h = h[:i]
			}
			return strings.TrimSpace(h)
		}
	}
	return ""
}
