package server

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/usine-extraordinaire/fairworld/protocol"
	"github.com/usine-extraordinaire/fairworld/world"
	"github.com/usine-extraordinaire/fairworld/world/nav"
)

// hub is the one goroutine that owns the world, the sessions and the map from
// avatars to connections. Everything reaches it through its bounded inbox;
// it never blocks on a connection (conn.push only takes a short lock).
type hub struct {
	srv   *Server
	world *world.World
	inbox chan command

	// owned by the hub goroutine
	conns    map[uint32]*conn    // avatar -> its current connection
	byToken  map[string]*session // resume token -> session
	byKey    map[string]*session // pseudonym key -> session (online or resumable)
	byAvatar map[uint32]*session
	nextID   uint32
	pending  map[uint32]uint32 // avatar -> seq of the GOTO whose path is being computed
	paths    chan pathRequest

	// stats is the world's counters, published once a second for /metrics
	// (the world itself is read by the hub only).
	stats atomic.Pointer[world.Stats]
}

type session struct {
	id, token    string
	key, display string
	who          world.Identity // name (display), role and look; kept on resume
	avatar       uint32
	conn         *conn     // nil while detached
	pos          nav.Point // last position, kept while detached
	expires      time.Time // while detached: when the resume window ends
}

type cmdKind uint8

const (
	cmdJoin cmdKind = iota + 1
	cmdLeave
	cmdMove
	cmdGoto
	cmdPath
	cmdOpen
	cmdClose
	cmdError // an error the read loop found: err, seq (the ref) and id (the message)
)

// command is a value sent to the hub. Only the fields of its kind are set.
type command struct {
	kind  cmdKind
	c     *conn
	seq   uint32
	x, y  float64
	id    string
	join  joinRequest
	path  []nav.Point
	err   protocol.ErrorCode
	reply chan joinResult
}

type joinRequest struct {
	display, key  string        // checked pseudonym, for a new session
	role          protocol.Role // for a new session (test roles only, for now)
	colour, shape uint8         // look, for a new session
	token         string        // resume token, for a resumed one
}

type joinResult struct {
	code   protocol.CloseCode // 0 when joined
	reason string
}

func newHub(s *Server, w *world.World) *hub {
	return &hub{
		srv:      s,
		world:    w,
		inbox:    make(chan command, s.cfg.InboxSize),
		conns:    make(map[uint32]*conn),
		byToken:  make(map[string]*session),
		byKey:    make(map[string]*session),
		byAvatar: make(map[uint32]*session),
		pending:  make(map[uint32]uint32),
		paths:    make(chan pathRequest, s.cfg.InboxSize),
	}
}

// send delivers a command, waiting while the inbox is full (back-pressure on
// the sending connection's reads) until ctx ends.
func (h *hub) send(ctx context.Context, cmd command) bool {
	select {
	case h.inbox <- cmd:
		return true
	case <-ctx.Done():
		return false
	}
}

// run owns the world until ctx ends.
func (h *hub) run(ctx context.Context) {
	tick := time.NewTicker(time.Second / time.Duration(h.srv.cfg.World.TickRate))
	defer tick.Stop()
	dt := time.Second / time.Duration(h.srv.cfg.World.TickRate)
	for {
		select {
		case <-ctx.Done():
			return
		case cmd := <-h.inbox:
			h.handle(cmd)
		case <-tick.C:
			h.tick(dt)
		}
	}
}

func (h *hub) tick(dt time.Duration) {
	start := time.Now()
	h.world.Step(dt)
	h.world.Updates(func(id uint32, u *protocol.Update) {
		if c := h.conns[id]; c != nil {
			c.push(u)
		}
	})
	if h.world.Tick()%uint32(h.srv.cfg.World.TickRate) == 0 {
		h.expireSessions(h.srv.now())
		st := h.world.Stats()
		h.stats.Store(&st)
	}
	m := h.srv.metrics
	m.tickDuration.Observe(time.Since(start).Seconds())
	m.avatars.Set(float64(h.world.Len()))
}

func (h *hub) handle(cmd command) {
	m := h.srv.metrics
	switch cmd.kind {
	case cmdJoin:
		cmd.reply <- h.join(cmd.c, cmd.join)
	case cmdLeave:
		h.leave(cmd.c)
	case cmdMove:
		m.inputs.WithLabelValues("move").Inc()
		if h.owns(cmd.c) {
			delete(h.pending, cmd.c.avatar)
			h.world.SetMove(cmd.c.avatar, cmd.seq, cmd.x, cmd.y)
		}
	case cmdGoto:
		m.inputs.WithLabelValues("goto").Inc()
		if !h.owns(cmd.c) {
			return
		}
		from, ok := h.world.Position(cmd.c.avatar)
		if !ok {
			return
		}
		req := pathRequest{c: cmd.c, avatar: cmd.c.avatar, seq: cmd.seq, from: from, to: nav.Point{X: cmd.x, Y: cmd.y}}
		select {
		case h.paths <- req:
			h.pending[cmd.c.avatar] = cmd.seq
		default:
			m.drops.WithLabelValues("path_queue_full").Inc()
			h.world.Error(cmd.c.avatar, protocol.ErrRateLimited, cmd.seq, "path finder busy")
		}
	case cmdPath:
		if !h.owns(cmd.c) || h.pending[cmd.c.avatar] != cmd.seq {
			return // the avatar left, or a newer intent replaced this GOTO
		}
		delete(h.pending, cmd.c.avatar)
		if cmd.err != 0 {
			h.world.Error(cmd.c.avatar, cmd.err, cmd.seq, "no path to the target")
			return
		}
		h.world.SetPath(cmd.c.avatar, cmd.seq, cmd.path)
		q := make([]uint16, 0, 2*len(cmd.path))
		for _, p := range cmd.path {
			q = append(q, protocol.Quantise(p.X), protocol.Quantise(p.Y))
		}
		h.world.Event(cmd.c.avatar, protocol.Event{Kind: protocol.EventPath, Req: cmd.seq, Path: q})
	case cmdOpen:
		m.inputs.WithLabelValues("open_hotspot").Inc()
		if h.owns(cmd.c) {
			if code := h.world.OpenHotspot(cmd.c.avatar, cmd.seq, cmd.id); code != 0 {
				h.world.Error(cmd.c.avatar, code, cmd.seq, fmt.Sprintf("cannot open hotspot %q", cmd.id))
			}
		}
	case cmdClose:
		m.inputs.WithLabelValues("close_hotspot").Inc()
		if h.owns(cmd.c) {
			h.world.CloseHotspot(cmd.c.avatar, cmd.id)
		}
	case cmdError:
		if h.owns(cmd.c) {
			h.world.Error(cmd.c.avatar, cmd.err, cmd.seq, cmd.id)
		}
	}
}

// owns reports whether c is the current connection of its avatar (a
// taken-over connection's late commands are ignored).
func (h *hub) owns(c *conn) bool { return c.avatar != 0 && h.conns[c.avatar] == c }

func (h *hub) join(c *conn, req joinRequest) joinResult {
	now := h.srv.now()
	var s *session
	resumed := false
	if req.token != "" {
		s = h.byToken[req.token]
		if s == nil || (s.conn == nil && now.After(s.expires)) {
			return joinResult{code: protocol.CloseResumeExpired, reason: "resume token unknown or expired"}
		}
		resumed = true
		if old := s.conn; old != nil {
			// Another connection holds the session: it is taken over. Its
			// avatar is re-entered below so the new connection, which knows
			// nothing yet, gets every enter again.
			pos, _ := h.world.Position(s.avatar)
			s.pos = pos
			h.world.Leave(s.avatar)
			delete(h.pending, s.avatar)
			old.close(protocol.CloseTakenOver, "session resumed elsewhere")
		}
	} else {
		if other := h.byKey[req.key]; other != nil {
			if other.conn != nil || now.Before(other.expires) {
				return joinResult{code: protocol.ClosePseudoTaken, reason: "Ce pseudonyme est déjà utilisé : choisis-en un autre."}
			}
			h.forget(other)
		}
		h.nextID++
		s = &session{
			id: "s-" + randomHex(6), token: randomToken(), key: req.key, display: req.display,
			who:    world.Identity{Name: req.display, Role: req.role, Colour: req.colour, Shape: req.shape},
			avatar: h.nextID, pos: h.world.Spawn(),
		}
		h.byToken[s.token] = s
		h.byKey[s.key] = s
		h.byAvatar[s.avatar] = s
	}
	if err := h.world.Join(s.avatar, s.who, s.pos); err != nil {
		h.srv.log.Error("world refused a join", "session", s.id, "err", err)
		return joinResult{code: protocol.CloseInternal, reason: "join failed"}
	}
	if pos, ok := h.world.Position(s.avatar); ok {
		s.pos = pos // the world may have moved a blocked start to a walkable spot
	}
	s.conn = c
	c.avatar = s.avatar
	h.conns[s.avatar] = c
	c.setWelcome(protocol.AppendWelcome(nil, &protocol.Welcome{
		SessionID:   s.id,
		ResumeToken: s.token,
		SelfID:      s.avatar,
		TickHz:      uint32(h.srv.cfg.World.TickRate),
		ZoneID:      h.srv.cfg.Zone.ID,
		Build:       h.srv.cfg.Build,
		Pseudonym:   s.display,
		Resumed:     resumed,
	}), h.world.Tick(), protocol.Quantise(s.pos.X), protocol.Quantise(s.pos.Y))
	h.srv.metrics.sessions.Set(float64(len(h.byToken)))
	return joinResult{}
}

// leave detaches a closed connection from its session; the avatar leaves the
// world and the session stays resumable for the resume window.
func (h *hub) leave(c *conn) {
	if !h.owns(c) {
		return
	}
	s := h.byAvatar[c.avatar]
	if pos, ok := h.world.Position(c.avatar); ok && s != nil {
		s.pos = pos
	}
	h.world.Leave(c.avatar)
	delete(h.conns, c.avatar)
	delete(h.pending, c.avatar)
	if s != nil {
		s.conn = nil
		s.expires = h.srv.now().Add(h.srv.cfg.ResumeWindow)
	}
}

func (h *hub) expireSessions(now time.Time) {
	for _, s := range h.byToken {
		if s.conn == nil && now.After(s.expires) {
			h.forget(s)
		}
	}
	h.srv.metrics.sessions.Set(float64(len(h.byToken)))
}

// forget erases a session: nothing of it is kept after the resume window.
func (h *hub) forget(s *session) {
	delete(h.byToken, s.token)
	if h.byKey[s.key] == s {
		delete(h.byKey, s.key)
	}
	delete(h.byAvatar, s.avatar)
}

func randomToken() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b) // never fails (crypto/rand documents it)
	return base64.RawURLEncoding.EncodeToString(b)
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
