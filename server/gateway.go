package server

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"

	"github.com/usine-extraordinaire/fairworld/protocol"
	"github.com/usine-extraordinaire/fairworld/server/presence"
	"github.com/usine-extraordinaire/fairworld/server/progress"
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
	if s.conns.len() >= int64(s.cfg.MaxConns+s.cfg.MaxConns/20+16) {
		s.metrics.admission.WithLabelValues("hard_limit").Inc()
		http.Error(w, "server full", http.StatusServiceUnavailable)
		return
	}
	if h := s.forwardedHost(r); h != "" {
		r.Host = h // the Origin check compares the page's host with this
	}
	c := newConn(s.env)
	proto, err := c.accept(w, r, &websocket.AcceptOptions{
		// Our version first; otherwise echo what the client offered so the
		// upgrade completes and the refusal can be a close code.
		Subprotocols:   append([]string{protocol.Subprotocol}, subprotocols(r)...),
		OriginPatterns: s.cfg.AllowedOrigins,
	})
	if err != nil {
		s.metrics.connAttempts.WithLabelValues("upgrade_failed").Inc()
		return // Accept has written the HTTP error
	}
	s.conns.add(c)
	// The HELLO timer closes with 4000 itself; it runs from the upgrade.
	c.helloTimer = s.late.afterAwake(s.cfg.HelloTimeout, func() {
		s.metrics.connAttempts.WithLabelValues("no_hello").Inc()
		c.close(protocol.CloseBadHandshake, "no HELLO in time")
	})
	if err := s.readers.add(c); err != nil {
		s.log.Error("connection not read", "err", err)
		c.helloTimer.Stop()
		_ = c.raw.SetLinger(0)
		c.finish()
		return
	}
	switch {
	case proto != protocol.Subprotocol:
		s.refuse(c, "bad_version", protocol.CloseBadVersion, "unsupported protocol version; reload the page")
	case s.conns.len() > int64(s.cfg.MaxConns):
		s.metrics.admission.WithLabelValues("server_full").Inc()
		s.refuse(c, "server_full", protocol.CloseServerFull, "server full")
	case s.overloaded(time.Now()):
		s.metrics.admission.WithLabelValues("overloaded").Inc()
		s.refuse(c, "overloaded", protocol.CloseServerFull, "server busy")
	}
	// From here the poller reads the connection: its HELLO starts the
	// handshake (Server.hello), on a goroutine of its own. This goroutine,
	// whose stack grew in the upgrade, ends.
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
	c.helloTimer.Stop()
	c.close(code, reason)
}

// overloaded reports whether new connections are refused (4003) because
// the server cannot keep up: it was late for at least half of the last 5 s
// (a starvation, not one stall), or its hub is a second or more behind the
// wall clock.
func (s *Server) overloaded(now time.Time) bool {
	return s.late.lateIn(now, overloadWindow) >= overloadWindow/2 ||
		s.hub.behind.Load() >= int64(s.cfg.World.TickRate)
}

const overloadWindow = 5 * time.Second

// unavailableReason is the French reason of close 4014, shown to the visitor.
const unavailableReason = "Le salon est momentanément indisponible : nouvel essai dans quelques secondes."

// hello runs a connection's handshake from its first message, on a
// goroutine of its own that holds the connection's reading, then goes on
// reading it.
func (s *Server) hello(c *conn, msg []byte) {
	if s.handshake(c, msg) {
		c.phase, c.confirm = phaseJoined, c.resumed
	} else {
		c.close(protocol.CloseGoingAway, "") // a no-op after the handshake's own close
	}
	c.release() // the connection may depart from here
	c.readOwn()
}

// handshake checks the HELLO, applies the join or resume rate, checks the
// pseudonym, creates or resumes the session in presence and joins the hub
// (all within JoinTimeout). It reports whether the session started; when
// not, the connection is being closed with the refusal's code. The HELLO
// had to come within HelloTimeout of the upgrade, on the awake clock: the
// server's own delays do not count against the client.
func (s *Server) handshake(c *conn, b []byte) bool {
	if !c.helloTimer.Stop() {
		return false // timed out: closing with 4000
	}
	var m protocol.ClientMessage
	if err := protocol.DecodeClient(b, &m); err != nil || m.Type != protocol.TypeHello {
		s.metrics.connAttempts.WithLabelValues("bad_hello").Inc()
		c.close(protocol.CloseBadHandshake, "first message must be HELLO")
		return false
	}
	token := m.Hello.ResumeToken
	// Resumes have a bound of their own: a drained node's visitors come back
	// all at once, and they are no new load.
	limiter, reason := s.joins, "join_rate"
	if token != "" {
		limiter, reason = s.resumes, "resume_rate"
	}
	// A new session that presence cannot create now (Redis not reached
	// yet, or away) is refused before it takes from the fair-wide budget.
	if token == "" && s.store.Ready() != nil {
		s.refusePresence(c, s.store.Ready())
		return false
	}
	if !limiter.Allow(s.ctx) {
		s.metrics.admission.WithLabelValues(reason).Inc()
		s.metrics.connAttempts.WithLabelValues(reason).Inc()
		c.close(protocol.CloseTooManyJoins, "too many new connections, retry soon")
		return false
	}
	// Wall-clock time: a server too late to take the join answers rather
	// than leave the client waiting.
	jctx, cancel := context.WithTimeout(s.ctx, s.cfg.JoinTimeout)
	defer cancel()
	var sess presence.Session
	var err error
	var prog progressJoin
	var cls classJoin
	switch {
	case token == "" && m.Hello.StaffTicket != "": // a member of staff (staff_hello.go)
		display, key, traits, code, why := s.staffHello(jctx, m.Hello.StaffTicket, m.Hello.Colour, m.Hello.Shape)
		if code != 0 {
			s.metrics.connAttempts.WithLabelValues(code.String()).Inc()
			c.close(code, why)
			return false
		}
		prog = progressJoin{id: progress.NewID()}
		traits.Progress = prog.id
		sess, err = s.store.Create(jctx, display, key, traits)
		if err != nil {
			s.refusePresence(c, err)
			return false
		}
	case token == "":
		name, role := testRole(s.cfg.TestRoles, m.Hello.Pseudonym)
		display, key, err := s.pseudo.Check(name)
		if err != nil {
			code, reason := pseudonymRefusal(err)
			s.metrics.connAttempts.WithLabelValues("pseudonym_refused").Inc()
			c.close(code, reason)
			return false
		}
		pj, code, why := s.progressHello(jctx, m.Hello.ProgressKey, key) // progress_join.go
		if code != 0 {
			s.metrics.connAttempts.WithLabelValues(code.String()).Inc()
			c.close(code, why)
			return false
		}
		prog = pj
		traits := presence.Traits{Role: role, Colour: m.Hello.Colour, Shape: m.Hello.Shape, Progress: pj.id}
		sess, err = s.store.Create(jctx, display, key, traits)
		if err != nil {
			s.refusePresence(c, err)
			return false
		}
		if m.Hello.ProgressKey != "" { // a pupil back another day: in their class again
			cls = s.classLookup(jctx, pj.id)
		}
	default:
		sess, err = s.store.Resume(jctx, token)
		if err != nil {
			s.refusePresence(c, err)
			return false
		}
		prog = s.progressResume(jctx, sess)
		if !sess.Traits.Role.Staff() {
			cls = s.classLookup(jctx, prog.id)
		}
	}
	reply := make(chan joinResult, 1)
	var res joinResult
	claim := new(atomic.Int32)
	sent := s.hub.send(jctx, joinCmd{c: c, s: sess, prog: prog, cls: cls, reply: reply, claim: claim})
	if sent {
		select {
		case res = <-reply:
		case <-jctx.Done():
			if claim.CompareAndSwap(joinPending, joinAbandoned) {
				// The hub has not taken the command and never will: the
				// session is ours to release, now.
				sent = false
				release(s.store, sess)
			} else {
				res = <-reply // the hub is joining us right now
			}
		}
	} else {
		release(s.store, sess) // it never reached the hub
	}
	if !sent {
		if s.ctx.Err() == nil { // the hub did not answer in time
			s.metrics.admission.WithLabelValues("join_timeout").Inc()
			s.metrics.connAttempts.WithLabelValues("join_timeout").Inc()
			c.close(protocol.CloseServerFull, "server busy: join timed out")
		}
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

// refusePresence closes a connection whose session presence refused.
func (s *Server) refusePresence(c *conn, err error) {
	var re *presence.ResumeError
	switch {
	case errors.As(err, &re):
		s.metrics.connAttempts.WithLabelValues(protocol.CloseResumeExpired.String()).Inc()
		c.close(protocol.CloseResumeExpired, re.Reason)
	case errors.Is(err, presence.ErrTakenOver):
		s.metrics.connAttempts.WithLabelValues(protocol.CloseTakenOver.String()).Inc()
		c.close(protocol.CloseTakenOver, "session resumed elsewhere")
	case errors.Is(err, presence.ErrTaken):
		s.metrics.connAttempts.WithLabelValues("pseudonym_taken").Inc()
		c.close(protocol.ClosePseudoTaken, "Ce pseudonyme est déjà utilisé : choisis-en un autre.")
	case s.ctx.Err() != nil:
		// Shutting down: the drain closes it.
	default:
		s.log.Warn("presence refused a session", "err", err)
		s.metrics.admission.WithLabelValues("presence_unavailable").Inc()
		s.metrics.connAttempts.WithLabelValues("presence_unavailable").Inc()
		c.close(protocol.CloseServiceUnavailable, unavailableReason)
	}
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
