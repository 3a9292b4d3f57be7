package server_test

import (
	"bytes"
	"context"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/usine-extraordinaire/fairworld/client"
	"github.com/usine-extraordinaire/fairworld/protocol"
	"github.com/usine-extraordinaire/fairworld/server"
	"github.com/usine-extraordinaire/fairworld/server/servertest"
	"github.com/usine-extraordinaire/fairworld/world/content"
	"github.com/usine-extraordinaire/fairworld/world/nav"
	"github.com/usine-extraordinaire/fairworld/world/zone"
)

// progressFast: quick avatars, and reading times and answer gaps at 1/200
// of a real fair's (a 27 s reading takes 135 ms), so that tests read many
// contents in little time. The rules are the same.
func progressFast(cfg *server.Config) {
	fast(cfg)
	cfg.ProgressConfig.ReadingScale = 0.005
	cfg.ProgressConfig.RequestRate, cfg.ProgressConfig.RequestBurst = 50, 50 // tests poll leaderboards
}

// evlog keeps every event a client receives, so that a test can wait for
// one without losing the others (Client.Events can be read once).
type evlog struct {
	mu  sync.Mutex
	all []protocol.Event // guarded by mu
}

func collect(t *testing.T, c *client.Client) *evlog {
	t.Helper()
	l := &evlog{}
	go func() {
		for e := range c.Events() {
			l.mu.Lock()
			l.all = append(l.all, e)
			l.mu.Unlock()
		}
	}()
	return l
}

// len is the number of events so far: a mark for waitEv's from.
func (l *evlog) len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.all)
}

// find returns the events of type T from index from on that match ok.
func find[T protocol.Event](l *evlog, from int, ok func(T) bool) []T {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []T
	for _, e := range l.all[min(from, len(l.all)):] {
		if x, is := e.(T); is && (ok == nil || ok(x)) {
			out = append(out, x)
		}
	}
	return out
}

// waitEv waits for an event of type T from index from on that matches ok.
func waitEv[T protocol.Event](t *testing.T, l *evlog, from int, what string, ok func(T) bool) T {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		if got := find(l, from, ok); len(got) > 0 {
			return got[0]
		}
		if time.Now().After(deadline) {
			l.mu.Lock()
			n := len(l.all)
			var errs []protocol.ErrorEvent
			for _, e := range l.all {
				if ee, is := e.(protocol.ErrorEvent); is {
					errs = append(errs, ee)
				}
			}
			l.mu.Unlock()
			t.Fatalf("no %s (%d events, errors %+v)", what, n, errs)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// waitError waits for the ERROR answering req and checks its code.
func waitError(t *testing.T, l *evlog, req uint32, code protocol.ErrorCode) {
	t.Helper()
	e := waitEv(t, l, 0, "ERROR "+code.String(), func(e protocol.ErrorEvent) bool { return e.Ref == req })
	if e.Code != code {
		t.Fatalf("request %d: error %v (%q), want %v", req, e.Code, e.Message, code)
	}
}

// contentOf is the default contents' content of a hotspot.
func contentOf(t *testing.T, in *servertest.Instance, id string) *content.Content {
	t.Helper()
	c, ok := in.Config().Contents.Content(id)
	if !ok {
		t.Fatalf("no content for %s", id)
	}
	return c
}

// hotspotsNear lists the hotspots whose content matches ok, nearest to
// (x, y) first.
func hotspotsNear(in *servertest.Instance, x, y float64, ok func(*content.Content) bool) []*zone.Hotspot {
	var out []*zone.Hotspot
	for i := range in.Zone.Hotspots {
		h := &in.Zone.Hotspots[i]
		if c, found := in.Config().Contents.Content(h.ID); found && ok(c) {
			out = append(out, h)
		}
	}
	slices.SortFunc(out, func(a, b *zone.Hotspot) int {
		da, db := dist(x, y, a.X, a.Y), dist(x, y, b.X, b.Y)
		switch {
		case da < db:
			return -1
		case da > db:
			return 1
		}
		return strings.Compare(a.ID, b.ID)
	})
	return out
}

// walkTo walks c within range of h.
func walkTo(t *testing.T, c *client.Client, in *servertest.Instance, h *zone.Hotspot) {
	t.Helper()
	spot, ok := nav.NewGrid(in.Zone.Grid).NearestWalkable(nav.Point{X: h.X, Y: h.Y}, 0.35, h.Range-0.5)
	if !ok {
		t.Fatalf("no walkable point near %s", h.ID)
	}
	_, _ = c.Goto(spot.X, spot.Y)
	waitFor(t, c, 30*time.Second, "arrival at "+h.ID, func(c *client.Client) bool {
		x, y := c.Self()
		return dist(x, y, spot.X, spot.Y) < 0.5
	})
}

// read opens h (c stands near it) and waits for its points: the PROGRESS
// that says it was seen.
func read(t *testing.T, c *client.Client, l *evlog, h *zone.Hotspot) protocol.Progress {
	t.Helper()
	from := l.len()
	req, _ := c.OpenHotspot(h.ID)
	waitEv(t, l, from, "HOTSPOT_CONTENT of "+h.ID, func(e protocol.HotspotContent) bool { return e.Req == req })
	return waitEv(t, l, from, "PROGRESS with "+h.ID, func(p protocol.Progress) bool { return !p.Full && slices.Contains(p.Seen, h.ID) })
}

// fullProgress asks for the whole progress and returns it.
func fullProgress(t *testing.T, c *client.Client, l *evlog) protocol.Progress {
	t.Helper()
	from := l.len()
	if _, err := c.GetProgress(); err != nil {
		t.Fatal(err)
	}
	return waitEv(t, l, from, "full PROGRESS", func(p protocol.Progress) bool { return p.Full })
}

// tee keeps every byte a client reads from its socket: what the server
// sent it, WebSocket frames and all (the server does not compress).
type tee struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (t *tee) client() *http.Client {
	return &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := (&net.Dialer{}).DialContext(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		return teeConn{Conn: c, t: t}, nil
	}}}
}

func (t *tee) contains(s string) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return bytes.Contains(t.buf.Bytes(), []byte(s))
}

type teeConn struct {
	net.Conn
	t *tee
}

func (c teeConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	c.t.mu.Lock()
	c.t.buf.Write(p[:n])
	c.t.mu.Unlock()
	return n, err
}
