package server_test

import (
	"math"
	"sync"
	"testing"
	"time"

	"github.com/usine-extraordinaire/fairworld/client"
	"github.com/usine-extraordinaire/fairworld/protocol"
	"github.com/usine-extraordinaire/fairworld/server"
	"github.com/usine-extraordinaire/fairworld/world/nav"
	"github.com/usine-extraordinaire/fairworld/world/zone"
)

// entersLeaves counts the enters and leaves of one avatar a client gets.
type entersLeaves struct {
	mu             sync.Mutex
	id             uint32
	enters, leaves int
}

func (e *entersLeaves) onUpdate(u *protocol.Update) {
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, en := range u.Enters {
		if en.ID == e.id {
			e.enters++
		}
	}
	for _, l := range u.Leaves {
		if l == e.id {
			e.leaves++
		}
	}
}

func (e *entersLeaves) counts() (int, int) {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.enters, e.leaves
}

// Two clients on two nodes see each other walk, and one that walks away
// leaves and enters again exactly once at the edge of view.
func TestNodesSeeEachOtherWalk(t *testing.T) {
	t.Parallel()
	eachRedis(t, func(t *testing.T, url string) {
		nodes := fair(t, url, 2, fast)
		a := dial(t, nodes[0], client.Options{})
		el := &entersLeaves{id: a.SelfID()}
		b := dial(t, nodes[1], client.Options{OnUpdate: el.onUpdate})
		waitFor(t, b, 10*time.Second, "b to see a (other node)", sees(a.SelfID()))
		waitFor(t, a, 10*time.Second, "a to see b (other node)", sees(b.SelfID()))
		if seen, _ := b.Avatar(a.SelfID()); seen.Pseudonym != a.Welcome().Pseudonym {
			t.Errorf("b sees a as %q, want %q", seen.Pseudonym, a.Welcome().Pseudonym)
		}
		before, _ := b.Avatar(a.SelfID())
		_, _ = a.Move(1, 0)
		waitFor(t, b, 5*time.Second, "b to see a walk", func(c *client.Client) bool {
			now, ok := c.Avatar(a.SelfID())
			return ok && math.Abs(now.X-before.X) > 1
		})
		stop, _ := a.Move(0, 0)
		waitFor(t, a, 5*time.Second, "a to stop", func(c *client.Client) bool { return c.Ack() >= stop })
		ax, ay := a.Self()
		waitFor(t, b, 5*time.Second, "b to see a where it stopped", func(c *client.Client) bool {
			now, ok := c.Avatar(a.SelfID())
			return ok && dist(now.X, now.Y, ax, ay) < 0.2
		})

		far := farWalkable(t, nodes[0], ax, ay, 100)
		_, _ = a.Goto(far.X, far.Y)
		waitFor(t, b, 30*time.Second, "a's leave on b", notSees(a.SelfID()))
		bx, by := b.Self()
		_, _ = a.Goto(bx, by)
		waitFor(t, b, 30*time.Second, "a back in b's view", sees(a.SelfID()))
		if en, le := el.counts(); en != 2 || le != 1 {
			t.Fatalf("b got %d enters and %d leaves of a, want 2 and 1", en, le)
		}
	})
}

// The budget and the crowd count remote avatars like local ones.
func TestBudgetAndCrowdIncludeRemoteAvatars(t *testing.T) {
	t.Parallel()
	eachRedis(t, func(t *testing.T, url string) {
		nodes := fair(t, url, 2, func(c *server.Config) { c.World.Budget = 2 })
		viewer := dial(t, nodes[0], client.Options{})
		for range 5 {
			dial(t, nodes[1], client.Options{})
		}
		waitFor(t, viewer, 10*time.Second, "the viewer's budget full of remote avatars and a crowd", func(c *client.Client) bool {
			return c.Visible() == 2 && c.Crowd() >= 3
		})
	})
}

// A discovery on one node reaches a visitor of another near the hotspot,
// and viewer counts are fair-wide.
func TestHotspotEventsAndCountsCrossNodes(t *testing.T) {
	t.Parallel()
	eachRedis(t, func(t *testing.T, url string) {
		nodes := fair(t, url, 2, fast)
		a := dial(t, nodes[0], client.Options{Pseudonym: "Léa", EventBuffer: 256})
		b := dial(t, nodes[1], client.Options{EventBuffer: 256})
		x, y := a.Self()
		var h *zone.Hotspot
		for i := range nodes[0].Zone.Hotspots {
			hh := &nodes[0].Zone.Hotspots[i]
			if h == nil || dist(x, y, hh.X, hh.Y) < dist(x, y, h.X, h.Y) {
				h = hh
			}
		}
		spot, ok := nav.NewGrid(nodes[0].Zone.Grid).NearestWalkable(nav.Point{X: h.X, Y: h.Y}, 0.35, h.Range)
		if !ok {
			t.Fatalf("no walkable point near %s", h.ID)
		}
		for _, c := range []*client.Client{a, b} {
			_, _ = c.Goto(spot.X, spot.Y)
		}
		for _, c := range []*client.Client{a, b} {
			waitFor(t, c, 20*time.Second, "arrival at the hotspot", func(c *client.Client) bool {
				x, y := c.Self()
				return dist(x, y, spot.X, spot.Y) < 1
			})
		}
		waitFor(t, b, 10*time.Second, "b to see a", sees(a.SelfID()))
		req, _ := a.OpenHotspot(h.ID)
		nextEvent(t, a, "a's content", func(e protocol.HotspotContent) bool { return e.Req == req })
		disc := nextEvent(t, b, "HOTSPOT_DISCOVERED from the other node", func(protocol.HotspotDiscovered) bool { return true })
		if disc.HotspotID != h.ID || disc.AvatarID != a.SelfID() || disc.Pseudonym != "Léa" {
			t.Errorf("discovered %+v", disc)
		}
		nextEvent(t, b, "HOTSPOT_VIEWERS 1 from the other node", func(e protocol.HotspotViewers) bool {
			return e.HotspotID == h.ID && e.Viewers == 1
		})
		req, _ = b.OpenHotspot(h.ID)
		content := nextEvent(t, b, "b's content", func(e protocol.HotspotContent) bool { return e.Req == req })
		if content.Viewers != 2 {
			t.Errorf("b's content counts %d viewers, want 2 (one on each node)", content.Viewers)
		}
		nextEvent(t, a, "HOTSPOT_VIEWERS 2 on a's node", func(e protocol.HotspotViewers) bool {
			return e.HotspotID == h.ID && e.Viewers == 2
		})
	})
}

// Two clients racing for one pseudonym on two nodes: exactly one wins.
func TestPseudonymRaceAcrossNodes(t *testing.T) {
	t.Parallel()
	eachRedis(t, func(t *testing.T, url string) {
		nodes := fair(t, url, 2, nil)
		for round := range 5 {
			pseudo := name()
			var wg sync.WaitGroup
			var errs [2]error
			for i := range errs {
				wg.Go(func() {
					c, err := tryDial(nodes[i], client.Options{Pseudonym: pseudo})
					if err == nil {
						t.Cleanup(func() { _ = c.Close() })
					}
					errs[i] = err
				})
			}
			wg.Wait()
			won := 0
			for _, err := range errs {
				switch {
				case err == nil:
					won++
				case closeCode(err) != protocol.ClosePseudoTaken:
					t.Errorf("round %d: the loser got %v, want 4011", round, err)
				}
			}
			if won != 1 {
				t.Fatalf("round %d: %d winners (%v)", round, won, errs)
			}
		}
	})
}

// A session resumes on another node with its pseudonym, id, look and a
// recent position; a resume on a third connection takes it over (4006 to
// the one holding it, on the other node).
func TestResumeAndTakeOverAcrossNodes(t *testing.T) {
	t.Parallel()
	eachRedis(t, func(t *testing.T, url string) {
		nodes := fair(t, url, 2, fast)
		a := dial(t, nodes[0], client.Options{Pseudonym: "Bérénice", Colour: 6, Shape: 2})
		o := dial(t, nodes[1], client.Options{Pseudonym: "Observatrice"})
		look := func(what string, id uint32) {
			t.Helper()
			waitFor(t, o, 5*time.Second, what, sees(id))
			if av, _ := o.Avatar(id); av.Colour != 6 || av.Shape != 2 {
				t.Errorf("%s: seen as %+v, want colour 6, shape 2", what, av)
			}
		}
		look("a's look across nodes", a.SelfID())
		x0, y0 := a.Self()
		_, _ = a.Move(1, 0)
		waitFor(t, a, 5*time.Second, "a to walk", func(c *client.Client) bool { x, y := c.Self(); return dist(x, y, x0, y0) > 5 })
		stop, _ := a.Move(0, 0)
		waitFor(t, a, 5*time.Second, "a to stop", func(c *client.Client) bool { return c.Ack() >= stop })
		x, y := a.Self()
		w := a.Welcome()
		_ = a.CloseReconnect()

		b := dial(t, nodes[1], client.Options{ResumeToken: w.ResumeToken, Seq: a.LastSeq(), Colour: 1, Shape: 1})
		bw := b.Welcome()
		if !bw.Resumed || bw.SelfID != w.SelfID || bw.Pseudonym != w.Pseudonym {
			t.Fatalf("resumed on the other node: %+v, want the session of %+v", bw, w)
		}
		if bx, by := b.Self(); dist(x, y, bx, by) > 0.5 {
			t.Errorf("resumed at (%.1f, %.1f), left at (%.1f, %.1f)", bx, by, x, y)
		}
		look("the look after a resume on the other node (with a HELLO of another look)", b.SelfID())
		if _, err := tryDial(nodes[0], client.Options{Pseudonym: "Berenice"}); closeCode(err) != protocol.ClosePseudoTaken {
			t.Errorf("the resumed session's pseudonym on the first node: got %v, want 4011", err)
		}
		// b speaks (its token is confirmed), then a connection on node 0
		// resumes with b's token while b holds it.
		seq, _ := b.Move(0, 0)
		waitFor(t, b, 5*time.Second, "b's echo", func(c *client.Client) bool { return c.Ack() >= seq })
		c := dial(t, nodes[0], client.Options{ResumeToken: bw.ResumeToken})
		select {
		case <-b.Done():
		case <-time.After(10 * time.Second):
			t.Fatal("the connection on the other node was not closed on take-over")
		}
		if got := closeCode(b.Err()); got != protocol.CloseTakenOver {
			t.Errorf("taken-over connection closed with %v, want 4006", got)
		}
		if c.SelfID() != w.SelfID {
			t.Errorf("take-over got avatar %d, want %d", c.SelfID(), w.SelfID)
		}
		stillServed(t, c)
		// The old tokens are void; the 1000 of c ends the session everywhere.
		if _, err := tryDial(nodes[1], client.Options{ResumeToken: w.ResumeToken}); closeCode(err) != protocol.CloseResumeExpired {
			t.Errorf("a token replaced twice: %v, want 4007", err)
		}
		cw := c.Welcome()
		_ = c.Close()
		mustWait(t, 5*time.Second, "the name free after a 1000", func() bool {
			d, err := tryDial(nodes[1], client.Options{Pseudonym: "Bérénice"})
			if err == nil {
				_ = d.Close()
			}
			return err == nil
		})
		if _, err := tryDial(nodes[1], client.Options{ResumeToken: cw.ResumeToken}); closeCode(err) != protocol.CloseResumeExpired {
			t.Errorf("the token after a 1000: %v, want 4007", err)
		}
	})
}

// Two resumes racing with one token on two nodes: one connection ends
// with the session.
func TestResumeRaceAcrossNodes(t *testing.T) {
	t.Parallel()
	eachRedis(t, func(t *testing.T, url string) {
		nodes := fair(t, url, 2, nil)
		for round := range 3 {
			a := dial(t, nodes[0], client.Options{})
			tok := a.Welcome().ResumeToken
			_ = a.CloseReconnect()
			var wg sync.WaitGroup
			var cs [2]*client.Client
			var errs [2]error
			for i := range cs {
				wg.Go(func() { cs[i], errs[i] = tryDial(nodes[i], client.Options{ResumeToken: tok}) })
			}
			wg.Wait()
			for i, c := range cs {
				if errs[i] != nil {
					if code := closeCode(errs[i]); code != protocol.CloseResumeExpired && code != protocol.CloseTakenOver {
						t.Errorf("round %d: the losing resume got %v", round, errs[i])
					}
					continue
				}
				t.Cleanup(func() { _ = c.Close() })
			}
			mustWait(t, 10*time.Second, "one connection left with the session", func() bool {
				live := 0
				for i, c := range cs {
					if errs[i] != nil {
						continue
					}
					select {
					case <-c.Done():
					default:
						live++
					}
				}
				return live == 1
			})
		}
	})
}

// UPDATE's online count is the fair's: every node's visitors.
func TestOnlineIsFairWide(t *testing.T) {
	t.Parallel()
	eachRedis(t, func(t *testing.T, url string) {
		nodes := fair(t, url, 3, nil)
		var cs []*client.Client
		for i := range 5 {
			cs = append(cs, dial(t, nodes[i%3], client.Options{}))
		}
		for _, c := range cs {
			waitFor(t, c, 10*time.Second, "online 5 on every node", func(c *client.Client) bool { return c.Online() == 5 })
		}
	})
}
