package server_test

import (
	"context"
	"testing"
	"time"

	"github.com/usine-extraordinaire/fairworld/client"
	"github.com/usine-extraordinaire/fairworld/protocol"
	"github.com/usine-extraordinaire/fairworld/server"
	"github.com/usine-extraordinaire/fairworld/server/servertest"
)

// A join the hub does not take within JoinTimeout is refused with 4003,
// and its pseudonym is free again at once, not when the late hub gets to a
// leave: a visitor who retries after "server busy" keeps the pseudonym
// (the 100,000 run saw such retries refused with 4011). When the hub comes
// back, the abandoned join is not run and the pseudonym joins normally.
func TestJoinTimeoutFreesThePseudonym(t *testing.T) {
	t.Parallel()
	in := servertest.Start(t, func(cfg *server.Config) { cfg.JoinTimeout = 300 * time.Millisecond })
	release := make(chan struct{})
	unblock := func() {
		select {
		case <-release:
		default:
			close(release)
		}
	}
	t.Cleanup(unblock)
	in.Server.BlockHub(release)

	pseudo := name()
	for try := 1; try <= 3; try++ {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		_, err := client.Dial(ctx, in.URL, client.Options{Pseudonym: pseudo})
		cancel()
		if got := client.CodeOf(err); got != protocol.CloseServerFull {
			t.Fatalf("try %d with the hub blocked: %v (code %v), want %v", try, err, got, protocol.CloseServerFull)
		}
	}
	unblock()
	c := dial(t, in, client.Options{Pseudonym: pseudo})
	if got := c.Welcome().Pseudonym; got != pseudo {
		t.Fatalf("joined as %q, want %q", got, pseudo)
	}
	if n := counter(t, in, "fair_gateway_admission_refusals_total", "reason=join_timeout"); n != 3 {
		t.Errorf("join_timeout refusals %v, want 3", n)
	}
}
