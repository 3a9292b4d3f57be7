package server_test

import (
	"bufio"
	"cmp"
	"context"
	crand "crypto/rand"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/usine-extraordinaire/fairworld/loadtest"
	"github.com/usine-extraordinaire/fairworld/protocol"
	"github.com/usine-extraordinaire/fairworld/world/zone"
)

// TestStandingFigures measures a running server with standing visitors:
// its resident memory per connection and its CPU per 1,000 visitors while
// they stand, and what a standing visitor receives. It asserts nothing and
// runs only when FAIRWORLD_FIGURES_URL is set (docs/PERFORMANCE.md gives
// the commands):
//
//	FAIRWORLD_FIGURES_URL    the server's ws:// endpoint
//	FAIRWORLD_FIGURES_PID    the server's process id (RSS and CPU from /proc)
//	FAIRWORLD_FIGURES_N      standing visitors (1000)
//	FAIRWORLD_FIGURES_PLACE  plaza (stay where they join), spread (walk to a
//	                         random walkable point of the zone, then stand) or
//	                         boxes:N:D (the centres of the boxes cmd/bots
//	                         -n N -density D walks in: probes among walkers)
//	FAIRWORLD_FIGURES_HOLD   how long after the last one stood to measure (60s)
//	FAIRWORLD_FIGURES_RAMP   connections per second (500)
//	FAIRWORLD_FIGURES_ADDRS  source addresses, comma-separated (127.0.0.2,127.0.0.3)
//	FAIRWORLD_FIGURES_ADMIN  the server's admin address (http://host:port): its
//	                         memory metrics are logged and a heap profile
//	                         (after a GC) written to FAIRWORLD_FIGURES_HEAP
//
// The clients are bare WebSocket connections (a goroutine and 512 bytes of
// buffer each on this side), so that one process holds 19,000 of them.
func TestStandingFigures(t *testing.T) {
	url := os.Getenv("FAIRWORLD_FIGURES_URL")
	if url == "" {
		t.Skip("set FAIRWORLD_FIGURES_URL (and _PID, _N, _PLACE, _HOLD) to measure a running server")
	}
	envInt := func(k string, d int) int {
		v, err := strconv.Atoi(cmp.Or(os.Getenv(k), strconv.Itoa(d)))
		if err != nil {
			t.Fatalf("%s: %v", k, err)
		}
		return v
	}
	n := envInt("FAIRWORLD_FIGURES_N", 1000)
	pid := envInt("FAIRWORLD_FIGURES_PID", 0)
	ramp := envInt("FAIRWORLD_FIGURES_RAMP", 500)
	hold, err := time.ParseDuration(cmp.Or(os.Getenv("FAIRWORLD_FIGURES_HOLD"), "60s"))
	if err != nil {
		t.Fatal(err)
	}
	place := cmp.Or(os.Getenv("FAIRWORLD_FIGURES_PLACE"), "plaza")
	addrs := strings.Split(cmp.Or(os.Getenv("FAIRWORLD_FIGURES_ADDRS"), "127.0.0.2,127.0.0.3"), ",")

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	zurl, err := loadtest.ZoneURL(url)
	if err != nil {
		t.Fatal(err)
	}
	z, err := loadtest.FetchZone(ctx, http.DefaultClient, zurl)
	if err != nil {
		t.Fatal(err)
	}
	targets := standingTargets(t, z, n, place)

	before := readProc(t, pid)
	t.Logf("server before: RSS %.1f MiB, %d threads", float64(before.rss)/(1<<20), before.threads)
	host := strings.TrimSuffix(strings.TrimPrefix(url, "ws://"), "/ws")
	peers := make([]*standingPeer, n)
	var wg sync.WaitGroup
	var failed atomic.Int64
	start := time.Now()
	tick := time.NewTicker(time.Second / time.Duration(max(ramp, 1)))
	for i := range n {
		<-tick.C
		p := &standingPeer{i: i}
		peers[i] = p
		wg.Go(func() {
			if err := p.run(ctx, host, addrs[i%len(addrs)], loadtest.Pseudonym("Stand", i), targets[i]); err != nil && ctx.Err() == nil {
				if failed.Add(1) <= 5 {
					t.Logf("visitor %d: %v", i, err)
				}
			}
		})
	}
	tick.Stop()
	// Every visitor welcomed (or failed), then standing still for 3 s.
	for {
		time.Sleep(time.Second)
		welcomed, moving := 0, 0
		for _, p := range peers {
			if p.welcomed.Load() {
				welcomed++
			}
			if time.Since(time.Unix(0, p.lastSelf.Load())) < 3*time.Second {
				moving++
			}
		}
		if welcomed+int(failed.Load()) >= n && moving == 0 {
			t.Logf("%d welcomed, %d failed, all standing %.0f s after the first join", welcomed, failed.Load(), time.Since(start).Seconds())
			break
		}
		if time.Since(start) > 15*time.Minute {
			t.Fatalf("only %d welcomed, %d still moving after 15 min", welcomed, moving)
		}
	}
	// Measure the CPU and what visitors receive over the second half of the hold.
	time.Sleep(hold / 2)
	p0 := readProc(t, pid)
	r0 := received(peers)
	time.Sleep(hold - hold/2)
	p1 := readProc(t, pid)
	r1 := received(peers)
	secs := float64(p1.at.Sub(p0.at)) / float64(time.Second)
	conns := float64(n - int(failed.Load()))
	if pid > 0 {
		cpu := (p1.cpu - p0.cpu) / secs
		t.Logf("server: RSS %.1f MiB with %.0f connections: %.2f KiB per connection (%.2f KiB above the idle server); %d threads",
			float64(p1.rss)/(1<<20), conns, float64(p1.rss)/conns/1024, float64(p1.rss-before.rss)/conns/1024, p1.threads)
		t.Logf("server: %.3f CPU s/s over %.0f s: %.4f CPU s/s per 1,000 visitors", cpu, secs, cpu/conns*1000)
	}
	t.Logf("per visitor: %.2f msg/s, %.1f B/s, %.2f avatar updates/s, %.2f enters/s (mean over %.0f s)",
		float64(r1.msgs-r0.msgs)/secs/conns, float64(r1.bytes-r0.bytes)/secs/conns,
		float64(r1.moves-r0.moves)/secs/conns, float64(r1.enters-r0.enters)/secs/conns, secs)
	t.Logf("visible avatars: %.1f mean, crowd %.1f mean", r1.visible/conns, r1.crowd/conns)
	if admin := os.Getenv("FAIRWORLD_FIGURES_ADMIN"); admin != "" {
		adminFigures(t, admin, conns, os.Getenv("FAIRWORLD_FIGURES_HEAP"))
	}
	cancel()
	wg.Wait()
}

// standingTargets is where each visitor stands (NaN: where it joins).
func standingTargets(t *testing.T, z *zone.Zone, n int, place string) [][2]float64 {
	out := make([][2]float64, n)
	rng := rand.New(rand.NewPCG(17, 17))
	switch {
	case place == "plaza":
		for i := range out {
			out[i] = [2]float64{math.NaN(), math.NaN()}
		}
	case place == "spread":
		for i := range out {
			for {
				x, y := rng.Float64()*z.Width, rng.Float64()*z.Height
				if walkableAround(z, x, y) {
					out[i] = [2]float64{x, y}
					break
				}
			}
		}
	case strings.HasPrefix(place, "boxes:"):
		var bn, bd int
		if _, err := fmt.Sscanf(place, "boxes:%d:%d", &bn, &bd); err != nil {
			t.Fatalf("FAIRWORLD_FIGURES_PLACE %q: want boxes:N:D", place)
		}
		plan, err := loadtest.NewPlan(z, bn, bd, 40)
		if err != nil {
			t.Fatal(err)
		}
		for i := range out {
			b := plan.Box(i)
			out[i] = [2]float64{b.X + b.W/2, b.Y + b.H/2}
		}
	default:
		t.Fatalf("FAIRWORLD_FIGURES_PLACE %q: want plaza, spread or boxes:N:D", place)
	}
	return out
}

// walkableAround reports whether the tiles around (x, y) are walkable (a
// GOTO target an avatar can stand on).
func walkableAround(z *zone.Zone, x, y float64) bool {
	g := &z.Grid
	if g.Tile <= 0 {
		return true
	}
	for dy := -1; dy <= 1; dy++ {
		for dx := -1; dx <= 1; dx++ {
			c, r := int(x/g.Tile)+dx, int(y/g.Tile)+dy
			if c < 0 || r < 0 || c >= g.Cols || r >= g.Rows || g.Blocked[r*g.Cols+c] != 0 {
				return false
			}
		}
	}
	return true
}

// adminFigures logs the server's memory metrics per connection and saves a
// heap profile taken after a collection.
func adminFigures(t *testing.T, admin string, conns float64, heap string) {
	resp, err := http.Get(admin + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for l := range strings.Lines(string(b)) {
		f := strings.Fields(l)
		if len(f) == 2 && slices.Contains([]string{"go_goroutines", "go_memstats_heap_inuse_bytes", "go_memstats_stack_inuse_bytes",
			"go_memstats_heap_alloc_bytes", "go_memstats_sys_bytes", "go_memstats_next_gc_bytes"}, f[0]) {
			v, _ := strconv.ParseFloat(f[1], 64)
			t.Logf("%s %.0f: %.2f per connection (KiB for bytes)", f[0], v, map[bool]float64{true: v / conns / 1024, false: v / conns}[strings.HasSuffix(f[0], "bytes")])
		}
	}
	if heap == "" {
		return
	}
	resp, err = http.Get(admin + "/debug/pprof/heap?gc=1")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ = io.ReadAll(resp.Body)
	if err := os.WriteFile(heap, b, 0o644); err != nil {
		t.Fatal(err)
	}
	// The live heap right after that collection.
	resp2, err := http.Get(admin + "/metrics")
	if err == nil {
		b, _ = io.ReadAll(resp2.Body)
		resp2.Body.Close()
		for l := range strings.Lines(string(b)) {
			if f := strings.Fields(l); len(f) == 2 && f[0] == "go_memstats_heap_alloc_bytes" {
				v, _ := strconv.ParseFloat(f[1], 64)
				t.Logf("live heap after a GC: %.2f KiB per connection", v/conns/1024)
			}
		}
	}
}

type procStat struct {
	at      time.Time
	rss     int64   // bytes
	cpu     float64 // user + system seconds
	threads int
}

func readProc(t *testing.T, pid int) procStat {
	st := procStat{at: time.Now()}
	if pid <= 0 {
		return st
	}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Fatal(err)
	}
	for l := range strings.Lines(string(b)) {
		f := strings.Fields(l)
		switch {
		case len(f) >= 2 && f[0] == "VmRSS:":
			kb, _ := strconv.ParseInt(f[1], 10, 64)
			st.rss = kb << 10
		case len(f) >= 2 && f[0] == "Threads:":
			st.threads, _ = strconv.Atoi(f[1])
		}
	}
	b, err = os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		t.Fatal(err)
	}
	// Fields after the command's closing parenthesis; utime and stime are
	// the 14th and 15th fields of the line, in clock ticks (100 a second).
	f := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+1:]))
	ut, _ := strconv.ParseFloat(f[11], 64)
	stime, _ := strconv.ParseFloat(f[12], 64)
	st.cpu = (ut + stime) / 100
	return st
}

// standingPeer is one bare WebSocket visitor that stands; its counters are
// read by the test while its goroutine runs.
type standingPeer struct {
	i                          int
	welcomed                   atomic.Bool
	lastSelf                   atomic.Int64 // unix ns of the last change of its own position
	msgs, bytes, moves, enters atomic.Int64
	visible, crowd             atomic.Int64
}

type receipts struct {
	msgs, bytes, moves, enters int64
	visible, crowd             float64
}

func received(peers []*standingPeer) receipts {
	var r receipts
	for _, p := range peers {
		r.msgs += p.msgs.Load()
		r.bytes += p.bytes.Load()
		r.moves += p.moves.Load()
		r.enters += p.enters.Load()
		r.visible += float64(p.visible.Load())
		r.crowd += float64(p.crowd.Load())
	}
	return r
}

func (p *standingPeer) run(ctx context.Context, host, local, pseudonym string, to [2]float64) error {
	d := net.Dialer{Timeout: 15 * time.Second, LocalAddr: &net.TCPAddr{IP: net.ParseIP(local)}}
	nc, err := d.DialContext(ctx, "tcp", host)
	if err != nil {
		return err
	}
	defer nc.Close()
	stop := context.AfterFunc(ctx, func() { _ = nc.Close() })
	defer stop()
	key := make([]byte, 16)
	_, _ = crand.Read(key)
	req := "GET /ws HTTP/1.1\r\nHost: " + host + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
		"Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: " + base64.StdEncoding.EncodeToString(key) +
		"\r\nSec-WebSocket-Protocol: " + protocol.Subprotocol + "\r\n\r\n"
	if _, err := io.WriteString(nc, req); err != nil {
		return err
	}
	br := bufio.NewReaderSize(nc, 512)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusSwitchingProtocols {
		return fmt.Errorf("upgrade: %s", resp.Status)
	}
	send := func(op byte, payload []byte) error {
		f := append([]byte{0x80 | op, 0x80 | byte(len(payload)), 0, 0, 0, 0}, payload...) // zero mask key
		_, err := nc.Write(f)
		return err
	}
	if err := send(opBinary, protocol.AppendHello(nil, protocol.Hello{Pseudonym: pseudonym})); err != nil {
		return err
	}
	view := protocol.NewView()
	var m protocol.ServerMessage
	var payload []byte
	var selfX, selfY uint16
	p.lastSelf.Store(time.Now().UnixNano())
	for {
		var h [2]byte
		if _, err := io.ReadFull(br, h[:]); err != nil {
			return err
		}
		n := int(h[1] & 0x7f)
		switch n {
		case 126:
			var b [2]byte
			if _, err := io.ReadFull(br, b[:]); err != nil {
				return err
			}
			n = int(binary.BigEndian.Uint16(b[:]))
		case 127:
			var b [8]byte
			if _, err := io.ReadFull(br, b[:]); err != nil {
				return err
			}
			n = int(binary.BigEndian.Uint64(b[:]))
		}
		payload = slices.Grow(payload[:0], n)[:n]
		if _, err := io.ReadFull(br, payload); err != nil {
			return err
		}
		switch h[0] & 0x0f {
		case opPing:
			if err := send(opPong, payload); err != nil {
				return err
			}
			continue
		case opClose:
			return fmt.Errorf("closed with %d", closePayloadCode(payload))
		case opBinary:
		default:
			continue
		}
		if err := protocol.DecodeServer(payload, &m, view); err != nil {
			return err
		}
		switch m.Type {
		case protocol.TypeWelcome:
			p.welcomed.Store(true)
			if !math.IsNaN(to[0]) {
				if err := send(opBinary, protocol.AppendGoto(nil, protocol.Goto{Seq: 1, X: to[0], Y: to[1]})); err != nil {
					return err
				}
			}
			continue
		case protocol.TypeUpdate:
		default:
			continue
		}
		u := &m.Update
		p.msgs.Add(1)
		hdr := 2
		if n >= 126 {
			hdr = 4
		}
		p.bytes.Add(int64(len(payload) + hdr))
		p.moves.Add(int64(len(u.Moves)))
		p.enters.Add(int64(len(u.Enters)))
		p.visible.Store(int64(view.Len()))
		p.crowd.Store(int64(u.Crowd))
		if u.SelfX != selfX || u.SelfY != selfY {
			selfX, selfY = u.SelfX, u.SelfY
			p.lastSelf.Store(time.Now().UnixNano())
		}
	}
}
