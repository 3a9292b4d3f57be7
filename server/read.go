package server

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"github.com/usine-extraordinaire/fairworld/protocol"
	"github.com/usine-extraordinaire/fairworld/server/internal/netpoll"
	"github.com/usine-extraordinaire/fairworld/server/internal/wsframe"
	"github.com/usine-extraordinaire/fairworld/world/nav"
)

// The read path. coder/websocket reads a connection from a goroutine
// blocked in its Reader, with its own buffers and state: an idle visitor
// would keep a goroutine stack and the library's connection (about 10 KiB
// of the 25 it cost). Here a netpoll.Poller says when bytes arrive, and
// the poller's goroutine reads the socket (through its RawConn, never
// blocking) into the poller's buffer, parses the frames there
// (internal/wsframe) and hands the intents to the hub. Between two reads a
// connection holds no buffer, except the bytes of a frame cut by TCP.
//
// One reader at a time: rstate goes from readIdle to reading by the
// goroutine that reads; a readiness reported meanwhile makes it readAgain,
// and the reader reads again before giving the reading back. The reading
// moves to a goroutine of its own for the handshake (presence may wait on
// Redis), while the hub's inbox is full (back-pressure on this client
// only), and for a client that keeps its socket full (so the poller serves
// the others), then comes back.

const (
	readIdle int32 = iota
	reading
	readAgain
)

// maxPollerReads bounds the reads of one readiness on the poller's goroutine.
const maxPollerReads = 8

// Ready is the poller's call: bytes, or the end of the stream, may wait.
func (c *conn) Ready(buf []byte) {
	for {
		switch c.rstate.Load() {
		case readIdle:
			if c.rstate.CompareAndSwap(readIdle, reading) {
				c.readAll(buf, maxPollerReads)
				return
			}
		case reading:
			if c.rstate.CompareAndSwap(reading, readAgain) {
				return
			}
		default:
			return
		}
	}
}

var _ netpoll.Handler = (*conn)(nil)

type readResult uint8

const (
	drained    readResult = iota // the socket is empty (or over)
	handedOver                   // a goroutine of its own holds the reading
	busy                         // the read limit was reached with bytes left
)

// readAll reads until the socket is empty, then gives the reading back,
// reading again when more was reported meanwhile. limit bounds the reads
// (0: none).
func (c *conn) readAll(buf []byte, limit int) {
	for {
		switch c.readSome(buf, limit) {
		case handedOver:
			return
		case busy:
			go c.readOwn()
			return
		}
		if c.rstate.CompareAndSwap(reading, readIdle) {
			return
		}
		c.rstate.Store(reading) // readAgain: bytes came meanwhile
	}
}

// readOwn goes on reading on the calling goroutine, with a buffer of its
// own, the reading being held.
func (c *conn) readOwn() {
	bp := c.env.bufs.getRead()
	defer c.env.bufs.putRead(bp)
	c.readAll(*bp, 0)
}

// readSome reads the socket into buf and handles what came, until it is
// empty, the reading is handed over, or limit reads were made.
func (c *conn) readSome(buf []byte, limit int) readResult {
	for reads := 1; ; reads++ {
		n := copy(buf, c.tail)
		c.tail = nil
		m, err := readNow(&c.env.bufs, c.rc, buf[n:])
		if m > 0 {
			c.lastRead.Store(int64(c.env.late.awake(time.Now())))
		}
		data := buf[:n+m]
		used, res := c.handle(data)
		if used < len(data) {
			c.tail = append([]byte(nil), data[used:]...)
		}
		if res == handedOver {
			if f := c.handoff; f != nil { // after tail: the new holder reads it
				c.handoff = nil
				go f()
			}
			return res
		}
		switch {
		case errors.Is(err, unix.EAGAIN):
			return drained
		case err != nil || m == 0:
			c.readEnded()
			return drained
		case n+m < len(buf):
			return drained // a short read: the socket was empty
		case limit > 0 && reads >= limit:
			return busy
		}
	}
}

// readEnded: the client's stream ended (or the socket failed, or was closed).
func (c *conn) readEnded() {
	c.gone(protocol.CloseGoingAway)
}

// handle parses and handles the frames in data; it returns the bytes used
// (the rest is the start of a frame).
func (c *conn) handle(data []byte) (int, readResult) {
	env := c.env
	off := 0
	for off < len(data) {
		if c.rdFailed {
			return len(data), drained // after a frame error nothing is parsed any more
		}
		ev, n, err := c.rd.Next(data[off:])
		off += n
		if err != nil {
			c.frameError(err)
			return len(data), drained
		}
		switch ev.Kind {
		case 0:
			return off, drained // the rest is a frame cut by TCP
		case wsframe.Ping:
			env.metrics.controlIn.Inc()
			if ok, _ := c.allow(false); ok && !c.isClosing() {
				c.control(wsframe.OpPong, ev.Payload)
			}
		case wsframe.Pong:
			env.metrics.controlIn.Inc()
			c.allow(false)
			if c.pingAt.Swap(0) != 0 {
				env.metrics.pings.WithLabelValues("ok").Inc()
			}
		case wsframe.Close:
			code, _, err := wsframe.ParseClose(ev.Payload)
			if err != nil {
				c.frameError(err)
				return len(data), drained
			}
			c.rdFailed = true // nothing the client sends after its close frame counts
			c.peerClose(code)
			return len(data), drained
		case wsframe.Message:
			env.metrics.msgsIn.Inc()
			env.metrics.bytesIn.Add(float64(len(ev.Payload)))
			if res := c.message(ev); res == handedOver {
				return off, res
			}
		}
	}
	return off, drained
}

// frameError closes a connection that sent a frame RFC 6455 forbids
// (1002), a close reason that is not UTF-8 (1007) or a message over the
// limit (1009); the stream cannot be parsed any further.
func (c *conn) frameError(err error) {
	c.rdFailed = true
	var pe *wsframe.ProtocolError
	if !errors.As(err, &pe) {
		c.close(protocol.CloseProtocolError, "protocol error")
		return
	}
	switch pe.Code {
	case wsframe.CodeTooBig:
		c.close(protocol.CloseTooBig, "message too big")
	case wsframe.CodeInvalidPayload:
		c.close(protocol.CloseInvalidPayload, "invalid close reason")
	default:
		c.close(protocol.CloseProtocolError, "protocol error")
	}
}

// message handles one whole data message.
func (c *conn) message(ev wsframe.Event) readResult {
	if c.isClosing() {
		return drained // read and dropped during the close handshake
	}
	if ev.Op != wsframe.OpBinary {
		c.close(protocol.CloseMalformed, "binary messages only")
		return drained
	}
	switch c.phase {
	case phaseHello:
		return c.startHandshake(ev.Payload)
	case phaseJoined:
	default:
		return drained // a handshake that failed: the connection is closing
	}
	var cmds [3]command
	k := 0
	if c.confirm {
		// The client got the WELCOME with the new token: the previous one
		// can go.
		c.confirm = false
		cmds[k], k = confirmCmd{c: c}, k+1
	}
	ok, report := c.allow(true)
	if report != nil {
		cmds[k], k = report, k+1
	}
	if ok {
		if cmd := c.decode(ev.Payload); cmd != nil {
			cmds[k], k = cmd, k+1
		}
	}
	for i := range k {
		if !c.env.hub.trySend(cmds[i]) {
			// The hub's inbox is full: this client waits (its bytes wait in
			// its socket), on a goroutine of its own.
			rest := append([]command(nil), cmds[i:k]...)
			c.handoff = func() { c.sendThenRead(rest) } // readSome starts it
			return handedOver
		}
	}
	return drained
}

// sendThenRead hands commands to the hub, waiting while its inbox is full,
// then goes on reading. Holds the reading.
func (c *conn) sendThenRead(cmds []command) {
	for _, cmd := range cmds {
		if !c.env.hub.send(c.env.ctx, cmd) {
			return // shutting down: the drain closes the connection
		}
	}
	c.readOwn()
}

// startHandshake hands the HELLO to the handshake, on a goroutine of its
// own that holds the reading until the session starts (or is refused).
func (c *conn) startHandshake(hello []byte) readResult {
	c.mu.Lock()
	if c.closing {
		c.mu.Unlock()
		return drained
	}
	c.refs.Add(1) // before finish can make it depart: it waits for the handshake
	c.mu.Unlock()
	c.phase = phaseJoining
	msg := append([]byte(nil), hello...)
	c.handoff = func() { c.env.hello(c, msg) } // readSome starts it
	return handedOver
}

// decode turns one client message into its hub command; nil when there is
// none (the connection is being closed, or a type with no command).
func (c *conn) decode(b []byte) command {
	env := c.env
	var m protocol.ClientMessage
	err := protocol.DecodeClient(b, &m)
	var de *protocol.DecodeError
	switch {
	case errors.As(err, &de):
		env.metrics.drops.WithLabelValues("malformed").Inc()
		c.close(de.Code, de.Reason)
		return nil
	case errors.Is(err, protocol.ErrUnknownMessage):
		return c.errorCmd(protocol.ErrUnknownType, 0, err.Error())
	case err != nil:
		c.close(protocol.CloseMalformed, "malformed message")
		return nil
	}
	switch m.Type {
	case protocol.TypeHello:
		env.metrics.drops.WithLabelValues("second_hello").Inc()
		return c.errorCmd(protocol.ErrNotReady, 0, "HELLO already received")
	case protocol.TypeMove:
		if code, ok := m.Move.Validate(); !ok {
			env.metrics.drops.WithLabelValues("bad_intent").Inc()
			return c.errorCmd(code, m.Move.Seq, "direction must be finite and at most 1 long")
		}
		return moveCmd{c: c, seq: m.Move.Seq, dx: m.Move.DX, dy: m.Move.DY}
	case protocol.TypeGoto:
		if code, ok := m.Goto.Validate(env.zoneW, env.zoneH); !ok {
			env.metrics.drops.WithLabelValues("bad_intent").Inc()
			return c.errorCmd(code, m.Goto.Seq, "target must be finite and inside the zone")
		}
		return gotoCmd{c: c, seq: m.Goto.Seq, to: nav.Point{X: m.Goto.X, Y: m.Goto.Y}}
	case protocol.TypeOpenHotspot:
		return openCmd{c: c, req: m.OpenHotspot.Req, id: m.OpenHotspot.ID}
	case protocol.TypeCloseHotspot:
		return closeCmd{c: c, id: m.CloseHotspot.ID}
	}
	return progressCommand(c, &m) // progress_cmds.go; nil for none
}

// errorCmd has the hub deliver an error event to this client, in its next
// UPDATE.
func (c *conn) errorCmd(code protocol.ErrorCode, ref uint32, msg string) command {
	return errorCmd{c: c, ev: protocol.ErrorEvent{Code: code, Ref: ref, Message: msg}}
}

// readNow reads what the socket holds into b without waiting: EAGAIN when
// it holds nothing, n == 0 and no error at the end of the stream.
func readNow(bufs *bufPool, rc syscall.RawConn, b []byte) (int, error) {
	op := bufs.getRawOp()
	op.b = b
	if err := rc.Control(op.read); err != nil {
		op.b = nil
		bufs.putRawOp(op)
		return 0, err // closed
	}
	n, err := op.n, op.err
	op.b, op.err = nil, nil
	bufs.putRawOp(op)
	return max(n, 0), err
}

// readers are the server's pollers; connections are spread over them.
// Safe for concurrent use.
type readers struct {
	polls []*netpoll.Poller
	next  atomic.Uint32
}

func newReaders(n int) (*readers, error) {
	r := &readers{}
	for range max(n, 1) {
		p, err := netpoll.New()
		if err != nil {
			return nil, err
		}
		r.polls = append(r.polls, p)
	}
	return r, nil
}

// add registers c with a poller; bytes the upgrade read already are
// handled at once.
func (r *readers) add(c *conn) error {
	p := r.polls[int(r.next.Add(1))%len(r.polls)]
	early := len(c.tail) > 0 // read before the poller may start reading
	c.mu.Lock()              // reg is read by finish
	reg, err := p.Add(c.rc, c)
	c.reg = reg
	c.mu.Unlock()
	if err != nil {
		return err
	}
	if early {
		bp := c.env.bufs.getRead()
		c.Ready(*bp)
		c.env.bufs.putRead(bp)
	}
	return nil
}

// run serves every poller until ctx ends.
func (r *readers) run(ctx context.Context) {
	var wg sync.WaitGroup
	for _, p := range r.polls {
		wg.Go(func() { _ = p.Run(ctx) })
	}
	wg.Wait()
}
