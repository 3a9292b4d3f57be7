package main

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/usine-extraordinaire/fairworld/client"
	"github.com/usine-extraordinaire/fairworld/internal/redistest"
	"github.com/usine-extraordinaire/fairworld/server/servertest"
)

// Two nodes over a real redis-server, a visitor on each: feedlag reads
// their feed records (none malformed) and reports them; bad flags and an
// empty feed are refused with a clear error.
func TestFeedLagReadsTheFeed(t *testing.T) {
	t.Parallel()
	rs := redistest.Start(t)
	for _, node := range []string{"a", "b"} {
		in := servertest.Start(t, servertest.Redis(t, rs.URL(), node, "lagtest", 0))
		for deadline := time.Now().Add(20 * time.Second); in.Server.Ready() != nil; time.Sleep(20 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("node %s not ready: %v", node, in.Server.Ready())
			}
		}
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		c, err := client.Dial(ctx, in.URL, client.Options{Pseudonym: "Retard" + node})
		cancel()
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		_, _ = c.Move(1, 0) // a walker: its node publishes every tick
	}
	var out bytes.Buffer
	if err := run([]string{"-redis", rs.URL(), "-prefix", "lagtest", "-duration", "2s", "-json"}, &out, &out); err != nil {
		t.Fatalf("%v: %s", err, out.String())
	}
	var rep Lag
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatalf("%v: %q", err, out.String())
	}
	if rep.Records == 0 || rep.Malformed != 0 || rep.Max < rep.P50 {
		t.Fatalf("report %+v: want records, none malformed", rep)
	}

	if err := run([]string{"-redis", rs.URL(), "-prefix", "nobody", "-duration", "300ms"}, &out, &out); err == nil || !strings.Contains(err.Error(), "no feed record") {
		t.Errorf("a prefix nobody publishes on: %v", err)
	}
	if err := run([]string{"-tick-rate", "0"}, &out, &out); err == nil {
		t.Error("no -redis and a zero tick rate accepted")
	}
}
