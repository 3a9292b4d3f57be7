package server

import (
	"context"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"
	"golang.org/x/time/rate"

	"github.com/usine-extraordinaire/fairworld/protocol"
)

// conn is one client connection. One goroutine reads (serve); at most one
// writer goroutine at a time writes, started on demand when output is pending
// and ending when the outbox is empty, so an idle connection costs no writer
// stack. The hub never blocks on a conn: it pushes into the outbox under mu
// and, at most, starts the writer.
type conn struct {
	srv  *Server
	ws   *websocket.Conn
	log  *slog.Logger
	done chan struct{} // closed when the connection is over

	// owned by the read goroutine
	limiter *rate.Limiter
	flood   int // messages dropped by the limiter in the current flood window
	floodAt time.Time

	lastRead   atomic.Int64 // unix nanoseconds of the last message read, for keepalive
	writeSince atomic.Int64 // unix nanoseconds when the running write started; 0 when none

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
	avatar uint32
}

func newConn(s *Server, ws *websocket.Conn) *conn {
	c := &conn{
		srv:     s,
		ws:      ws,
		log:     s.log,
		done:    make(chan struct{}),
		limiter: rate.NewLimiter(rate.Limit(s.cfg.InputRate), s.cfg.InputBurst),
	}
	c.lastRead.Store(time.Now().UnixNano())
	return c
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
	over := c.out.undroppable() > c.srv.cfg.MaxPendingEvents
	start := c.startWriterLocked()
	c.mu.Unlock()
	if replaced > 0 {
		c.srv.metrics.drops.WithLabelValues("position_replaced").Add(float64(replaced))
	}
	if over {
		c.srv.metrics.drops.WithLabelValues("backlog_over_bound").Inc()
		c.srv.metrics.slowCloses.Inc()
		c.close(protocol.CloseSlowConsumer, "too far behind")
		return
	}
	if start {
		go c.writeLoop()
	}
}

// reportError has the hub queue an error event for this client, so that it
// travels in the next tick's UPDATE: a client gets at most one message a tick.
func (c *conn) reportError(ctx context.Context, code protocol.ErrorCode, ref uint32, msg string) bool {
	return c.srv.hub.send(ctx, command{kind: cmdError, c: c, err: code, seq: ref, id: msg})
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
	bp := c.srv.getBuf()
	defer c.srv.putBuf(bp)
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
				c.srv.metrics.drops.WithLabelValues("update_too_large").Inc()
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
	c.writeSince.Store(time.Now().UnixNano())
	err := c.ws.Write(context.Background(), websocket.MessageBinary, msg)
	c.writeSince.Store(0)
	if err != nil {
		return err
	}
	c.srv.metrics.msgsOut.Inc()
	c.srv.metrics.bytesOut.Add(float64(len(msg)))
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
	c.srv.metrics.closes.WithLabelValues(code.String()).Inc()
	go func() {
		// Waits up to 5 s for the peer's close frame, then drops the TCP connection.
		_ = c.ws.Close(websocket.StatusCode(code), reason)
		close(c.done)
	}()
}

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
	c.srv.metrics.slowCloses.Inc()
	c.srv.metrics.closes.WithLabelValues(protocol.CloseSlowConsumer.String()).Inc()
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
