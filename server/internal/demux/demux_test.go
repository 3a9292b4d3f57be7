package demux

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"runtime"
	"runtime/debug"
	rtmetrics "runtime/metrics"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coder/websocket"
)

// startDemux serves ws and h through a demux on a free port and returns its address.
func startDemux(t *testing.T, cfg Config, ws http.HandlerFunc, h http.Handler) (*Demux, string) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	d := New(ln, ws, cfg)
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	served, httpDone := make(chan error, 1), make(chan error, 1)
	go func() { served <- d.Serve() }()
	go func() { httpDone <- srv.Serve(d.HTTPListener()) }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := srv.Shutdown(ctx); err != nil {
			t.Errorf("http shutdown: %v", err)
		}
		if err := <-httpDone; !errors.Is(err, http.ErrServerClosed) {
			t.Errorf("http.Server.Serve: %v", err)
		}
		if err := <-served; err != nil {
			t.Errorf("demux serve: %v", err)
		}
	})
	return d, ln.Addr().String()
}

// echoWS accepts with subprotocol fw.v1 and echoes every message.
func echoWS(w http.ResponseWriter, r *http.Request) {
	c, err := websocket.Accept(w, r, &websocket.AcceptOptions{Subprotocols: []string{"fw.v1"}, OriginPatterns: []string{"allowed.example"}})
	if err != nil {
		return
	}
	defer c.CloseNow()
	c.SetReadLimit(1 << 20)
	for {
		typ, b, err := c.Read(context.Background())
		if err != nil {
			return
		}
		if err := c.Write(context.Background(), typ, b); err != nil {
			return
		}
	}
}

// pages is the http.Server's handler: like Server.Handler, it routes /ws too,
// for the requests the demux hands over.
var pages = func() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /ws", echoWS)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		fmt.Fprintf(w, "%s %s %s", r.Method, r.URL.Path, b)
	})
	return mux
}()

// roundTrip writes raw on c and reads one response.
func roundTrip(t *testing.T, c net.Conn, br *bufio.Reader, raw string) (*http.Response, string) {
	t.Helper()
	_ = c.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := io.WriteString(c, raw); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatalf("reading the response to %q: %v", raw, err)
	}
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(b)
}

func TestDemuxHTTPKeepAlive(t *testing.T) {
	t.Parallel()
	_, addr := startDemux(t, Config{}, echoWS, pages)
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	br := bufio.NewReader(c)
	for _, tc := range []struct {
		req, want string
		status    int
	}{
		{"GET /page HTTP/1.1\r\nHost: a\r\n\r\n", "GET /page ", 200},
		{"POST /api/zone HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabc", "POST /api/zone abc", 200},
		// No Upgrade: the http.Server's, refused by Accept, and the connection lives on.
		{"GET /ws HTTP/1.1\r\nHost: a\r\n\r\n", "WebSocket protocol violation: Connection header \"\" does not contain Upgrade\n", 426},
		{"GET /media/x HTTP/1.1\r\nHost: a\r\n\r\n", "GET /media/x ", 200},
	} {
		resp, body := roundTrip(t, c, br, tc.req)
		if resp.StatusCode != tc.status || body != tc.want || resp.Close {
			t.Fatalf("%q: %s %q close=%v, want %d %q kept alive", tc.req, resp.Status, body, resp.Close, tc.status, tc.want)
		}
	}
	// A head that arrives in pieces is read whole, and a malformed one gets net/http's own answer.
	c2, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c2.Close()
	_, _ = io.WriteString(c2, "GET /slow HTTP/1.1\r\n")
	time.Sleep(50 * time.Millisecond)
	if resp, body := roundTrip(t, c2, bufio.NewReader(c2), "Host: a\r\n\r\n"); body != "GET /slow " {
		t.Fatalf("split head: %s %q", resp.Status, body)
	}
	if resp, _ := roundTrip(t, c2, bufio.NewReader(c2), "GET /nohost HTTP/1.1\r\n\r\n"); resp.StatusCode != 400 {
		t.Fatalf("no Host: %s, want net/http's 400", resp.Status)
	}
}

func TestDemuxWebSocket(t *testing.T) {
	t.Parallel()
	_, addr := startDemux(t, Config{WriteBuffer: 512}, echoWS, pages)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, resp, err := websocket.Dial(ctx, "ws://"+addr+"/ws", &websocket.DialOptions{Subprotocols: []string{"other", "fw.v1"}})
	if err != nil {
		t.Fatalf("dial: %v (%v)", err, resp)
	}
	defer c.CloseNow()
	c.SetReadLimit(1 << 20)
	if c.Subprotocol() != "fw.v1" {
		t.Fatalf("subprotocol %q, want fw.v1", c.Subprotocol())
	}
	for _, n := range []int{1, 100, 511, 512, 5000, 200_000} { // around and past the write buffer
		msg := bytes.Repeat([]byte{byte(n)}, n)
		if err := c.Write(ctx, websocket.MessageBinary, msg); err != nil {
			t.Fatal(err)
		}
		_, got, err := c.Read(ctx)
		if err != nil || !bytes.Equal(got, msg) {
			t.Fatalf("echo of %d bytes: %d bytes, %v", n, len(got), err)
		}
	}
	if err := c.Close(websocket.StatusNormalClosure, ""); err != nil {
		t.Fatal(err)
	}
}

// TestDemuxRefusalsMatchNetHTTP sends bad upgrades to the demux and to plain
// net/http running the same handler: status, body and headers must match.
func TestDemuxRefusalsMatchNetHTTP(t *testing.T) {
	t.Parallel()
	_, addr := startDemux(t, Config{}, echoWS, pages)
	plain := httptest.NewServer(http.HandlerFunc(echoWS))
	t.Cleanup(plain.Close)
	const ok = "GET /ws HTTP/1.1\r\nHost: h\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
	for _, req := range []string{
		strings.Replace(ok, "Version: 13", "Version: 12", 1),
		strings.Replace(ok, "dGhlIHNhbXBsZSBub25jZQ==", "short", 1),
		strings.Replace(ok, "Connection: Upgrade", "Connection: keep-alive", 1),
		ok + "Origin: http://evil.example\r\n",
		strings.Replace(ok, "HTTP/1.1", "HTTP/1.0", 1),
	} {
		req += "\r\n"
		var got [2]string
		for i, a := range []string{addr, plain.Listener.Addr().String()} {
			c, err := net.Dial("tcp", a)
			if err != nil {
				t.Fatal(err)
			}
			resp, body := roundTrip(t, c, bufio.NewReader(c), req)
			_ = c.Close()
			got[i] = fmt.Sprintf("%s %q upgrade=%q version=%q type=%q", resp.Status, body, resp.Header.Get("Upgrade"),
				resp.Header.Get("Sec-WebSocket-Version"), resp.Header.Get("Content-Type"))
		}
		if got[0] != got[1] {
			t.Errorf("%q:\ndemux:    %s\nnet/http: %s", req, got[0], got[1])
		}
	}
	// The allowed origin upgrades.
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	c, _, err := websocket.Dial(ctx, "ws://"+addr+"/ws", &websocket.DialOptions{HTTPHeader: http.Header{"Origin": {"https://allowed.example"}}})
	if err != nil {
		t.Fatalf("allowed origin: %v", err)
	}
	c.CloseNow()
}

func TestDemuxHeadTooBig(t *testing.T) {
	t.Parallel()
	_, addr := startDemux(t, Config{}, echoWS, pages)
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(5 * time.Second))
	go io.WriteString(c, "GET /ws HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nX-Big: "+strings.Repeat("x", 9<<10)+"\r\n\r\n")
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err == nil && resp.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
		t.Fatalf("got %s, want 431 or a closed connection", resp.Status)
	}
	if err == nil {
		_, _ = io.ReadAll(resp.Body) // then closed
	}
	if n, err := c.Read(make([]byte, 1)); n != 0 || err == nil || errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("connection still open after the refusal: %d, %v", n, err)
	}
}

func TestDemuxSlowHeadDropped(t *testing.T) {
	t.Parallel()
	const deadline = 300 * time.Millisecond
	_, addr := startDemux(t, Config{HeadTimeout: deadline}, echoWS, pages)
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	start := time.Now()
	_, _ = io.WriteString(c, "GET /ws HTTP/1.1\r\nHost: a\r\n")
	_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
	for range 20 { // slowloris: a byte now and then is not enough
		if _, err := io.WriteString(c, "X"); err != nil {
			break
		}
		time.Sleep(deadline / 10)
	}
	n, err := c.Read(make([]byte, 1))
	if n != 0 || errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("read %d, %v: want the connection closed", n, err)
	}
	if el := time.Since(start); el < deadline || el > deadline+2*time.Second {
		t.Fatalf("dropped after %v, want about %v", el, deadline)
	}
}

func TestDemuxCloseUnblocksAccept(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	d := New(ln, echoWS, Config{})
	served := make(chan error, 1)
	go func() { served <- d.Serve() }()
	hl := d.HTTPListener()
	if hl.Addr().String() != ln.Addr().String() {
		t.Fatalf("Addr %v, want %v", hl.Addr(), ln.Addr())
	}
	// A client halfway through its head must not hold Close up.
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_, _ = io.WriteString(c, "GET / HTTP/1.1\r\n")
	accepted := make(chan error, 1)
	go func() { _, err := hl.Accept(); accepted <- err }()
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(time.Millisecond) {
		d.mu.Lock()
		n := len(d.heads)
		d.mu.Unlock()
		if n == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the connection never reached its head")
		}
	}
	closed := make(chan error, 1)
	go func() { closed <- hl.Close() }()
	for name, ch := range map[string]chan error{"Close": closed, "Accept": accepted, "serve": served} {
		select {
		case err := <-ch:
			if name == "Accept" && !errors.Is(err, net.ErrClosed) || name != "Accept" && err != nil {
				t.Errorf("%s: %v", name, err)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("%s still blocked after Close", name)
		}
	}
	_ = c.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := c.Read(make([]byte, 1)); errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatal("the half-read connection stayed open")
	}
	if err := d.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
}

func TestDemuxRecoversHandlerPanic(t *testing.T) {
	t.Parallel()
	_, addr := startDemux(t, Config{}, func(http.ResponseWriter, *http.Request) { panic("boom") }, pages)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if _, _, err := websocket.Dial(ctx, "ws://"+addr+"/ws", nil); err == nil {
		t.Fatal("upgrade succeeded through a panicking handler")
	}
	resp, err := http.Get("http://" + addr + "/after")
	if err != nil {
		t.Fatalf("the server did not survive: %v", err)
	}
	_ = resp.Body.Close()
}

// TestDemuxIdleMemory measures what an idle WebSocket costs the server,
// through the demux and through plain net/http: FAIRWORLD_MEMTEST=demux,
// nethttp or both (without -race), FAIRWORLD_MEMTEST_N connections (2000).
// The clients run in a child process so that only the server side counts.
func TestDemuxIdleMemory(t *testing.T) {
	modes := map[string][]string{"both": {"nethttp", "demux"}, "demux": {"demux"}, "nethttp": {"nethttp"}}[os.Getenv("FAIRWORLD_MEMTEST")]
	if len(modes) == 0 {
		t.Skip("set FAIRWORLD_MEMTEST=demux, nethttp or both to measure")
	}
	n, _ := strconv.Atoi(cmp.Or(os.Getenv("FAIRWORLD_MEMTEST_N"), "2000"))
	for _, mode := range modes {
		var ready, gone atomic.Int64
		ctx, cancel := context.WithCancel(context.Background()) // cancellable, as the server's
		idle := func(w http.ResponseWriter, r *http.Request) {
			c, err := websocket.Accept(w, r, &websocket.AcceptOptions{Subprotocols: []string{"fw.v1"}})
			if err != nil {
				return
			}
			defer gone.Add(1)
			ready.Add(1)
			for { // the server's reader: one Reader at a time, blocked while idle
				_, rd, err := c.Reader(ctx)
				if err != nil {
					c.CloseNow()
					return
				}
				_, _ = io.Copy(io.Discard, rd)
			}
		}
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		srv := &http.Server{Handler: http.HandlerFunc(idle), ReadHeaderTimeout: 10 * time.Second}
		var d *Demux
		if mode == "demux" {
			d = New(ln, idle, Config{})
			srv.Handler = http.NotFoundHandler()
			go d.Serve()
			go srv.Serve(d.HTTPListener())
		} else {
			go srv.Serve(ln)
		}
		base := measureMem()
		cmd := exec.Command(os.Args[0], "-test.run=^TestDemuxMemClient$", "-test.count=1")
		cmd.Env = append(os.Environ(), "FAIRWORLD_MEMCLIENT="+ln.Addr().String(), "FAIRWORLD_MEMTEST_N="+strconv.Itoa(n))
		stdin, _ := cmd.StdinPipe()
		out, _ := cmd.StdoutPipe()
		cmd.Stderr = os.Stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		if line, err := bufio.NewReader(out).ReadString('\n'); line != "ready\n" {
			t.Fatalf("client: %q, %v", line, err)
		}
		for ready.Load() < int64(n) {
			time.Sleep(10 * time.Millisecond)
		}
		time.Sleep(500 * time.Millisecond) // every reader parked
		m := measureMem()
		per := func(a, b uint64) float64 { return (float64(a) - float64(b)) / float64(n) / 1024 }
		t.Logf("%-8s %d idle WebSockets: RSS %.1f KiB/conn, heap objects %.1f KiB/conn, stacks %.1f KiB/conn, %.2f goroutines/conn",
			mode, n, per(m.rss, base.rss), per(m.heap, base.heap), per(m.stacks, base.stacks), float64(m.goroutines-base.goroutines)/float64(n))
		_ = stdin.Close() // the client exits, the connections drop
		_ = cmd.Wait()
		for gone.Load() < int64(n) {
			time.Sleep(10 * time.Millisecond)
		}
		cancel()
		_ = srv.Close()
		if d != nil {
			_ = d.Close()
		}
	}
}

type memSample struct{ rss, heap, stacks, goroutines uint64 }

func measureMem() memSample {
	runtime.GC()
	debug.FreeOSMemory() // so that RSS counts live memory, not garbage awaiting the scavenger
	var m memSample
	status, _ := os.ReadFile("/proc/self/status")
	for line := range strings.Lines(string(status)) {
		if f := strings.Fields(line); len(f) == 3 && f[0] == "VmRSS:" {
			kb, _ := strconv.ParseUint(f[1], 10, 64)
			m.rss = kb << 10
		}
	}
	s := []rtmetrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}, {Name: "/memory/classes/heap/stacks:bytes"}, {Name: "/sched/goroutines:goroutines"}}
	rtmetrics.Read(s)
	m.heap, m.stacks, m.goroutines = s[0].Value.Uint64(), s[1].Value.Uint64(), s[2].Value.Uint64()
	return m
}

// TestDemuxMemClient is the client half of TestDemuxIdleMemory: it upgrades
// FAIRWORLD_MEMTEST_N raw connections, says "ready" and holds them until stdin closes.
func TestDemuxMemClient(t *testing.T) {
	addr := os.Getenv("FAIRWORLD_MEMCLIENT")
	if addr == "" {
		t.Skip("the client half of TestDemuxIdleMemory")
	}
	n, _ := strconv.Atoi(os.Getenv("FAIRWORLD_MEMTEST_N"))
	const req = "GET /ws HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n" +
		"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Protocol: fw.v1\r\n\r\n"
	conns := make([]net.Conn, 0, n)
	for range n {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.WriteString(c, req)
		resp, err := http.ReadResponse(bufio.NewReader(c), nil)
		if err != nil || resp.StatusCode != http.StatusSwitchingProtocols {
			t.Fatalf("upgrade: %v, %v", resp, err)
		}
		conns = append(conns, c)
	}
	fmt.Println("ready")
	_, _ = io.Copy(io.Discard, os.Stdin)
	for _, c := range conns {
		_ = c.Close()
	}
}
