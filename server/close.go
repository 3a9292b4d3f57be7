package server

import (
	"time"

	"github.com/usine-extraordinaire/fairworld/protocol"
	"github.com/usine-extraordinaire/fairworld/server/internal/wsframe"
)

// The close handshake (RFC 6455 §7): the server sends its close frame and
// waits for the client's; then, or at closeTimeout, or when its frame
// cannot be sent, it closes the TCP connection. Nothing the client does
// (keep sending, stop in the middle of a frame, stop reading) holds the
// connection longer: the timer runs from the decision, and the write
// deadline ends a write stuck in a full socket.

// closeTimeout bounds a close: the peer's close frame is awaited this long,
// then the TCP connection is dropped.
const closeTimeout = 5 * time.Second

// close ends the connection with a close code, once; safe from any
// goroutine, and never blocks (the hub calls it).
func (c *conn) close(code protocol.CloseCode, reason string) {
	if !c.startClose(code, reason) {
		return
	}
	c.env.metrics.closes.WithLabelValues(code.String()).Inc()
}

// startClose marks the connection closing and has a writer send the close
// frame; false when it was closing already.
func (c *conn) startClose(code protocol.CloseCode, reason string) bool {
	c.mu.Lock()
	if c.closing || c.finished {
		c.mu.Unlock()
		return false
	}
	c.closing = true
	c.closeCode, c.closeMsg = code, reason
	c.closeTimer = time.AfterFunc(closeTimeout, c.finish)
	start := c.startWriterLocked()
	c.mu.Unlock()
	// A write under way that waits for the socket ends by then.
	_ = c.raw.SetWriteDeadline(time.Now().Add(closeTimeout))
	if start {
		c.env.writers.enqueue(c)
	}
	return true
}

// closeFrame is what the writer holding the connection sends once it sees
// closing: the close frame, appended to b. It reports whether the TCP
// connection can end as soon as it is written (the client's close frame
// came first, or the client is gone). Called with mu held.
func (c *conn) closeFrameLocked(b []byte) ([]byte, bool) {
	c.closeSent = true
	code := uint16(c.closeCode)
	if code == 0 {
		code = wsframe.CodeNoStatus
	}
	return wsframe.AppendClose(b, code, c.closeMsg), c.peerClosed
}

// peerClose handles the client's close frame (code 1005 when it had none):
// the server answers with the same code, then the TCP connection ends.
func (c *conn) peerClose(code uint16) {
	c.peerCode.Store(int32(code))
	c.mu.Lock()
	c.peerClosed = true
	if c.closing {
		sent := c.closeSent
		c.mu.Unlock()
		if sent {
			c.finish() // ours went first: the handshake is complete
		}
		return // the writer sends ours, then ends it
	}
	c.mu.Unlock()
	if c.startClose(protocol.CloseCode(code), "") {
		c.env.metrics.closes.WithLabelValues(protocol.CloseNormal.String()).Inc()
	}
}

// gone handles the end of the client's stream (or a failed read): nothing
// more will come, so the connection ends once a close frame was tried.
func (c *conn) gone(code protocol.CloseCode) {
	c.mu.Lock()
	c.peerClosed = true
	closing, sent := c.closing, c.closeSent
	c.mu.Unlock()
	switch {
	case !closing:
		c.close(code, "")
	case sent:
		c.finish()
	}
}

// closeStuck ends a connection whose socket accepts nothing: no close
// handshake is possible through a full send buffer, so the TCP connection is
// dropped at once, which also unblocks the stuck write.
func (c *conn) closeStuck() {
	c.mu.Lock()
	if c.closing || c.finished {
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
	_ = c.raw.SetLinger(0)
	c.finish()
}

// finish closes the TCP connection, once; the connection then departs (the
// hub is told, the registry forgets it) as soon as no handshake holds it.
func (c *conn) finish() {
	c.mu.Lock()
	if c.finished {
		c.mu.Unlock()
		return
	}
	c.finished, c.closing = true, true
	t, reg := c.closeTimer, c.reg
	c.mu.Unlock()
	if t != nil {
		t.Stop()
	}
	reg.Remove()
	_ = c.raw.Close()
	close(c.done)
	c.release()
}

// release drops one hold on the connection (finish, the end of a
// handshake); the last one makes it depart.
func (c *conn) release() {
	if c.refs.Add(-1) == 0 {
		go c.depart()
	}
}

// depart tells the hub the connection ended (it waits while the hub's
// inbox is full: the hub must hear of every departure to keep viewer counts
// and sessions right) and frees its admission slot. A close 1000 from the
// client ends the visit: the session goes at once.
func (c *conn) depart() {
	env := c.env
	// The hub ignores the leave of a connection it does not hold.
	env.hub.send(env.hubCtx, leaveCmd{c: c, end: c.peerCode.Load() == int32(protocol.CloseNormal)})
	c.mu.Lock()
	c.out.drop(&env.bufs)
	c.mu.Unlock()
	env.conns.remove(c)
}
