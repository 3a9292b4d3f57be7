package server

import (
	"bufio"
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"runtime"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/coder/websocket"
	"github.com/prometheus/client_golang/prometheus"
	"golang.org/x/time/rate"

	"github.com/usine-extraordinaire/fairworld/protocol"
	"github.com/usine-extraordinaire/fairworld/server/chat"
	"github.com/usine-extraordinaire/fairworld/server/internal/netpoll"
	"github.com/usine-extraordinaire/fairworld/server/internal/wsframe"
)

// connEnv is what every connection shares: the parts of the server a
// connection uses (never the Server itself). Read-only after New.
type connEnv struct {
	log     *slog.Logger
	metrics *metrics
	late    *lateness
	hub     *hub // commands go to its inbox (hub.send)
	conns   *registry
	writers *writers
	bufs    bufPool
	ctx     context.Context // ends when connections must go
	hubCtx  context.Context // the hub's life: a departure reaches it until then
	// hello runs a connection's handshake from its HELLO (gateway.go), on
	// a goroutine of its own, holding the connection's reading.
	hello func(c *conn, msg []byte)

	chatRates prometheus.Counter // connections that made their chat rate (chat_cmds.go)

	inputRate    float64
	inputBurst   int
	maxPending   int
	zoneW, zoneH float64
}

// floodDrops is how many drops a flood window tolerates (inputrate.go).
func (e *connEnv) floodDrops() int { return 4 * e.inputBurst }

// conn is one client connection after the WebSocket upgrade. No goroutine
// is its own while it is idle:
//
//   - reading: a netpoll.Poller calls Ready when bytes arrive, and the
//     poller's goroutine reads the socket until it is empty (read.go); the
//     reading passes to a goroutine of its own only for the handshake and
//     while the hub's inbox is full, and back;
//   - writing: the hub pushes each tick's update into the outbox under mu,
//     and a pool of writers (write.go) encodes and writes it without ever
//     blocking; a socket that accepts only part of it gets a goroutine that
//     writes the rest, until the outbox is empty;
//   - closing (close.go): the close frame goes through the writers; the
//     TCP connection ends when the client's close frame is read, or at
//     closeTimeout, whatever the client does.
//
// The hub never blocks on a conn.
type conn struct {
	env  *connEnv
	raw  *net.TCPConn
	rc   syscall.RawConn // raw's descriptor: reads and writes that never block
	reg  netpoll.Registration
	log  *slog.Logger
	done chan struct{} // closed when the TCP connection is closed

	// Reading: the goroutine that set rstate from readIdle owns the fields
	// below until it sets it back (read.go).
	rstate atomic.Int32
	rd     wsframe.Reader
	tail   []byte // bytes read that are not a whole frame yet; nil most of the time
	// handoff is the goroutine that takes the reading over (handedOver):
	// readSome starts it once tail is stored, so that the two never read
	// the connection's state at once. Owned by the reading's holder.
	handoff       func()
	rdFailed      bool // a frame error or the client's close frame: nothing more is parsed
	phase         readPhase
	confirm       bool          // resumed: the first message read confirms the new token
	limiter       *rate.Limiter // the input rate, control frames counted too (inputrate.go)
	chatGate      *chat.Gate    // the chat rate (chat_cmds.go); nil until the first chat message
	credit        float64       // messages allowed beyond the limiter for the server's late time
	lateSeen      time.Duration // the server's late time when credit was last granted
	flood         int           // frames dropped by the limiter in the current flood window
	floodAt       time.Time     // when the window's first drop happened
	floodReported bool          // the window's rate_limited error was sent
	helloTimer    *awakeTimer   // set before the reading starts; stopped by the HELLO
	peerCode      atomic.Int32  // the code of the client's close frame; -1 before one

	lastRead   atomic.Int64 // awake clock (ns) of the last byte read from the socket, for keepalive
	writeSince atomic.Int64 // awake clock (ns) when a write that had to wait started; 0 when none
	pingAt     atomic.Int64 // awake clock (ns) when the last keepalive ping was queued; 0: answered
	refs       atomic.Int32 // the connection itself, and its handshake while it runs: departs at 0

	mu         sync.Mutex
	out        outbox // guarded by mu
	writing    bool   // guarded by mu: a writer holds the connection
	closing    bool   // guarded by mu: close requested, only the close frame goes
	closeSent  bool   // guarded by mu: the close frame was taken by a writer
	peerClosed bool   // guarded by mu: the client's close frame was read (or the stream ended)
	finished   bool   // guarded by mu: the TCP connection is closed
	closeTimer *time.Timer
	closeCode  protocol.CloseCode
	closeMsg   string

	view *protocol.View // owned by the writer holding the connection

	// set by the hub at join, read by the reader after the join reply
	avatar  uint32
	resumed bool // the session's token was rotated: the first message read confirms the new one

	sess *hubSession // owned by the hub: the session this connection holds, nil before the join
}

// readPhase is where a connection's reading is; owned by the reader.
type readPhase uint8

const (
	phaseHello   readPhase = iota // the first message must be HELLO
	phaseJoining                  // the handshake runs (it holds the reading)
	phaseJoined                   // intents go to the hub
)

// newConn prepares a connection; accept upgrades it.
func newConn(env *connEnv) *conn {
	c := &conn{
		env:      env,
		log:      env.log,
		done:     make(chan struct{}),
		limiter:  rate.NewLimiter(rate.Limit(env.inputRate), env.inputBurst),
		lateSeen: env.late.total(),
		rd:       wsframe.Reader{MaxMessage: protocol.MaxClientMessage},
	}
	c.peerCode.Store(-1)
	c.refs.Store(1)
	c.lastRead.Store(int64(env.late.awake(time.Now())))
	return c
}

// accept upgrades the request with coder/websocket, which checks the
// handshake (version, key, Origin, subprotocol) and writes the 101; then
// the connection is ours: the library's Conn is dropped (see why in
// read.go), and what the client sent right after its request head, still
// in the upgrade's read buffer, is kept to be read first. It returns the
// subprotocol chosen.
func (c *conn) accept(w http.ResponseWriter, r *http.Request, opts *websocket.AcceptOptions) (string, error) {
	hook := &hijackHook{ResponseWriter: w}
	opts.CompressionMode = websocket.CompressionDisabled
	ws, err := websocket.Accept(hook, r, opts)
	if err != nil {
		return "", err
	}
	// The library closes its connection from a finalizer: it is ours now.
	runtime.SetFinalizer(ws, nil)
	proto := ws.Subprotocol()
	tc, ok := hook.raw.(*net.TCPConn)
	if !ok {
		_ = hook.raw.Close()
		return "", errors.New("server: not a TCP connection")
	}
	rc, err := tc.SyscallConn()
	if err != nil {
		_ = tc.Close()
		return "", err
	}
	c.raw, c.rc, c.tail = tc, rc, hook.early
	return proto, nil
}

// hijackHook hands the WebSocket library the connection and keeps it, with
// the bytes already buffered past the request head.
type hijackHook struct {
	http.ResponseWriter
	raw   net.Conn
	early []byte
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
	if n := brw.Reader.Buffered(); n > 0 {
		b, _ := brw.Reader.Peek(n)
		h.early = append([]byte(nil), b...)
	}
	return nc, brw, nil
}

// push merges a tick's update into the outbox and makes sure a writer runs.
// Called by the hub; never blocks beyond the short critical section.
func (c *conn) push(u *protocol.Update) {
	c.mu.Lock()
	if c.closing {
		c.mu.Unlock()
		return
	}
	replaced := c.out.push(u, &c.env.bufs)
	over := c.out.undroppable() > c.env.maxPending
	start := c.startWriterLocked()
	c.mu.Unlock()
	if replaced > 0 {
		c.env.metrics.positionsReplaced.Add(float64(replaced))
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
		c.env.writers.enqueue(c)
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
	if c.closing || !c.out.release(&c.env.bufs) {
		c.mu.Unlock()
		return
	}
	start := c.startWriterLocked()
	c.mu.Unlock()
	c.afterPush(false, start)
}

// setWelcome queues the WELCOME, which the writer sends before any update,
// and the avatar's starting point, which any update carries until the first tick.
func (c *conn) setWelcome(b []byte, tick uint32, x, y uint16) {
	c.mu.Lock()
	c.out.welcome = b
	c.out.u.Tick, c.out.u.SelfX, c.out.u.SelfY = tick, x, y
	start := c.startWriterLocked()
	c.mu.Unlock()
	c.afterPush(false, start)
}

// control queues a control frame (a pong, a ping) to go before anything
// else; false when too many wait already (a client sending pings and not
// reading), and it is dropped.
func (c *conn) control(op wsframe.Opcode, payload []byte) bool {
	c.mu.Lock()
	if c.closing || len(c.out.ctl) >= maxControlBacklog {
		c.mu.Unlock()
		return false
	}
	c.out.ctl = wsframe.AppendFrame(c.out.ctl, op, payload)
	start := c.startWriterLocked()
	c.mu.Unlock()
	c.afterPush(false, start)
	return true
}

// maxControlBacklog bounds the control frames waiting for a writer: the
// input rate bounds the pongs a client can ask for, this bounds what a
// client that asks and never reads can pin.
const maxControlBacklog = 4 << 10

func (c *conn) startWriterLocked() bool {
	if c.writing || c.finished {
		return false
	}
	c.writing = true
	return true
}

// closed is closed once the TCP connection is closed.
func (c *conn) closed() <-chan struct{} { return c.done }

func (c *conn) isClosing() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.closing
}
