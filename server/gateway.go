package server

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/coder/websocket"

	"github.com/usine-extraordinaire/fairworld/protocol"
	"github.com/usine-extraordinaire/fairworld/server/pseudonym"
)

// serveWS upgrades a request to a WebSocket and runs the connection. Every
// refusal a page must show is a close code after the upgrade: a browser never
// sees the HTTP status of a failed upgrade.
func (s *Server) serveWS(w http.ResponseWriter, r *http.Request) {
	if s.draining.Load() {
		http.Error(w, "server shutting down", http.StatusServiceUnavailable)
		return
	}
	// Past the admission limit by a margin, refuse without upgrading: the
	// process must keep file descriptors for the clients it already has.
	if s.active.Load() >= int64(s.cfg.MaxConns+s.cfg.MaxConns/20+16) {
		s.metrics.admission.WithLabelValues("hard_limit").Inc()
		http.Error(w, "server full", http.StatusServiceUnavailable)
		return
	}
	if h := s.forwardedHost(r); h != "" {
		r.Host = h // the Origin check compares the page's host with this
	}
	ws, err := websocket.Accept(w, r, &websocket.AcceptOptions{
		// Our version first; otherwise echo what the client offered so the
		// upgrade completes and the refusal can be a close code.
		Subprotocols:   append([]string{protocol.Subprotocol}, subprotocols(r)...),
		OriginPatterns: s.cfg.AllowedOrigins,
	})
	if err != nil {
		s.metrics.connAttempts.WithLabelValues("upgrade_failed").Inc()
		return // Accept has written the HTTP error
	}
	ws.SetReadLimit(protocol.MaxClientMessage)
	c := newConn(s, ws)
	s.track(c)

	switch {
	case ws.Subprotocol() != protocol.Subprotocol:
		s.refuse(c, "bad_version", protocol.CloseBadVersion, "unsupported protocol version; reload the page")
		return
	case s.active.Load() > int64(s.cfg.MaxConns):
		s.metrics.admission.WithLabelValues("server_full").Inc()
		s.refuse(c, "server_full", protocol.CloseServerFull, "server full")
		return
	case !s.joins.Allow():
		s.metrics.admission.WithLabelValues("join_rate").Inc()
		s.refuse(c, "join_rate", protocol.CloseTooManyJoins, "too many new connections, retry soon")
		return
	}
	if !c.handshake(s.ctx) {
		c.close(protocol.CloseGoingAway, "") // a no-op after the handshake's own close
		<-c.closed()
		s.untrack(c)
		return
	}
	// The read loop runs on a fresh goroutine: this one's stack grew in the
	// upgrade and the pseudonym check, and an idle connection would keep it.
	go c.readLoop(s.ctx)
}

func subprotocols(r *http.Request) []string {
	var out []string
	for _, v := range r.Header.Values("Sec-WebSocket-Protocol") {
		for p := range strings.SplitSeq(v, ",") {
			if p = strings.TrimSpace(p); p != "" {
				out = append(out, p)
			}
		}
	}
	return out
}

func (s *Server) refuse(c *conn, result string, code protocol.CloseCode, reason string) {
	s.metrics.connAttempts.WithLabelValues(result).Inc()
	c.close(code, reason)
	<-c.closed()
	s.untrack(c)
}

// handshake reads HELLO (within HelloTimeout), checks the pseudonym and
// joins the hub. It reports whether the session started; when not, the
// connection is being closed with the refusal's code.
func (c *conn) handshake(ctx context.Context) bool {
	s := c.srv
	buf := make([]byte, protocol.MaxClientMessage+1)
	hctx, cancel := context.WithTimeout(ctx, s.cfg.HelloTimeout)
	b, err := c.read(hctx, buf)
	cancel()
	if err != nil {
		s.metrics.connAttempts.WithLabelValues("no_hello").Inc()
		c.closeForReadError(err, protocol.CloseBadHandshake, "no HELLO in time")
		return false
	}
	var m protocol.ClientMessage
	if err := protocol.DecodeClient(b, &m); err != nil || m.Type != protocol.TypeHello {
		s.metrics.connAttempts.WithLabelValues("bad_hello").Inc()
		c.close(protocol.CloseBadHandshake, "first message must be HELLO")
		return false
	}
	req := joinRequest{token: m.Hello.ResumeToken, colour: m.Hello.Colour, shape: m.Hello.Shape}
	if req.token == "" {
		var name string
		name, req.role = testRole(s.cfg.TestRoles, m.Hello.Pseudonym)
		display, key, err := s.pseudo.Check(name)
		if err != nil {
			code, reason := pseudonymRefusal(err)
			s.metrics.connAttempts.WithLabelValues("pseudonym_refused").Inc()
			c.close(code, reason)
			return false
		}
		req.display, req.key = display, key
	}
	reply := make(chan joinResult, 1)
	if !s.hub.send(ctx, command{kind: cmdJoin, c: c, join: req, reply: reply}) {
		return false
	}
	var res joinResult
	select {
	case res = <-reply:
	case <-ctx.Done():
		// The hub may still join us: tell it we are gone (it ignores a leave
		// of a connection it does not hold).
		s.hub.send(s.hubCtx, command{kind: cmdLeave, c: c})
		return false
	}
	if res.code != 0 {
		s.metrics.connAttempts.WithLabelValues(res.code.String()).Inc()
		c.close(res.code, res.reason)
		return false
	}
	s.metrics.connAttempts.WithLabelValues("joined").Inc()
	return true
}

// readLoop reads intents until the connection ends, then tells the hub. It
// is the connection's only reader.
func (c *conn) readLoop(ctx context.Context) {
	s := c.srv
	defer func() {
		// Blocks only while the hub's inbox is full; the hub must hear of
		// every departure to keep viewer counts and sessions right.
		s.hub.send(s.hubCtx, command{kind: cmdLeave, c: c})
		c.close(protocol.CloseGoingAway, "")
		<-c.closed()
		s.untrack(c)
	}()
	buf := make([]byte, protocol.MaxClientMessage+1)
	var m protocol.ClientMessage
	w, h := s.cfg.Zone.Width, s.cfg.Zone.Height
	for {
		b, err := c.read(ctx, buf)
		if err != nil {
			c.closeForReadError(err, protocol.CloseGoingAway, "")
			return
		}
		if !c.allow(ctx) {
			continue
		}
		err = protocol.DecodeClient(b, &m)
		var de *protocol.DecodeError
		switch {
		case errors.As(err, &de):
			s.metrics.drops.WithLabelValues("malformed").Inc()
			c.close(de.Code, de.Reason)
			return
		case errors.Is(err, protocol.ErrUnknownMessage):
			if !c.reportError(ctx, protocol.ErrUnknownType, 0, err.Error()) {
				return
			}
			continue
		case err != nil:
			c.close(protocol.CloseMalformed, "malformed message")
			return
		}
		cmd := command{c: c}
		switch m.Type {
		case protocol.TypeHello:
			if !c.reportError(ctx, protocol.ErrNotReady, 0, "HELLO already received") {
				return
			}
			continue
		case protocol.TypeMove:
			if code, ok := m.Move.Validate(); !ok {
				s.metrics.drops.WithLabelValues("bad_intent").Inc()
				if !c.reportError(ctx, code, m.Move.Seq, "direction must be finite and at most 1 long") {
					return
				}
				continue
			}
			cmd.kind, cmd.seq, cmd.x, cmd.y = cmdMove, m.Move.Seq, m.Move.DX, m.Move.DY
		case protocol.TypeGoto:
			if code, ok := m.Goto.Validate(w, h); !ok {
				s.metrics.drops.WithLabelValues("bad_intent").Inc()
				if !c.reportError(ctx, code, m.Goto.Seq, "target must be finite and inside the zone") {
					return
				}
				continue
			}
			cmd.kind, cmd.seq, cmd.x, cmd.y = cmdGoto, m.Goto.Seq, m.Goto.X, m.Goto.Y
		case protocol.TypeOpenHotspot:
			cmd.kind, cmd.seq, cmd.id = cmdOpen, m.OpenHotspot.Req, m.OpenHotspot.ID
		case protocol.TypeCloseHotspot:
			cmd.kind, cmd.id = cmdClose, m.CloseHotspot.ID
		}
		if !s.hub.send(ctx, cmd) {
			return
		}
	}
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
	c.lastRead.Store(time.Now().UnixNano())
	c.srv.metrics.msgsIn.Inc()
	c.srv.metrics.bytesIn.Add(float64(n))
	if typ != websocket.MessageBinary {
		return nil, errTextMessage
	}
	return buf[:n], nil
}

var (
	errTooBig      = errors.New("message too big")
	errTextMessage = errors.New("text message")
)

// closeForReadError picks the close code for a failed read.
func (c *conn) closeForReadError(err error, code protocol.CloseCode, reason string) {
	switch {
	case errors.Is(err, errTextMessage):
		c.close(protocol.CloseMalformed, "binary messages only")
	case errors.Is(err, errTooBig):
		c.close(protocol.CloseTooBig, "message too big")
	case websocket.CloseStatus(err) != -1:
		c.close(protocol.CloseNormal, "") // the peer closed: answer its close
	default:
		c.close(code, reason) // a no-op when the library already closed (read limit: 1009)
	}
}

// allow applies the per-connection input rate. Dropped messages are counted
// and reported; a client that keeps flooding is closed.
func (c *conn) allow(ctx context.Context) bool {
	if c.limiter.Allow() {
		return true
	}
	s := c.srv
	s.metrics.drops.WithLabelValues("rate_limited").Inc()
	now := time.Now()
	if now.Sub(c.floodAt) > 10*time.Second {
		c.floodAt, c.flood = now, 0
	}
	c.flood++
	if c.flood == 1 {
		c.reportError(ctx, protocol.ErrRateLimited, 0, "too many messages; some were dropped")
	}
	if c.flood > 4*s.cfg.InputBurst {
		c.close(protocol.CloseFlood, "too many messages")
	}
	return false
}

// pseudonymRefusal maps a pseudonym error to its close code and French reason.
func pseudonymRefusal(err error) (protocol.CloseCode, string) {
	var pe *pseudonym.Error
	if !errors.As(err, &pe) {
		return protocol.ClosePseudoInvalid, "Pseudonyme refusé."
	}
	if pe.Reason == pseudonym.Forbidden {
		return protocol.ClosePseudoRefused, pe.Message
	}
	return protocol.ClosePseudoInvalid, pe.Message
}
