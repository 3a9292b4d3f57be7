package cluster_test

import (
	"context"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/usine-extraordinaire/fairworld/client"
	"github.com/usine-extraordinaire/fairworld/internal/cluster"
	"github.com/usine-extraordinaire/fairworld/protocol"
)

// The fairserver binary, built once per test binary (without -race: the
// nodes' timings are closer to production, and the race detector already
// runs over the same code in the server's in-process tests).
var (
	buildDir  string
	buildOnce = sync.OnceValues(func() (string, error) {
		bin := filepath.Join(buildDir, "fairserver")
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		return bin, cluster.Build(ctx, "./cmd/fairserver", bin)
	})
)

func TestMain(m *testing.M) {
	d, err := os.MkdirTemp("", "clustertest")
	if err != nil {
		panic(err)
	}
	buildDir = d
	code := m.Run()
	_ = os.RemoveAll(d)
	os.Exit(code)
}

func fairserver(t *testing.T) string {
	t.Helper()
	bin, err := buildOnce()
	if err != nil {
		t.Fatal(err)
	}
	return bin
}

// start runs a cluster for the test and stops it in Cleanup, printing the
// processes' last log lines if the test failed.
func start(t *testing.T, cfg cluster.Config) *cluster.Cluster {
	t.Helper()
	cfg.Fairserver = fairserver(t)
	if cfg.Dir == "" {
		cfg.Dir = t.TempDir()
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(tWriter{t}, nil))
	}
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	c, err := cluster.Start(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		err := c.Stop()
		if t.Failed() {
			for _, p := range c.Processes() {
				t.Logf("--- last lines of %s (pids %v, %s):\n%s", p.Name(), p.PIDs(), p.LogPath(), p.Tail(40))
			}
		}
		if err != nil {
			t.Errorf("stop: %v", err)
		}
	})
	return c
}

// tWriter sends the harness's log lines to t.Log.
type tWriter struct{ t *testing.T }

func (w tWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

var pseudoSeq atomic.Int64

// name returns a fresh valid pseudonym (letters only: digits are limited,
// and i, l, o fold with 1 and 0).
func name(base string) string {
	const letters = "abcdefghjkmnpqrstuvwxyz"
	n := pseudoSeq.Add(1)
	s := ""
	for n > 0 {
		s = string(letters[n%int64(len(letters))]) + s
		n /= int64(len(letters))
	}
	return base + s
}

// nodeHeader is a transport that remembers the X-Fair-Node header of the
// handshake's response (HAProxy adds it): which node a client landed on.
type nodeHeader struct {
	base http.RoundTripper
	mu   sync.Mutex
	node string
}

func (h *nodeHeader) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := h.base.RoundTrip(r)
	if err == nil {
		h.mu.Lock()
		h.node = resp.Header.Get("X-Fair-Node")
		h.mu.Unlock()
	}
	return resp, err
}

// dialNode connects to url and returns the client and the node HAProxy
// sent it to ("" when url is a node's own address).
func dialNode(ctx context.Context, url string, opts client.Options) (*client.Client, string, error) {
	h := &nodeHeader{base: http.DefaultTransport}
	opts.HTTPClient = &http.Client{Transport: h}
	c, err := client.Dial(ctx, url, opts)
	h.mu.Lock()
	defer h.mu.Unlock()
	return c, h.node, err
}

// waitCond polls cond every 10 ms until it holds (true) or d passes (false).
func waitCond(d time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(d)
	for {
		if cond() {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// probe is a client that records what it receives, with the time: its own
// position after every UPDATE, and the enters and leaves of others.
type probe struct {
	*client.Client
	node string // where HAProxy sent it ("" when dialled directly)

	mu     sync.Mutex
	self   []selfAt  // guarded by mu; the last 400 positions
	events []seenAt  // guarded by mu; enters and leaves of others
	last   time.Time // guarded by mu; the last UPDATE
	ticks  uint32    // guarded by mu; the last UPDATE's tick
}

type selfAt struct {
	at   time.Time
	x, y uint16
}

type seenAt struct {
	at    time.Time
	id    uint32
	enter bool
}

func (p *probe) onUpdate(u *protocol.Update) {
	now := time.Now()
	p.mu.Lock()
	defer p.mu.Unlock()
	p.last, p.ticks = now, u.Tick
	if n := len(p.self); n == 0 || p.self[n-1].x != u.SelfX || p.self[n-1].y != u.SelfY {
		if n == 400 {
			copy(p.self, p.self[1:])
			p.self = p.self[:n-1]
		}
		p.self = append(p.self, selfAt{now, u.SelfX, u.SelfY})
	}
	for _, e := range u.Enters {
		p.events = append(p.events, seenAt{now, e.ID, true})
	}
	for _, id := range u.Leaves {
		p.events = append(p.events, seenAt{now, id, false})
	}
}

// leftAt is when the probe got a leave of id after since (zero if not).
func (p *probe) leftAt(id uint32, since time.Time) time.Time {
	return p.eventAt(id, since, false)
}

// enteredAt is when the probe got an enter of id after since (zero if not).
func (p *probe) enteredAt(id uint32, since time.Time) time.Time {
	return p.eventAt(id, since, true)
}

func (p *probe) eventAt(id uint32, since time.Time, enter bool) time.Time {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, e := range p.events {
		if e.id == id && e.enter == enter && !e.at.Before(since) {
			return e.at
		}
	}
	return time.Time{}
}

// lastUpdate is when the last UPDATE arrived, and its tick.
func (p *probe) lastUpdate() (time.Time, uint32) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.last, p.ticks
}

// positionAge says how long before t the probe's own avatar was last at
// the quantised position (x, y): 0 if it was there at t, -1 if never in
// the recorded history.
func (p *probe) positionAge(x, y uint16, t time.Time) time.Duration {
	p.mu.Lock()
	defer p.mu.Unlock()
	for i := len(p.self) - 1; i >= 0; i-- {
		s := p.self[i]
		if s.x == x && s.y == y {
			if i == len(p.self)-1 {
				return 0
			}
			// It stayed there until the next position was seen.
			return max(0, t.Sub(p.self[i+1].at))
		}
	}
	return -1
}

// dialProbe connects a probe to url.
func dialProbe(ctx context.Context, url string, opts client.Options) (*probe, error) {
	p := &probe{}
	opts.OnUpdate = p.onUpdate
	c, node, err := dialNode(ctx, url, opts)
	if err != nil {
		return nil, err
	}
	p.Client, p.node = c, node
	return p, nil
}

// walkSquares keeps c walking around a square of about 5 m (a second per
// side), so that it moves all the time and stays near its start, until
// ctx ends or the connection does.
func walkSquares(ctx context.Context, c *client.Client, phase int) {
	dirs := [4][2]float64{{1, 0}, {0, 1}, {-1, 0}, {0, -1}}
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for i := phase; ; i++ {
		d := dirs[i%4]
		if _, err := c.Move(d[0], d[1]); err != nil {
			return
		}
		select {
		case <-ctx.Done():
			return
		case <-c.Done():
			return
		case <-t.C:
		}
	}
}

// storedPosition reads the position (1/16 m) of avatar id's session in
// Redis (fields a, x and y of the fair:{tN}:s:<sid> hashes,
// docs/ARCHITECTURE.md § Keys); ok is false without one.
func storedPosition(ctx context.Context, rc *redis.Client, id uint32) (x, y uint16, ok bool) {
	it := rc.Scan(ctx, 0, "fair:*:s:*", 200).Iterator()
	for it.Next(ctx) {
		f, err := rc.HMGet(ctx, it.Val(), "a", "x", "y").Result()
		if err != nil || len(f) != 3 {
			continue
		}
		a, _ := f[0].(string)
		sx, _ := f[1].(string)
		sy, _ := f[2].(string)
		if a != strconv.FormatUint(uint64(id), 10) {
			continue
		}
		px, errx := strconv.ParseUint(sx, 10, 16)
		py, erry := strconv.ParseUint(sy, 10, 16)
		return uint16(px), uint16(py), errx == nil && erry == nil
	}
	return 0, 0, false
}
