package client

import (
	"context"
	"fmt"
	"time"

	"github.com/coder/websocket"

	"github.com/usine-extraordinaire/fairworld/protocol"
)

// Move asks the avatar to walk in direction (dx, dy) (length at most 1; (0, 0)
// stops) and returns the intent's seq, which a later UPDATE acks.
func (c *Client) Move(dx, dy float64) (seq uint32, err error) {
	return c.sendIntent(func(b []byte, seq uint32) []byte {
		return protocol.AppendMove(b, protocol.Move{Seq: seq, DX: dx, DY: dy})
	})
}

// Goto asks the avatar to walk to (x, y), in metres, and returns the intent's
// seq. The server answers with a PATH event carrying the same seq.
func (c *Client) Goto(x, y float64) (seq uint32, err error) {
	return c.sendIntent(func(b []byte, seq uint32) []byte {
		return protocol.AppendGoto(b, protocol.Goto{Seq: seq, X: x, Y: y})
	})
}

// OpenHotspot asks for a hotspot's content and returns the request number
// that the HOTSPOT_CONTENT or ERROR event will carry.
func (c *Client) OpenHotspot(id string) (req uint32, err error) {
	c.writeMu.Lock()
	defer c.writeMu.Unlock()
	c.req++
	c.wbuf = protocol.AppendOpenHotspot(c.wbuf[:0], protocol.OpenHotspot{Req: c.req, ID: id})
	return c.req, c.write()
}

// CloseHotspot says the hotspot's panel was closed.
func (c *Client) CloseHotspot(id string) error {
	c.writeMu.Lock()
	defer c.writeMu.Unlock()
	c.wbuf = protocol.AppendCloseHotspot(c.wbuf[:0], protocol.CloseHotspot{ID: id})
	return c.write()
}

// LastSeq is the seq of the last intent sent (Options.Seq before any).
func (c *Client) LastSeq() uint32 {
	c.writeMu.Lock()
	defer c.writeMu.Unlock()
	return c.seq
}

// sendIntent numbers and writes an intent. The seq is taken under writeMu so
// that seqs go out in increasing order.
func (c *Client) sendIntent(encode func(b []byte, seq uint32) []byte) (uint32, error) {
	c.writeMu.Lock()
	defer c.writeMu.Unlock()
	c.seq++
	c.wbuf = encode(c.wbuf[:0], c.seq)
	if c.opts.OnEcho != nil {
		// Stamped before the write, so the ack can never be read first.
		c.mu.Lock()
		c.echo.push(echoEntry{seq: c.seq, at: c.now()})
		c.mu.Unlock()
	}
	return c.seq, c.write()
}

// write sends c.wbuf; the caller holds writeMu.
func (c *Client) write() error {
	select {
	case <-c.done:
		return c.sendError()
	default:
	}
	ctx, cancel := context.WithTimeout(c.ctx, c.opts.WriteTimeout)
	err := c.conn.Write(ctx, websocket.MessageBinary, c.wbuf)
	cancel()
	if err != nil {
		select {
		case <-c.done:
			return c.sendError()
		default:
		}
		return fmt.Errorf("client: failed to write: %w", err)
	}
	c.stats.messagesSent.Add(1)
	c.stats.bytesSent.Add(uint64(len(c.wbuf)))
	return nil
}

func (c *Client) sendError() error {
	if err := c.Err(); err != nil {
		return fmt.Errorf("%w: %w", ErrClosed, err)
	}
	return ErrClosed
}

// now is the time since the client started, on the monotonic clock.
func (c *Client) now() time.Duration { return time.Since(c.start) }

// echoEntry is an intent waiting for its ack.
type echoEntry struct {
	seq uint32
	at  time.Duration // since Client.start
}

// echoRing holds the intents sent and not yet acked, oldest first. It is
// bounded: past its size the oldest is forgotten (never reported).
type echoRing struct {
	buf        [16]echoEntry
	head, n    int
	overwrites uint64
}

func (r *echoRing) push(e echoEntry) {
	if r.n == len(r.buf) {
		r.head = (r.head + 1) % len(r.buf)
		r.n--
		r.overwrites++
	}
	r.buf[(r.head+r.n)%len(r.buf)] = e
	r.n++
}

// ack removes and appends to dst the entries whose seq is at most ack
// (in serial-number order, so the numbering may wrap).
func (r *echoRing) ack(ack uint32, dst []echoEntry) []echoEntry {
	for r.n > 0 && int32(ack-r.buf[r.head].seq) >= 0 {
		dst = append(dst, r.buf[r.head])
		r.head = (r.head + 1) % len(r.buf)
		r.n--
	}
	return dst
}
