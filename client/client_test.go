package client_test

import (
	"context"
	"errors"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"

	"github.com/usine-extraordinaire/fairworld/client"
	"github.com/usine-extraordinaire/fairworld/client/clienttest"
	"github.com/usine-extraordinaire/fairworld/protocol"
)

func testLogger(t *testing.T) *slog.Logger {
	return slog.New(slog.NewTextHandler(tWriter{t}, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

type tWriter struct{ t *testing.T }

func (w tWriter) Write(p []byte) (int, error) { w.t.Log(string(p)); return len(p), nil }

func dial(t *testing.T, ctx context.Context, url, pseudonym string, opts client.Options) *client.Client {
	t.Helper()
	opts.Pseudonym = pseudonym
	if opts.Logger == nil {
		opts.Logger = testLogger(t)
	}
	c, err := client.Dial(ctx, url, opts)
	if err != nil {
		t.Fatalf("Dial(%s): %v", pseudonym, err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func testContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func TestDialWelcomeAndEcho(t *testing.T) {
	t.Parallel()
	srv := clienttest.Start(t, clienttest.Config{})
	ctx := testContext(t)
	var echoes atomic.Int32
	c := dial(t, ctx, srv.URL, "Lea", client.Options{OnEcho: func(seq uint32, d time.Duration) {
		if d <= 0 || d > 10*time.Second {
			t.Errorf("echo of %d after %v", seq, d)
		}
		echoes.Add(1)
	}})
	w := c.Welcome()
	if w.SelfID == 0 || c.SelfID() != w.SelfID || w.Pseudonym != "Lea" || w.TickHz != 20 {
		t.Fatalf("welcome = %+v", w)
	}
	if err := c.WaitFor(ctx, func(c *client.Client) bool { return c.Tick() > 0 }); err != nil {
		t.Fatal(err)
	}
	x0, y0 := c.Self()
	seq, err := c.Move(1, 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.WaitFor(ctx, func(c *client.Client) bool { x, _ := c.Self(); return c.Ack() >= seq && x > x0 }); err != nil {
		t.Fatal(err)
	}
	if _, y := c.Self(); y != y0 {
		t.Errorf("moved east but y went from %v to %v", y0, y)
	}
	if echoes.Load() != 1 {
		t.Errorf("%d echoes, want 1", echoes.Load())
	}
	if s := c.Stats(); s.Updates == 0 || s.MessagesReceived != s.Updates+1 || s.MessagesSent != 2 || s.BytesReceived == 0 {
		t.Errorf("stats = %+v", s)
	}
}

func TestDialRefusedIsCloseError(t *testing.T) {
	t.Parallel()
	srv := clienttest.Start(t, clienttest.Config{Refuse: func(p string) (protocol.CloseCode, string) {
		if p == "admin" {
			return protocol.ClosePseudoRefused, "Ce pseudonyme n'est pas autorisé."
		}
		return 0, ""
	}})
	ctx := testContext(t)
	_, err := client.Dial(ctx, srv.URL, client.Options{Pseudonym: "admin"})
	var ce *client.CloseError
	if !errors.As(err, &ce) || ce.Code != protocol.ClosePseudoRefused || ce.Reason != "Ce pseudonyme n'est pas autorisé." || ce.Local {
		t.Fatalf("err = %#v", err)
	}
	if client.CodeOf(err) != protocol.ClosePseudoRefused {
		t.Fatalf("CodeOf = %v", client.CodeOf(err))
	}

	// Pseudonym taken: the stand-in refuses a second "Tom".
	dial(t, ctx, srv.URL, "Tom", client.Options{})
	if _, err := client.Dial(ctx, srv.URL, client.Options{Pseudonym: "tom"}); client.CodeOf(err) != protocol.ClosePseudoTaken {
		t.Fatalf("second Tom: %v", err)
	}
}

func TestDialNoServer(t *testing.T) {
	t.Parallel()
	srv := clienttest.Start(t, clienttest.Config{})
	url := srv.URL
	srv.Close()
	_, err := client.Dial(testContext(t), url, client.Options{Pseudonym: "x"})
	if err == nil || client.CodeOf(err) != 0 {
		t.Fatalf("dial to a closed server: %v (code %d)", err, client.CodeOf(err))
	}
}

func TestViewFollowsOthers(t *testing.T) {
	t.Parallel()
	srv := clienttest.Start(t, clienttest.Config{ViewRadius: 10, Speed: 40, Hotspots: []clienttest.Hotspot{{ID: "h-001", Title: "Turbine", X: 100, Y: 100, Range: 6}}})
	ctx := testContext(t)
	a := dial(t, ctx, srv.URL, "Anna", client.Options{})
	b := dial(t, ctx, srv.URL, "Bob", client.Options{})
	sees := func(id uint32) func(*client.Client) bool {
		return func(c *client.Client) bool { _, ok := c.Avatar(id); return ok }
	}
	if err := a.WaitFor(ctx, sees(b.SelfID())); err != nil {
		t.Fatal(err)
	}
	if got := a.Avatars(); len(got) != 1 || got[0].Pseudonym != "Bob" || got[0].ID != b.SelfID() {
		t.Fatalf("Anna sees %+v", got)
	}
	if err := a.WaitFor(ctx, func(c *client.Client) bool { return c.Online() == 2 }); err != nil {
		t.Fatal(err)
	}

	// Bob walks away out of view: Anna's view must follow to the leave.
	if _, err := b.Goto(150, 100); err != nil {
		t.Fatal(err)
	}
	if err := a.WaitFor(ctx, func(c *client.Client) bool { return c.Visible() == 0 }); err != nil {
		t.Fatal(err)
	}
	// And back: it enters again at Bob's authoritative position.
	seq, err := b.Goto(101, 100)
	if err != nil {
		t.Fatal(err)
	}
	if err := b.WaitFor(ctx, func(c *client.Client) bool { x, _ := c.Self(); return c.Ack() >= seq && x == 101 }); err != nil {
		t.Fatal(err)
	}
	if err := a.WaitFor(ctx, func(c *client.Client) bool { av, ok := c.Avatar(b.SelfID()); return ok && av.X == 101 && av.Y == 100 }); err != nil {
		t.Fatal(err)
	}

	// Events: Bob, in range, opens the hotspot; a path came for his GOTO.
	req, err := b.OpenHotspot("h-001")
	if err != nil {
		t.Fatal(err)
	}
	sawPath := false
	for e := range b.Events() {
		if e.Kind == protocol.EventPath && e.Req == seq {
			sawPath = true
		}
		if e.Kind == protocol.EventHotspotContent {
			if e.Req != req || e.HotspotID != "h-001" || e.Title != "Turbine" {
				t.Fatalf("content = %+v", e)
			}
			break
		}
	}
	if !sawPath {
		t.Error("no PATH event for the GOTO")
	}
	if err := b.CloseHotspot("h-001"); err != nil {
		t.Fatal(err)
	}
}

func TestServerCloseEndsClient(t *testing.T) {
	t.Parallel()
	srv := clienttest.Start(t, clienttest.Config{})
	ctx := testContext(t)
	c := dial(t, ctx, srv.URL, "Lea", client.Options{})
	if c.Err() != nil {
		t.Fatalf("Err() before the end = %v", c.Err())
	}
	srv.CloseAll(protocol.CloseServiceRestart, "restart")
	select {
	case <-c.Done():
	case <-ctx.Done():
		t.Fatal("client did not end")
	}
	var ce *client.CloseError
	if !errors.As(c.Err(), &ce) || ce.Code != protocol.CloseServiceRestart || ce.Reason != "restart" {
		t.Fatalf("Err() = %#v", c.Err())
	}
	if _, ok := <-c.Events(); ok {
		t.Fatal("Events() not closed")
	}
	if _, err := c.Move(1, 0); !errors.Is(err, client.ErrClosed) || client.CodeOf(err) != protocol.CloseServiceRestart {
		t.Fatalf("Move after the end: %v", err)
	}
	if err := c.WaitFor(ctx, func(*client.Client) bool { return false }); client.CodeOf(err) != protocol.CloseServiceRestart {
		t.Fatalf("WaitFor after the end: %v", err)
	}
	if err := c.Close(); err != nil {
		t.Fatalf("Close after the end: %v", err)
	}
}

func TestCloseIsCleanAndIdempotent(t *testing.T) {
	t.Parallel()
	srv := clienttest.Start(t, clienttest.Config{})
	ctx := testContext(t)
	c := dial(t, ctx, srv.URL, "Lea", client.Options{})
	start := time.Now()
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("Close took %v", d)
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	if c.Err() != nil {
		t.Fatalf("Err() after Close = %v", c.Err())
	}
	if err := c.WaitFor(ctx, func(*client.Client) bool { return false }); !errors.Is(err, client.ErrClosed) {
		t.Fatalf("WaitFor after Close: %v", err)
	}
}
