package server

import (
	"context"
	"crypto/rand"
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
	byToken  map[string]*session // resume token (current or previous) -> session
	byKey    map[string]*session // pseudonym key -> session (online or resumable)
	byAvatar map[uint32]*session
	nextID   uint32
	epoch    string                // this run's token prefix (tokens.go)
	goals    map[uint32]*pathState // avatar -> its GOTO state (paths.go)
	waiting  map[uint32]struct{}   // avatars with a GOTO waiting for its turn
	paths    chan pathRequest

	// behind is how many ticks the hub owed the wall clock after its latest
	// round (0 when on time); read by admission.
	behind atomic.Int64

	// stats is the world's counters, published once a second for /metrics
	// (the world itself is read by the hub only).
	stats atomic.Pointer[world.Stats]
}

type session struct {
	id, token    string
	prev         string    // the token before the latest resume, "" when void (tokens.go)
	prevUntil    time.Time // when prev stops being valid
	key, display string
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
	cmdError   // an error the read loop found: err, seq (the ref) and id (the message)
	cmdConfirm // the first message read after a resumed WELCOME: the previous token goes
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
	gen   uint64 // cmdPath: the GOTO generation it answers
	end   bool   // cmdLeave: the client closed with 1000, the visit is over
	err   protocol.ErrorCode
	reply chan joinResult
}

type joinRequest struct {
	display, key string // checked pseudonym, for a new session
	token        string // resume token, for a resumed one
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
		epoch:    newEpoch(),
		goals:    make(map[uint32]*pathState),
		waiting:  make(map[uint32]struct{}),
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

// The hub's clock (docs/PROTOCOL.md §4, "When the server is late"). Every
// step is 1/TickRate of simulated time, and each round runs as many steps as
// the wall clock owes, so the world never runs in slow motion; the steps of
// one round are sent in one UPDATE. When a round (steps, updates and pushes)
// takes longer than a tick, the next one owes two ticks and updates go out
// every second tick, and so on: sending degrades first. A round runs at most
// maxStepsPerSend steps; the hub then runs its next round at once, between
// commands, until it has caught up. Time owed beyond maxDebt (a stall) is
// skipped and counted.
const (
	maxStepsPerSend = 4
	maxDebt         = 5 * time.Second
)

// run owns the world until ctx ends.
func (h *hub) run(ctx context.Context) {
	rate := h.srv.cfg.World.TickRate
	period := time.Second / time.Duration(rate)
	tick := time.NewTicker(period)
	defer tick.Stop()
	start := time.Now()
	now := make(chan time.Time)
	close(now)     // always ready: the next round when behind
	var done int64 // ticks run or skipped since start
	for {
		due := tick.C
		if h.behind.Load() > 0 {
			due = now
		}
		select {
		case <-ctx.Done():
			return
		case cmd := <-h.inbox:
			h.handle(cmd)
		case <-due:
			t := time.Now()
			h.srv.late.observe(t)
			owed := int64(t.Sub(start)/period) - done
			if owed <= 0 {
				h.behind.Store(0)
				continue
			}
			if limit := int64(maxDebt / period); owed > limit {
				h.srv.metrics.ticksSkipped.Add(float64(owed - limit))
				done += owed - limit
				owed = limit
			}
			n := min(owed, maxStepsPerSend)
			h.round(int(n), period)
			done += n
			h.behind.Store(owed - n)
		}
	}
}

// round runs n steps of dt, then hands every connection its update.
func (h *hub) round(n int, dt time.Duration) {
	start := time.Now()
	rate := uint32(h.srv.cfg.World.TickRate)
	for range n {
		h.world.Step(dt)
		if h.world.Tick()%rate == 0 {
			h.expireSessions(h.srv.now())
			st := h.world.Stats()
			h.stats.Store(&st)
		}
	}
	h.dispatchWaiting(time.Now())
	h.world.Updates(func(id uint32, u *protocol.Update) {
		if c := h.conns[id]; c != nil {
			c.push(u)
		}
	})
	m := h.srv.metrics
	if n > 1 {
		m.ticksMerged.Add(float64(n - 1))
	}
	m.tickDuration.Observe(time.Since(start).Seconds())
	m.avatars.Set(float64(h.world.Len()))
}

func (h *hub) handle(cmd command) {
	m := h.srv.metrics
	switch cmd.kind {
	case cmdJoin:
		cmd.reply <- h.join(cmd.c, cmd.join)
	case cmdLeave:
		h.leave(cmd.c, cmd.end)
	case cmdConfirm:
		if s := h.byAvatar[cmd.c.avatar]; s != nil && h.owns(cmd.c) {
			h.voidPrev(s)
		}
	case cmdMove:
		m.inputs.WithLabelValues("move").Inc()
		if h.owns(cmd.c) {
			h.cancelGoal(cmd.c.avatar)
			h.world.SetMove(cmd.c.avatar, cmd.seq, cmd.x, cmd.y)
		}
	case cmdGoto:
		m.inputs.WithLabelValues("goto").Inc()
		if h.owns(cmd.c) {
			h.setGoal(cmd.c, cmd.seq, nav.Point{X: cmd.x, Y: cmd.y})
		}
	case cmdPath:
		h.pathDone(cmd)
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
		if s != nil && req.token == s.prev && now.After(s.prevUntil) {
			h.voidPrev(s)
			s = nil
		}
		if s == nil || (s.conn == nil && now.After(s.expires)) {
			return joinResult{code: protocol.CloseResumeExpired, reason: h.unknownTokenReason(req.token)}
		}
		resumed = true
		if old := s.conn; old != nil {
			// Another connection holds the session: it is taken over. Its
			// avatar is re-entered below so the new connection, which knows
			// nothing yet, gets every enter again.
			pos, _ := h.world.Position(s.avatar)
			s.pos = pos
			h.world.Leave(s.avatar)
			h.dropGoal(s.avatar)
			delete(h.conns, s.avatar)
			old.close(protocol.CloseTakenOver, "session resumed elsewhere")
		}
		h.rotate(s, req.token, now)
		c.resumed = true
	} else {
		if other := h.byKey[req.key]; other != nil {
			if other.conn != nil || now.Before(other.expires) {
				return joinResult{code: protocol.ClosePseudoTaken, reason: "Ce pseudonyme est déjà utilisé : choisis-en un autre."}
			}
			h.forget(other)
		}
		h.nextID++
		s = &session{id: "s-" + randomHex(6), token: h.newToken(), key: req.key, display: req.display, avatar: h.nextID, pos: h.world.Spawn()}
		h.byToken[s.token] = s
		h.byKey[s.key] = s
		h.byAvatar[s.avatar] = s
	}
	if err := h.world.Join(s.avatar, world.Identity{Name: s.display, Role: protocol.RoleVisitor}, s.pos); err != nil {
		h.srv.log.Error("world refused a join", "session", s.id, "err", err)
		return joinResult{code: protocol.CloseInternal, reason: "join failed"}
	}
	if pos, ok := h.world.Position(s.avatar); ok {
		s.pos = pos // the world may have moved a blocked start to a walkable spot
	}
	s.conn = c
	c.avatar = s.avatar
	h.conns[s.avatar] = c
	h.srv.metrics.sessions.Set(float64(len(h.byAvatar)))
	c.setWelcome(protocol.AppendWelcome(nil, &protocol.Welcome{
		SessionID:   s.id,
		ResumeToken: s.token,
		SelfID:      s.avatar,
		TickHz:      uint32(h.srv.cfg.World.TickRate),
		ZoneID:      h.srv.cfg.Zone.ID,
		Build:       h.srv.cfg.Build,
		Pseudonym:   s.display,
		Resumed:     resumed,
		MaxSpeed:    h.world.Config().MaxSpeed,
	}), h.world.Tick(), protocol.Quantise(s.pos.X), protocol.Quantise(s.pos.Y))
	return joinResult{}
}

// leave detaches a closed connection from its session; the avatar leaves the
// world. The session stays resumable for the resume window, unless the
// client ended the visit (end: a close 1000), which forgets it at once and
// frees its pseudonym.
func (h *hub) leave(c *conn, end bool) {
	if !h.owns(c) {
		return
	}
	s := h.byAvatar[c.avatar]
	if pos, ok := h.world.Position(c.avatar); ok && s != nil {
		s.pos = pos
	}
	h.world.Leave(c.avatar)
	delete(h.conns, c.avatar)
	h.dropGoal(c.avatar)
	if s == nil {
		return
	}
	s.conn = nil
	s.expires = h.srv.now().Add(h.srv.cfg.ResumeWindow)
	if end {
		h.forget(s)
		h.srv.metrics.sessions.Set(float64(len(h.byAvatar)))
	}
}

func (h *hub) expireSessions(now time.Time) {
	for _, s := range h.byAvatar {
		switch {
		case s.conn == nil && now.After(s.expires):
			h.forget(s)
		case s.prev != "" && now.After(s.prevUntil):
			h.voidPrev(s)
		}
	}
	h.srv.metrics.sessions.Set(float64(len(h.byAvatar)))
}

// forget erases a session: nothing of it is kept after the resume window.
func (h *hub) forget(s *session) {
	delete(h.byToken, s.token)
	h.voidPrev(s)
	if h.byKey[s.key] == s {
		delete(h.byKey, s.key)
	}
	delete(h.byAvatar, s.avatar)
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
