package class

import (
	"context"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/usine-extraordinaire/fairworld/internal/redistest"
)

func TestBuses(t *testing.T) {
	t.Parallel()
	srv := redistest.Start(t)
	rc := redis.NewClient(&redis.Options{Network: "unix", Addr: srv.Addr()})
	t.Cleanup(func() { _ = rc.Close() })
	mem := NewMemoryBus()
	for name, pair := range map[string][2]Bus{
		"memory": {mem.Node(), mem.Node()},
		"redis":  {NewRedisBus(rc, "test", nil), NewRedisBus(rc, "test", nil)},
	} {
		t.Run(name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			got := make(chan Message, 16)
			done := make(chan struct{}, 2)
			for _, b := range pair {
				go func() { b.Run(ctx, func(m Message) { got <- m }); done <- struct{}{} }()
			}
			t.Cleanup(func() { cancel(); <-done; <-done })
			want := Message{Kind: KindBeat, Node: "a", Records: []Record{{Class: 7, Member: 2, Avatar: 9, Name: "Léa", X: 10, Y: 20, Role: 3, Steps: 1, Points: 45, Flags: 5}}}
			deadline := time.Now().Add(10 * time.Second)
			for n := 0; n < 2; { // both nodes, the sender included; the subscription may take a moment
				if time.Now().After(deadline) {
					t.Fatal("no message")
				}
				pair[0].Publish(want)
				select {
				case m := <-got:
					if m.Kind != want.Kind || m.Node != "a" || len(m.Records) != 1 || m.Records[0] != want.Records[0] {
						t.Fatalf("got %+v", m)
					}
					n++
				case <-time.After(200 * time.Millisecond):
				}
			}
		})
	}
}

func TestDecodeRefuses(t *testing.T) {
	t.Parallel()
	for _, b := range [][]byte{nil, {0xc1}, []byte("hello"), {0x91, 0xa1, 'x'}} {
		if _, err := Decode(b); err == nil {
			t.Errorf("Decode(% x) succeeded", b)
		}
	}
}
