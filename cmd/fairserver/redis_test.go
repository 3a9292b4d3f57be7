package main

import (
	"context"
	"testing"
	"time"

	"github.com/usine-extraordinaire/fairworld/client"
	"github.com/usine-extraordinaire/fairworld/internal/redistest"
)

// Two fairserver processes with -redis are one fair: a visitor on each
// sees the other, ids are distinct, the online count is the fair's.
func TestTwoProcessesOverRedis(t *testing.T) {
	srv := redistest.Start(t)
	_, addrA := startProcess(t, "-redis", srv.URL(), "-node-id", "node-a", "-heartbeat-ttl", "600ms")
	_, addrB := startProcess(t, "-redis", srv.URL(), "-node-id", "node-b", "-heartbeat-ttl", "600ms")
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	dial := func(addr, pseudo string) *client.Client {
		for {
			c, err := client.Dial(ctx, "ws://"+addr+"/ws", client.Options{Pseudonym: pseudo})
			if err == nil {
				t.Cleanup(func() { _ = c.Close() })
				return c
			}
			if client.CodeOf(err) != 4014 || ctx.Err() != nil { // 4014 until the node's first heartbeat
				t.Fatalf("dial %s: %v", addr, err)
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	a := dial(addrA, "Anouk")
	b := dial(addrB, "Basile")
	if err := b.WaitFor(ctx, func(c *client.Client) bool { _, ok := c.Avatar(a.SelfID()); return ok && c.Online() == 2 }); err != nil {
		t.Fatalf("b does not see a on the other process: %v", err)
	}
	if a.SelfID() == b.SelfID() {
		t.Fatalf("both avatars have id %d", a.SelfID())
	}
}
