package cluster

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Proxy is HAProxy in front of the nodes (Debian's haproxy package). It
// sends every new connection to the next node in turn (round robin; /ws
// has a backend of its own, so that WebSockets alternate between nodes
// whatever the page's other requests do), checks each node's /readyz on
// its admin address, and adds an X-Fair-Node response header naming the
// node that answered. Its methods are safe for concurrent use.
type Proxy struct {
	*Process
	addr, stats string
	config      string // the configuration file
	nodes       []*Node
}

// ProxyBackend is the HAProxy backend of the WebSockets, whose servers'
// states States reports; BackendPage serves every other path, each of its
// servers tracking the state of the same node in ProxyBackend.
const (
	ProxyBackend = "ws"
	BackendPage  = "page"
)

// haproxyConfig writes the configuration. Timeouts: a WebSocket is a
// tunnel after the upgrade and lives an hour without traffic at most (the
// server pings idle clients every 20 s, so a live one never idles that
// long); the page's requests have the usual HTTP timeouts.
//
// Each node is also a backup server without a health check: when every
// node fails /readyz at once (Redis away), HAProxy still sends visitors to
// them, where new sessions get 4014 (the page then says why and retries)
// and resumes of sessions a node holds still work, instead of HAProxy's
// bare 503.
func haproxyConfig(w io.Writer, front, stats string, nodes []*Node, inter time.Duration, fall int) {
	ms := max(inter.Milliseconds(), 10)
	fmt.Fprintf(w, `# Written by internal/cluster for this run.
global
    log stderr format short local0 notice
    # No chroot, no user switch: a test's or a developer's process.

defaults
    mode http
    log global
    option dontlognull
    timeout connect 2s
    timeout client 30s
    timeout server 30s
    timeout http-request 10s
    timeout http-keep-alive 10s
    timeout tunnel 1h
    timeout client-fin 5s
    timeout server-fin 5s
    timeout check %[3]dms
    option redispatch
    retries 2

frontend fair
    bind %[1]s
    http-response set-header X-Fair-Node %%[srv_name]
    use_backend %[4]s if { path /ws }
    default_backend %[5]s

listen stats
    bind %[2]s
    stats enable
    stats uri /
    stats refresh 2s

backend %[4]s
    balance roundrobin
    option allbackups
    option httpchk GET /readyz
    http-check expect status 200
`, front, stats, ms, ProxyBackend, BackendPage)
	for _, n := range nodes {
		_, adminPort, _ := net.SplitHostPort(n.AdminAddr())
		host, _, _ := net.SplitHostPort(n.AdminAddr())
		fmt.Fprintf(w, "    server %s %s check addr %s port %s inter %dms fastinter %dms downinter %dms fall %d rise 1\n",
			n.ID(), n.Addr(), host, adminPort, ms, ms, ms, fall)
	}
	for _, n := range nodes {
		fmt.Fprintf(w, "    server %s-any %s backup\n", n.ID(), n.Addr())
	}
	fmt.Fprintf(w, "\nbackend %s\n    balance roundrobin\n    option allbackups\n", BackendPage)
	for _, n := range nodes {
		fmt.Fprintf(w, "    server %s %s track %s/%s\n", n.ID(), n.Addr(), ProxyBackend, n.ID())
	}
	for _, n := range nodes {
		fmt.Fprintf(w, "    server %s-any %s backup\n", n.ID(), n.Addr())
	}
}

func newProxy(bin, dir, front, stats string, nodes []*Node, inter time.Duration, fall int, echo func(*Process)) (*Proxy, error) {
	cfg := filepath.Join(dir, "haproxy.cfg")
	var b strings.Builder
	haproxyConfig(&b, front, stats, nodes, inter, fall)
	if err := os.WriteFile(cfg, []byte(b.String()), 0o644); err != nil {
		return nil, fmt.Errorf("cluster: %w", err)
	}
	p := &Proxy{addr: front, stats: stats, config: cfg, nodes: nodes, Process: &Process{
		name: "haproxy", path: bin, dir: dir, log: filepath.Join(dir, "haproxy.log"),
		// -db: in the foreground, one process (its PID is the one recorded).
		args: []string{"-db", "-f", cfg},
	}}
	echo(p.Process)
	return p, nil
}

// run starts HAProxy and waits until its front accepts connections and
// every node is UP in its health checks.
func (p *Proxy) run(ctx context.Context) error {
	if err := p.start(); err != nil {
		return err
	}
	for {
		st, err := p.States(ctx)
		up := err == nil
		for _, n := range p.nodes {
			up = up && st[n.ID()] == "UP"
		}
		if up {
			c, err := net.DialTimeout("tcp", p.addr, time.Second)
			if err == nil {
				c.Close()
				return nil
			}
		}
		select {
		case <-p.Exited():
			return fmt.Errorf("cluster: haproxy exited (%v):\n%s", p.ExitErr(), p.Tail(20))
		case <-ctx.Done():
			return fmt.Errorf("cluster: haproxy not ready (states %v, %v): %w\n%s", st, err, ctx.Err(), p.Tail(20))
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// Addr is the front's address (host:port).
func (p *Proxy) Addr() string { return p.addr }

// URL is the fair's page through HAProxy, http://host:port/.
func (p *Proxy) URL() string { return "http://" + p.addr + "/" }

// WSURL is the game endpoint through HAProxy, ws://host:port/ws.
func (p *Proxy) WSURL() string { return "ws://" + p.addr + "/ws" }

// StatsURL is HAProxy's statistics page (a table of the nodes' states).
func (p *Proxy) StatsURL() string { return "http://" + p.stats + "/" }

// ConfigPath is the configuration file written for this run.
func (p *Proxy) ConfigPath() string { return p.config }

// States returns each node's state in HAProxy's health checks, by node id:
// "UP", "DOWN", "UP 1/2" (going down), "DOWN 1/1" (going up), "MAINT", …
// (the status column of HAProxy's CSV statistics, backend ProxyBackend).
func (p *Proxy) States(ctx context.Context) (map[string]string, error) {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, p.StatsURL()+";csv", nil)
	if err != nil {
		return nil, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("cluster: haproxy stats: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("cluster: haproxy stats: HTTP %d", resp.StatusCode)
	}
	return parseStates(resp.Body)
}

// parseStates reads HAProxy's CSV statistics ("# pxname,svname,…,status,…").
func parseStates(r io.Reader) (map[string]string, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	head, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("cluster: haproxy stats: %w", err)
	}
	col := map[string]int{}
	for i, h := range head {
		col[strings.TrimPrefix(strings.TrimSpace(h), "# ")] = i
	}
	px, sv, stc := col["pxname"], col["svname"], col["status"]
	if stc == 0 {
		return nil, fmt.Errorf("cluster: haproxy stats: no status column in %q", head)
	}
	out := map[string]string{}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("cluster: haproxy stats: %w", err)
		}
		if len(rec) <= stc || rec[px] != ProxyBackend || rec[sv] == "BACKEND" || rec[sv] == "FRONTEND" {
			continue
		}
		out[rec[sv]] = rec[stc]
	}
}

// WaitState polls the statistics until node's state starts with state
// ("UP" or "DOWN"), or ctx ends.
func (p *Proxy) WaitState(ctx context.Context, node, state string) error {
	var last string
	for {
		st, err := p.States(ctx)
		if err == nil {
			last = st[node]
			if last == state || strings.HasPrefix(last, state+" ") {
				return nil
			}
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("cluster: %s not %s in haproxy (last %q): %w", node, state, last, ctx.Err())
		case <-time.After(25 * time.Millisecond):
		}
	}
}
