// Command cluster runs a fair of several nodes on this machine, for people
// to try and for the page's tests (`make cluster`): a redis-server
// (appendonly yes), three fairserver nodes and HAProxy in front of them on
// http://localhost:8080 (internal/cluster). It prints what it started
// (addresses, PIDs, how to stop), and stops everything on Ctrl-C or
// SIGTERM: the nodes drain first, then HAProxy and Redis stop; a second
// Ctrl-C kills what is left at once.
//
//	cluster [-nodes 3] [-addr 127.0.0.1:8080] [-base-port P] [-node ID:FLAGS]... [-- fairserver flags for every node]
//
// Flags after -- go to every node (e.g. -- -heartbeat-ttl 1s); -node b:-build
// old gives node b more flags (several separated by spaces). -json prints one
// line describing the cluster on stdout once it is ready (the page's tests
// read it); -v copies the processes' logs to stderr (they are in -dir). -no-proxy and -no-redis leave HAProxy or Redis out (a single
// node without Redis is the baseline of the figures in docs/PERFORMANCE.md).
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/usine-extraordinaire/fairworld/internal/cluster"
)

func main() {
	sig := make(chan os.Signal, 2)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	if err := run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr, sig); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "cluster:", err)
		}
		os.Exit(1)
	}
}

// nodeFlags collects -node ID:FLAGS.
type nodeFlags map[string][]string

func (n nodeFlags) String() string { return fmt.Sprint(map[string][]string(n)) }

func (n nodeFlags) Set(v string) error {
	id, fl, ok := strings.Cut(v, ":")
	if !ok || id == "" {
		return fmt.Errorf("want ID:FLAGS, e.g. b:-build old")
	}
	n[id] = append(n[id], strings.Fields(fl)...)
	return nil
}

// Description is the -json line.
type Description struct {
	URL     string     `json:"url"`   // the page through HAProxy (or the first node's)
	WS      string     `json:"ws"`    // the game endpoint visitors use
	Stats   string     `json:"stats"` // HAProxy's statistics page, if any
	Dir     string     `json:"dir"`   // logs, sockets, data
	Redis   *ProcDesc  `json:"redis"` // nil with -no-redis
	Proxy   *ProcDesc  `json:"proxy"` // nil with -no-proxy
	Nodes   []NodeDesc `json:"nodes"`
	Started string     `json:"started"` // RFC 3339
}

// ProcDesc is one process.
type ProcDesc struct {
	PID int    `json:"pid"`
	URL string `json:"url,omitempty"`
	Log string `json:"log"`
}

// NodeDesc is one node.
type NodeDesc struct {
	ID      string `json:"id"`
	PID     int    `json:"pid"`
	URL     string `json:"url"`
	WS      string `json:"ws"`
	Admin   string `json:"admin"` // host:port of /metrics, /readyz, /debug/pprof/
	Metrics string `json:"metrics"`
	Log     string `json:"log"`
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer, sig <-chan os.Signal) error {
	fs := flag.NewFlagSet("cluster", flag.ContinueOnError)
	fs.SetOutput(stderr)
	per := nodeFlags{}
	var (
		nodes    = fs.Int("nodes", 3, "fairserver nodes")
		addr     = fs.String("addr", "127.0.0.1:8080", "HAProxy's address (port 0: a free port)")
		stats    = fs.String("stats-addr", "", "HAProxy's statistics page; empty: a free loopback port")
		bin      = fs.String("fairserver", "", "the fairserver binary; empty: go build ./cmd/fairserver (the page in web/dist embedded: make web first)")
		dir      = fs.String("dir", "", "directory for logs, sockets and Redis's data; empty: a temporary one, removed at the end")
		inter    = fs.Duration("check-interval", 500*time.Millisecond, "HAProxy's /readyz checks of each node")
		basePort = fs.Int("base-port", 0, "node i listens on port base+i and its admin address on base+100+i (0: free ports)")
		noProxy  = fs.Bool("no-proxy", false, "no HAProxy: reach the nodes directly")
		noRedis  = fs.Bool("no-redis", false, "no Redis: each node is a fair of its own (baselines)")
		asJSON   = fs.Bool("json", false, "print one JSON line describing the cluster on stdout when it is ready")
		stdinEOF = fs.Bool("stop-on-stdin-eof", false, "stop when stdin is closed (for a parent process that may die)")
		verbose  = fs.Bool("v", false, "copy the processes' logs to stderr (they are in -dir anyway)")
	)
	fs.Var(per, "node", "ID:FLAGS, more fairserver flags for one node (repeatable), e.g. -node 'b:-build old'")
	if err := fs.Parse(args); err != nil {
		return err
	}
	cfg := cluster.Config{
		Nodes: *nodes, Fairserver: *bin, Dir: *dir, NodeArgs: fs.Args(),
		NoProxy: *noProxy, NoRedis: *noRedis, CheckInterval: *inter, StatsAddr: *stats,
		Logger: slog.New(slog.NewTextHandler(stderr, nil)),
	}
	if *verbose {
		cfg.Output = stderr
	}
	if host, port, err := net.SplitHostPort(*addr); err != nil {
		return fmt.Errorf("bad -addr %q: %w", *addr, err)
	} else if port != "0" {
		cfg.ProxyAddr = *addr
	} else {
		cfg.Host = host
	}
	ids := make([]string, *nodes)
	for i := range ids {
		ids[i] = string(rune('a' + i%26))
		if i >= 26 {
			ids[i] += fmt.Sprint(i / 26)
		}
	}
	for id := range per {
		known := false
		for _, x := range ids {
			known = known || x == id
		}
		if !known {
			return fmt.Errorf("-node %s: no such node (they are %s)", id, strings.Join(ids, ", "))
		}
	}
	cfg.NodeIDs = ids
	cfg.NodeArgsOf = func(i int) []string {
		var a []string
		if *basePort > 0 {
			h := cfg.Host
			if h == "" {
				h = "127.0.0.1"
			}
			a = []string{"-addr", net.JoinHostPort(h, fmt.Sprint(*basePort+i)), "-admin-addr", net.JoinHostPort(h, fmt.Sprint(*basePort+100+i))}
		}
		return append(a, per[ids[i]]...)
	}

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	started := make(chan struct{})
	go func() { // a signal during the start cancels it
		select {
		case <-sig:
			cancel()
		case <-started:
		}
	}()
	c, err := cluster.Start(ctx, cfg)
	close(started)
	if err != nil {
		return err
	}
	d := describe(c)
	if *asJSON {
		b, _ := json.Marshal(d)
		fmt.Fprintln(stdout, string(b))
	} else {
		printText(stdout, c, d)
	}
	// Tell people when a process ends on its own (or by their kill).
	var stopping atomic.Bool
	for _, p := range c.Processes() {
		go func() {
			<-p.Exited()
			if !stopping.Load() {
				fmt.Fprintf(stderr, "cluster: %s (pid %d) exited: %v\n", p.Name(), p.PID(), exitText(p.ExitErr()))
			}
		}()
	}
	eof := make(chan struct{})
	if *stdinEOF {
		go func() { _, _ = io.Copy(io.Discard, stdin); close(eof) }()
	}
	select {
	case <-sig:
	case <-eof:
	}
	stopping.Store(true)
	fmt.Fprintf(stderr, "cluster: stopping: the nodes drain first (up to 20 s); Ctrl-C again kills everything at once\n")
	stopped := make(chan error, 1)
	go func() { stopped <- c.Stop() }()
	for {
		select {
		case err := <-stopped:
			if err != nil {
				return err
			}
			fmt.Fprintln(stderr, "cluster: stopped")
			return nil
		case <-sig:
			fmt.Fprintln(stderr, "cluster: killing everything")
			for _, p := range c.Processes() {
				p.Kill()
			}
		}
	}
}

func exitText(err error) string {
	if err == nil {
		return "status 0"
	}
	return err.Error()
}

func describe(c *cluster.Cluster) Description {
	d := Description{URL: c.URL(), WS: c.WSURL(), Dir: c.Dir(), Started: time.Now().UTC().Format(time.RFC3339)}
	if c.Redis != nil {
		d.Redis = &ProcDesc{PID: c.Redis.PID(), URL: c.Redis.URL(), Log: c.Redis.LogPath()}
	}
	if c.Proxy != nil {
		d.Proxy = &ProcDesc{PID: c.Proxy.PID(), URL: c.Proxy.URL(), Log: c.Proxy.LogPath()}
		d.Stats = c.Proxy.StatsURL()
	}
	for _, n := range c.Nodes {
		d.Nodes = append(d.Nodes, NodeDesc{
			ID: n.ID(), PID: n.PID(), URL: n.URL(), WS: n.WSURL(), Admin: n.AdminAddr(), Metrics: n.MetricsURL(), Log: n.LogPath(),
		})
	}
	return d
}

func printText(w io.Writer, c *cluster.Cluster, d Description) {
	fmt.Fprintf(w, "\nThe fair is open: %s\n\n", friendly(d.URL))
	if d.Redis != nil {
		fmt.Fprintf(w, "  redis    pid %-7d %s   (redis-cli -s %s)\n", d.Redis.PID, d.Redis.URL, c.Redis.Socket())
	}
	for _, n := range d.Nodes {
		fmt.Fprintf(w, "  node %-3s pid %-7d %s   admin http://%s/ (/metrics, /readyz, /debug/pprof/)\n", n.ID, n.PID, n.URL, n.Admin)
	}
	if d.Proxy != nil {
		fmt.Fprintf(w, "  haproxy  pid %-7d %s   statistics %s\n", d.Proxy.PID, friendly(d.Proxy.URL), d.Stats)
	}
	fmt.Fprintf(w, "\n  logs and Redis's data in %s\n", d.Dir)
	if d.Proxy != nil && len(d.Nodes) > 1 {
		fmt.Fprintf(w, "  Open the page in two tabs: HAProxy sends each WebSocket to the next node (round robin),\n"+
			"  its response header X-Fair-Node names the node. Try `kill -KILL %d` (node %s) or `kill %d` (a drain).\n",
			d.Nodes[len(d.Nodes)-1].PID, d.Nodes[len(d.Nodes)-1].ID, d.Nodes[len(d.Nodes)-1].PID)
	}
	fmt.Fprintf(w, "  Ctrl-C stops everything.\n\n")
}

// friendly writes 127.0.0.1 as localhost, as people type it.
func friendly(u string) string { return strings.Replace(u, "//127.0.0.1:", "//localhost:", 1) }
