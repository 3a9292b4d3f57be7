package cluster

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Config says what Start runs. The zero value runs a redis-server, three
// nodes and HAProxy on free loopback ports, with a fairserver built from
// the module in a temporary directory.
type Config struct {
	// Dir holds the logs, the sockets, Redis's data and HAProxy's
	// configuration; made if missing, kept by Stop. Empty: a new temporary
	// directory, removed by Stop.
	Dir string

	// Nodes is the number of fairserver processes; zero means 3.
	Nodes int
	// NodeIDs name the nodes (-node-id, HAProxy's server names); missing
	// ones are "a", "b", "c", … by index.
	NodeIDs []string
	// Fairserver is the fairserver binary. Empty: Start builds
	// ./cmd/fairserver of the module holding the working directory into
	// Dir (Build), once per Start.
	Fairserver string
	// NodeArgs are flags given to every node, NodeArgsOf(i) more flags for
	// node i (may be nil). The harness sets -addr and -admin-addr to free
	// loopback ports before them (they may override), and -node-id,
	// -log-format json and -redis after them (they may not). -log-level
	// must stay info or debug: the harness reads the nodes' "listening"
	// lines.
	NodeArgs   []string
	NodeArgsOf func(i int) []string
	// NodeEnv is added to the nodes' environment (e.g. GOMAXPROCS=1).
	NodeEnv []string
	// Host is the address every process listens on; zero means 127.0.0.1.
	Host string

	// NoRedis runs the nodes without -redis: each is a fair of its own
	// (memory presence, no feed). For single-node baselines.
	NoRedis bool
	// RedisServer is the redis-server binary; zero means redis-server on
	// the PATH.
	RedisServer string

	// NoProxy runs no HAProxy (load tools that spread their clients over
	// the nodes themselves).
	NoProxy bool
	// HAProxy is the haproxy binary; zero means haproxy on the PATH.
	HAProxy string
	// ProxyAddr is HAProxy's front (host:port); zero means Host and a
	// free port.
	ProxyAddr string
	// StatsAddr is HAProxy's statistics page; zero means Host and a free
	// port.
	StatsAddr string
	// CheckInterval is the period of HAProxy's /readyz checks; zero means
	// 500 ms. CheckFall is how many failed checks mark a node down; zero
	// means 2. A draining node is out of the rotation within about
	// CheckInterval × CheckFall: keep that under the nodes' -drain-delay.
	CheckInterval time.Duration
	CheckFall     int

	// StartTimeout bounds Start (building excepted); zero means 60 s.
	StartTimeout time.Duration
	// StopTimeout bounds each process's exit after SIGTERM, after which
	// it is killed; zero means 20 s (a node's default drain takes 12 s).
	StopTimeout time.Duration

	// Output receives every line the processes write, prefixed with their
	// name; nil keeps them in the log files only.
	Output io.Writer
	// Logger receives the harness's own messages; nil discards them.
	Logger *slog.Logger
}

// Cluster is what Start started: Redis (nil with NoRedis), the nodes and
// HAProxy (nil with NoProxy). Its methods are safe for concurrent use.
type Cluster struct {
	Redis *Redis
	Nodes []*Node
	Proxy *Proxy

	cfg     Config
	tempDir bool // Dir was made by Start: Stop removes it

	stopOnce sync.Once
	stopErr  error
}

// Start runs the cluster and returns once every part is ready: Redis
// answers, every node's /readyz answers 200, HAProxy sees every node UP.
// On an error, what was started is stopped. ctx bounds the start only:
// the processes run until Stop.
func Start(ctx context.Context, cfg Config) (*Cluster, error) {
	c := &Cluster{cfg: cfg}
	if err := c.defaults(); err != nil {
		return nil, err
	}
	if err := c.start(ctx); err != nil {
		_ = c.Stop()
		return nil, err
	}
	return c, nil
}

func (c *Cluster) defaults() error {
	cfg := &c.cfg
	if cfg.Nodes == 0 {
		cfg.Nodes = 3
	}
	if cfg.Nodes < 0 {
		return fmt.Errorf("cluster: %d nodes", cfg.Nodes)
	}
	// The harness learns the nodes' addresses from their "listening" lines,
	// logged at info.
	for i := range cfg.Nodes {
		args := cfg.NodeArgs
		if cfg.NodeArgsOf != nil {
			args = append(append([]string(nil), args...), cfg.NodeArgsOf(i)...)
		}
		if lvl, ok := quietLogLevel(args); ok {
			return fmt.Errorf("cluster: -log-level %s: the harness reads the nodes' info lines (say where they listen); keep info or debug", lvl)
		}
	}
	if cfg.Host == "" {
		cfg.Host = "127.0.0.1"
	}
	if cfg.CheckInterval == 0 {
		cfg.CheckInterval = 500 * time.Millisecond
	}
	if cfg.CheckFall == 0 {
		cfg.CheckFall = 2
	}
	if cfg.StartTimeout == 0 {
		cfg.StartTimeout = 60 * time.Second
	}
	if cfg.StopTimeout == 0 {
		cfg.StopTimeout = 20 * time.Second
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Dir == "" {
		d, err := os.MkdirTemp("", "faircluster")
		if err != nil {
			return fmt.Errorf("cluster: %w", err)
		}
		cfg.Dir, c.tempDir = d, true
	} else if err := os.MkdirAll(cfg.Dir, 0o755); err != nil {
		return fmt.Errorf("cluster: %w", err)
	}
	return nil
}

func (c *Cluster) start(ctx context.Context) error {
	cfg := &c.cfg
	log := cfg.Logger
	if cfg.Fairserver == "" {
		bin := filepath.Join(cfg.Dir, "fairserver")
		log.Info("building fairserver", "out", bin)
		if err := Build(ctx, "./cmd/fairserver", bin); err != nil {
			return err
		}
		cfg.Fairserver = bin
	}
	ctx, cancel := context.WithTimeout(ctx, cfg.StartTimeout)
	defer cancel()
	echo := func(p *Process) { p.echo = cfg.Output }

	redisURL := ""
	if !cfg.NoRedis {
		bin, err := lookPath(cfg.RedisServer, "redis-server")
		if err != nil {
			return err
		}
		if c.Redis, err = newRedis(bin, cfg.Dir, echo); err != nil {
			return err
		}
		if err := c.Redis.run(ctx); err != nil {
			return err
		}
		redisURL = c.Redis.URL()
		log.Info("redis-server ready", "url", redisURL, "pid", c.Redis.PID())
	}

	for i := range cfg.Nodes {
		id := string(rune('a'+i%26)) + suffix(i)
		if i < len(cfg.NodeIDs) && cfg.NodeIDs[i] != "" {
			id = cfg.NodeIDs[i]
		}
		c.Nodes = append(c.Nodes, newNode(cfg, i, id, redisURL, echo))
	}
	// The nodes start together (each waits for its first heartbeat).
	errs := make([]error, len(c.Nodes))
	var wg sync.WaitGroup
	for i, n := range c.Nodes {
		wg.Go(func() { errs[i] = n.run(ctx, true) })
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return err
	}
	for _, n := range c.Nodes {
		log.Info("node ready", "node", n.ID(), "addr", n.Addr(), "admin", n.AdminAddr(), "pid", n.PID())
	}

	if cfg.NoProxy || len(c.Nodes) == 0 {
		return nil
	}
	bin, err := lookPath(cfg.HAProxy, "haproxy")
	if err != nil {
		return err
	}
	front, err := addrOrFree(cfg.ProxyAddr, cfg.Host)
	if err != nil {
		return err
	}
	stats, err := addrOrFree(cfg.StatsAddr, cfg.Host)
	if err != nil {
		return err
	}
	if c.Proxy, err = newProxy(bin, cfg.Dir, front, stats, c.Nodes, cfg.CheckInterval, cfg.CheckFall, echo); err != nil {
		return err
	}
	if err := c.Proxy.run(ctx); err != nil {
		return err
	}
	log.Info("haproxy ready", "url", c.Proxy.URL(), "stats", c.Proxy.StatsURL(), "pid", c.Proxy.PID())
	return nil
}

// suffix makes ids unique past 26 nodes: a…z, a1…z1, …
func suffix(i int) string {
	if i < 26 {
		return ""
	}
	return strconv.Itoa(i / 26)
}

func lookPath(given, name string) (string, error) {
	if given != "" {
		return given, nil
	}
	p, err := exec.LookPath(name)
	if err != nil {
		// Debian puts haproxy in /usr/sbin, which a user's PATH may lack.
		for _, d := range []string{"/usr/sbin", "/usr/local/sbin"} {
			if q := filepath.Join(d, name); isExecutable(q) {
				return q, nil
			}
		}
		return "", fmt.Errorf("cluster: %s not found (scripts/test-deps.sh installs it): %w", name, err)
	}
	return p, nil
}

func isExecutable(path string) bool {
	st, err := os.Stat(path)
	return err == nil && !st.IsDir() && st.Mode()&0o111 != 0
}

// addrOrFree returns addr, or host with a port free now. Another process
// could take the port before HAProxy binds it (HAProxy cannot be given
// port 0 and report the port it got); HAProxy then fails to start and
// says so.
func addrOrFree(addr, host string) (string, error) {
	if addr != "" {
		return addr, nil
	}
	l, err := net.Listen("tcp", net.JoinHostPort(host, "0"))
	if err != nil {
		return "", fmt.Errorf("cluster: no free port on %s: %w", host, err)
	}
	a := l.Addr().String()
	l.Close()
	return a, nil
}

// URL is where visitors go: HAProxy's page, or the first node's without a
// proxy.
func (c *Cluster) URL() string {
	if c.Proxy != nil {
		return c.Proxy.URL()
	}
	if len(c.Nodes) > 0 {
		return c.Nodes[0].URL()
	}
	return ""
}

// WSURL is the game endpoint visitors use: HAProxy's, or the first node's.
func (c *Cluster) WSURL() string {
	if c.Proxy != nil {
		return c.Proxy.WSURL()
	}
	if len(c.Nodes) > 0 {
		return c.Nodes[0].WSURL()
	}
	return ""
}

// Dir is the directory of the logs, sockets and data.
func (c *Cluster) Dir() string { return c.cfg.Dir }

// Node returns the node with that id, or nil.
func (c *Cluster) Node(id string) *Node {
	for _, n := range c.Nodes {
		if n.ID() == id {
			return n
		}
	}
	return nil
}

// Processes lists every process of the cluster: Redis, the nodes, HAProxy.
func (c *Cluster) Processes() []*Process {
	var ps []*Process
	if c.Redis != nil {
		ps = append(ps, c.Redis.Process)
	}
	for _, n := range c.Nodes {
		ps = append(ps, n.Process)
	}
	if c.Proxy != nil {
		ps = append(ps, c.Proxy.Process)
	}
	return ps
}

// PIDs lists, by process name, every PID the cluster started (restarts
// included, the current run last).
func (c *Cluster) PIDs() map[string][]int {
	m := map[string][]int{}
	for _, p := range c.Processes() {
		if pids := p.PIDs(); len(pids) > 0 {
			m[p.Name()] = pids
		}
	}
	return m
}

// Stop stops everything Start started, and only that, by PID: the nodes
// first, together (SIGTERM: each drains and writes its last presence
// changes to Redis), then HAProxy, then Redis; whatever has not exited
// StopTimeout after its SIGTERM is killed. Then the temporary directory
// is removed (a Config.Dir is kept). It returns the processes' failures
// to exit cleanly; calling it again returns the same.
func (c *Cluster) Stop() error {
	c.stopOnce.Do(func() {
		var errs []error
		var mu sync.Mutex
		var wg sync.WaitGroup
		for _, n := range c.Nodes {
			wg.Go(func() {
				if err := n.Stop(c.cfg.StopTimeout); err != nil {
					mu.Lock()
					errs = append(errs, fmt.Errorf("node %s: %w", n.ID(), err))
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		if c.Proxy != nil {
			if err := c.Proxy.Stop(c.cfg.StopTimeout); err != nil && !isSignalExit(err) {
				errs = append(errs, fmt.Errorf("haproxy: %w", err))
			}
		}
		if c.Redis != nil {
			if err := c.Redis.Stop(c.cfg.StopTimeout); err != nil && !isSignalExit(err) {
				errs = append(errs, fmt.Errorf("redis: %w", err))
			}
			if filepath.Dir(c.Redis.sock) != filepath.Join(c.cfg.Dir, "redis") {
				_ = os.RemoveAll(filepath.Dir(c.Redis.sock))
			}
		}
		if c.tempDir {
			_ = os.RemoveAll(c.cfg.Dir)
		}
		c.stopErr = errors.Join(errs...)
	})
	return c.stopErr
}

// isSignalExit reports an exit caused by the signal Stop sent (HAProxy
// exits on SIGTERM without a status of its own).
func isSignalExit(err error) bool {
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return !ee.Exited() || ee.ExitCode() == 0 || ee.ExitCode() == 143
	}
	return false
}

// quietLogLevel finds a -log-level above info in a node's flags, in any of
// the forms Go's flag package accepts (-log-level warn, --log-level=warn).
func quietLogLevel(args []string) (string, bool) {
	for j, a := range args {
		name, val, eq := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if name != "log-level" || !strings.HasPrefix(a, "-") {
			continue
		}
		if !eq {
			if j+1 >= len(args) {
				continue
			}
			val = args[j+1]
		}
		var l slog.Level // as fairserver parses it: warn, ERROR, info+4…
		if l.UnmarshalText([]byte(val)) == nil && l > slog.LevelInfo {
			return val, true
		}
	}
	return "", false
}
