package client_test

import (
	"context"
	"errors"
	"log/slog"
	"math"
	"sync/atomic"
	"testing"
	"time"

	"github.com/usine-extraordinaire/fairworld/client"
	"github.com/usine-extraordinaire/fairworld/protocol"
	"github.com/usine-extraordinaire/fairworld/server"
	"github.com/usine-extraordinaire/fairworld/server/pseudonym"
	"github.com/usine-extraordinaire/fairworld/server/servertest"
	"github.com/usine-extraordinaire/fairworld/world/nav"
	"github.com/usine-extraordinaire/fairworld/world/zone"
)

// The tests run the client against the real server, in-process on loopback
// (server/servertest): refusals, restarts and views are the server's own.

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

func sees(id uint32) func(*client.Client) bool {
	return func(c *client.Client) bool { _, ok := c.Avatar(id); return ok }
}

func TestDialWelcomeAndEcho(t *testing.T) {
	t.Parallel()
	in := servertest.Start(t, nil)
	ctx := testContext(t)
	var echoes atomic.Int32
	c := dial(t, ctx, in.URL, "Lea", client.Options{OnEcho: func(seq uint32, d time.Duration) {
		if d <= 0 || d > 10*time.Second {
			t.Errorf("echo of %d after %v", seq, d)
		}
		echoes.Add(1)
	}})
	w := c.Welcome()
	if w.SelfID == 0 || c.SelfID() != w.SelfID || w.Pseudonym != "Lea" || w.TickHz != 20 || w.ZoneID != in.Zone.ID || w.Resumed || w.ResumeToken == "" || c.MaxSpeed() != 5 {
		t.Fatalf("welcome = %+v", w)
	}
	if err := c.WaitFor(ctx, func(c *client.Client) bool { return c.Tick() > 0 }); err != nil {
		t.Fatal(err)
	}
	// The spawn area of the default map and 2 m around it are open ground.
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

// Every refusal after the upgrade is a *CloseError with the server's code
// and reason.
func TestDialRefusals(t *testing.T) {
	t.Parallel()
	in := servertest.Start(t, nil)
	ctx := testContext(t)
	dial(t, ctx, in.URL, "Tom", client.Options{})
	pc, err := pseudonym.New(pseudonym.Config{})
	if err != nil {
		t.Fatal(err)
	}
	_, _, adminErr := pc.Check("admin")
	var pe *pseudonym.Error
	if !errors.As(adminErr, &pe) {
		t.Fatalf("the checker takes admin: %v", adminErr)
	}
	for _, tc := range []struct {
		name   string
		opts   client.Options
		code   protocol.CloseCode
		reason string // exact when set
	}{
		{"deny-list", client.Options{Pseudonym: "admin"}, protocol.ClosePseudoRefused, pe.Message},
		{"too short", client.Options{Pseudonym: "ab"}, protocol.ClosePseudoInvalid, ""},
		{"taken", client.Options{Pseudonym: "tom"}, protocol.ClosePseudoTaken, ""}, // case folds to Tom's
		{"unknown resume token", client.Options{ResumeToken: "no-such-token"}, protocol.CloseResumeExpired, ""},
	} {
		_, err := client.Dial(ctx, in.URL, tc.opts)
		var ce *client.CloseError
		switch {
		case !errors.As(err, &ce) || ce.Code != tc.code || ce.Local || ce.Reason == "":
			t.Errorf("%s: err = %#v, want a CloseError %v with a reason", tc.name, err, tc.code)
		case tc.reason != "" && ce.Reason != tc.reason:
			t.Errorf("%s: reason %q, want the server's %q", tc.name, ce.Reason, tc.reason)
		case client.CodeOf(err) != tc.code:
			t.Errorf("%s: CodeOf = %v", tc.name, client.CodeOf(err))
		}
	}
}

func TestDialServerFull(t *testing.T) {
	t.Parallel()
	in := servertest.Start(t, func(c *server.Config) { c.MaxConns = 1 })
	ctx := testContext(t)
	dial(t, ctx, in.URL, "Lea", client.Options{})
	_, err := client.Dial(ctx, in.URL, client.Options{Pseudonym: "Tom"})
	if code := client.CodeOf(err); code != protocol.CloseServerFull || !code.Retry() {
		t.Fatalf("second connection: %v", err)
	}
}

func TestDialNoServer(t *testing.T) {
	t.Parallel()
	in := servertest.Start(t, nil)
	url := in.URL
	in.Stop()
	_, err := client.Dial(testContext(t), url, client.Options{Pseudonym: "Lea"})
	if err == nil || client.CodeOf(err) != 0 {
		t.Fatalf("dial to a stopped server: %v (code %d)", err, client.CodeOf(err))
	}
}

// Anna's view follows Bob as he walks away out of view, to a hotspot he
// opens, and back.
func TestViewFollowsOthers(t *testing.T) {
	t.Parallel()
	in := servertest.Start(t, func(c *server.Config) { c.World.MaxSpeed = 100 }) // the fastest allowed: short walks
	ctx := testContext(t)
	a := dial(t, ctx, in.URL, "Anna", client.Options{})
	b := dial(t, ctx, in.URL, "Bob", client.Options{EventBuffer: 64})
	if a.MaxSpeed() != 100 {
		t.Fatalf("MaxSpeed() = %v from a server at 100 m/s", a.MaxSpeed())
	}
	for _, c := range []*client.Client{a, b} {
		if err := c.WaitFor(ctx, func(c *client.Client) bool { return c.Tick() > 0 }); err != nil {
			t.Fatal(err)
		}
	}
	x, y := a.Self()
	home := nav.Point{X: x, Y: y}

	// Bob joins Anna, wherever in the spawn area each of them appeared.
	walk := func(to nav.Point) uint32 {
		t.Helper()
		seq, err := b.Goto(to.X, to.Y)
		if err != nil {
			t.Fatal(err)
		}
		if err := b.WaitFor(ctx, func(c *client.Client) bool {
			x, y := c.Self()
			return c.Ack() >= seq && math.Hypot(x-to.X, y-to.Y) < 0.5
		}); err != nil {
			x, y := b.Self()
			t.Fatalf("Bob stuck at (%.1f, %.1f) on his way to %v: %v", x, y, to, err)
		}
		return seq
	}
	walk(home)
	if err := a.WaitFor(ctx, sees(b.SelfID())); err != nil {
		t.Fatal(err)
	}
	if got := a.Avatars(); len(got) != 1 || got[0].Pseudonym != "Bob" || got[0].ID != b.SelfID() || got[0].Role != protocol.RoleVisitor {
		t.Fatalf("Anna sees %+v", got)
	}
	if err := a.WaitFor(ctx, func(c *client.Client) bool { return c.Online() == 2 }); err != nil {
		t.Fatal(err)
	}

	// Bob walks to a hotspot out of Anna's view: her view follows to the leave.
	h, spot := hotspotAway(t, in, home, in.Server.Config().World.ViewRadius+10)
	seq := walk(spot)
	if err := a.WaitFor(ctx, func(c *client.Client) bool { return c.Visible() == 0 }); err != nil {
		t.Fatal(err)
	}

	// There he opens the hotspot; a PATH came for his GOTO first.
	req, err := b.OpenHotspot(h.ID)
	if err != nil {
		t.Fatal(err)
	}
	sawPath := false
	for content := false; !content; {
		select {
		case e, ok := <-b.Events():
			if !ok {
				t.Fatalf("Bob's connection ended: %v", b.Err())
			}
			switch e := e.(type) {
			case protocol.Path:
				sawPath = sawPath || e.Seq == seq
			case protocol.HotspotContent:
				if e.Req != req {
					break
				}
				want, _ := in.Config().Contents.Content(h.ID)
				if e.HotspotID != h.ID || e.Title != want.Title || e.Text != want.Text {
					t.Fatalf("content = %+v for %+v", e, *h)
				}
				content = true
			case protocol.ErrorEvent:
				t.Fatalf("error event %+v", e)
			}
		case <-ctx.Done():
			t.Fatal("no HOTSPOT_CONTENT")
		}
	}
	if !sawPath {
		t.Error("no PATH event for the GOTO")
	}
	if err := b.CloseHotspot(h.ID); err != nil {
		t.Fatal(err)
	}

	// And back: he enters Anna's view again, at his authoritative position.
	walk(home)
	if err := a.WaitFor(ctx, func(c *client.Client) bool {
		av, ok := c.Avatar(b.SelfID())
		x, y := b.Self()
		return ok && av.X == x && av.Y == y
	}); err != nil {
		av, _ := a.Avatar(b.SelfID())
		x, y := b.Self()
		t.Fatalf("Anna sees Bob at (%v, %v), he is at (%v, %v): %v", av.X, av.Y, x, y, err)
	}
}

// hotspotAway returns the hotspot nearest to from that is at least d metres
// away, with a walkable spot within its range that a path reaches from from.
func hotspotAway(t *testing.T, in *servertest.Instance, from nav.Point, d float64) (*zone.Hotspot, nav.Point) {
	t.Helper()
	g := nav.NewGrid(in.Zone.Grid)
	f := nav.NewFinder(g)
	radius := in.Server.Config().World.Radius
	var best *zone.Hotspot
	var bestSpot nav.Point
	for i := range in.Zone.Hotspots {
		h := &in.Zone.Hotspots[i]
		dh := math.Hypot(h.X-from.X, h.Y-from.Y)
		if dh < d || (best != nil && dh >= math.Hypot(best.X-from.X, best.Y-from.Y)) {
			continue
		}
		spot, ok := g.NearestWalkable(nav.Point{X: h.X, Y: h.Y}, radius, h.Range/2)
		if !ok || math.Hypot(spot.X-from.X, spot.Y-from.Y) < d {
			continue
		}
		if _, err := f.Path(nil, from, spot, radius); err == nil {
			best, bestSpot = h, spot
		}
	}
	if best == nil {
		t.Fatalf("no reachable hotspot %v m from %v", d, from)
	}
	return best, bestSpot
}

// The server restarting (SIGTERM, a deploy) ends the client with 1012.
func TestServerRestartEndsClient(t *testing.T) {
	t.Parallel()
	in := servertest.Start(t, nil)
	ctx := testContext(t)
	c := dial(t, ctx, in.URL, "Lea", client.Options{})
	if c.Err() != nil {
		t.Fatalf("Err() before the end = %v", c.Err())
	}
	in.Stop()
	select {
	case <-c.Done():
	case <-ctx.Done():
		t.Fatal("client did not end")
	}
	var ce *client.CloseError
	if !errors.As(c.Err(), &ce) || ce.Code != protocol.CloseServiceRestart || ce.Reason == "" || ce.Local || !ce.Code.Retry() {
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

// Close is quick, clean and idempotent, and the avatar leaves: the others
// see it go.
func TestCloseLeaves(t *testing.T) {
	t.Parallel()
	// The spawn points are drawn from the world's seed, 0 by default: the
	// first two avatars always appear within view of each other.
	in := servertest.Start(t, nil)
	ctx := testContext(t)
	a := dial(t, ctx, in.URL, "Apolline", client.Options{})
	b, err := client.Dial(ctx, in.URL, client.Options{Pseudonym: "Baptiste"})
	if err != nil {
		t.Fatal(err)
	}
	id := b.SelfID()
	if err := a.WaitFor(ctx, sees(id)); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("Close took %v", d)
	}
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	if b.Err() != nil {
		t.Fatalf("Err() after Close = %v", b.Err())
	}
	if err := b.WaitFor(ctx, func(*client.Client) bool { return false }); !errors.Is(err, client.ErrClosed) {
		t.Fatalf("WaitFor after Close: %v", err)
	}
	if _, err := b.Move(1, 0); !errors.Is(err, client.ErrClosed) || client.CodeOf(err) != 0 {
		t.Fatalf("Move after Close: %v", err)
	}
	if err := a.WaitFor(ctx, func(c *client.Client) bool { _, ok := c.Avatar(id); return !ok }); err != nil {
		t.Fatalf("Baptiste never left Apolline's view: %v", err)
	}
}

func TestResumeKeepsTheAvatar(t *testing.T) {
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
	if bw := b.Welcome(); !bw.Resumed || bw.SelfID != w.SelfID || bw.Pseudonym != w.Pseudonym {
		t.Fatalf("resumed welcome = %+v, first = %+v", bw, w)
	}
	select {
	case <-a.Done():
	case <-ctx.Done():
		t.Fatal("the first connection was not ended")
	}
	if code := client.CodeOf(a.Err()); code != protocol.CloseTakenOver || code.Retry() {
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
