package client

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"

	"github.com/usine-extraordinaire/fairworld/protocol"
)

// ErrClosed is returned by the send methods once the connection has ended.
var ErrClosed = errors.New("client: connection closed")

// Client is one connection to the world server, after a successful
// handshake (WELCOME received). All its methods are safe for concurrent use.
type Client struct {
	conn   *websocket.Conn
	opts   Options
	logger *slog.Logger
	ctx    context.Context // lifetime: cancelled when the connection ends; bounds writes
	cancel context.CancelFunc
	start  time.Time // the clock origin of echo timestamps (monotonic)

	events chan protocol.Event // sent to by the read goroutine only, closed when it ends
	done   chan struct{}       // closed when the read goroutine has ended
	err    error               // why it ended; written before done is closed

	closeOnce sync.Once
	closing   atomic.Bool // Close was called: the end is not an error

	mu     sync.Mutex
	w      *world        // guarded by mu
	notify chan struct{} // guarded by mu: closed on the next message, for WaitFor; nil when nobody waits
	echo   echoRing      // guarded by mu

	writeMu sync.Mutex
	seq     uint32 // guarded by writeMu: the last intent seq sent
	req     uint32 // guarded by writeMu: the last req sent (OPEN_HOTSPOT, ANSWER, GET_LEADERBOARD …)
	wbuf    []byte // guarded by writeMu

	rbuf    bytes.Buffer // owned by the read goroutine
	echoBuf []echoEntry  // owned by the read goroutine

	stats counters
}

// Dial connects to url (ws://host:port/ws or wss://...), sends HELLO and
// waits for WELCOME. ctx bounds the dial and the handshake only; the
// connection lives until Close or until the server ends it.
//
// When the server refuses the session after the upgrade (server full,
// pseudonym taken, ...), the error is a *CloseError with the server's code
// and reason. A refusal before the upgrade (HTTP 403 for a bad Origin,
// connection refused) is an ordinary wrapped error.
func Dial(ctx context.Context, url string, opts Options) (*Client, error) {
	o := opts.withDefaults()
	conn, resp, err := websocket.Dial(ctx, url, &websocket.DialOptions{
		HTTPClient:   o.HTTPClient,
		HTTPHeader:   o.Header,
		Subprotocols: []string{protocol.Subprotocol},
	})
	if err != nil {
		if resp != nil && resp.StatusCode != http.StatusSwitchingProtocols {
			return nil, fmt.Errorf("client: failed to dial %s: HTTP %d: %w", url, resp.StatusCode, err)
		}
		return nil, fmt.Errorf("client: failed to dial %s: %w", url, err)
	}
	conn.SetReadLimit(o.ReadLimit)

	// The connection outlives ctx, as a net.Conn outlives the context of its
	// DialContext; it keeps ctx's values for logging.
	life, cancel := context.WithCancel(context.WithoutCancel(ctx))
	c := &Client{
		conn:   conn,
		opts:   o,
		logger: o.Logger,
		ctx:    life,
		cancel: cancel,
		start:  time.Now(),
		events: make(chan protocol.Event, max(o.EventBuffer, 0)),
		done:   make(chan struct{}),
		w:      newWorld(),
		seq:    o.Seq,
	}
	if err := c.handshake(ctx); err != nil {
		cancel()
		conn.CloseNow()
		return nil, err
	}
	c.logger = c.logger.With("session", c.w.welcome.SessionID, "self", c.w.welcome.SelfID)
	c.logger.Debug("connected", "pseudonym", c.w.welcome.Pseudonym, "resumed", c.w.welcome.Resumed)
	go c.readLoop(context.WithoutCancel(ctx))
	return c, nil
}

// handshake sends HELLO and reads WELCOME. It runs before the read
// goroutine starts, so it owns the connection's reading side.
func (c *Client) handshake(ctx context.Context) error {
	hello := protocol.AppendHello(nil, protocol.Hello{
		Pseudonym: c.opts.Pseudonym, ResumeToken: c.opts.ResumeToken, Colour: c.opts.Colour, Shape: c.opts.Shape,
		ProgressKey: c.opts.ProgressKey,
		StaffTicket: c.opts.StaffTicket,
	})
	if err := c.conn.Write(ctx, websocket.MessageBinary, hello); err != nil {
		// A server that refuses at once may have closed already: its
		// close frame, if any, says why.
		return c.handshakeError(ctx, "send HELLO", err)
	}
	c.stats.messagesSent.Add(1)
	c.stats.bytesSent.Add(uint64(len(hello)))
	b, err := c.readMessage(ctx)
	if err != nil {
		return c.handshakeError(ctx, "read WELCOME", err)
	}
	m, err := c.w.decode(b)
	if err != nil {
		c.conn.Close(websocket.StatusCode(protocol.CloseMalformed), "bad WELCOME")
		return &CloseError{Code: protocol.CloseMalformed, Reason: "bad WELCOME", Local: true, Err: err}
	}
	if m.Type != protocol.TypeWelcome {
		c.conn.Close(websocket.StatusCode(protocol.CloseMalformed), "expected WELCOME")
		return &CloseError{Code: protocol.CloseMalformed, Reason: fmt.Sprintf("message type %d before WELCOME", m.Type), Local: true}
	}
	return nil
}

func (c *Client) handshakeError(ctx context.Context, what string, err error) error {
	if ctx.Err() != nil {
		return fmt.Errorf("client: failed to %s: %w", what, ctx.Err())
	}
	if websocket.CloseStatus(err) != -1 {
		return closeErrorOf(err)
	}
	return fmt.Errorf("client: failed to %s: %w", what, closeErrorOf(err))
}

// Close ends the visit: the connection closes with code 1000, which ends the
// session at once (its resume token is void, its pseudonym free). It waits
// for the read goroutine to end (at most about 5 s, the close handshake's
// timeout). Calling it again, or after the server ended the connection, does
// nothing.
func (c *Client) Close() error { return c.closeWith(websocket.StatusNormalClosure, "bye") }

// CloseReconnect closes the connection with code 4901 (reconnect), as a
// client does before it reconnects: the session stays resumable with its
// token for the resume window. Otherwise like Close.
func (c *Client) CloseReconnect() error {
	return c.closeWith(websocket.StatusCode(protocol.CloseReconnect), "reconnect")
}

func (c *Client) closeWith(code websocket.StatusCode, reason string) error {
	var err error
	c.closeOnce.Do(func() {
		c.closing.Store(true)
		err = c.conn.Close(code, reason)
		if errors.Is(err, net.ErrClosed) || websocket.CloseStatus(err) != -1 {
			err = nil // the server closed first: Err says why
		}
	})
	<-c.done
	if err != nil {
		return fmt.Errorf("client: failed to close: %w", err)
	}
	return nil
}

// Done is closed when the connection has ended.
func (c *Client) Done() <-chan struct{} { return c.done }

// Err says why the connection ended: nil while it is open and after Close;
// otherwise a *CloseError (the server's close code, CloseAbnormal for a
// drop, or a local close for a message this client could not decode).
func (c *Client) Err() error {
	select {
	case <-c.done:
		return c.err
	default:
		return nil
	}
}

// Events delivers the events of every UPDATE (hotspot content, discoveries,
// viewer counts, errors, paths), in order. The channel is bounded
// (Options.EventBuffer): when the consumer is slow, events are dropped and
// counted in Stats.EventsDropped rather than stalling the read goroutine,
// which would stall positions too. It is closed when the connection ends.
// With a negative Options.EventBuffer it never receives anything.
func (c *Client) Events() <-chan protocol.Event { return c.events }

// Welcome returns the WELCOME of this connection.
func (c *Client) Welcome() protocol.Welcome {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.w.welcome
}

// SelfID is the id of this client's avatar.
func (c *Client) SelfID() uint32 { return c.Welcome().SelfID }

// MaxSpeed is the server's walking speed in m/s, the speed of a MOVE of
// length 1: WELCOME's max_speed, or protocol.DefaultMaxSpeed (5) from a
// server that does not send it.
func (c *Client) MaxSpeed() float64 { return c.Welcome().MaxSpeed }

// Self is this client's avatar's position in metres, as of the last UPDATE
// (zero before the first one).
func (c *Client) Self() (x, y float64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return protocol.Dequantise(c.w.selfX), protocol.Dequantise(c.w.selfY)
}

// Ack is the seq of the last intent the server applied, from the last UPDATE.
func (c *Client) Ack() uint32 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.w.ack
}

// Tick is the server tick of the last UPDATE.
func (c *Client) Tick() uint32 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.w.tick
}

// Crowd is the number of avatars around that the server does not send one by one.
func (c *Client) Crowd() uint32 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.w.crowd
}

// Online is the number of visitors online on the server, from the last UPDATE.
func (c *Client) Online() uint32 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.w.online
}

// Visible is the number of avatars in view (cheaper than len(Avatars())).
func (c *Client) Visible() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.w.view.Len()
}

// Avatars returns a copy of the avatars in view, sorted by id.
func (c *Client) Avatars() []Avatar {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.w.avatars(make([]Avatar, 0, len(c.w.names)))
}

// Avatar returns one avatar in view.
func (c *Client) Avatar(id uint32) (Avatar, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	m, ok := c.w.names[id]
	if !ok {
		return Avatar{}, false
	}
	x, y, _ := c.w.view.Position(id)
	return Avatar{ID: id, Pseudonym: m.pseudonym, Role: m.role, Colour: m.colour, Shape: m.shape, X: protocol.Dequantise(x), Y: protocol.Dequantise(y)}, true
}

// WaitFor returns nil as soon as cond(c) holds, checking it now and after
// each message read (no polling). It returns an error when ctx ends first, or
// the reason the connection ended. cond is called without locks held and
// may call the Client's methods.
func (c *Client) WaitFor(ctx context.Context, cond func(*Client) bool) error {
	for {
		c.mu.Lock()
		if c.notify == nil {
			c.notify = make(chan struct{})
		}
		ch := c.notify
		c.mu.Unlock()
		if cond(c) {
			return nil
		}
		select {
		case <-ch:
		case <-c.done:
			if cond(c) {
				return nil
			}
			if err := c.Err(); err != nil {
				return fmt.Errorf("client: connection ended while waiting: %w", err)
			}
			return fmt.Errorf("client: waiting: %w", ErrClosed)
		case <-ctx.Done():
			return fmt.Errorf("client: waiting: %w", ctx.Err())
		}
	}
}
