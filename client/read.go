package client

import (
	"context"
	"errors"
	"fmt"

	"github.com/coder/websocket"

	"github.com/usine-extraordinaire/fairworld/protocol"
)

// readMessage reads one binary message into c.rbuf, reused by the next call.
func (c *Client) readMessage(ctx context.Context) ([]byte, error) {
	typ, r, err := c.conn.Reader(ctx)
	if err != nil {
		return nil, err
	}
	c.rbuf.Reset()
	if _, err := c.rbuf.ReadFrom(r); err != nil {
		return nil, err
	}
	if typ != websocket.MessageBinary {
		return nil, &CloseError{Code: protocol.CloseMalformed, Reason: "text message", Local: true}
	}
	b := c.rbuf.Bytes()
	c.stats.messagesReceived.Add(1)
	c.stats.bytesReceived.Add(uint64(len(b)))
	return b, nil
}

// readLoop is the read goroutine. ctx has no deadline (so no per-read timer
// is armed); reads end when the connection is closed.
func (c *Client) readLoop(ctx context.Context) {
	var err error
	for {
		var b []byte
		if b, err = c.readMessage(ctx); err != nil {
			break
		}
		if err = c.handle(b); err != nil {
			break
		}
	}
	c.end(err)
}

// handle applies one message and delivers what it carries.
func (c *Client) handle(b []byte) error {
	c.mu.Lock()
	m, err := c.w.decode(b)
	if err != nil {
		c.mu.Unlock()
		if errors.Is(err, protocol.ErrUnknownMessage) {
			return nil // a later protocol version's message: ignore
		}
		return &CloseError{Code: protocol.CloseMalformed, Reason: "undecodable server message", Local: true, Err: err}
	}
	if m.Type != protocol.TypeUpdate {
		c.mu.Unlock()
		return &CloseError{Code: protocol.CloseMalformed, Reason: fmt.Sprintf("unexpected message type %d", m.Type), Local: true}
	}
	u := &m.Update
	var echoes []echoEntry
	if c.opts.OnEcho != nil {
		echoes = c.echo.ack(u.Ack, c.echoBuf[:0])
	}
	if c.notify != nil {
		close(c.notify)
		c.notify = nil
	}
	c.mu.Unlock()

	c.stats.updates.Add(1)
	c.stats.moves.Add(uint64(len(u.Moves)))
	c.stats.enters.Add(uint64(len(u.Enters)))
	c.stats.leaves.Add(uint64(len(u.Leaves)))
	c.stats.events.Add(uint64(len(u.Events)))
	if len(echoes) > 0 {
		now := c.now()
		for _, e := range echoes {
			c.opts.OnEcho(e.seq, now-e.at)
		}
		c.echoBuf = echoes[:0]
	}
	if c.opts.OnUpdate != nil {
		c.opts.OnUpdate(u)
	}
	if c.opts.EventBuffer < 0 {
		return nil
	}
	for _, e := range u.Events {
		select {
		case c.events <- e:
		default:
			c.stats.eventsDropped.Add(1)
		}
	}
	return nil
}

// end records why the connection ended and releases everything.
func (c *Client) end(err error) {
	var ce *CloseError
	if errors.As(err, &ce) && ce.Local {
		// This side gives up on the connection: tell the server why.
		c.conn.Close(websocket.StatusCode(ce.Code), truncate(ce.Reason, 120))
	} else {
		ce = closeErrorOf(err)
	}
	if c.closing.Load() {
		ce = nil
	}
	c.conn.CloseNow()
	c.cancel()
	if ce != nil {
		c.err = ce
		c.logger.Debug("connection ended", "code", uint16(ce.Code), "reason", ce.Reason)
	}
	c.mu.Lock()
	if c.notify != nil {
		close(c.notify)
		c.notify = nil
	}
	c.mu.Unlock()
	close(c.events)
	close(c.done)
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}
