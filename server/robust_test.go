package server_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/usine-extraordinaire/fairworld/client"
	"github.com/usine-extraordinaire/fairworld/protocol"
	"github.com/usine-extraordinaire/fairworld/server"
	"github.com/usine-extraordinaire/fairworld/server/servertest"
)

// rawDial opens a WebSocket without the client library, to misbehave.
func rawDial(t *testing.T, in *servertest.Instance, subprotocols []string, rcvbuf int) *websocket.Conn {
	t.Helper()
	d := &net.Dialer{}
	if rcvbuf > 0 {
		d.Control = func(_, _ string, c syscall.RawConn) error {
			var serr error
			err := c.Control(func(fd uintptr) { serr = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, rcvbuf) })
			return errors.Join(err, serr)
		}
	}
	hc := &http.Client{Transport: &http.Transport{DialContext: d.DialContext}}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	ws, _, err := websocket.Dial(ctx, in.URL, &websocket.DialOptions{HTTPClient: hc, Subprotocols: subprotocols})
	if err != nil {
		t.Fatalf("raw dial: %v", err)
	}
	ws.SetReadLimit(protocol.MaxServerMessage)
	t.Cleanup(func() { _ = ws.CloseNow() })
	return ws
}

func rawHello(t *testing.T, ws *websocket.Conn) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := ws.Write(ctx, websocket.MessageBinary, protocol.AppendHello(nil, protocol.Hello{Pseudonym: name()})); err != nil {
		t.Fatal(err)
	}
	_, b, err := ws.Read(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var m protocol.ServerMessage
	if err := protocol.DecodeServer(b, &m, protocol.NewView()); err != nil || m.Type != protocol.TypeWelcome {
		t.Fatalf("want WELCOME, got %v %v", m.Type, err)
	}
}

// readClose reads until the server closes and returns the close code.
func readClose(t *testing.T, ws *websocket.Conn) websocket.StatusCode {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for {
		_, _, err := ws.Read(ctx)
		if err != nil {
			return websocket.CloseStatus(err)
		}
	}
}

// stillServed checks that c keeps receiving updates: its tick advances and
// an intent gets echoed.
func stillServed(t *testing.T, c *client.Client) {
	t.Helper()
	t0 := c.Tick()
	seq, err := c.Move(0.5, 0)
	if err != nil {
		t.Fatalf("the bystander cannot send: %v", err)
	}
	waitFor(t, c, 5*time.Second, "the bystander's echo", func(c *client.Client) bool { return c.Ack() >= seq && c.Tick() > t0 })
	_, _ = c.Move(0, 0)
}

func TestMalformedMessagesGetTypedCloses(t *testing.T) {
	t.Parallel()
	in := servertest.Start(t, nil)
	bystander := dial(t, in, client.Options{})
	deep := []byte{}
	for range 40 {
		deep = append(deep, 0x91)
	}
	deep = append(deep, 0x01)
	cases := []struct {
		name string
		typ  websocket.MessageType
		msg  []byte
		want protocol.CloseCode
	}{
		{"invalid msgpack", websocket.MessageBinary, []byte{0xc1}, protocol.CloseMalformed},
		{"huge announced array", websocket.MessageBinary, []byte{0xdd, 0xff, 0xff, 0xff, 0xff}, protocol.CloseMalformed},
		{"too deep", websocket.MessageBinary, deep, protocol.CloseMalformed},
		{"wrong shape", websocket.MessageBinary, []byte{0x92, 0x02, 0xa1, 'x'}, protocol.CloseMalformed},
		{"text message", websocket.MessageText, []byte(`{"type":"move"}`), protocol.CloseMalformed},
		{"oversized", websocket.MessageBinary, make([]byte, 4096), protocol.CloseTooBig},
	}
	for _, c := range cases {
		ws := rawDial(t, in, []string{protocol.Subprotocol}, 0)
		rawHello(t, ws)
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		_ = ws.Write(ctx, c.typ, c.msg) // may fail once the server has closed
		cancel()
		if got := readClose(t, ws); got != websocket.StatusCode(c.want) {
			t.Errorf("%s: closed with %d, want %d", c.name, got, c.want)
		}
	}
	// A malformed first message is a bad handshake.
	ws := rawDial(t, in, []string{protocol.Subprotocol}, 0)
	_ = ws.Write(context.Background(), websocket.MessageBinary, []byte{0xc1})
	if got := readClose(t, ws); got != websocket.StatusCode(protocol.CloseBadHandshake) {
		t.Errorf("malformed HELLO: closed with %d, want %d", got, protocol.CloseBadHandshake)
	}
	// An unknown type is reported, not fatal.
	c := dial(t, in, client.Options{EventBuffer: 64})
	_ = c // the client library cannot send unknown types: use a raw socket
	ws = rawDial(t, in, []string{protocol.Subprotocol}, 0)
	rawHello(t, ws)
	if err := ws.Write(context.Background(), websocket.MessageBinary, []byte{0x92, 0x63, 0x01}); err != nil {
		t.Fatal(err)
	}
	gotErr := false
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	view := protocol.NewView()
	for !gotErr {
		_, b, err := ws.Read(ctx)
		if err != nil {
			t.Fatalf("after an unknown type: %v", err)
		}
		var m protocol.ServerMessage
		if err := protocol.DecodeServer(b, &m, view); err != nil {
			t.Fatal(err)
		}
		for _, e := range m.Update.Events {
			if e, ok := e.(protocol.ErrorEvent); ok && e.Code == protocol.ErrUnknownType {
				gotErr = true
			}
		}
	}
	stillServed(t, bystander)
}

func TestVersionAndPseudonymRefusals(t *testing.T) {
	t.Parallel()
	in := servertest.Start(t, nil)
	for _, sp := range [][]string{{"usine.v0"}, nil} {
		ws := rawDial(t, in, sp, 0)
		if got := readClose(t, ws); got != websocket.StatusCode(protocol.CloseBadVersion) {
			t.Errorf("subprotocols %v: closed with %d, want %d", sp, got, protocol.CloseBadVersion)
		}
	}
	taken := dial(t, in, client.Options{Pseudonym: "Capucine"})
	for _, c := range []struct {
		pseudo string
		want   protocol.CloseCode
	}{
		{"admin", protocol.ClosePseudoRefused},
		{"Modérateur", protocol.ClosePseudoRefused},
		{"ab", protocol.ClosePseudoInvalid},
		{"cette_phrase_est_bien_trop_longue", protocol.ClosePseudoInvalid},
		{"CAPUCINE", protocol.ClosePseudoTaken},
	} {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		_, err := client.Dial(ctx, in.URL, client.Options{Pseudonym: c.pseudo})
		cancel()
		var ce *client.CloseError
		if !errors.As(err, &ce) || ce.Code != c.want {
			t.Errorf("%q: got %v, want close %d", c.pseudo, err, c.want)
			continue
		}
		if c.want >= protocol.ClosePseudoInvalid && (ce.Reason == "" || !isFrench(ce.Reason)) {
			t.Errorf("%q: reason %q is not a French sentence", c.pseudo, ce.Reason)
		}
	}
	stillServed(t, taken)
}

func isFrench(s string) bool {
	for _, w := range []string{"pseudonyme", "caractères", "autorisé", "utilisé", "utilise"} {
		if strings.Contains(strings.ToLower(s), w) {
			return true
		}
	}
	return false
}

func TestResumeAndTakeOver(t *testing.T) {
	t.Parallel()
	in := servertest.Start(t, fast)
	a := dial(t, in, client.Options{Pseudonym: "Bérénice"})
	x0, y0 := a.Self()
	_, _ = a.Move(1, 0)
	waitFor(t, a, 5*time.Second, "a to walk", func(c *client.Client) bool { x, y := c.Self(); return dist(x, y, x0, y0) > 1 })
	stop, _ := a.Move(0, 0)
	waitFor(t, a, 5*time.Second, "a to stop", func(c *client.Client) bool { return c.Ack() >= stop })
	x, y := a.Self()
	w := a.Welcome()
	_ = a.CloseReconnect() // a drop: the session stays resumable

	b := dial(t, in, client.Options{ResumeToken: w.ResumeToken, Seq: a.LastSeq()})
	bw := b.Welcome()
	if !bw.Resumed || bw.SelfID != w.SelfID || bw.Pseudonym != w.Pseudonym {
		t.Fatalf("resumed welcome %+v, want the session of %+v", bw, w)
	}
	if bx, by := b.Self(); dist(x, y, bx, by) > 0.5 {
		t.Errorf("resumed at (%.1f, %.1f), left at (%.1f, %.1f)", bx, by, x, y)
	}
	// The pseudonym stays reserved for the session.
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if _, err := client.Dial(ctx, in.URL, client.Options{Pseudonym: "Berenice"}); closeCode(err) != protocol.ClosePseudoTaken {
		t.Errorf("pseudonym of a live session: got %v, want 4011", err)
	}

	// A second connection with the token takes the session over.
	c := dial(t, in, client.Options{ResumeToken: w.ResumeToken})
	select {
	case <-b.Done():
	case <-time.After(5 * time.Second):
		t.Fatal("the first connection was not closed on take-over")
	}
	if got := closeCode(b.Err()); got != protocol.CloseTakenOver {
		t.Errorf("taken-over connection closed with %v, want 4006", got)
	}
	if c.SelfID() != w.SelfID {
		t.Errorf("take-over got avatar %d, want %d", c.SelfID(), w.SelfID)
	}
	stillServed(t, c)

	// An unknown token is refused with 4007.
	if _, err := client.Dial(ctx, in.URL, client.Options{ResumeToken: "nope"}); closeCode(err) != protocol.CloseResumeExpired {
		t.Errorf("unknown token: got %v, want 4007", err)
	}
}

func TestResumeWindowExpires(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	now := time.Now()
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	in := servertest.Start(t, func(c *server.Config) { c.Now = clock; c.ResumeWindow = time.Minute })
	a := dial(t, in, client.Options{Pseudonym: "Gaspard"})
	tok := a.Welcome().ResumeToken
	mustWait(t, 5*time.Second, "the avatar in the world", func() bool { return gauge(t, in, "fair_world_avatars") == 1 })
	_ = a.CloseReconnect()
	<-a.Done()
	mustWait(t, 5*time.Second, "the hub to hear of the departure", func() bool { return gauge(t, in, "fair_world_avatars") == 0 })
	mu.Lock()
	now = now.Add(2 * time.Minute)
	mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if _, err := client.Dial(ctx, in.URL, client.Options{ResumeToken: tok}); closeCode(err) != protocol.CloseResumeExpired {
		t.Errorf("expired token: got %v, want 4007", err)
	}
	// The pseudonym is free again.
	dial(t, in, client.Options{Pseudonym: "Gaspard"})
}

// dirs are unit directions for walkers.
var dirs = [4][2]float64{{0.8, 0.6}, {-0.8, -0.6}, {0.6, -0.8}, {-0.6, 0.8}}

func TestSlowReaderIsClosedOthersServed(t *testing.T) {
	t.Parallel()
	in := servertest.Start(t, func(c *server.Config) {
		c.WriteTimeout = 300 * time.Millisecond
		c.SendBuffer = 4096
	})
	bystander := dial(t, in, client.Options{})
	// A client that never reads, with a tiny receive window.
	slow := rawDial(t, in, []string{protocol.Subprotocol}, 1024)
	rawHello(t, slow)
	// Traffic around it: walkers.
	var walkers []*client.Client
	for i := range 30 {
		w := dial(t, in, client.Options{EventBuffer: -1})
		_, _ = w.Move(dirs[i%4][0], dirs[i%4][1])
		walkers = append(walkers, w)
	}
	closed := waitUntil(40*time.Second, func() bool {
		for i, w := range walkers { // keep them walking (and turning at walls)
			d := dirs[(i+int(time.Now().Unix()))%4]
			_, _ = w.Move(d[0], d[1])
		}
		return counter(t, in, "fair_gateway_slow_consumer_closes_total", "") >= 1
	})
	if !closed {
		t.Fatalf("the client that stopped reading was not closed; closes %v, out %v msgs %v bytes",
			counter(t, in, "fair_gateway_closes_total", ""), counter(t, in, "fair_gateway_messages_out_total", ""), counter(t, in, "fair_gateway_bytes_out_total", ""))
	}
	if n := counter(t, in, "fair_gateway_closes_total", "code=slow_consumer"); n < 1 {
		t.Errorf("closes_total{code=slow_consumer} = %v", n)
	}
	stillServed(t, bystander)
}

func TestAdmissionRateAndServerFull(t *testing.T) {
	t.Parallel()
	in := servertest.Start(t, func(c *server.Config) { c.JoinRate = 5; c.JoinBurst = 5 })
	first := dial(t, in, client.Options{})
	var mu sync.Mutex
	codes := map[protocol.CloseCode]int{}
	var wg sync.WaitGroup
	for range 40 {
		wg.Go(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			c, err := client.Dial(ctx, in.URL, client.Options{Pseudonym: name()})
			if err == nil {
				defer c.Close()
			}
			mu.Lock()
			codes[closeCode(err)]++
			mu.Unlock()
		})
	}
	wg.Wait()
	if codes[protocol.CloseTooManyJoins] < 25 || codes[0] > 10 || codes[0] < 1 {
		t.Errorf("surge of 40 at 5/s: %v (0 = joined)", codes)
	}
	if n := counter(t, in, "fair_gateway_admission_refusals_total", "reason=join_rate"); int(n) != codes[protocol.CloseTooManyJoins] {
		t.Errorf("admission_refusals_total{reason=join_rate} = %v, refusals seen %d", n, codes[protocol.CloseTooManyJoins])
	}
	stillServed(t, first)

	full := servertest.Start(t, func(c *server.Config) { c.MaxConns = 2 })
	dial(t, full, client.Options{})
	dial(t, full, client.Options{})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if _, err := client.Dial(ctx, full.URL, client.Options{Pseudonym: name()}); closeCode(err) != protocol.CloseServerFull {
		t.Errorf("third connection with MaxConns 2: got %v, want 4003", err)
	}
}

func TestShutdownClosesWith1012(t *testing.T) {
	t.Parallel()
	in := servertest.Start(t, nil)
	a := dial(t, in, client.Options{})
	go in.Stop()
	select {
	case <-a.Done():
	case <-time.After(10 * time.Second):
		t.Fatal("not closed on shutdown")
	}
	if got := closeCode(a.Err()); got != protocol.CloseServiceRestart {
		t.Errorf("closed with %v, want 1012", got)
	}
}
