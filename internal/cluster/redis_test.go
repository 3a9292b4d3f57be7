package cluster_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/usine-extraordinaire/fairworld/client"
	"github.com/usine-extraordinaire/fairworld/internal/cluster"
	"github.com/usine-extraordinaire/fairworld/protocol"
)

// redisTTL is the heartbeat TTL of the Redis fault tests: longer than the
// others', as the way back after Redis returns (reconnect, resubscribe, a
// full record) is bounded by 3 × this.
const redisTTL = 2 * time.Second

// Redis killed and restarted (its append-only file replayed), then paused
// with SIGSTOP for 10 s, under two node processes behind HAProxy: every
// node keeps ticking for its own clients, no client is disconnected, new
// joins through HAProxy get 4014, a resume on the node holding the session
// works, and cross-node visibility comes back after Redis returns.
func TestRedisFaultsUnderNodes(t *testing.T) {
	c := start(t, cluster.Config{
		Nodes: 2, NodeArgs: []string{"-heartbeat-ttl", redisTTL.String(), "-resume-window", "30s"},
		CheckInterval: 250 * time.Millisecond,
	})
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()

	// Two walking visitors through HAProxy: round robin puts them on the
	// two nodes.
	var ps []*probe
	for i := range 2 {
		p, err := dialProbe(ctx, c.WSURL(), client.Options{Pseudonym: name("Marcheur")})
		if err != nil {
			t.Fatal(err)
		}
		defer p.Close()
		ps = append(ps, p)
		go walkSquares(ctx, p.Client, i)
	}
	if ps[0].node == ps[1].node {
		t.Fatalf("both visitors on node %q", ps[0].node)
	}
	for i, p := range ps {
		other := ps[1-i]
		if err := p.WaitFor(ctx, func(cl *client.Client) bool { _, ok := cl.Avatar(other.SelfID()); return ok }); err != nil {
			t.Fatalf("the visitor on %s does not see the one on %s: %v", p.node, other.node, err)
		}
	}
	// A visitor on node a directly, who resumes there during the outages.
	home := c.Nodes[0]
	local, err := client.Dial(ctx, home.WSURL(), client.Options{Pseudonym: name("Casanier")})
	if err != nil {
		t.Fatal(err)
	}

	outage := func(what string, cut func(), restore func()) {
		t.Helper()
		cut()
		cutAt := time.Now()
		t.Logf("%s", what)
		// New joins through HAProxy get 4014: the nodes fail /readyz, and
		// HAProxy then sends visitors to its backup servers, the same nodes.
		var refused time.Duration
		for {
			nc, err := client.Dial(ctx, c.WSURL(), client.Options{Pseudonym: name("Arrivant")})
			if err == nil {
				nc.Close() // a join that beat the cut: Redis had not gone yet for it
			} else if client.CodeOf(err) == protocol.CloseServiceUnavailable {
				if r := err.Error(); !strings.Contains(r, "indisponible") {
					t.Errorf("4014's reason is not French: %v", err)
				}
				refused = time.Since(cutAt)
				break
			} else if time.Since(cutAt) > slack {
				t.Fatalf("a join %v into the outage: %v, want 4014", time.Since(cutAt), err)
			}
			if time.Since(cutAt) > 3*redisTTL {
				t.Fatalf("joins still admitted %v into the outage", time.Since(cutAt))
			}
			time.Sleep(100 * time.Millisecond)
		}
		t.Logf("a new join got 4014 %v into the outage", refused.Round(10*time.Millisecond))
		// Every node keeps ticking for its own clients: each visitor's own
		// avatar goes on walking.
		for _, p := range ps {
			x0, y0 := p.Self()
			_, tick0 := p.lastUpdate()
			if !waitCond(slack, func() bool {
				x, y := p.Self()
				_, tick := p.lastUpdate()
				return tick > tick0+10 && (x != x0 || y != y0)
			}) {
				t.Fatalf("the visitor on %s does not walk during the outage", p.node)
			}
		}
		// The other node's avatar expires (its feed is cut) ...
		for i, p := range ps {
			id := ps[1-i].SelfID()
			if !waitCond(feedExpiry+slack, func() bool { _, ok := p.Avatar(id); return !ok }) {
				t.Fatalf("the visitor on %s still sees the other node's avatar during the outage", p.node)
			}
		}
		// ... and a resume on the node holding the session works.
		w := local.Welcome()
		_ = local.CloseReconnect()
		local, err = client.Dial(ctx, home.WSURL(), client.Options{ResumeToken: w.ResumeToken, Seq: local.LastSeq()})
		if err != nil || local.SelfID() != w.SelfID {
			t.Fatalf("a resume on the node holding the session during the outage: %v", err)
		}

		if st, err := c.Proxy.States(ctx); err == nil {
			t.Logf("haproxy's view of the nodes during the outage: %v", st)
		}
		restore()
		back := time.Now()
		down := back.Sub(cutAt)
		var worst time.Duration
		for i, p := range ps {
			id := ps[1-i].SelfID()
			if !waitCond(3*redisTTL, func() bool { return !p.enteredAt(id, back).IsZero() }) {
				t.Fatalf("cross-node visibility not back %v after Redis returned", time.Since(back))
			}
			worst = max(worst, p.enteredAt(id, back).Sub(back))
		}
		t.Logf("FIGURE redis: %s (away %v): cross-node visibility back %v after Redis returned (both ways); a new join got 4014 %v into the outage",
			what, down.Round(100*time.Millisecond), worst.Round(10*time.Millisecond), refused.Round(10*time.Millisecond))
		// New joins work again once HAProxy sees the nodes ready.
		if !waitCond(3*redisTTL, func() bool {
			nc, err := client.Dial(ctx, c.WSURL(), client.Options{Pseudonym: name("Revenant")})
			if err == nil {
				nc.Close()
			}
			return err == nil
		}) {
			t.Fatal("new joins still refused after Redis returned")
		}
		for _, p := range append(ps, &probe{Client: local}) {
			select {
			case <-p.Done():
				t.Fatalf("a client was disconnected by the outage: %v", p.Err())
			default:
			}
		}
	}

	outage("Redis killed (SIGKILL), restarted after the checks",
		func() { c.Redis.Kill() },
		func() {
			if err := c.Redis.Restart(ctx); err != nil {
				t.Fatal(err)
			}
		})
	var paused time.Time
	outage("Redis paused (SIGSTOP) for 10 s",
		func() {
			if err := c.Redis.Pause(); err != nil {
				t.Fatal(err)
			}
			paused = time.Now()
		},
		func() {
			time.Sleep(10*time.Second - time.Since(paused))
			if err := c.Redis.Continue(); err != nil {
				t.Fatal(err)
			}
		})
	// The visitor resumed on its node during the outages now resumes on the
	// other node too (the sessions are in Redis again).
	w := local.Welcome()
	_ = local.CloseReconnect()
	other := c.Nodes[1]
	r, err := client.Dial(ctx, other.WSURL(), client.Options{ResumeToken: w.ResumeToken, Seq: local.LastSeq()})
	if err != nil || r.SelfID() != w.SelfID {
		t.Fatalf("a resume on the other node after the outages: %v", err)
	}
	r.Close()
}
