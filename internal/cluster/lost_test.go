package cluster_test

import (
	"context"
	"testing"
	"time"

	"github.com/usine-extraordinaire/fairworld/client"
	"github.com/usine-extraordinaire/fairworld/internal/cluster"
)

// Lost pub/sub messages between real processes: Redis drops the nodes'
// subscription connections (CLIENT KILL TYPE pubsub), so the records
// published until they resubscribe never reach them. The receiving node
// sees the gap in the publisher's sequence numbers, resyncs on the next
// full record, and its client goes on seeing the other node's walker move.
// (server/feed's TestLostRecordResyncs forces single losses, of an
// identity and of a departure, deterministically.)
func TestLostFeedMessagesResync(t *testing.T) {
	c := start(t, cluster.Config{Nodes: 2, NodeArgs: faultArgs, NoProxy: true})
	a, b := c.Nodes[0], c.Nodes[1]
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	watcher, err := dialProbe(ctx, a.WSURL(), client.Options{Pseudonym: name("Guetteur")})
	if err != nil {
		t.Fatal(err)
	}
	defer watcher.Close()
	walker, err := client.Dial(ctx, b.WSURL(), client.Options{Pseudonym: name("Marcheur")})
	if err != nil {
		t.Fatal(err)
	}
	defer walker.Close()
	go walkSquares(ctx, walker, 0)
	if err := watcher.WaitFor(ctx, func(cl *client.Client) bool { _, ok := cl.Avatar(walker.SelfID()); return ok }); err != nil {
		t.Fatal(err)
	}

	rc := c.Redis.Client()
	defer rc.Close()
	gaps := func() float64 { v, _ := a.Metric(ctx, "fair_feed_gaps_total"); return v }
	resyncs := func() float64 { v, _ := a.Metric(ctx, "fair_feed_resyncs_total"); return v }
	g0, r0 := gaps(), resyncs()
	kills := 0
	for gaps() == g0 {
		if kills >= 50 {
			t.Fatalf("no gap seen after %d CLIENT KILL TYPE pubsub", kills)
		}
		// A few kills in a row keep the subscriptions away for a few ticks.
		for range 5 {
			if err := rc.Do(ctx, "CLIENT", "KILL", "TYPE", "pubsub").Err(); err != nil {
				t.Fatal(err)
			}
			kills++
			time.Sleep(30 * time.Millisecond)
		}
		waitCond(500*time.Millisecond, func() bool { return gaps() > g0 })
	}
	lost := time.Now()
	if !waitCond(slack, func() bool { return resyncs() > r0 }) {
		t.Fatalf("a gap (%v) but no resync %v after", gaps()-g0, time.Since(lost))
	}
	t.Logf("FIGURE lost: %v gaps after %d CLIENT KILL TYPE pubsub; resynced %v after the gap was seen", gaps()-g0, kills, time.Since(lost).Round(10*time.Millisecond))
	// The walker is still seen walking.
	x0, y0 := avatarAt(watcher.Client, walker.SelfID())
	if !waitCond(slack, func() bool { x, y := avatarAt(watcher.Client, walker.SelfID()); return x != x0 || y != y0 }) {
		t.Fatal("the watcher no longer sees the walker move after the resync")
	}
}

func avatarAt(c *client.Client, id uint32) (x, y float64) {
	a, ok := c.Avatar(id)
	if !ok {
		return -1, -1
	}
	return a.X, a.Y
}
