//go:build linux

package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/usine-extraordinaire/fairworld/client"
	"github.com/usine-extraordinaire/fairworld/protocol"
	"github.com/usine-extraordinaire/fairworld/world/nav"
	"github.com/usine-extraordinaire/fairworld/world/zone"
)

// serverProc is the server running as a child process.
type serverProc struct {
	cmd         *exec.Cmd
	addr, admin string
}

// startServerProc runs the server (this test binary, see TestMain) as a
// child process with extra environment, and waits for its addresses.
func startServerProc(t *testing.T, env []string, args ...string) *serverProc {
	t.Helper()
	cmd := exec.Command(os.Args[0], append([]string{"-addr", "127.0.0.1:0", "-admin-addr", "127.0.0.1:0"}, args...)...)
	cmd.Env = append(append(os.Environ(), "FAIRSERVER_MAIN=1"), env...)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGCONT) // never leave it stopped
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	type addrs struct{ pub, adm string }
	got := make(chan addrs, 1)
	go func() {
		var a addrs
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			var line struct{ Msg, Addr string }
			if json.Unmarshal(sc.Bytes(), &line) != nil {
				t.Log(sc.Text())
				continue
			}
			switch line.Msg {
			case "admin listening":
				a.adm = line.Addr
			case "listening":
				a.pub = line.Addr
				got <- a
			default:
				if !strings.Contains(sc.Text(), `"level":"INFO"`) {
					t.Log(sc.Text())
				}
			}
		}
	}()
	select {
	case a := <-got:
		return &serverProc{cmd: cmd, addr: a.pub, admin: a.adm}
	case <-time.After(30 * time.Second):
		t.Fatal("the server did not say where it listens")
		return nil
	}
}

// metric sums a metric of the child's /metrics whose labels contain label.
func (p *serverProc) metric(t *testing.T, name, label string) float64 {
	t.Helper()
	resp, err := http.Get("http://" + p.admin + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	sum := 0.0
	for line := range strings.SplitSeq(string(b), "\n") {
		if !strings.HasPrefix(line, name) || (line[len(name)] != ' ' && line[len(name)] != '{') || !strings.Contains(line, label) {
			continue
		}
		f := strings.Fields(line)
		if v, err := strconv.ParseFloat(f[len(f)-1], 64); err == nil {
			sum += v
		}
	}
	return sum
}

// startBurner runs a CPU burner child for at most d, pinned to cpu.
func startBurner(t *testing.T, d time.Duration, cpu string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0])
	if tp, err := exec.LookPath("taskset"); err == nil {
		cmd = exec.Command(tp, "-c", cpu, os.Args[0])
	}
	cmd.Env = append(os.Environ(), "FAIRSERVER_BURN="+time.Now().Add(d).Format(time.RFC3339Nano), "GOMAXPROCS=1")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	return cmd
}

// longestRun finds, from p, the direction among 16 with the longest
// straight walkable line, and its length.
func longestRun(g *nav.Grid, p nav.Point) (dx, dy, length float64) {
	for i := range 16 {
		a := float64(i) * math.Pi / 8
		ux, uy := math.Cos(a), math.Sin(a)
		l := 0.0
		for l < 200 && g.LineOfSight(p, nav.Point{X: p.X + ux*(l+1), Y: p.Y + uy*(l+1)}, 0.5) {
			l++
		}
		if l > length {
			dx, dy, length = ux, uy, l
		}
	}
	return dx, dy, length
}

// Overload degrades, it does not distort (docs/PROTOCOL.md §6, "When the
// server is late"). The server runs as a child process on one CPU with
// GOMAXPROCS=1, beside a CPU burner on the same CPU, and is stopped and
// continued (SIGSTOP/SIGCONT) like a container throttled by its CPU quota:
// 70 % of 9 s stopped, with one freeze of 3 s. Meanwhile:
//   - a walker sending MOVE 10 times a second covers the distance the wall
//     clock says (the world catches up, no slow motion) and receives
//     updates several ticks apart (sends degrade first);
//   - a client sending 38 messages a second (under the limit of 40) gets no
//     rate_limited and is not closed, although the server reads its backlog
//     in bursts; a silent client is not closed as idle (4013);
//   - every join attempt ends within its dial timeout, some with 4003.
func TestStarvedServerDegrades(t *testing.T) {
	if testing.Short() {
		t.Skip("starves a server for about 15 s")
	}
	const speed = 1.5 // m/s
	srv := startServerProc(t, []string{"GOMAXPROCS=1"},
		"-max-speed", fmt.Sprint(speed), "-ping-interval", "1s", "-ping-timeout", "1s", "-log-format", "json")
	pid := srv.cmd.Process.Pid
	if tp, err := exec.LookPath("taskset"); err == nil {
		if out, err := exec.Command(tp, "-a", "-c", "-p", "0", strconv.Itoa(pid)).CombinedOutput(); err != nil {
			t.Logf("taskset: %v %s", err, out)
		}
	}
	url := "ws://" + srv.addr + "/ws"
	dialCtx := func(opts client.Options) (*client.Client, error) {
		ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
		defer cancel()
		return client.Dial(ctx, url, opts)
	}
	mustDial := func(opts client.Options) *client.Client {
		c, err := dialCtx(opts)
		if err != nil {
			t.Fatalf("dial: %v", err)
		}
		t.Cleanup(func() { _ = c.Close() })
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := c.WaitFor(ctx, func(c *client.Client) bool { return c.Tick() > 0 }); err != nil {
			t.Fatalf("no first update: %v", err)
		}
		return c
	}

	// The walker's way: the longest straight line from where it stands.
	z, err := zone.Default()
	if err != nil {
		t.Fatal(err)
	}
	g := nav.NewGrid(z.Grid)
	var ticksMu sync.Mutex
	var ticks []uint32
	walker := mustDial(client.Options{Pseudonym: "Marcheur", OnUpdate: func(u *protocol.Update) {
		ticksMu.Lock()
		ticks = append(ticks, u.Tick)
		ticksMu.Unlock()
	}})
	x0, y0 := walker.Self()
	dx, dy, run := longestRun(g, nav.Point{X: x0, Y: y0})
	chatty := mustDial(client.Options{Pseudonym: "Bavarde", EventBuffer: 4096})
	quiet := mustDial(client.Options{Pseudonym: "Silencieux"})

	stop := make(chan struct{})
	var wg sync.WaitGroup
	every := func(rate float64, f func() error) {
		wg.Go(func() {
			tk := time.NewTicker(time.Duration(float64(time.Second) / rate)) // drops ticks when late: never faster
			defer tk.Stop()
			for {
				select {
				case <-stop:
					return
				case <-tk.C:
					if f() != nil {
						return
					}
				}
			}
		})
	}
	start := time.Now()
	if _, err := walker.Move(dx, dy); err != nil {
		t.Fatal(err)
	}
	every(10, func() error { _, err := walker.Move(dx, dy); return err })
	every(38, func() error { _, err := chatty.Move(0, 0); return err })

	// Joins during the starvation: each ends within its dial timeout.
	var joinMu sync.Mutex
	joins := map[string]int{}
	joinStop := make(chan struct{})
	var jwg sync.WaitGroup
	jwg.Go(func() {
		tk := time.NewTicker(700 * time.Millisecond)
		defer tk.Stop()
		for i := 0; ; i++ {
			select {
			case <-joinStop:
				return
			case <-tk.C:
			}
			jwg.Go(func() {
				c, err := dialCtx(client.Options{Pseudonym: fmt.Sprintf("Arrivant%c%c", 'a'+i/26%26, 'a'+i%26)})
				outcome := "joined"
				switch {
				case err == nil:
					_ = c.Close()
				case client.CodeOf(err) != 0:
					outcome = client.CodeOf(err).String()
				default:
					outcome = "no answer: " + err.Error()
				}
				joinMu.Lock()
				joins[outcome]++
				joinMu.Unlock()
			})
		}
	})

	time.Sleep(time.Second) // a second served normally
	// Starvation: a burner on the server's CPU, and the quota-like stops.
	startBurner(t, 12*time.Second, "0")
	starveStart := time.Now()
	stopFor := func(d time.Duration) {
		_ = syscall.Kill(pid, syscall.SIGSTOP)
		time.Sleep(d)
		_ = syscall.Kill(pid, syscall.SIGCONT)
	}
	for range 3 {
		stopFor(700 * time.Millisecond)
		time.Sleep(300 * time.Millisecond)
	}
	stopFor(3 * time.Second)
	time.Sleep(300 * time.Millisecond)
	for range 3 {
		stopFor(700 * time.Millisecond)
		time.Sleep(300 * time.Millisecond)
	}
	close(joinStop)
	t.Logf("starved for %.1f s", time.Since(starveStart).Seconds())
	time.Sleep(3 * time.Second) // recovery: the server catches up, the burner ends
	close(stop)
	wg.Wait()
	jwg.Wait()

	// The walker stops; where it stands is what the wall clock says.
	elapsed := time.Since(start).Seconds()
	seq, err := walker.Move(0, 0)
	if err != nil {
		t.Fatalf("the walker: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := walker.WaitFor(ctx, func(c *client.Client) bool { return c.Ack() >= seq }); err != nil {
		t.Fatalf("the walker's stop: %v", err)
	}
	x1, y1 := walker.Self()
	want := math.Min(speed*elapsed, run)
	got := math.Hypot(x1-x0, y1-y0)
	t.Logf("walked %.1f m in %.1f s (%.1f m expected, a free run of %.0f m)", got, elapsed, want, run)
	if run < speed*elapsed {
		t.Logf("the straight run is shorter than the walk: only %.0f m can be checked", run)
	}
	if math.Abs(got-want) > 0.08*want+0.5 {
		t.Errorf("walked %.1f m in %.1f s at %.1f m/s: the world did not follow the wall clock (want %.1f m)", got, elapsed, speed, want)
	}

	// Sends degraded: some updates cover several ticks.
	ticksMu.Lock()
	merged := 0
	for i := 1; i < len(ticks); i++ {
		if ticks[i]-ticks[i-1] > 1 {
			merged++
		}
	}
	ticksMu.Unlock()
	if merged == 0 || srv.metric(t, "fair_world_ticks_merged_total", "") == 0 {
		t.Errorf("no update covered several ticks (%d updates): sends did not degrade", len(ticks))
	}
	if n := srv.metric(t, "fair_world_ticks_skipped_total", ""); n != 0 {
		t.Errorf("%v ticks skipped: stops under 5 s are caught up", n)
	}

	// The compliant clients: never rate-limited, never closed.
	for _, c := range []*client.Client{walker, chatty, quiet} {
		select {
		case <-c.Done():
			t.Errorf("%s was closed: %v", c.Welcome().Pseudonym, c.Err())
		default:
		}
	}
	limited := 0
	for drained := false; !drained; {
		select {
		case e := <-chatty.Events():
			if e, ok := e.(protocol.ErrorEvent); ok && e.Code == protocol.ErrRateLimited {
				limited++
			}
		default:
			drained = true
		}
	}
	if limited > 0 || srv.metric(t, "fair_gateway_drops_total", `reason="rate_limited"`) > 0 {
		t.Errorf("a client sending 38 messages/s was rate-limited (%d errors, %v drops)", limited,
			srv.metric(t, "fair_gateway_drops_total", `reason="rate_limited"`))
	}
	for _, code := range []string{"flood", "idle", "slow_consumer"} {
		if n := srv.metric(t, "fair_gateway_closes_total", `code="`+code+`"`); n > 0 {
			t.Errorf("%v connections closed with %s", n, code)
		}
	}

	// Joins: answered, some refused with a typed close.
	joinMu.Lock()
	defer joinMu.Unlock()
	t.Logf("join attempts during the starvation: %v; late %.1f s, credit %v messages",
		joins, srv.metric(t, "fair_server_late_seconds_total", ""), srv.metric(t, "fair_gateway_late_credit_messages_total", ""))
	refused := 0
	for outcome, n := range joins {
		switch {
		case outcome == protocol.CloseServerFull.String() || outcome == protocol.CloseTooManyJoins.String():
			refused += n
		case outcome != "joined":
			t.Errorf("%d join attempts ended with %s", n, outcome)
		}
	}
	if refused == 0 {
		t.Errorf("no join refused with 4003/4004 while the server was starved: %v", joins)
	}
}
