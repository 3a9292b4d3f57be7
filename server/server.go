package server

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"golang.org/x/time/rate"

	"github.com/usine-extraordinaire/fairworld/protocol"
	"github.com/usine-extraordinaire/fairworld/server/pseudonym"
	"github.com/usine-extraordinaire/fairworld/world"
	"github.com/usine-extraordinaire/fairworld/world/nav"
	"github.com/usine-extraordinaire/fairworld/world/zone"
)

// Config configures a Server. Zero values mean the documented defaults.
type Config struct {
	Zone  *zone.Zone // required
	Media fs.FS      // hotspot media served at /media/; nil serves none
	Page  fs.FS      // the built web page served at /; nil serves a notice
	Build string     // build id sent in WELCOME; zero means "dev"

	World world.Config

	// MaxConns is the admission limit; zero derives it from the open-file
	// limit (soft RLIMIT_NOFILE minus 256 for listeners, files and Redis).
	MaxConns int
	// JoinRate is how many new connections per second are admitted, for all
	// clients together (a whole school shares one address); zero means 200.
	JoinRate float64
	// JoinBurst is the burst above JoinRate; zero means 2 s worth of JoinRate.
	JoinBurst int
	// ResumeWindow is how long a dropped session can be resumed; zero means 60 s.
	ResumeWindow time.Duration
	// HelloTimeout bounds the wait for HELLO; zero means 10 s.
	HelloTimeout time.Duration
	// WriteTimeout closes a client whose socket accepts nothing for this long; zero means 5 s.
	WriteTimeout time.Duration
	// MaxPendingEvents bounds a client's undroppable backlog (enters, leaves,
	// events) before it is closed as a slow consumer; zero means 4096.
	MaxPendingEvents int
	// PingInterval: connections silent for this long are pinged; zero means 20 s.
	PingInterval time.Duration
	// PingTimeout closes a connection that does not answer a ping; zero means 10 s.
	PingTimeout time.Duration
	// InputRate and InputBurst limit each connection's messages; zero means 40/s and 80.
	InputRate  float64
	InputBurst int
	// AllowedOrigins are host patterns (path.Match syntax) allowed in the
	// Origin header besides the request's own host; empty means same host only.
	AllowedOrigins []string
	// TrustedProxies are the reverse proxies (TLS terminated there) whose
	// X-Forwarded-Host is believed for the Origin check, so that the page's
	// public host matches even when the proxy rewrites Host. Client
	// addresses (X-Forwarded-For) are never needed: limits are global and
	// no address is logged or stored. Empty trusts no one.
	TrustedProxies []netip.Prefix
	// InboxSize bounds the hub's command queue and the path queue; zero means 8192.
	InboxSize int
	// PathWorkers compute GOTO paths; zero means GOMAXPROCS.
	PathWorkers int
	// DrainTimeout bounds the graceful shutdown; zero means 10 s.
	DrainTimeout time.Duration
	// TestRoles is for tests only, never for a server pupils use: a HELLO
	// pseudonym prefixed "pro:" or "prof:" then joins as a professional or a
	// teacher (see testroles.go). New logs a warning when it is on. Zero
	// (false) means every visitor joins as a visitor.
	TestRoles bool
	// SendBuffer is each connection's kernel send buffer (SO_SNDBUF) in bytes:
	// small, so a client that stops reading is detected within WriteTimeout
	// and cannot pin megabytes of kernel memory; zero means 32 KiB.
	SendBuffer int

	Logger     *slog.Logger          // nil discards logs
	Registerer prometheus.Registerer // nil: a private registry (see Gatherer)
	Gatherer   prometheus.Gatherer   // what /metrics serves; nil with a nil Registerer: the private registry
	Now        func() time.Time      // clock for session expiry; nil means time.Now
}

func (c *Config) setDefaults() error {
	if c.Zone == nil {
		return errors.New("server: Config.Zone is required")
	}
	if c.Build == "" {
		c.Build = "dev"
	}
	if c.World.TickRate == 0 {
		c.World.TickRate = 20
	}
	if c.World.TickRate < 1 || c.World.TickRate > 100 {
		return fmt.Errorf("server: tick rate %d out of [1, 100]", c.World.TickRate)
	}
	if c.MaxConns == 0 {
		c.MaxConns = connLimitFromRlimit()
	}
	if c.MaxConns < 1 {
		return fmt.Errorf("server: MaxConns %d must be positive", c.MaxConns)
	}
	def := func(v *float64, d float64) {
		if *v == 0 {
			*v = d
		}
	}
	defInt := func(v *int, d int) {
		if *v == 0 {
			*v = d
		}
	}
	defDur := func(v *time.Duration, d time.Duration) {
		if *v == 0 {
			*v = d
		}
	}
	def(&c.JoinRate, 200)
	defInt(&c.JoinBurst, int(2*c.JoinRate))
	defDur(&c.ResumeWindow, 60*time.Second)
	defDur(&c.HelloTimeout, 10*time.Second)
	defDur(&c.WriteTimeout, 5*time.Second)
	defInt(&c.MaxPendingEvents, 4096)
	defDur(&c.PingInterval, 20*time.Second)
	defDur(&c.PingTimeout, 10*time.Second)
	def(&c.InputRate, 40)
	defInt(&c.InputBurst, 80)
	defInt(&c.InboxSize, 8192)
	defInt(&c.PathWorkers, runtime.GOMAXPROCS(0))
	defDur(&c.DrainTimeout, 10*time.Second)
	defInt(&c.SendBuffer, 32<<10)
	if c.JoinRate < 0 || c.JoinBurst < 1 || c.InputRate < 0 || c.InputBurst < 1 {
		return errors.New("server: rates must be positive")
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if c.Registerer == nil {
		reg := prometheus.NewRegistry()
		c.Registerer = reg
		if c.Gatherer == nil {
			c.Gatherer = reg
		}
	}
	if c.Gatherer == nil {
		c.Gatherer = prometheus.NewRegistry()
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	return nil
}

// connLimitFromRlimit leaves 256 descriptors for listeners, files and Redis.
func connLimitFromRlimit() int {
	var rl syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &rl); err != nil || rl.Cur > 1<<24 {
		return 10000
	}
	return max(int(rl.Cur)-256, 16)
}

// Server is the world server: the WebSocket gateway, the hub that owns the
// world, the page and the zone. Its methods are safe for concurrent use.
type Server struct {
	cfg     Config
	log     *slog.Logger
	metrics *metrics
	pseudo  *pseudonym.Checker
	grid    *nav.Grid
	hub     *hub
	joins   *rate.Limiter
	zoneJS  []byte
	zoneGz  []byte // zoneJS gzipped

	ctx     context.Context // ends when the connections must go
	cancel  context.CancelFunc
	hubCtx  context.Context // ends after the connections are gone
	stopHub context.CancelFunc

	draining atomic.Bool
	ready    atomic.Bool
	active   atomic.Int64

	// bufs holds encoding buffers: a writer takes one for its run, so an
	// idle connection holds none.
	bufs sync.Pool

	mu    sync.Mutex
	conns map[*conn]struct{} // guarded by mu
	wg    sync.WaitGroup     // one per connection
}

// New validates cfg and builds a Server. Nothing runs until Serve.
func New(cfg Config) (*Server, error) {
	if err := cfg.setDefaults(); err != nil {
		return nil, err
	}
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
	zoneJS, zoneGz, err := zoneJSON(cfg.Zone)
	if err != nil {
		return nil, err
	}
	s := &Server{
		cfg:     cfg,
		log:     cfg.Logger,
		metrics: m,
		pseudo:  pc,
		grid:    grid,
		joins:   rate.NewLimiter(rate.Limit(cfg.JoinRate), cfg.JoinBurst),
		zoneJS:  zoneJS,
		zoneGz:  zoneGz,
		conns:   make(map[*conn]struct{}),
	}
	if cfg.TestRoles {
		s.log.Warn("TEST ROLES ARE ON: anyone can join as a professional or a teacher with a pseudonym prefix; never use this for a real fair")
	}
	s.ctx, s.cancel = context.WithCancel(context.Background())
	s.hubCtx, s.stopHub = context.WithCancel(context.Background())
	s.hub = newHub(s, w)
	if err := registerWorldStats(cfg.Registerer, s.hub.stats.Load); err != nil {
		return nil, fmt.Errorf("server: registering metrics: %w", err)
	}
	return s, nil
}

func (s *Server) now() time.Time { return s.cfg.Now() }

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

func (s *Server) getBuf() *[]byte {
	if b, ok := s.bufs.Get().(*[]byte); ok {
		return b
	}
	b := make([]byte, 0, 1024)
	return &b
}

func (s *Server) putBuf(b *[]byte) {
	if cap(*b) <= 16<<10 { // a crowd-sized buffer is left to the GC
		s.bufs.Put(b)
	}
}

// Config returns the configuration with its defaults filled in.
func (s *Server) Config() Config { return s.cfg }

func (s *Server) track(c *conn) {
	s.wg.Add(1)
	s.active.Add(1)
	s.metrics.connections.Inc()
	s.mu.Lock()
	s.conns[c] = struct{}{}
	s.mu.Unlock()
}

func (s *Server) untrack(c *conn) {
	s.mu.Lock()
	delete(s.conns, c)
	s.mu.Unlock()
	s.active.Add(-1)
	s.metrics.connections.Dec()
	s.wg.Done()
}

func (s *Server) snapshotConns() []*conn {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]*conn, 0, len(s.conns))
	for c := range s.conns {
		out = append(out, c)
	}
	return out
}

// Serve runs the server on the given listeners until ctx ends, then shuts
// down gracefully: it stops accepting, closes every client with 1012
// (service restart: reconnect and resume) and waits for them, at most
// DrainTimeout. admin may be nil (metrics and health then on public too).
// Serve may be called once.
func (s *Server) Serve(ctx context.Context, public, admin net.Listener) error {
	var bg sync.WaitGroup
	bg.Go(func() { s.hub.run(s.hubCtx) })
	for range s.cfg.PathWorkers {
		bg.Go(func() { s.hub.pathWorker(s.hubCtx, s.grid, s.cfg.World.Radius) })
	}
	bg.Go(func() { s.keepalive(s.ctx) })
	bg.Go(func() { s.watchdog(s.ctx) })

	pub := &http.Server{
		Handler:           s.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute, // idle keep-alive page connections
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelDebug),
	}
	if admin == nil {
		pub.Handler = s.combinedHandler()
	}
	// Upgrades bypass net/http, which would keep ~14 KiB per idle WebSocket
	// (demux.go); the demux also sets SendBuffer on every connection.
	dmx := newDemux(public, securityHeaders(http.HandlerFunc(s.serveWS)).ServeHTTP, demuxConfig{SendBuffer: s.cfg.SendBuffer, Logger: s.log})
	bg.Go(func() { _ = dmx.serve() }) // a failure reaches pub.Serve through HTTPListener
	errc := make(chan error, 2)
	go func() { errc <- pub.Serve(dmx.HTTPListener()) }()
	var adm *http.Server
	if admin != nil {
		adm = &http.Server{Handler: s.AdminHandler(), ReadHeaderTimeout: 10 * time.Second}
		go func() { errc <- adm.Serve(admin) }()
	}
	s.ready.Store(true)
	s.log.Info("serving", "addr", public.Addr().String(), "zone", s.cfg.Zone.ID, "max_conns", s.cfg.MaxConns, "tick_hz", s.cfg.World.TickRate)

	var err error
	select {
	case <-ctx.Done():
	case err = <-errc:
		s.log.Error("listener failed", "err", err)
	}

	// Graceful shutdown.
	s.ready.Store(false)
	s.draining.Store(true)
	dctx, cancel := context.WithTimeout(context.Background(), s.cfg.DrainTimeout)
	defer cancel()
	_ = pub.Shutdown(dctx) // stops accepting; hijacked WebSockets are ours to close
	_ = dmx.Close()        // already closed through HTTPListener; waits for upgrades under way
	conns := s.snapshotConns()
	s.log.Info("shutting down", "connections", len(conns))
	for _, c := range conns {
		c.close(protocol.CloseServiceRestart, "server restarting")
	}
	waited := make(chan struct{})
	go func() { s.wg.Wait(); close(waited) }()
	select {
	case <-waited:
	case <-dctx.Done():
		s.log.Warn("drain timed out", "left", s.active.Load())
	}
	s.cancel()
	s.stopHub()
	bg.Wait()
	if adm != nil {
		_ = adm.Shutdown(dctx)
	}
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	return err
}

// watchdog closes connections whose current write has been stuck for
// WriteTimeout: their socket accepts nothing (a client that stopped reading).
func (s *Server) watchdog(ctx context.Context) {
	t := time.NewTicker(max(s.cfg.WriteTimeout/4, 50*time.Millisecond))
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		cutoff := time.Now().Add(-s.cfg.WriteTimeout).UnixNano()
		for _, c := range s.snapshotConns() {
			if since := c.writeSince.Load(); since != 0 && since < cutoff {
				c.closeStuck()
			}
		}
	}
}

// keepalive pings connections that have been silent for PingInterval and
// closes those that do not answer within PingTimeout.
func (s *Server) keepalive(ctx context.Context) {
	t := time.NewTicker(s.cfg.PingInterval / 2)
	defer t.Stop()
	sem := make(chan struct{}, 256) // pings in flight
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		cutoff := time.Now().Add(-s.cfg.PingInterval).UnixNano()
		for _, c := range s.snapshotConns() {
			if c.lastRead.Load() > cutoff || c.isClosing() {
				continue
			}
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
				return
			}
			go func() {
				defer func() { <-sem }()
				pctx, cancel := context.WithTimeout(ctx, s.cfg.PingTimeout)
				defer cancel()
				if err := c.ws.Ping(pctx); err != nil {
					s.metrics.pings.WithLabelValues("failed").Inc()
					c.close(protocol.CloseIdle, "no answer to ping")
					return
				}
				s.metrics.pings.WithLabelValues("ok").Inc()
				c.lastRead.Store(time.Now().UnixNano())
			}()
		}
	}
}
