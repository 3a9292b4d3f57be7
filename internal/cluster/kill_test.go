package cluster_test

import (
	"context"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/usine-extraordinaire/fairworld/client"
	"github.com/usine-extraordinaire/fairworld/internal/cluster"
	"github.com/usine-extraordinaire/fairworld/protocol"
)

// The fault tests run one at a time (no t.Parallel): they measure how long
// things take, and report it; each wait fails only past what the design
// promises plus 3 × the heartbeat TTL, never on the measured time itself.
const (
	ttl          = time.Second // -heartbeat-ttl of the fault tests
	resumeWindow = 3 * time.Second
	feedExpiry   = 1500 * time.Millisecond // feed.DefaultExpiry: a remote avatar nobody refreshes leaves
	// evictAfter bounds when a live node detaches a dead node's sessions:
	// its key expires within a TTL of its last heartbeat, another node sees
	// it missing at its next heartbeat (every TTL/3) and evicts it once it
	// has been missing for a TTL more, at a heartbeat.
	evictAfter = ttl + ttl/3 + ttl + ttl/3
	slack      = 3 * ttl
)

// faultArgs are the nodes' flags in the fault tests: short heartbeats and
// resume window, so that the tests take seconds.
var faultArgs = []string{"-heartbeat-ttl", ttl.String(), "-resume-window", resumeWindow.String()}

// A node killed with SIGKILL: its avatars leave the other nodes' clients
// (as leaves), its visitors who reconnect through HAProxy resume on another
// node with pseudonym, id and a recent position, and the pseudonyms of
// those who do not come back are free after the resume window.
func TestNodeKilled(t *testing.T) {
	c := start(t, cluster.Config{Nodes: 3, NodeArgs: faultArgs})
	a, b, dead := c.Nodes[0], c.Nodes[1], c.Nodes[2]
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	var watchers []*probe
	for _, n := range []*cluster.Node{a, b} {
		w, err := dialProbe(ctx, n.WSURL(), client.Options{Pseudonym: name("Guetteur")})
		if err != nil {
			t.Fatal(err)
		}
		defer w.Close()
		watchers = append(watchers, w)
	}
	// Victims on the node that dies: three walking, one standing that
	// never comes back.
	var victims []*probe
	for i := range 4 {
		v, err := dialProbe(ctx, dead.WSURL(), client.Options{Pseudonym: name("Victime")})
		if err != nil {
			t.Fatal(err)
		}
		defer v.Close()
		victims = append(victims, v)
		if i < 3 {
			go walkSquares(ctx, v.Client, i)
		}
	}
	stay := victims[3]
	// More visitors standing on that node, so that it writes each session's
	// position about once a second as with many (with a few, it writes them
	// more often).
	for range 20 {
		v, err := client.Dial(ctx, dead.WSURL(), client.Options{Pseudonym: name("Foule")})
		if err != nil {
			t.Fatal(err)
		}
		defer v.Close()
	}
	for _, w := range watchers {
		for _, v := range victims {
			if err := w.WaitFor(ctx, func(cl *client.Client) bool { _, ok := cl.Avatar(v.SelfID()); return ok }); err != nil {
				t.Fatalf("a watcher does not see victim %d: %v", v.SelfID(), err)
			}
		}
	}
	// The walking victims' sessions in Redis hold a position they had since
	// they were all seen (the dead node writes one about once a second).
	seen := time.Now()
	rc := c.Redis.Client()
	defer rc.Close()
	if !waitCond(slack, func() bool {
		for _, v := range victims[:3] {
			x, y, ok := storedPosition(ctx, rc, v.SelfID())
			if age := v.positionAge(x, y, time.Now()); !ok || age < 0 || age > time.Since(seen) {
				return false
			}
		}
		return true
	}) {
		t.Fatalf("the walking victims' positions did not reach Redis within %v", slack)
	}
	// A crash comes at any moment between two writes of the positions (a
	// batch about once a second): not right after one, which the wait
	// above ends on.
	time.Sleep(rand.N(time.Second))

	dead.Kill()
	killed := time.Now()
	t.Logf("node %s killed (SIGKILL)", dead.ID())

	// Right after, the standing victim's pseudonym is still reserved: its
	// session is resumable.
	if _, err := client.Dial(ctx, c.WSURL(), client.Options{Pseudonym: stay.Welcome().Pseudonym}); client.CodeOf(err) != protocol.ClosePseudoTaken {
		t.Fatalf("a join with a dead node's visitor's pseudonym right after the kill: %v, want 4011", err)
	}

	// Its avatars leave the other nodes' clients.
	var worst time.Duration
	for _, w := range watchers {
		for _, v := range victims {
			if !waitCond(feedExpiry+slack-time.Since(killed), func() bool { return !w.leftAt(v.SelfID(), killed).IsZero() }) {
				t.Fatalf("watcher %s still has victim %d %v after the kill", w.Welcome().Pseudonym, v.SelfID(), time.Since(killed))
			}
			worst = max(worst, w.leftAt(v.SelfID(), killed).Sub(killed))
		}
		if _, ok := w.Avatar(victims[0].SelfID()); ok {
			t.Fatal("a victim left but is still in the watcher's view")
		}
	}
	t.Logf("FIGURE kill: the dead node's avatars left the other nodes' clients %v after the kill at the latest (%d leaves)", worst.Round(10*time.Millisecond), len(watchers)*len(victims))

	// The walking victims come back through HAProxy and resume elsewhere.
	var oldest time.Duration
	for _, v := range victims[:3] {
		w := v.Welcome()
		r, err := dialProbe(ctx, c.WSURL(), client.Options{ResumeToken: w.ResumeToken, Seq: v.LastSeq()})
		if err != nil {
			t.Fatalf("resume through haproxy after the kill: %v", err)
		}
		defer r.Close()
		got := r.Welcome()
		if !got.Resumed || got.SelfID != w.SelfID || got.Pseudonym != w.Pseudonym || r.node == dead.ID() || r.node == "" {
			t.Fatalf("resume on %q: resumed %v, id %d, pseudonym %q; want the session %d %q on another node", r.node, got.Resumed, got.SelfID, got.Pseudonym, w.SelfID, w.Pseudonym)
		}
		if err := r.WaitFor(ctx, func(cl *client.Client) bool { return cl.Tick() > 0 }); err != nil {
			t.Fatal(err)
		}
		x, y := r.Self()
		age := v.positionAge(protocol.Quantise(x), protocol.Quantise(y), killed)
		if age < 0 || age > slack {
			t.Fatalf("the resumed position (%.2f, %.2f) is %v old (-1: never there), want about a second", x, y, age)
		}
		oldest = max(oldest, age)
		t.Logf("victim %d resumed on node %s, position %v old", got.SelfID, r.node, age.Round(10*time.Millisecond))
	}
	t.Logf("FIGURE kill: resumed on another node with a position at most %v old", oldest.Round(10*time.Millisecond))
	// The other nodes' clients see them again.
	for _, w := range watchers {
		for _, v := range victims[:3] {
			if err := w.WaitFor(ctx, func(cl *client.Client) bool { _, ok := cl.Avatar(v.SelfID()); return ok }); err != nil {
				t.Fatalf("a watcher does not see resumed victim %d: %v", v.SelfID(), err)
			}
		}
	}

	// The standing victim's pseudonym: reserved for the resume window
	// after the eviction, then free.
	pseudo := stay.Welcome().Pseudonym
	var freed time.Duration
	for {
		p, err := client.Dial(ctx, c.WSURL(), client.Options{Pseudonym: pseudo})
		since := time.Since(killed)
		if err == nil {
			p.Close()
			freed = since
			break
		}
		if client.CodeOf(err) != protocol.ClosePseudoTaken {
			t.Fatalf("a join with the pseudonym %v after the kill: %v", since, err)
		}
		if since > evictAfter+resumeWindow+slack {
			t.Fatalf("the dead node's visitor's pseudonym still taken %v after the kill", since)
		}
		time.Sleep(100 * time.Millisecond)
	}
	if freed < resumeWindow {
		t.Fatalf("the pseudonym was free %v after the kill, within the resume window (%v)", freed, resumeWindow)
	}
	evicted, _ := a.Metric(ctx, "fair_presence_evictions_total")
	evictedB, _ := b.Metric(ctx, "fair_presence_evictions_total")
	if evicted+evictedB != 1 {
		t.Errorf("%v evictions, want 1 (one node detaches the dead one's sessions)", evicted+evictedB)
	}
	t.Logf("FIGURE kill: the pseudonym of a visitor who did not come back was free %v after the kill (resume window %v, heartbeat TTL %v)",
		freed.Round(10*time.Millisecond), resumeWindow, ttl)
	for _, w := range watchers {
		select {
		case <-w.Done():
			t.Fatalf("a watcher was disconnected: %v", w.Err())
		default:
		}
	}
}
