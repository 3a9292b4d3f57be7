package server

import (
	"context"
	"errors"
	"sync"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"github.com/usine-extraordinaire/fairworld/protocol"
	"github.com/usine-extraordinaire/fairworld/server/internal/wsframe"
)

// The write path. The hub pushes each tick's update into a connection's
// outbox and enqueues the connection; a few writers (one per core) take
// connections from the queue, encode what waits (control frames, the
// WELCOME, the merged update) into one buffer of frames and write it with
// one system call that never waits. A socket that takes only part of it
// gets a goroutine that writes the rest, waiting for the socket (the
// watchdog closes it if it stays stuck), then serves the connection until
// its outbox is empty. So a tick costs no goroutine start per connection,
// and a slow client never holds up a writer.

// writers is the pool of writer goroutines and their queue. Safe for
// concurrent use.
type writers struct {
	n    int
	kick chan struct{} // a token: connections wait in queue

	mu    sync.Mutex
	queue []*conn // guarded by mu
}

func newWriters(n int) *writers {
	return &writers{n: max(n, 1), kick: make(chan struct{}, 1)}
}

// enqueue has a writer serve c (whose writing the caller just set).
func (w *writers) enqueue(c *conn) {
	w.mu.Lock()
	w.queue = append(w.queue, c)
	w.mu.Unlock()
	select {
	case w.kick <- struct{}{}:
	default:
	}
}

// writerBatch is how many connections a writer takes at once: a long queue
// is shared among the writers.
const writerBatch = 32

// run is one writer; it ends with ctx.
func (w *writers) run(ctx context.Context, env *connEnv) {
	var batch []*conn
	wr := newWriterState()
	for {
		w.mu.Lock()
		k := min(len(w.queue), writerBatch)
		batch = append(batch[:0], w.queue[:k]...)
		n := copy(w.queue, w.queue[k:])
		clear(w.queue[n:])
		w.queue = w.queue[:n]
		more := n > 0
		w.mu.Unlock()
		if more {
			select { // another writer takes the next batch
			case w.kick <- struct{}{}:
			default:
			}
		}
		if len(batch) == 0 {
			select {
			case <-w.kick:
				continue
			case <-ctx.Done():
				return
			}
		}
		for i, c := range batch {
			c.serve(wr)
			batch[i] = nil
		}
	}
}

// writerState is a writer's own buffers.
type writerState struct {
	frames []byte // what one write sends
	enc    []byte // an update being encoded
	upd    protocol.Update
	op     *rawOp
}

func newWriterState() *writerState {
	return &writerState{frames: make([]byte, 0, 4<<10), enc: make([]byte, 0, 2<<10), op: newRawOp()}
}

// serve writes what c's outbox holds until it is empty. The caller holds
// c's writing; serve gives it back, or hands it to a goroutine of its own
// when the socket takes only part of a write.
func (c *conn) serve(wr *writerState) {
	env := c.env
	for {
		b := wr.frames[:0]
		msgs, payload := 0, 0
		c.mu.Lock()
		if c.finished || c.closing && c.closeSent {
			c.writing = false
			c.mu.Unlock()
			return
		}
		if c.closing {
			// Control frames queued before the close decision (pongs) go
			// first; updates do not.
			b = append(b, c.out.ctl...)
			c.out.ctl = nil
			var end bool
			b, end = c.closeFrameLocked(b)
			c.mu.Unlock()
			c.writeClose(wr, b, end)
			return
		}
		b = append(b, c.out.ctl...)
		c.out.ctl = c.out.ctl[:0]
		if cap(c.out.ctl) > 256 {
			c.out.ctl = nil // an idle connection keeps no burst's buffer
		}
		welcome := c.out.welcome
		c.out.welcome = nil
		has := c.out.take(&wr.upd)
		if len(b) == 0 && welcome == nil && !has {
			c.writing = false
			c.mu.Unlock()
			return
		}
		c.mu.Unlock()

		if welcome != nil { // before any update
			b = wsframe.AppendFrame(b, wsframe.OpBinary, welcome)
			msgs, payload = msgs+1, payload+len(welcome)
		}
		if has {
			if c.view == nil {
				c.view = protocol.NewView()
			}
			var err error
			wr.enc, err = c.view.AppendUpdate(wr.enc[:0], &wr.upd)
			env.bufs.putUpdate(&wr.upd)
			if err != nil {
				// Never with the world's Budget (see world.Config). The view
				// is unchanged, so later moves stay right; what this update
				// alone carried (enters, leaves, events) is lost.
				env.metrics.drops.WithLabelValues("update_too_large").Inc()
				c.log.Error("update skipped", "err", err)
			} else {
				b = wsframe.AppendFrame(b, wsframe.OpBinary, wr.enc)
				msgs, payload = msgs+1, payload+len(wr.enc)
			}
			if cap(wr.enc) > 64<<10 {
				wr.enc = make([]byte, 0, 2<<10)
			}
		}
		wr.frames = b[:0]
		if len(b) == 0 {
			continue
		}
		n, err := wr.op.write(c.rc, b)
		env.metrics.msgsOut.Add(float64(msgs))
		env.metrics.bytesOut.Add(float64(payload))
		switch {
		case n == len(b):
		case err == nil || errors.Is(err, unix.EAGAIN):
			// The socket is full: the rest waits on a goroutine of its own.
			go c.writeRest(append([]byte(nil), b[n:]...))
			if cap(b) > 64<<10 {
				wr.frames = make([]byte, 0, 4<<10)
			}
			return
		default:
			c.writeFailed()
			return
		}
		if cap(b) > 64<<10 {
			wr.frames = make([]byte, 0, 4<<10)
		}
	}
}

// writeClose writes the close frame; end says the TCP connection can end
// right after (the client's close frame came first, or the client is gone).
func (c *conn) writeClose(wr *writerState, b []byte, end bool) {
	n, err := wr.op.write(c.rc, b)
	switch {
	case n == len(b):
	case err == nil || errors.Is(err, unix.EAGAIN):
		go c.writeCloseRest(append([]byte(nil), b[n:]...), end)
		return
	default:
		end = true // no close frame can get through
	}
	c.closeWritten(end)
}

func (c *conn) writeCloseRest(b []byte, end bool) {
	if !c.writeWaiting(b) {
		end = true
	}
	c.closeWritten(end)
}

// closeWritten: the close frame is out (or could not be written).
func (c *conn) closeWritten(end bool) {
	c.mu.Lock()
	c.writing = false
	end = end || c.peerClosed // the client's came while ours was written
	c.mu.Unlock()
	if end {
		c.finish()
	}
}

// writeRest writes what a full socket left of a write, waiting for it, then
// serves the connection until its outbox is empty. Holds the writing.
func (c *conn) writeRest(b []byte) {
	if !c.writeWaiting(b) {
		c.writeFailed()
		return
	}
	wr := c.env.bufs.getWriter()
	defer c.env.bufs.putWriter(wr)
	c.serve(wr)
}

// writeWaiting writes b, waiting for the socket to take it. It takes no
// timeout of its own: the server's watchdog closes a connection whose write
// has been stuck for WriteTimeout, and a close sets a deadline.
func (c *conn) writeWaiting(b []byte) bool {
	c.writeSince.Store(max(1, int64(c.env.late.awake(time.Now()))))
	_, err := c.raw.Write(b)
	c.writeSince.Store(0)
	return err == nil
}

// writeFailed ends a connection whose socket refused a write: the client
// is gone, no close frame can reach it.
func (c *conn) writeFailed() {
	c.mu.Lock()
	c.writing, c.peerClosed = false, true
	closing := c.closing
	c.mu.Unlock()
	if !closing {
		c.close(protocol.CloseGoingAway, "write failed")
	} else {
		c.finish()
	}
}

// rawOp is a read or a write of a socket through its RawConn that never
// waits: its functions are made once, so that a system call allocates
// nothing. It goes through RawConn.Control, which only holds a reference on
// the descriptor (a concurrent Close waits for it, and a closed socket
// refuses it): the read or write lock and the poller's state are for
// operations that wait, and one reader and one writer at most run at a
// time (read.go, serve). Measured in docs/PERFORMANCE.md, "CPU per
// visitor".
type rawOp struct {
	b       []byte
	n       int
	err     error
	read    func(fd uintptr)
	writeFn func(fd uintptr)
}

func newRawOp() *rawOp {
	op := &rawOp{}
	op.read = func(fd uintptr) {
		for {
			op.n, op.err = unix.Read(int(fd), op.b)
			if op.err != unix.EINTR {
				return
			}
		}
	}
	op.writeFn = func(fd uintptr) {
		for {
			op.n, op.err = unix.Write(int(fd), op.b)
			if op.err != unix.EINTR {
				return
			}
		}
	}
	return op
}

// write writes b without waiting; it returns how much the socket took.
func (op *rawOp) write(rc syscall.RawConn, b []byte) (int, error) {
	op.b = b
	if err := rc.Control(op.writeFn); err != nil {
		op.b = nil
		return 0, err // closed
	}
	n, err := op.n, op.err
	op.b, op.err = nil, nil
	return max(n, 0), err
}
