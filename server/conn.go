package server

import (
	"bufio"
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"
	"golang.org/x/time/rate"

	"github.com/usine-extraordinaire/fairworld/protocol"
)

// connEnv is what every connection shares: the parts of the server a
// connection uses (never the Server itself). Read-only after New.
type connEnv struct {
	log     *slog.Logger
	metrics *metrics
	late    *lateness
	hub     *hub // commands go to its inbox (hub.send)
	conns   *registry
	bufs    bufPool
	ctx     context.Context // ends when connections must go
	hubCtx  context.Context // the hub's life: a departure reaches it until then

	inputRate    float64
	inputBurst   int
	maxPending   int
	zoneW, zoneH float64
}

// floodDrops is how many drops a flood window tolerates (inputrate.go).
func (e *connEnv) floodDrops() int { return 4 * e.inputBurst }

// conn is one client connection. One goroutine reads (readloop.go); at most
// one writer goroutine at a time writes, started on demand when output is
// pending and ending when the outbox is empty, so an idle connection costs
// no writer stack. The hub never blocks on a conn: it pushes into the
// outbox under mu and, at most, starts the writer.
type conn struct {
	env  *connEnv
	ws   *websocket.Conn
	raw  net.Conn // the TCP connection under ws: deadlines, linger and socket queues
	log  *slog.Logger
	done chan struct{} // closed when the connection is over

	// owned by the reader: the handshake, then the read loop (control
	// frames are counted on it too, see onControl)
	limiter       *rate.Limiter
	credit        float64              // messages allowed beyond the limiter for the server's late time (rate.go)
	lateSeen      time.Duration        // the server's late time when credit was last granted
	flood         int                  // frames dropped by the limiter in the current flood window
	floodAt       time.Time            // when the window's first drop happened
	floodReported bool                 // the window's rate_limited error was sent
	peerCode      websocket.StatusCode // the code of the client's close frame; -1 before one

	lastRead   atomic.Int64 // awake clock (ns) of the last byte read from the socket, for keepalive
	writeSince atomic.Int64 // awake clock (ns) when the running write started; 0 when none
	pinging    atomic.Bool  // a keepalive ping is in flight

	mu        sync.Mutex
	out       outbox // guarded by mu
	writing   bool   // guarded by mu: a writer goroutine is running
	closing   bool   // guarded by mu: close requested, no more writers
	closeCode protocol.CloseCode
	closeMsg  string

	// owned by the running writer (handed over under mu)
	view *protocol.View
	upd  protocol.Update

	// set by the hub at join, read by the read goroutine after the join reply
	avatar  uint32
	resumed bool // the session's token was rotated: the first message read confirms the new one

	sess *hubSession // owned by the hub: the session this connection holds, nil before the join
}

// newConn prepares a connection; accept upgrades it.
func newConn(env *connEnv) *conn {
	c := &conn{
		env:      env,
		log:      env.log,
		done:     make(chan struct{}),
		limiter:  rate.NewLimiter(rate.Limit(env.inputRate), env.inputBurst),
		lateSeen: env.late.total(),
		peerCode: -1,
	}
	c.lastRead.Store(int64(env.late.awake(time.Now())))
	return c
}

// accept upgrades the request, with control frames counted in the input
// rate and every byte read stamped for liveness.
func (c *conn) accept(w http.ResponseWriter, r *http.Request, opts *websocket.AcceptOptions) error {
	hook := &hijackHook{ResponseWriter: w, wrap: func(nc net.Conn) net.Conn { return liveConn{Conn: nc, c: c} }}
	opts.OnPingReceived = func(context.Context, []byte) bool { return c.onControl() }
	opts.OnPongReceived = func(context.Context, []byte) { c.onControl() }
	ws, err := websocket.Accept(hook, r, opts)
	if err != nil {
		return err
	}
	c.ws, c.raw = ws, hook.raw
	return nil
}

// onControl counts a ping or pong from the client in its input rate and
// says whether a ping is answered. The library calls it from inside a read:
// on the reader's goroutine, or on the close goroutine once closing, when
// nothing is counted (no reader state is touched there).
func (c *conn) onControl() bool {
	if c.isClosing() {
		return false
	}
	c.env.metrics.controlIn.Inc()
	return c.allow(c.env.ctx, false)
}

// hijackHook hands the WebSocket library a wrapped connection and keeps the
// raw one.
type hijackHook struct {
	http.ResponseWriter
	wrap func(net.Conn) net.Conn
	raw  net.Conn
}

func (h *hijackHook) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	hj, ok := h.ResponseWriter.(http.Hijacker)
	if !ok {
		return nil, nil, errors.New("server: the response writer cannot hijack")
	}
	nc, brw, err := hj.Hijack()
	if err != nil {
		return nil, nil, err
	}
	h.raw = nc
	return h.wrap(nc), brw, nil
}

// liveConn is the connection the WebSocket reads from: every read that
// returns bytes stamps lastRead, so that liveness counts any byte from the
// client (a pong queued behind a backlog too), not only whole messages.
type liveConn struct {
	net.Conn
	c *conn
}

func (l liveConn) Read(p []byte) (int, error) {
	n, err := l.Conn.Read(p)
	if n > 0 {
		l.c.lastRead.Store(int64(l.c.env.late.awake(time.Now())))
	}
	return n, err
}

// push merges a tick's update into the outbox and makes sure a writer runs.
// Called by the hub; never blocks beyond the short critical section.
func (c *conn) push(u *protocol.Update) {
	c.mu.Lock()
	if c.closing {
		c.mu.Unlock()
		return
	}
	replaced := c.out.push(u)
	over := c.out.undroppable() > c.env.maxPending
	start := c.startWriterLocked()
	c.mu.Unlock()
	if replaced > 0 {
		c.env.metrics.drops.WithLabelValues("position_replaced").Add(float64(replaced))
	}
	c.afterPush(over, start)
}

func (c *conn) afterPush(over, start bool) {
	if over {
		c.env.metrics.drops.WithLabelValues("backlog_over_bound").Inc()
		c.env.metrics.slowCloses.Inc()
		c.close(protocol.CloseSlowConsumer, "too far behind")
		return
	}
	if start {
		go c.writeLoop()
	}
}

// deliver holds an event for this client outside the world (the second
// way into the outbox): it rides on the next update the hub pushes, or
// goes alone at the end of the hub's round (flushHeld), so that a client
// still gets at most one UPDATE a tick. Called by the hub; it reports
// whether the hub must flush this connection at the end of its round.
func (c *conn) deliver(e protocol.Event) (flush bool) {
	c.mu.Lock()
	if c.closing {
		c.mu.Unlock()
		return false
	}
	first := c.out.hold(e)
	over := c.out.undroppable() > c.env.maxPending
	c.mu.Unlock()
	if over {
		c.afterPush(true, false)
		return false
	}
	return first
}

// flushHeld sends the events deliver held that no update took this round.
// Called by the hub at the end of a round.
func (c *conn) flushHeld() {
	c.mu.Lock()
	if c.closing || !c.out.release() {
		c.mu.Unlock()
		return
	}
	start := c.startWriterLocked()
	c.mu.Unlock()
	c.afterPush(false, start)
}

// reportError has the hub deliver an error event to this client, in its
// next UPDATE. Called by the read goroutine.
func (c *conn) reportError(ctx context.Context, code protocol.ErrorCode, ref uint32, msg string) bool {
	return c.env.hub.send(ctx, errorCmd{c: c, ev: protocol.ErrorEvent{Code: code, Ref: ref, Message: msg}})
}

// setWelcome queues the WELCOME, which the writer sends before any update,
// and the avatar's starting point, which any update carries until the first tick.
func (c *conn) setWelcome(b []byte, tick uint32, x, y uint16) {
	c.mu.Lock()
	c.out.welcome = b
	c.out.u.Tick, c.out.u.SelfX, c.out.u.SelfY = tick, x, y
	start := c.startWriterLocked()
	c.mu.Unlock()
	if start {
		go c.writeLoop()
	}
}

func (c *conn) startWriterLocked() bool {
	if c.writing || c.closing {
		return false
	}
	c.writing = true
	return true
}

// writeLoop writes pending output until there is none, then exits.
func (c *conn) writeLoop() {
	bp := c.env.bufs.get()
	defer c.env.bufs.put(bp)
	for {
		c.mu.Lock()
		if c.closing {
			c.writing = false
			c.mu.Unlock()
			return
		}
		welcome := c.out.welcome
		c.out.welcome = nil
		var has bool
		if welcome == nil {
			has = c.out.take(&c.upd)
		}
		if welcome == nil && !has {
			c.writing = false
			c.mu.Unlock()
			return
		}
		c.mu.Unlock()

		msg := welcome
		if msg == nil {
			if c.view == nil {
				c.view = protocol.NewView()
			}
			var err error
			if *bp, err = c.view.AppendUpdate((*bp)[:0], &c.upd); err != nil {
				// Never with the world's Budget (see world.Config). The view
				// is unchanged, so later moves stay right; what this update
				// alone carried (enters, leaves, events) is lost.
				c.env.metrics.drops.WithLabelValues("update_too_large").Inc()
				c.log.Error("update skipped", "err", err)
				continue
			}
			msg = *bp
		}
		if err := c.write(msg); err != nil {
			c.mu.Lock()
			c.writing = false
			c.mu.Unlock()
			c.close(protocol.CloseGoingAway, "write failed") // a no-op after the watchdog's close
			return
		}
	}
}

// write writes one message. It takes no timeout of its own (a timer per
// message is measurable at 40,000 messages a second): the server's watchdog
// closes a connection whose write has been stuck for WriteTimeout.
func (c *conn) write(msg []byte) error {
	c.writeSince.Store(max(1, int64(c.env.late.awake(time.Now()))))
	err := c.ws.Write(context.Background(), websocket.MessageBinary, msg)
	c.writeSince.Store(0)
	if err != nil {
		return err
	}
	c.env.metrics.msgsOut.Inc()
	c.env.metrics.bytesOut.Add(float64(len(msg)))
	return nil
}

// close ends the connection with a close code, once; safe from any goroutine.
// The close handshake runs on its own goroutine so that the caller (the hub,
// say) never waits for the peer.
func (c *conn) close(code protocol.CloseCode, reason string) {
	c.mu.Lock()
	if c.closing {
		c.mu.Unlock()
		return
	}
	c.closing = true
	c.closeCode, c.closeMsg = code, reason
	c.mu.Unlock()
	c.env.metrics.closes.WithLabelValues(code.String()).Inc()
	go func() {
		// A deadline on the TCP connection bounds the whole close handshake,
		// whatever the peer does. coder/websocket (v1.8.15, close.go) bounds
		// writing the close frame and waiting for the peer's with 5 s
		// contexts, but waitCloseHandshake first skips the rest of the frame
		// being read with bare bufio ReadByte calls that no context reaches:
		// a peer that declared a 1,000-byte frame, sent 600 bytes and went
		// silent kept the connection, its goroutines and its admission slot
		// forever. The deadline also ends a write stuck in a full send buffer.
		if c.raw != nil {
			_ = c.raw.SetDeadline(time.Now().Add(closeTimeout))
		}
		_ = c.ws.Close(websocket.StatusCode(code), reason)
		close(c.done)
	}()
}

// closeTimeout bounds a close: the peer's close frame is awaited this long,
// then the TCP connection is dropped.
const closeTimeout = 5 * time.Second

// closeStuck ends a connection whose socket accepts nothing: no close
// handshake is possible through a full send buffer, so the TCP connection is
// dropped at once, which also unblocks the stuck write.
func (c *conn) closeStuck() {
	c.mu.Lock()
	if c.closing {
		c.mu.Unlock()
		return
	}
	c.closing = true
	c.closeCode, c.closeMsg = protocol.CloseSlowConsumer, "socket accepted nothing in time"
	c.mu.Unlock()
	c.env.metrics.slowCloses.Inc()
	c.env.metrics.closes.WithLabelValues(protocol.CloseSlowConsumer.String()).Inc()
	// Reset, not FIN: the unsent bytes of a peer that reads nothing would
	// otherwise stay queued in the kernel for minutes after the close.
	if tc, ok := c.raw.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	_ = c.ws.CloseNow()
	close(c.done)
}

// closed is closed once the connection is fully closed.
func (c *conn) closed() <-chan struct{} { return c.done }

func (c *conn) isClosing() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.closing
}
