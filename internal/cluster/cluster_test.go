package cluster_test

import (
	"context"
	"errors"
	"net/http"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/usine-extraordinaire/fairworld/client"
	"github.com/usine-extraordinaire/fairworld/internal/cluster"
)

// The harness starts Redis, two nodes and HAProxy; HAProxy alternates the
// page's requests and, separately, the WebSockets between the nodes and
// names the node in X-Fair-Node; the two visitors see each other; Stop
// ends exactly the processes it started.
func TestClusterStartsAndStops(t *testing.T) {
	t.Parallel()
	c := start(t, cluster.Config{Nodes: 2, NodeArgs: []string{"-heartbeat-ttl", "1s"}})
	pids := c.PIDs()
	for _, n := range []string{"redis", "a", "b", "haproxy"} {
		if len(pids[n]) != 1 {
			t.Fatalf("pids %v: want one for %s", pids, n)
		}
	}
	if !strings.HasPrefix(c.Redis.URL(), "unix://") {
		t.Fatalf("redis url %s", c.Redis.URL())
	}

	seen := map[string]bool{}
	for range 2 {
		resp, err := http.Get(c.URL())
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		seen[resp.Header.Get("X-Fair-Node")] = true
	}
	if !seen["a"] || !seen["b"] {
		t.Fatalf("two requests for the page reached %v, want a and b", seen)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	c1, n1, err := dialNode(ctx, c.WSURL(), client.Options{Pseudonym: name("Harnais")})
	if err != nil {
		t.Fatal(err)
	}
	defer c1.Close()
	c2, n2, err := dialNode(ctx, c.WSURL(), client.Options{Pseudonym: name("Harnais")})
	if err != nil {
		t.Fatal(err)
	}
	defer c2.Close()
	if n1 == n2 || n1 == "" || n2 == "" {
		t.Fatalf("two WebSockets landed on %q and %q, want both nodes", n1, n2)
	}
	if err := c1.WaitFor(ctx, func(cl *client.Client) bool { _, ok := cl.Avatar(c2.SelfID()); return ok }); err != nil {
		t.Fatalf("%s does not see the visitor of %s: %v", n1, n2, err)
	}
	for _, n := range c.Nodes {
		if v, err := n.Metric(ctx, "fair_gateway_connections"); err != nil || v != 1 {
			t.Errorf("node %s: %v connections (%v), want 1", n.ID(), v, err)
		}
	}
	st, err := c.Proxy.States(ctx)
	if err != nil || st["a"] != "UP" || st["b"] != "UP" {
		t.Fatalf("haproxy states %v (%v)", st, err)
	}

	if err := c.Stop(); err != nil {
		t.Fatalf("stop: %v", err)
	}
	for name, ps := range pids {
		for _, pid := range ps {
			if err := syscall.Kill(pid, 0); !errors.Is(err, syscall.ESRCH) {
				t.Errorf("%s (pid %d) still there after Stop: %v", name, pid, err)
			}
		}
	}
	select {
	case <-c1.Done():
	case <-time.After(5 * time.Second):
		t.Error("a client still connected after Stop")
	}
}

// A node flag that would silence the "listening" lines the harness reads is
// refused before anything starts, in every form the flag package accepts;
// info and debug pass the check.
func TestQuietNodesRefused(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{
		{"-log-level", "warn"}, {"--log-level", "error"}, {"-log-level=WARN"}, {"--log-level=info+4"},
	} {
		_, err := cluster.Start(context.Background(), cluster.Config{Nodes: 1, NoProxy: true, NoRedis: true, NodeArgs: args, Dir: t.TempDir()})
		if err == nil || !strings.Contains(err.Error(), "log-level") {
			t.Errorf("%v: %v, want a -log-level error", args, err)
		}
	}
	dir := t.TempDir()
	_, err := cluster.Start(context.Background(), cluster.Config{Nodes: 1, NoProxy: true, NoRedis: true, Dir: dir,
		Fairserver: filepath.Join(dir, "absent"), NodeArgsOf: func(int) []string { return []string{"-log-level=debug"} }})
	if err == nil || strings.Contains(err.Error(), "log-level") {
		t.Errorf("-log-level=debug: %v, want only the absent binary refused", err)
	}
}
