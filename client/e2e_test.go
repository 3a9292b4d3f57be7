package client_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/usine-extraordinaire/fairworld/client"
	"github.com/usine-extraordinaire/fairworld/protocol"
	"github.com/usine-extraordinaire/fairworld/server/servertest"
)

// End-to-end tests against the real server, started in-process.

func TestE2EWelcomeEchoAndView(t *testing.T) {
	t.Parallel()
	in := servertest.Start(t, nil)
	ctx := testContext(t)
	var echoes atomic.Int32
	a := dial(t, ctx, in.URL, "Apolline", client.Options{OnEcho: func(uint32, time.Duration) { echoes.Add(1) }})
	b := dial(t, ctx, in.URL, "Baptiste", client.Options{EventBuffer: 64})
	if w := a.Welcome(); w.ZoneID != in.Zone.ID || w.Pseudonym != "Apolline" || w.SelfID == 0 || w.Resumed {
		t.Fatalf("welcome = %+v", w)
	}

	// Both spawn in the spawn area, within view of each other.
	for _, p := range [][2]*client.Client{{a, b}, {b, a}} {
		other := p[1].SelfID()
		if err := p[0].WaitFor(ctx, func(c *client.Client) bool { _, ok := c.Avatar(other); return ok }); err != nil {
			t.Fatalf("%s never saw %d: %v", p[0].Welcome().Pseudonym, other, err)
		}
	}
	if av, _ := a.Avatar(b.SelfID()); av.Pseudonym != "Baptiste" || av.Role != protocol.RoleVisitor {
		t.Fatalf("a sees b as %+v", av)
	}

	// a walks; its ack comes back and it moves.
	x0, y0 := a.Self()
	seq, err := a.Move(0, 1)
	if err != nil {
		t.Fatal(err)
	}
	if err := a.WaitFor(ctx, func(c *client.Client) bool { _, y := c.Self(); return c.Ack() >= seq && y != y0 }); err != nil {
		t.Fatal(err)
	}
	if echoes.Load() == 0 {
		t.Error("no echo reported")
	}
	if _, err := a.Move(0, 0); err != nil {
		t.Fatal(err)
	}

	// b's view of a converges on a's own position once a stands still.
	if err := b.WaitFor(ctx, func(c *client.Client) bool {
		av, ok := c.Avatar(a.SelfID())
		x, y := a.Self()
		return ok && av.X == x && av.Y == y && av.Y != y0
	}); err != nil {
		x, y := a.Self()
		av, _ := b.Avatar(a.SelfID())
		t.Fatalf("b sees a at (%v, %v), a is at (%v, %v) from (%v, %v): %v", av.X, av.Y, x, y, x0, y0, err)
	}

	// A GOTO is answered with a PATH event carrying its seq.
	bx, by := b.Self()
	gseq, err := b.Goto(bx+3, by)
	if err != nil {
		t.Fatal(err)
	}
	for e := range b.Events() {
		if e.Kind == protocol.EventPath && e.Req == gseq {
			break
		}
		if e.Kind == protocol.EventError && e.Req == gseq {
			t.Fatalf("GOTO refused: %+v", e)
		}
	}
}

func TestE2ERefusalsAreCloseErrors(t *testing.T) {
	t.Parallel()
	in := servertest.Start(t, nil)
	ctx := testContext(t)
	for pseudo, want := range map[string]protocol.CloseCode{
		"admin": protocol.ClosePseudoRefused,
		"x":     protocol.ClosePseudoInvalid,
	} {
		_, err := client.Dial(ctx, in.URL, client.Options{Pseudonym: pseudo})
		var ce *client.CloseError
		if !errors.As(err, &ce) || ce.Code != want || ce.Reason == "" || ce.Local {
			t.Errorf("Dial(%q) = %v, want a CloseError %v with a reason", pseudo, err, want)
		}
	}
	dial(t, ctx, in.URL, "Capucine", client.Options{})
	if _, err := client.Dial(ctx, in.URL, client.Options{Pseudonym: "CAPUCINE"}); client.CodeOf(err) != protocol.ClosePseudoTaken {
		t.Errorf("second Capucine: %v", err)
	}
}

func TestE2EResumeKeepsTheAvatar(t *testing.T) {
	t.Parallel()
	in := servertest.Start(t, nil)
	ctx := testContext(t)
	a, err := client.Dial(ctx, in.URL, client.Options{Pseudonym: "Bérénice", Logger: testLogger(t)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Move(1, 0); err != nil {
		t.Fatal(err)
	}
	w := a.Welcome()
	// The resumed connection takes over: the old one ends with taken_over.
	b := dial(t, ctx, in.URL, "", client.Options{ResumeToken: w.ResumeToken, Seq: a.LastSeq()})
	if bw := b.Welcome(); !bw.Resumed || bw.SelfID != w.SelfID {
		t.Fatalf("resumed welcome = %+v, first = %+v", bw, w)
	}
	select {
	case <-a.Done():
	case <-ctx.Done():
		t.Fatal("the first connection was not ended")
	}
	if client.CodeOf(a.Err()) != protocol.CloseTakenOver {
		t.Fatalf("first connection ended with %v", a.Err())
	}
	seq, err := b.Move(0, 0)
	if err != nil || seq != a.LastSeq()+1 {
		t.Fatalf("seq %d after %d: %v", seq, a.LastSeq(), err)
	}
	if err := b.WaitFor(ctx, func(c *client.Client) bool { return c.Ack() == seq }); err != nil {
		t.Fatal(err)
	}
}

// A client that closes leaves: the other one sees it go.
func TestE2ECloseLeaves(t *testing.T) {
	t.Parallel()
	in := servertest.Start(t, nil)
	ctx := testContext(t)
	a := dial(t, ctx, in.URL, "Apolline", client.Options{})
	b, err := client.Dial(ctx, in.URL, client.Options{Pseudonym: "Baptiste"})
	if err != nil {
		t.Fatal(err)
	}
	id := b.SelfID()
	if err := a.WaitFor(ctx, func(c *client.Client) bool { _, ok := c.Avatar(id); return ok }); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if err := b.Close(); err != nil || b.Err() != nil {
		t.Fatalf("Close: %v, Err: %v", err, b.Err())
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("Close took %v", d)
	}
	wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := a.WaitFor(wctx, func(c *client.Client) bool { _, ok := c.Avatar(id); return !ok }); err != nil {
		t.Fatalf("b never left a's view: %v", err)
	}
}
