package chat

import (
	"context"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/redis/go-redis/v9"

	"github.com/usine-extraordinaire/fairworld/internal/redistest"
)

// Two nodes' buses over one redis-server: each gets the other's records,
// not its own; a full queue drops and counts.
func TestRedisBus(t *testing.T) {
	t.Parallel()
	srv := redistest.Start(t)
	rc := redis.NewClient(&redis.Options{Network: "unix", Addr: srv.Addr()})
	t.Cleanup(func() { _ = rc.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	reg := prometheus.NewRegistry()
	a, err := NewRedisBus(rc, RedisBusConfig{Prefix: "t", Node: 1}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := NewRedisBus(rc, RedisBusConfig{Prefix: "t", Node: 2, QueueSize: 3}, reg, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	for _, bus := range []*RedisBus{a, b} {
		if err := bus.Ready(ctx); err != nil {
			t.Fatal(err)
		}
	}
	m := Message{ID: 7, Text: "Salut", Who: "lea"}
	if err := a.Publish(ctx, []Record{{Kind: RecMessage, Msg: &m}, {Kind: RecMute, Who: "tom", UntilMs: 5}}); err != nil {
		t.Fatal(err)
	}
	if err := b.Publish(ctx, []Record{{Kind: RecErase, Who: "zoe"}}); err != nil {
		t.Fatal(err)
	}
	var got []Record
	for len(got) < 2 {
		if ctx.Err() != nil {
			t.Fatalf("b drained %+v", got)
		}
		got = b.Drain(got)
		time.Sleep(10 * time.Millisecond)
	}
	if got[0].Kind != RecMessage || got[0].Msg.Text != "Salut" || got[0].Node != 1 || got[1].Who != "tom" {
		t.Fatalf("b got %+v", got)
	}
	var ga []Record
	for len(ga) < 1 {
		if ctx.Err() != nil {
			t.Fatal("a got nothing")
		}
		ga = a.Drain(ga)
		time.Sleep(10 * time.Millisecond)
	}
	if len(ga) != 1 || ga[0].Who != "zoe" {
		t.Fatalf("a got %+v (its own records come back?)", ga)
	}
	// b's queue holds 3: of 5 more, 2 are dropped and counted.
	recs := make([]Record, 5)
	for i := range recs {
		recs[i] = Record{Kind: RecErase, Who: "x"}
	}
	if err := a.Publish(ctx, recs); err != nil {
		t.Fatal(err)
	}
	drops := b.m.drops.WithLabelValues("queue_full")
	for testutil.ToFloat64(drops) < 2 {
		if ctx.Err() != nil {
			t.Fatalf("drops %v", testutil.ToFloat64(drops))
		}
		time.Sleep(10 * time.Millisecond)
	}
	if n := len(b.Drain(nil)); n != 3 {
		t.Fatalf("%d queued, want 3", n)
	}
}
