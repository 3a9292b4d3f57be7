package server_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/usine-extraordinaire/fairworld/client"
	"github.com/usine-extraordinaire/fairworld/protocol"
	"github.com/usine-extraordinaire/fairworld/server"
	"github.com/usine-extraordinaire/fairworld/server/servertest"
)

// At shutdown /readyz fails first (DrainDelay) while the clients are still
// served; then they are closed with 1012, spread over DrainSpread.
func TestDrainFailsReadyzFirst(t *testing.T) {
	t.Parallel()
	in := servertest.Start(t, func(c *server.Config) { c.DrainDelay, c.DrainSpread = 3*time.Second, time.Second })
	var cs []*client.Client
	for range 3 {
		cs = append(cs, dial(t, in, client.Options{}))
	}
	if readyz(t, in) != http.StatusOK {
		t.Fatal("not ready before the shutdown")
	}
	go in.Stop()
	mustWait(t, 2*time.Second, "/readyz to fail", func() bool { return readyz(t, in) == http.StatusServiceUnavailable })
	for _, c := range cs {
		stillConnected(t, c, "while /readyz fails, before the closes")
	}
	for _, c := range cs {
		select {
		case <-c.Done():
		case <-time.After(20 * time.Second):
			t.Fatal("a client was not closed")
		}
		if got := closeCode(c.Err()); got != protocol.CloseServiceRestart {
			t.Errorf("closed with %v, want 1012", got)
		}
	}
}

// Resumes are admitted outside the join rate.
func TestResumesOutsideTheJoinRate(t *testing.T) {
	t.Parallel()
	in := servertest.Start(t, func(c *server.Config) { c.JoinRate, c.JoinBurst = 0.001, 1 })
	a := dial(t, in, client.Options{})
	if _, err := tryDial(in, client.Options{Pseudonym: name()}); closeCode(err) != protocol.CloseTooManyJoins {
		t.Fatalf("a second join: %v, want 4004", err)
	}
	for range 3 {
		w := a.Welcome()
		_ = a.CloseReconnect()
		a = dial(t, in, client.Options{ResumeToken: w.ResumeToken})
		if a.SelfID() != w.SelfID {
			t.Fatalf("resume got avatar %d, want %d", a.SelfID(), w.SelfID)
		}
	}
}

// Server.Deliver hands an event to a client outside the world: it comes
// in an UPDATE.
func TestDeliverReachesTheClient(t *testing.T) {
	t.Parallel()
	in := servertest.Start(t, nil)
	a := dial(t, in, client.Options{EventBuffer: 16})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	ev := protocol.HotspotViewers{HotspotID: "h-delivered", Viewers: 7}
	if !in.Server.Deliver(ctx, a.SelfID(), ev) {
		t.Fatal("not handed over")
	}
	got := nextEvent(t, a, "the delivered event", func(e protocol.HotspotViewers) bool { return e.HotspotID == "h-delivered" })
	if got != ev {
		t.Fatalf("got %+v, want %+v", got, ev)
	}
	if in.Server.Deliver(ctx, 999999, ev) != true {
		t.Fatal("an unknown avatar's event is dropped by the hub, not refused")
	}
}
