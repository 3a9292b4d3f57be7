package server

import (
	"context"
	"fmt"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/usine-extraordinaire/fairworld/protocol"
	"github.com/usine-extraordinaire/fairworld/server/chat"
)

// The chat on the hub (docs/PROTOCOL.md §9). The hub decides who gets a
// message, because it owns what that needs: the world's groups and
// viewers, the sessions' pseudonyms and roles. It never waits: the filter
// and the ring are memory, and what waits on Redis (the class history,
// reports, mutes, bans, the audit log, the bus to the other nodes) is a
// job for the chat worker (chat_work.go), through a bounded queue. A
// connection that does not chat costs nothing here: no entry in any map
// unless it is in a class, a moderator, or muted.

// chatHub is the hub's part of the chat. Owned by the hub goroutine.
type chatHub struct {
	cfg     ChatConfig
	node    uint64
	radius  float64 // the view radius: a nearby message's evidence area
	ring    *chat.Ring
	ids     *chat.IDs // safe for concurrent use: the worker uses it too
	work    chan chatJob
	recs    []chat.Record // the bus's drain buffer
	mutes   map[string]time.Time
	bans    map[string]time.Time
	classes map[uint32]chat.ClassSettings
	members map[uint32]map[uint32]*conn // group -> its members on this node
	mods    map[uint32]*conn            // this node's moderators
	reports map[uint64]chat.Report      // the open reports this node knows
	// touched is when a mute ("m"+who key) or a class's settings
	// ("c"+group) last changed here: a reload of the store's state read
	// before it does not undo it.
	touched map[string]time.Time
	m       *chatMetrics
}

// chatJob is work for the chat worker, which may wait on the store and the
// bus; it must not touch the hub's state (it hands results back with
// commands).
type chatJob func(ctx context.Context, s *Server)

// chatSess is what the hub keeps of a session for the chat, made at its
// first need.
type chatMetrics struct {
	said     *prometheus.CounterVec // channel
	refused  *prometheus.CounterVec // reason
	blocked  *prometheus.CounterVec // filter reason
	actions  *prometheus.CounterVec // action
	reports  prometheus.Counter
	rates    prometheus.Counter
	workDrop prometheus.Counter
	failed   *prometheus.CounterVec // job
}

func newChatMetrics(reg prometheus.Registerer) (*chatMetrics, error) {
	vec := func(name, help, label string) *prometheus.CounterVec {
		return prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: "fair", Subsystem: "chat", Name: name, Help: help}, []string{label})
	}
	m := &chatMetrics{
		said:    vec("messages_total", "Chat messages said on this node and delivered, by channel.", "channel"),
		refused: vec("refusals_total", "Chat messages refused, by error (chat_muted, chat_closed, chat_not_allowed, …).", "reason"),
		blocked: vec("blocked_total", "Free texts the filter blocked (they reached nobody), by reason.", "reason"),
		actions: vec("moderation_total", "Moderation actions taken on this node's avatars or asked here, by action.", "action"),
		reports: prometheus.NewCounter(prometheus.CounterOpts{Namespace: "fair", Subsystem: "chat", Name: "reports_total",
			Help: "Reports made on this node."}),
		rates: prometheus.NewCounter(prometheus.CounterOpts{Namespace: "fair", Subsystem: "chat", Name: "rates_total",
			Help: "Connections that made their chat rate limiter (at their first chat message: one that never chats makes none)."}),
		workDrop: prometheus.NewCounter(prometheus.CounterOpts{Namespace: "fair", Subsystem: "chat", Name: "work_drops_total",
			Help: "Chat jobs (store writes, bus publishes, history reads) dropped because the chat worker's queue was full."}),
		failed: vec("work_failures_total", "Chat jobs that failed on the store or the bus, by job.", "job"),
	}
	for _, c := range []prometheus.Collector{m.said, m.refused, m.blocked, m.actions, m.reports, m.rates, m.workDrop, m.failed} {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	return m, nil
}

func newChatHub(cfg ChatConfig, node uint64, radius float64, m *chatMetrics) *chatHub {
	return &chatHub{
		cfg: cfg, node: node, radius: radius, m: m,
		ring: chat.NewRing(cfg.RingSize), ids: &chat.IDs{},
		work:    make(chan chatJob, cfg.WorkQueue),
		mutes:   map[string]time.Time{},
		bans:    map[string]time.Time{},
		classes: map[uint32]chat.ClassSettings{},
		members: map[uint32]map[uint32]*conn{},
		mods:    map[uint32]*conn{},
		reports: map[uint64]chat.Report{},
		touched: map[string]time.Time{},
	}
}

// setMute records a mute (a zero until lifts it), as of now.
func (ch *chatHub) setMute(who string, until, now time.Time) {
	k := chat.WhoKey(who)
	if until.After(now) {
		ch.mutes[k] = until
	} else {
		delete(ch.mutes, k)
	}
	ch.touched["m"+k] = now
}

// setClass records a class's settings, as of now.
func (ch *chatHub) setClass(group uint32, s chat.ClassSettings, now time.Time) {
	ch.classes[group] = s
	ch.touched[fmt.Sprint("c", group)] = now
}

// job hands work to the chat worker without waiting; a full queue drops it
// (counted).
func (ch *chatHub) job(j chatJob) {
	select {
	case ch.work <- j:
	default:
		ch.m.workDrop.Inc()
	}
}

// publish sends records to the other nodes (by the worker).
func (ch *chatHub) publish(recs ...chat.Record) {
	if ch.cfg.Bus == nil {
		return
	}
	ch.job(func(ctx context.Context, s *Server) {
		if err := ch.cfg.Bus.Publish(ctx, recs); err != nil {
			ch.m.failed.WithLabelValues("publish").Inc()
		}
	})
}

// store runs a store write on the worker; its failure is counted.
func (ch *chatHub) store(what string, f func(ctx context.Context, st chat.Store) error) {
	ch.job(func(ctx context.Context, s *Server) {
		if err := f(ctx, ch.cfg.Store); err != nil {
			ch.m.failed.WithLabelValues(what).Inc()
			s.log.Warn("chat store", "job", what, "err", err)
		}
	})
}

// chatErr answers a refused chat message.
func (h *hub) chatErr(c *conn, code protocol.ErrorCode, ref uint32, format string, args ...any) {
	h.chat.m.refused.WithLabelValues(code.String()).Inc()
	h.deliverTo(c, protocol.ErrorEvent{Code: code, Ref: ref, Message: fmt.Sprintf(format, args...)})
}

// speaker is who a connection speaks as.
type speaker struct {
	who, progress string
	name          string
	role          protocol.Role
	group         uint32
}

func (h *hub) speakerOf(c *conn) speaker {
	st := c.sess.prog.st
	sp := speaker{who: st.Who, progress: st.ID, name: st.Name, group: st.Group}
	if id, ok := h.world.Identity(c.avatar); ok {
		sp.role = id.Role
	}
	return sp
}

func isModerator(r protocol.Role) bool {
	return r == protocol.RoleModerator || r == protocol.RoleOrganiser
}

// muted is when who's mute ends, zero when none.
func (ch *chatHub) muted(who string, now time.Time) time.Time {
	k := chat.WhoKey(who)
	t, ok := ch.mutes[k]
	if ok && !t.After(now) {
		delete(ch.mutes, k)
		return time.Time{}
	}
	return t
}

// say handles CHAT_SAY (phrase 0) and CHAT_QUICK.
func (h *hub) say(c *conn, req uint32, chn protocol.Channel, text string, phrase uint8) {
	ch := h.chat
	now := time.Now()
	sp := h.speakerOf(c)
	if t := ch.muted(sp.who, now); !t.IsZero() {
		h.chatErr(c, protocol.ErrChatMuted, req, "muted until %s", t.UTC().Format(time.RFC3339))
		return
	}
	msg := chat.Message{Channel: chn, Avatar: c.avatar, Name: sp.name, Role: sp.role, Who: sp.who, Progress: sp.progress, AtMs: now.UnixMilli()}
	settings := ch.classes[sp.group]
	switch chn {
	case protocol.ChannelClass:
		if sp.group == 0 {
			h.chatErr(c, protocol.ErrChatClosed, req, "not in a class")
			return
		}
		if settings.Off {
			h.chatErr(c, protocol.ErrChatClosed, req, "the teacher turned the class channel off")
			return
		}
		msg.Group = sp.group
	case protocol.ChannelNearby:
		if phrase == 0 {
			if sp.group == 0 || !settings.NearbyFree {
				h.chatErr(c, protocol.ErrChatNotAllowed, req, "nearby chat is quick phrases only")
				return
			}
			msg.Group = sp.group // free text nearby reaches the class only
		}
	default:
		h.chatErr(c, protocol.ErrChatUnavailable, req, "channel %d is not open", chn)
		return
	}
	if phrase != 0 {
		if _, ok := protocol.QuickPhrase(phrase); !ok {
			h.chatErr(c, protocol.ErrChatBadText, req, "no quick phrase %d", phrase)
			return
		}
		msg.Phrase = phrase
	} else {
		t, err := chat.CleanText(text)
		if err != nil {
			h.chatErr(c, protocol.ErrChatBadText, req, "%v", err)
			return
		}
		if v := ch.cfg.Filter.Check(t); v.Blocked() {
			ch.m.blocked.WithLabelValues(v.Reason).Inc()
			h.deliverTo(c, protocol.ChatBlocked{Req: req, Reason: v.Reason, Hint: v.Hint})
			return
		}
		msg.Text = t
	}
	if p, ok := h.world.Position(c.avatar); ok {
		msg.X, msg.Y = p.X, p.Y
	}
	msg.ID = ch.ids.Next()
	ch.ring.Add(msg)
	h.chatDeliver(&msg)
	ch.publish(chat.Record{Kind: chat.RecMessage, Msg: &msg})
	if chn == protocol.ChannelClass {
		m := msg
		ch.store("append", func(ctx context.Context, st chat.Store) error { return st.AppendClass(ctx, m) })
	}
}

// chatDeliver gives a message, of this node or another, to this node's
// visitors in its channel.
func (h *hub) chatDeliver(m *chat.Message) {
	ch := h.chat
	var ev protocol.Event = m.Event(false) // boxed once for all its recipients
	n := 0
	switch {
	case m.Channel == protocol.ChannelClass:
		for _, c := range ch.members[m.Group] {
			h.deliverTo(c, ev)
			n++
		}
	default: // nearby: the speaker and who sees it (of its class only, for a free text)
		if c := h.conns[m.Avatar]; c != nil {
			h.deliverTo(c, ev)
			n++
		}
		h.world.Viewers(m.Avatar, func(v uint32) {
			c := h.conns[v]
			if c == nil || c.sess == nil || c.sess.prog == nil {
				return
			}
			if m.Group != 0 && c.sess.prog.st.Group != m.Group {
				return
			}
			h.deliverTo(c, ev)
			n++
		})
	}
	ch.m.said.WithLabelValues(channelName(m.Channel)).Add(float64(n))
}

func channelName(c protocol.Channel) string {
	switch c {
	case protocol.ChannelClass:
		return "class"
	case protocol.ChannelNearby:
		return "nearby"
	}
	return "other"
}

// chatRemoved hides a message from this node's visitors of its channel.
func (h *hub) chatRemoved(m *chat.Message) {
	ch := h.chat
	ch.ring.Remove(m.ID)
	var ev protocol.Event = protocol.ChatRemoved{ID: m.ID}
	if m.Channel == protocol.ChannelClass {
		for _, c := range ch.members[m.Group] {
			h.deliverTo(c, ev)
		}
		return
	}
	if c := h.conns[m.Avatar]; c != nil {
		h.deliverTo(c, ev)
	}
	h.world.Viewers(m.Avatar, func(v uint32) {
		if c := h.conns[v]; c != nil {
			h.deliverTo(c, ev)
		}
	})
}

// chatState is c's CHAT_STATE.
func (h *hub) chatState(c *conn, now time.Time) protocol.ChatState {
	st := c.sess.prog.st
	s := h.chat.classes[st.Group]
	ev := protocol.ChatState{ClassOn: !s.Off, NearbyFree: st.Group != 0 && s.NearbyFree}
	if t := h.chat.muted(st.Who, now); !t.IsZero() {
		ev.MutedUntil = uint32(t.Unix())
	}
	return ev
}

// chatJoined: a session joined (after its progress). A banned pseudonym
// or progress is refused (4020); a class member gets the class's state
// and history, a moderator the open reports.
func (h *hub) chatJoined(c *conn) joinResult {
	ch := h.chat
	st := c.sess.prog.st
	now := time.Now()
	if ch.banned(st.Who, st.ID, now) {
		return joinResult{code: protocol.CloseBanned, reason: bannedReason}
	}
	if id, ok := h.world.Identity(c.avatar); ok && isModerator(id.Role) {
		ch.mods[c.avatar] = c
		avatar := c.avatar
		ch.job(func(ctx context.Context, s *Server) { s.sendOpenReports(ctx, avatar) })
	}
	if st.Group != 0 {
		h.chatEnterClass(c, st.Group, now)
	} else if !ch.muted(st.Who, now).IsZero() {
		h.deliverTo(c, h.chatState(c, now))
	}
	return joinResult{}
}

const (
	bannedReason = "Tu as été exclu du salon par la modération."
	kickedReason = "La modération a mis fin à ta visite."
)

func (ch *chatHub) banned(who, progress string, now time.Time) bool {
	for _, k := range [...]string{chat.WhoKey(who), chat.ProgressKey(progress)} {
		if t, ok := ch.bans[k]; ok && t.After(now) {
			return true
		}
	}
	return false
}

// chatEnterClass makes c a member of group here: its CHAT_STATE, and the
// class's history read by the worker.
func (h *hub) chatEnterClass(c *conn, group uint32, now time.Time) {
	ch := h.chat
	ms := ch.members[group]
	if ms == nil {
		ms = map[uint32]*conn{}
		ch.members[group] = ms
	}
	ms[c.avatar] = c
	h.deliverTo(c, h.chatState(c, now))
	avatar := c.avatar
	ch.job(func(ctx context.Context, s *Server) { s.sendHistory(ctx, avatar, group) })
}

// chatLeaveClass removes avatar from its group's members here.
func (ch *chatHub) leaveClass(avatar, group uint32) {
	if ms := ch.members[group]; ms != nil {
		delete(ms, avatar)
		if len(ms) == 0 {
			delete(ch.members, group)
		}
	}
}

// chatGroup: a local avatar's class changed (SetGroup).
func (h *hub) chatGroup(c *conn, old, group uint32) {
	if old != 0 {
		h.chat.leaveClass(c.avatar, old)
	}
	if group != 0 {
		h.chatEnterClass(c, group, time.Now())
	}
}

// chatDropped: a session leaves this node.
func (h *hub) chatDropped(hs *hubSession) {
	ch := h.chat
	delete(ch.mods, hs.avatar)
	if hs.prog != nil && hs.prog.st.Group != 0 {
		ch.leaveClass(hs.avatar, hs.prog.st.Group)
	}
}

// classChanged sends the class's members here their new CHAT_STATE.
func (h *hub) classChanged(group uint32, now time.Time) {
	for _, c := range h.chat.members[group] {
		h.deliverTo(c, h.chatState(c, now))
	}
}

// reportMade keeps a report and gives it to this node's moderators.
func (h *hub) reportMade(r chat.Report) {
	ch := h.chat
	ch.reports[r.ID] = r
	if len(ch.reports) > maxKnownReports {
		oldest := r
		for _, o := range ch.reports {
			if o.AtMs < oldest.AtMs {
				oldest = o
			}
		}
		delete(ch.reports, oldest.ID)
	}
	var ev protocol.Event = r.Event()
	for _, c := range ch.mods {
		h.deliverTo(c, ev)
	}
}

// maxKnownReports bounds the open reports a node keeps in memory (the
// store keeps them all).
const maxKnownReports = 4096

func (h *hub) reportClosed(id uint64) {
	delete(h.chat.reports, id)
	var ev protocol.Event = protocol.ReportClosed{ID: id}
	for _, c := range h.chat.mods {
		h.deliverTo(c, ev)
	}
}

// endSession ends c's session (its pseudonym is free, its token void) and
// closes it with code.
func (h *hub) endSession(c *conn, code protocol.CloseCode, reason string) {
	hs := c.sess
	h.drop(hs)
	delete(h.prog.parked, hs.ref.ID)
	h.store.End(hs.ref)
	c.close(code, reason)
}
