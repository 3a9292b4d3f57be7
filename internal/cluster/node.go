package cluster

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Node is one fairserver process. Its addresses are chosen by the kernel
// at the first start (-addr HOST:0) and kept for restarts. Its methods are
// safe for concurrent use.
type Node struct {
	*Process
	id    string
	index int

	mu        sync.Mutex
	addr      string        // guarded by mu: public host:port, known once listening
	admin     string        // guarded by mu: admin host:port
	listening chan struct{} // guarded by mu: closed when the current run said where it listens
}

func newNode(c *Config, i int, id, redisURL string, echo func(*Process)) *Node {
	args := []string{"-addr", c.Host + ":0", "-admin-addr", c.Host + ":0"}
	args = append(args, c.NodeArgs...)
	if c.NodeArgsOf != nil {
		args = append(args, c.NodeArgsOf(i)...)
	}
	// Last: the harness needs them (the node's name, the fair, logs it can read).
	args = append(args, "-node-id", id, "-log-format", "json")
	if redisURL != "" {
		args = append(args, "-redis", redisURL)
	}
	n := &Node{id: id, index: i}
	n.Process = &Process{
		name: id, path: c.Fairserver, args: args, env: c.NodeEnv, dir: c.Dir,
		log: filepath.Join(c.Dir, "node-"+id+".log"), onLine: n.line,
	}
	echo(n.Process)
	return n
}

// line reads the node's "admin listening" and "listening" log lines.
func (n *Node) line(s string) {
	if !strings.Contains(s, "listening") {
		return
	}
	var l struct{ Msg, Addr string }
	if json.Unmarshal([]byte(s), &l) != nil || l.Addr == "" {
		return
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	switch l.Msg {
	case "admin listening":
		n.admin = l.Addr
	case "listening":
		n.addr = l.Addr
		select {
		case <-n.listening:
		default:
			close(n.listening)
		}
	}
}

// ID is the node's -node-id (also its server name in HAProxy and the
// X-Fair-Node header HAProxy adds to the responses it forwards).
func (n *Node) ID() string { return n.id }

// Index is the node's place in Cluster.Nodes.
func (n *Node) Index() int { return n.index }

// Addr is the public address (host:port): the page and /ws.
func (n *Node) Addr() string {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.addr
}

// AdminAddr is the admin address (host:port): /metrics, /readyz, pprof.
func (n *Node) AdminAddr() string {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.admin
}

// URL is the node's page, http://host:port/.
func (n *Node) URL() string { return "http://" + n.Addr() + "/" }

// WSURL is the node's game endpoint, ws://host:port/ws.
func (n *Node) WSURL() string { return "ws://" + n.Addr() + "/ws" }

// MetricsURL is http://admin/metrics.
func (n *Node) MetricsURL() string { return "http://" + n.AdminAddr() + "/metrics" }

// run starts the node and waits until it listens and, when ready is set,
// until /readyz answers 200 (with Redis: after its first heartbeat).
func (n *Node) run(ctx context.Context, ready bool) error {
	n.mu.Lock()
	n.listening = make(chan struct{})
	listening := n.listening
	addr, admin := n.addr, n.admin
	n.mu.Unlock()
	if addr != "" { // a restart: the same addresses
		n.setArgs(func(a []string) []string { return replaceFlag(replaceFlag(a, "-addr", addr), "-admin-addr", admin) })
	}
	if err := n.start(); err != nil {
		return err
	}
	select {
	case <-listening:
	case <-n.Exited():
		return fmt.Errorf("cluster: node %s exited at start (%v):\n%s", n.id, n.ExitErr(), n.Tail(20))
	case <-ctx.Done():
		return fmt.Errorf("cluster: node %s did not say where it listens: %w\n%s", n.id, ctx.Err(), n.Tail(20))
	}
	if n.AdminAddr() == "" {
		return fmt.Errorf("cluster: node %s has no admin address (run without -admin-addr \"\")", n.id)
	}
	if !ready {
		return nil
	}
	return n.WaitReady(ctx)
}

// replaceFlag sets the value of the first occurrence of flag in args.
func replaceFlag(args []string, flag, value string) []string {
	out := append([]string(nil), args...)
	for i := 0; i+1 < len(out); i++ {
		if out[i] == flag {
			out[i+1] = value
			break
		}
	}
	return out
}

// Restart starts the node again after it exited (or kills it first), with
// the same command line and addresses, and waits until it is ready.
func (n *Node) Restart(ctx context.Context) error {
	n.Kill()
	return n.run(ctx, true)
}

// Ready asks the node's /readyz: nil when it answers 200.
func (n *Node) Ready(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+n.AdminAddr()+"/readyz", nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("cluster: %s /readyz: %w", n.id, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("cluster: %s /readyz: %d %s", n.id, resp.StatusCode, strings.TrimSpace(string(body)))
	}
	return nil
}

// WaitReady polls /readyz until it answers 200, the node exits, or ctx
// ends.
func (n *Node) WaitReady(ctx context.Context) error {
	for {
		err := n.Ready(ctx)
		if err == nil {
			return nil
		}
		select {
		case <-n.Exited():
			return fmt.Errorf("cluster: node %s exited (%v):\n%s", n.id, n.ExitErr(), n.Tail(20))
		case <-ctx.Done():
			return fmt.Errorf("cluster: node %s not ready (%v): %w", n.id, err, ctx.Err())
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// Metric sums the samples of the metric called name (e.g.
// "fair_gateway_connections") whose label text contains every one of
// labels (e.g. `code="1012"`), from the node's /metrics.
func (n *Node) Metric(ctx context.Context, name string, labels ...string) (float64, error) {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, n.MetricsURL(), nil)
	if err != nil {
		return 0, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, fmt.Errorf("cluster: %s /metrics: %w", n.id, err)
	}
	defer resp.Body.Close()
	return SumMetric(resp.Body, name, labels...)
}

// SumMetric sums the samples of one metric in a Prometheus text exposition
// whose labels contain every one of labels. A metric with no sample sums
// to 0.
func SumMetric(r io.Reader, name string, labels ...string) (float64, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	sum := 0.0
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, name) || len(line) == len(name) || (line[len(name)] != ' ' && line[len(name)] != '{') {
			continue
		}
		ok := true
		for _, l := range labels {
			ok = ok && strings.Contains(line, l)
		}
		if !ok {
			continue
		}
		f := strings.Fields(line)
		v, err := strconv.ParseFloat(f[len(f)-1], 64)
		if err != nil {
			return 0, fmt.Errorf("cluster: metric line %q: %w", line, err)
		}
		sum += v
	}
	return sum, sc.Err()
}
