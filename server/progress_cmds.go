package server

import (
	"time"

	"github.com/usine-extraordinaire/fairworld/protocol"
	"github.com/usine-extraordinaire/fairworld/server/presence"
	"github.com/usine-extraordinaire/fairworld/server/progress"
)

// progressCommand turns a progress message (ANSWER, QUESTIONNAIRE,
// GET_PROGRESS, GET_LEADERBOARD, SHARE, UNSHARE, ERASE) into its hub
// command; nil for any other type. The read loop's one hook into this
// feature.
func progressCommand(c *conn, m *protocol.ClientMessage) command {
	switch m.Type {
	case protocol.TypeAnswer:
		return answerCmd{c: c, a: m.Answer}
	case protocol.TypeQuestionnaire:
		return questionnaireCmd{c: c, a: m.Questionnaire}
	case protocol.TypeGetProgress:
		return requestCmd{c: c, kind: jobProgress, req: m.GetProgress.Req}
	case protocol.TypeGetLeaderboard:
		return requestCmd{c: c, kind: jobLeaderboard, req: m.GetLeaderboard.Req, scope: m.GetLeaderboard.Scope}
	case protocol.TypeShare:
		return requestCmd{c: c, kind: jobShare, req: m.Share.Req, badge: m.Share.Badge}
	case protocol.TypeUnshare:
		return requestCmd{c: c, kind: jobUnshare, req: m.Share.Req, badge: m.Share.Badge}
	case protocol.TypeErase:
		return requestCmd{c: c, kind: jobErase, req: m.Erase.Req}
	}
	return classCommand(c, m) // class_cmds.go; nil for none
}

type answerCmd struct {
	c *conn
	a protocol.Answer
}

func (a answerCmd) run(h *hub) {
	h.m.inputs.WithLabelValues("answer").Inc()
	if h.owns(a.c) {
		h.answer(a.c, &a.a)
	}
}

type questionnaireCmd struct {
	c *conn
	a protocol.QuestionnaireAnswers
}

func (q questionnaireCmd) run(h *hub) {
	h.m.inputs.WithLabelValues("questionnaire").Inc()
	if h.owns(q.c) {
		h.questionnaire(q.c, &q.a)
	}
}

// requestCmd is a request about the visitor's progress: answered by the
// hub (GET_PROGRESS) or handed to the progress workers, which wait on the
// store.
type requestCmd struct {
	c     *conn
	kind  jobKind
	req   uint32
	scope protocol.Scope
	badge string
}

func (r requestCmd) run(h *hub) {
	h.m.inputs.WithLabelValues(r.kind.String()).Inc()
	if !h.owns(r.c) {
		return
	}
	p := h.prog
	sp := r.c.sess.prog
	st := sp.st
	if r.kind != jobErase && !sp.requests.take(time.Now(), p.cfg.RequestRate, p.cfg.RequestBurst) {
		h.progErr(r.c, protocol.ErrTooFast, r.req, "%s requests faster than %g a second", r.kind, p.cfg.RequestRate)
		return
	}
	j := progressJob{kind: r.kind, c: r.c, avatar: r.c.avatar, req: r.req, id: st.ID, who: st.Who, name: st.Name, group: st.Group, badge: r.badge, scope: r.scope}
	switch r.kind {
	case jobProgress:
		h.sendProgress(r.c)
		return
	case jobLeaderboard:
		if r.scope == protocol.ScopeGroup && st.Group == 0 {
			h.progErr(r.c, protocol.ErrNoGroup, r.req, "not in a class group")
			return
		}
		if r.scope != protocol.ScopeGroup {
			j.group = 0
		}
		j.ranked = st.KeyHash != ""
	case jobShare, jobUnshare:
		b, i, ok := p.cat.Badge(r.badge)
		earned, at := false, uint32(0)
		if ok {
			earned, at = st.HasBadge(i)
		}
		if !earned {
			h.progErr(r.c, protocol.ErrNotEarned, r.req, "badge %q not earned", r.badge)
			return
		}
		j.badge, j.at = b.ID, at
	case jobErase:
		// Nothing more may be written for this progress: the session ends
		// when the erasure is done (erasedCmd).
		sp.reading = -1
	}
	select {
	case p.work <- j:
	default:
		h.progErr(r.c, protocol.ErrRateLimited, r.req, "progress workers busy")
	}
}

// erasedCmd: the progress of c's session is erased; the session ends
// (its pseudonym is free, its token void) and the connection closes with
// 4015.
type erasedCmd struct {
	c   *conn
	err error
	req uint32
}

func (e erasedCmd) run(h *hub) {
	if !h.owns(e.c) {
		return
	}
	if e.err != nil {
		h.progErr(e.c, protocol.ErrUnavailable, e.req, "erasing failed, retry: %v", e.err)
		return
	}
	hs := e.c.sess
	h.drop(hs)
	delete(h.prog.parked, hs.ref.ID)
	h.store.End(hs.ref)
	e.c.close(protocol.CloseErased, "Tes données ont été effacées.")
}

// progressFor is the progress a joining session starts with: what the
// gateway loaded from the store (prog), merged with what this node still
// holds of a session it had detached (parked). ok is false when the store
// could not be read and this node holds nothing: the join is refused
// (4014) rather than start from nothing.
func (h *hub) progressFor(s presence.Session, jp progressJoin) (*sessProgress, bool) {
	p := h.prog
	pk, parked := p.parked[s.ID]
	delete(p.parked, s.ID)
	var sp *sessProgress
	switch {
	case parked && jp.rec != nil:
		pk.sp.st.Merge(p.cat, jp.rec)
		sp = pk.sp
	case parked:
		sp = pk.sp
	case jp.rec != nil:
		sp = newSessProgress(progress.FromRecord(p.cat, jp.rec, s.Key, s.Display))
	case jp.err != nil:
		return nil, false
	default:
		sp = newSessProgress(progress.NewState(p.cat, jp.id, s.Key, s.Display))
	}
	sp.st.Who, sp.st.Name = s.Key, s.Display
	return sp, true
}

// progressJoined attaches the progress to the joined connection and sends
// it whole (the first PROGRESS after WELCOME).
func (h *hub) progressJoined(c *conn, sp *sessProgress) {
	c.sess.prog = sp
	h.sendProgress(c)
}

// progressDropped keeps a detached session's progress for a resume here.
func (h *hub) progressDropped(hs *hubSession) {
	if hs.prog != nil {
		hs.prog.reading = -1
		h.prog.parked[hs.ref.ID] = parkedProgress{sp: hs.prog, at: time.Now()}
		hs.prog = nil
	}
}
