package cluster_test

import (
	"context"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/usine-extraordinaire/fairworld/client"
	"github.com/usine-extraordinaire/fairworld/internal/cluster"
	"github.com/usine-extraordinaire/fairworld/protocol"
)

// A node given SIGTERM drains: /readyz fails first while its clients are
// still served, HAProxy takes it out of the rotation (a new visitor goes
// elsewhere), then it closes its clients with 1012 spread over
// -drain-spread; they come back through HAProxy and resume on the other
// nodes, all of them, although those nodes admit one new session a second
// (resumes have a bound of their own: none gets 4004).
func TestNodeDrains(t *testing.T) {
	const (
		victims     = 20
		drainDelay  = 1500 * time.Millisecond
		drainSpread = 3 * time.Second
	)
	c := start(t, cluster.Config{
		Nodes: 3, NodeArgs: faultArgs, CheckInterval: 200 * time.Millisecond, CheckFall: 2,
		NodeArgsOf: func(i int) []string {
			if i == 2 {
				return []string{"-drain-delay", drainDelay.String(), "-drain-spread", drainSpread.String()}
			}
			return []string{"-join-rate", "1", "-join-burst", "3"}
		},
	})
	a, drained := c.Nodes[0], c.Nodes[2]
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	watcher, err := dialProbe(ctx, a.WSURL(), client.Options{Pseudonym: name("Guetteur")})
	if err != nil {
		t.Fatal(err)
	}
	defer watcher.Close()
	var vs []*client.Client
	for range victims {
		v, err := client.Dial(ctx, drained.WSURL(), client.Options{Pseudonym: name("Partant")})
		if err != nil {
			t.Fatal(err)
		}
		defer v.Close()
		vs = append(vs, v)
	}
	for _, v := range vs {
		if err := watcher.WaitFor(ctx, func(cl *client.Client) bool { _, ok := cl.Avatar(v.SelfID()); return ok }); err != nil {
			t.Fatalf("the watcher does not see %d: %v", v.SelfID(), err)
		}
	}

	// Each victim, once closed, resumes through HAProxy at once.
	type back struct {
		closedAt, resumedAt time.Time
		code                protocol.CloseCode
		node                string
		err                 error
		w                   protocol.Welcome
	}
	results := make([]back, victims)
	var wg sync.WaitGroup
	for i, v := range vs {
		wg.Go(func() {
			r := &results[i]
			select {
			case <-v.Done():
			case <-ctx.Done():
				r.err = ctx.Err()
				return
			}
			r.closedAt, r.code = time.Now(), client.CodeOf(v.Err())
			w := v.Welcome()
			n, node, err := dialNode(ctx, c.WSURL(), client.Options{ResumeToken: w.ResumeToken, Seq: v.LastSeq()})
			r.resumedAt, r.node, r.err = time.Now(), node, err
			if err == nil {
				r.w = n.Welcome()
				t.Cleanup(func() { _ = n.Close() })
			}
		})
	}

	if err := drained.Term(); err != nil {
		t.Fatal(err)
	}
	termed := time.Now()
	// /readyz fails first, while every client is still connected.
	if !waitCond(drainDelay, func() bool { return drained.Ready(ctx) != nil }) {
		t.Fatalf("/readyz still passes %v after SIGTERM", time.Since(termed))
	}
	readyFailed := time.Since(termed)
	for _, v := range vs {
		select {
		case <-v.Done():
			t.Fatalf("a client was closed before /readyz failed: %v", v.Err())
		default:
		}
	}
	// HAProxy takes the node out; a new visitor then lands elsewhere.
	dctx, dcancel := context.WithTimeout(ctx, drainDelay+slack)
	err = c.Proxy.WaitState(dctx, drained.ID(), "DOWN")
	dcancel()
	if err != nil {
		t.Fatal(err)
	}
	proxyDown := time.Since(termed)
	nv, node, err := dialNode(ctx, c.WSURL(), client.Options{Pseudonym: name("Nouveau")})
	if err != nil {
		t.Fatalf("a new visitor while the node drains: %v", err)
	}
	defer nv.Close()
	if node == drained.ID() || node == "" {
		t.Fatalf("a new visitor landed on %q while %s drained", node, drained.ID())
	}

	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(drainDelay + drainSpread + slack):
		t.Fatalf("the drained node's clients not all closed and resumed %v after SIGTERM", time.Since(termed))
	}
	var closes []time.Duration
	var lastResume time.Duration
	perNode := map[string]int{}
	for i, r := range results {
		if r.code != protocol.CloseServiceRestart {
			t.Errorf("victim %d closed with %v, want 1012", i, r.code)
		}
		if r.err != nil {
			t.Errorf("victim %d's resume through haproxy: %v (4004 would mean resumes met the join rate)", i, r.err)
			continue
		}
		want := vs[i].Welcome()
		if !r.w.Resumed || r.w.SelfID != want.SelfID || r.w.Pseudonym != want.Pseudonym || r.node == drained.ID() {
			t.Errorf("victim %d resumed on %q as %d %q (resumed %v), want %d %q elsewhere", i, r.node, r.w.SelfID, r.w.Pseudonym, r.w.Resumed, want.SelfID, want.Pseudonym)
		}
		closes = append(closes, r.closedAt.Sub(termed))
		lastResume = max(lastResume, r.resumedAt.Sub(termed))
		perNode[r.node]++
	}
	if t.Failed() {
		return
	}
	sort.Slice(closes, func(i, j int) bool { return closes[i] < closes[j] })
	wctx, wcancel := context.WithTimeout(ctx, slack)
	defer wcancel()
	if err := drained.Wait(wctx); err != nil {
		t.Fatalf("the drained node's exit: %v", err)
	}
	exited := time.Since(termed)
	t.Logf("FIGURE drain: /readyz failed %v after SIGTERM, HAProxy had the node DOWN at %v (checks every 200 ms, 2 to fall); "+
		"the %d clients were closed with 1012 from %v to %v (spread %v, -drain-delay %v -drain-spread %v); "+
		"all resumed through HAProxy by %v (%v), none refused; the node exited 0 at %v",
		readyFailed.Round(10*time.Millisecond), proxyDown.Round(10*time.Millisecond), victims,
		closes[0].Round(10*time.Millisecond), closes[len(closes)-1].Round(10*time.Millisecond),
		(closes[len(closes)-1] - closes[0]).Round(10*time.Millisecond), drainDelay, drainSpread,
		lastResume.Round(10*time.Millisecond), perNode, exited.Round(10*time.Millisecond))
	refused, _ := a.Metric(ctx, "fair_gateway_admission_refusals_total", `reason="resume_rate"`)
	if refused != 0 {
		t.Errorf("%v resumes refused on node a", refused)
	}
	select {
	case <-watcher.Done():
		t.Fatalf("the watcher was disconnected: %v", watcher.Err())
	default:
	}
}
