package server

import (
	"context"
	"errors"
	"io"
	"net"

	"github.com/coder/websocket"

	"github.com/usine-extraordinaire/fairworld/protocol"
	"github.com/usine-extraordinaire/fairworld/world/nav"
)

// readLoop reads intents until the connection ends, then tells the hub. It
// is the connection's only reader, and runs on its own goroutine.
func (c *conn) readLoop() {
	env := c.env
	ctx := env.ctx
	defer func() {
		// Blocks only while the hub's inbox is full; the hub must hear of
		// every departure to keep viewer counts and sessions right. A close
		// 1000 from the client ends the visit: the session goes at once.
		env.hub.send(env.hubCtx, leaveCmd{c: c, end: c.peerCode == websocket.StatusNormalClosure})
		c.close(protocol.CloseGoingAway, "")
		<-c.closed()
		env.conns.remove(c)
	}()
	buf := make([]byte, protocol.MaxClientMessage+1)
	var m protocol.ClientMessage
	confirm := c.resumed
	for {
		b, err := c.read(ctx, buf)
		if err != nil {
			c.closeForReadError(err, protocol.CloseGoingAway, "")
			return
		}
		if c.isClosing() {
			return // closed meanwhile (a flood of pings, a take-over): read nothing more
		}
		if confirm {
			// The client got the WELCOME with the new token: the previous
			// one can go.
			confirm = false
			if !env.hub.send(ctx, confirmCmd{c: c}) {
				return
			}
		}
		if !c.allow(ctx, true) {
			continue
		}
		cmd, ok := c.decode(ctx, b, &m)
		if !ok {
			return
		}
		if cmd != nil && !env.hub.send(ctx, cmd) {
			return
		}
	}
}

// decode turns one client message into its hub command; nil when there is
// none to send (an error was reported instead). ok is false when the
// connection must end (it is being closed).
func (c *conn) decode(ctx context.Context, b []byte, m *protocol.ClientMessage) (cmd command, ok bool) {
	env := c.env
	err := protocol.DecodeClient(b, m)
	var de *protocol.DecodeError
	switch {
	case errors.As(err, &de):
		env.metrics.drops.WithLabelValues("malformed").Inc()
		c.close(de.Code, de.Reason)
		return nil, false
	case errors.Is(err, protocol.ErrUnknownMessage):
		return nil, c.reportError(ctx, protocol.ErrUnknownType, 0, err.Error())
	case err != nil:
		c.close(protocol.CloseMalformed, "malformed message")
		return nil, false
	}
	switch m.Type {
	case protocol.TypeHello:
		env.metrics.drops.WithLabelValues("second_hello").Inc()
		return nil, c.reportError(ctx, protocol.ErrNotReady, 0, "HELLO already received")
	case protocol.TypeMove:
		if code, ok := m.Move.Validate(); !ok {
			env.metrics.drops.WithLabelValues("bad_intent").Inc()
			return nil, c.reportError(ctx, code, m.Move.Seq, "direction must be finite and at most 1 long")
		}
		return moveCmd{c: c, seq: m.Move.Seq, dx: m.Move.DX, dy: m.Move.DY}, true
	case protocol.TypeGoto:
		if code, ok := m.Goto.Validate(env.zoneW, env.zoneH); !ok {
			env.metrics.drops.WithLabelValues("bad_intent").Inc()
			return nil, c.reportError(ctx, code, m.Goto.Seq, "target must be finite and inside the zone")
		}
		return gotoCmd{c: c, seq: m.Goto.Seq, to: nav.Point{X: m.Goto.X, Y: m.Goto.Y}}, true
	case protocol.TypeOpenHotspot:
		return openCmd{c: c, req: m.OpenHotspot.Req, id: m.OpenHotspot.ID}, true
	case protocol.TypeCloseHotspot:
		return closeCmd{c: c, id: m.CloseHotspot.ID}, true
	}
	return progressCommand(c, m), true // progress_cmds.go; nil for none
}

// read reads one binary message into buf.
func (c *conn) read(ctx context.Context, buf []byte) ([]byte, error) {
	typ, r, err := c.ws.Reader(ctx)
	if err != nil {
		return nil, err
	}
	n := 0
	for {
		m, err := r.Read(buf[n:])
		n += m
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		if n == len(buf) {
			return nil, errTooBig // the read limit closes first; defence in depth
		}
	}
	c.env.metrics.msgsIn.Inc()
	c.env.metrics.bytesIn.Add(float64(n))
	if typ != websocket.MessageBinary {
		return nil, errTextMessage
	}
	return buf[:n], nil
}

var (
	errTooBig      = errors.New("message too big")
	errTextMessage = errors.New("text message")
)

// closeForReadError picks the close code for a failed read: code is for a
// client that went away (nothing reaches it, whatever the code).
func (c *conn) closeForReadError(err error, code protocol.CloseCode, reason string) {
	switch {
	case errors.Is(err, errTextMessage):
		c.close(protocol.CloseMalformed, "binary messages only")
	case errors.Is(err, errTooBig), errors.Is(err, websocket.ErrMessageTooBig):
		c.close(protocol.CloseTooBig, "message too big") // the library sent 1009 already for its limit
	case websocket.CloseStatus(err) != -1:
		c.peerCode = websocket.CloseStatus(err)
		c.close(protocol.CloseNormal, "") // the library has answered the peer's close frame
	case gone(err):
		c.close(code, reason)
	default:
		// The frame layer refused what the client sent (an unmasked frame,
		// reserved bits, a bad opcode, a fragmented control frame): RFC 6455
		// §7.4.1 protocol error. The library sends 1002 itself for most;
		// for an unmasked frame it sends nothing, and this close does.
		c.close(protocol.CloseProtocolError, "protocol error")
	}
}

// gone reports whether a read failed because the connection itself ended
// (end of stream, reset, closed, deadline, shutdown), not because of what
// the client sent.
func gone(err error) bool {
	var ne net.Error
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, net.ErrClosed) ||
		errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) || errors.As(err, &ne)
}
