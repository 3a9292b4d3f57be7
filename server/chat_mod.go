package server

import (
	"context"
	"time"

	"github.com/usine-extraordinaire/fairworld/protocol"
	"github.com/usine-extraordinaire/fairworld/server/chat"
)

// Reports and moderation on the hub (docs/PROTOCOL.md §9, "Reports",
// "Roles and moderation"). An action on an avatar is taken by the node
// that holds it: here at once, or on another node through the bus (RecAct,
// answered by RecDone). Every action goes to the audit log.

// defaultMute is a mute's length when MODERATE says 0 seconds.
const defaultMute = 10 * time.Minute

// report handles CHAT_REPORT: the evidence is taken now, from this node's
// ring, and the report goes to every moderator of the fair.
func (h *hub) report(c *conn, r *protocol.ChatReport) {
	ch := h.chat
	now := time.Now()
	rp := chat.Report{Reason: r.Reason, AtMs: now.UnixMilli(), Reporter: c.sess.prog.st.Name, Avatar: r.Avatar}
	if r.MessageID != 0 {
		m, ok := ch.ring.Find(r.MessageID)
		if !ok || m.At().Before(now.Add(-chat.EvidenceAge)) {
			h.chatErr(c, protocol.ErrUnknownChat, r.Req, "no message %d of the last 5 minutes", r.MessageID)
			return
		}
		rp.Avatar, rp.Name, rp.Who, rp.Progress, rp.MessageID = m.Avatar, m.Name, m.Who, m.Progress, m.ID
		rp.Evidence = ch.ring.Evidence(m, ch.radius, now)
	} else {
		id, ok := h.world.Identity(r.Avatar)
		if !ok || r.Avatar == c.avatar {
			h.chatErr(c, protocol.ErrUnknownChat, r.Req, "no avatar %d", r.Avatar)
			return
		}
		rp.Name = id.Name
		if tc := h.conns[r.Avatar]; tc != nil && tc.sess != nil && tc.sess.prog != nil {
			rp.Who, rp.Progress = tc.sess.prog.st.Who, tc.sess.prog.st.ID
		}
		if m, ok := ch.ring.LastBy(r.Avatar); ok {
			if rp.Who == "" {
				rp.Who, rp.Progress = m.Who, m.Progress
			}
			rp.Evidence = ch.ring.Evidence(m, ch.radius, now)
		}
	}
	rp.ID = ch.ids.Next()
	ch.m.reports.Inc()
	h.reportMade(rp)
	saved := rp
	ch.store("report", func(ctx context.Context, st chat.Store) error { return st.SaveReport(ctx, saved) })
	ch.publish(chat.Record{Kind: chat.RecReport, Report: &saved})
	h.deliverTo(c, protocol.Moderated{Req: r.Req})
}

// actor is who asks a moderation action.
type actor struct {
	node   uint64
	avatar uint32
	req    uint32
	name   string
	role   protocol.Role
	group  uint32 // a teacher's class
}

func actorOf(r *chat.Record) actor {
	return actor{node: r.ActorNode, avatar: r.ActorAvatar, req: r.Req, name: r.ActorName, role: r.ActorRole, group: r.ActorGroup}
}

// chatClass handles CHAT_CLASS, a teacher's settings of their class.
func (h *hub) chatClass(c *conn, m *protocol.ChatClass) {
	ch := h.chat
	sp := h.speakerOf(c)
	if sp.role != protocol.RoleTeacher || sp.group == 0 {
		h.chatErr(c, protocol.ErrNotStaff, m.Req, "only a class's teacher sets its chat")
		return
	}
	now := time.Now()
	s := chat.ClassSettings{Off: !m.ClassOn, NearbyFree: m.NearbyFree}
	ch.setClass(sp.group, s, now)
	h.classChanged(sp.group, now)
	g := sp.group
	ch.store("class", func(ctx context.Context, st chat.Store) error { return st.SetClass(ctx, g, s) })
	ch.publish(chat.Record{Kind: chat.RecClass, Group: g, Class: s})
	detail := "class off"
	if m.ClassOn {
		detail = "class on"
	}
	if m.NearbyFree {
		detail += ", nearby free text"
	}
	h.audit(chat.AuditEntry{AtMs: now.UnixMilli(), Actor: sp.name, ActorRole: sp.role, Group: g, Detail: detail})
	ch.m.actions.WithLabelValues("class").Inc()
	h.deliverTo(c, protocol.Moderated{Req: m.Req})
}

func (h *hub) audit(e chat.AuditEntry) {
	h.chat.store("audit", func(ctx context.Context, st chat.Store) error { return st.Audit(ctx, e) })
}

// moderate handles MODERATE.
func (h *hub) moderate(c *conn, m *protocol.Moderate) {
	ch := h.chat
	sp := h.speakerOf(c)
	now := time.Now()
	a := actor{node: ch.node, avatar: c.avatar, req: m.Req, name: sp.name, role: sp.role, group: sp.group}
	teacherMay := sp.role == protocol.RoleTeacher && sp.group != 0 && (m.Action == protocol.ModMute || m.Action == protocol.ModUnmute)
	if !isModerator(sp.role) && !teacherMay {
		h.chatErr(c, protocol.ErrNotStaff, m.Req, "action %d needs a moderator", m.Action)
		return
	}
	switch m.Action {
	case protocol.ModRemove:
		msg, ok := ch.ring.Find(m.MessageID)
		if !ok {
			msg, ok = ch.reported(m.MessageID)
		}
		if !ok {
			h.chatErr(c, protocol.ErrUnknownChat, m.Req, "no message %d", m.MessageID)
			return
		}
		h.chatRemoved(&msg)
		ch.publish(chat.Record{Kind: chat.RecRemoved, Msg: &msg})
		if msg.Channel == protocol.ChannelClass {
			g, id := msg.Group, msg.ID
			ch.store("remove", func(ctx context.Context, st chat.Store) error { return st.RemoveClass(ctx, g, id) })
		}
		h.audit(chat.AuditEntry{AtMs: now.UnixMilli(), Actor: a.name, ActorRole: a.role, Action: m.Action, Target: msg.Name, MessageID: msg.ID, Group: msg.Group})
		h.modAnswer(c, m.Req, m.Action, 0)
	case protocol.ModCloseReport:
		h.reportClosed(m.ReportID)
		id := m.ReportID
		ch.store("close_report", func(ctx context.Context, st chat.Store) error { return st.CloseReport(ctx, id) })
		ch.publish(chat.Record{Kind: chat.RecReportClosed, ID: id})
		h.audit(chat.AuditEntry{AtMs: now.UnixMilli(), Actor: a.name, ActorRole: a.role, Action: m.Action, ReportID: id})
		h.modAnswer(c, m.Req, m.Action, 0)
	case protocol.ModMute, protocol.ModUnmute, protocol.ModKick, protocol.ModBan:
		if tc := h.conns[m.Avatar]; tc != nil && tc.sess != nil && tc.sess.prog != nil {
			h.modAnswer(c, m.Req, m.Action, h.act(tc, a, m.Action, m.Seconds, now))
			return
		}
		_, known := h.world.Identity(m.Avatar)
		if !known {
			_, known = ch.ring.LastBy(m.Avatar) // spoke in the last 5 minutes: a report's avatar
		}
		if !known || ch.cfg.Bus == nil {
			h.chatErr(c, protocol.ErrUnknownChat, m.Req, "no avatar %d", m.Avatar)
			return
		}
		// Another node holds it: that node acts and answers (RecDone).
		ch.publish(chat.Record{Kind: chat.RecAct, Avatar: m.Avatar, Action: m.Action, Seconds: m.Seconds, Req: m.Req,
			ActorNode: a.node, ActorAvatar: a.avatar, ActorName: a.name, ActorRole: a.role, ActorGroup: a.group})
	default:
		h.chatErr(c, protocol.ErrUnknownChat, m.Req, "no action %d", m.Action)
	}
}

// reported finds a message in the evidence of the open reports.
func (ch *chatHub) reported(id uint64) (chat.Message, bool) {
	for _, r := range ch.reports {
		for _, m := range r.Evidence {
			if m.ID == id {
				return m, true
			}
		}
	}
	return chat.Message{}, false
}

// act takes a mute, unmute, kick or ban on this node's connection tc; 0
// when taken, else the error code for the actor.
func (h *hub) act(tc *conn, a actor, action protocol.ModAction, seconds uint32, now time.Time) protocol.ErrorCode {
	ch := h.chat
	st := tc.sess.prog.st
	if !isModerator(a.role) {
		// A teacher: only the pupils of their class, only mutes.
		if a.role != protocol.RoleTeacher || a.group == 0 || st.Group != a.group || (action != protocol.ModMute && action != protocol.ModUnmute) {
			return protocol.ErrNotStaff
		}
	}
	who, progress, name := st.Who, st.ID, st.Name
	entry := chat.AuditEntry{AtMs: now.UnixMilli(), Actor: a.name, ActorRole: a.role, Action: action, Target: name, Group: st.Group}
	switch action {
	case protocol.ModMute, protocol.ModUnmute:
		var until time.Time
		if action == protocol.ModMute {
			d := defaultMute
			if seconds > 0 {
				d = time.Duration(seconds) * time.Second
			}
			until = now.Add(d)
			entry.Seconds = uint32(d / time.Second)
		}
		ch.setMute(who, until, now)
		ch.store("mute", func(ctx context.Context, s chat.Store) error { return s.SetMute(ctx, who, until) })
		var ms int64
		if !until.IsZero() {
			ms = until.UnixMilli()
		}
		ch.publish(chat.Record{Kind: chat.RecMute, Who: who, UntilMs: ms})
		h.deliverTo(tc, h.chatState(tc, now))
	case protocol.ModKick:
		h.endSession(tc, protocol.CloseKicked, kickedReason)
	case protocol.ModBan:
		until := now.Add(chat.BanFor)
		ch.bans[chat.WhoKey(who)] = until
		ch.bans[chat.ProgressKey(progress)] = until
		ch.store("ban", func(ctx context.Context, s chat.Store) error { return s.SetBan(ctx, who, progress, until) })
		ch.publish(chat.Record{Kind: chat.RecBan, Who: who, Progress: progress, UntilMs: until.UnixMilli()})
		h.endSession(tc, protocol.CloseBanned, bannedReason)
	}
	ch.m.actions.WithLabelValues(modName(action)).Inc()
	h.audit(entry)
	return 0
}

// modAnswer answers an actor of this node: MODERATED, or the error.
func (h *hub) modAnswer(c *conn, req uint32, action protocol.ModAction, code protocol.ErrorCode) {
	if code != 0 {
		h.chatErr(c, code, req, "action %s refused", modName(action))
		return
	}
	h.deliverTo(c, protocol.Moderated{Req: req, Action: action})
}

func modName(a protocol.ModAction) string {
	switch a {
	case protocol.ModRemove:
		return "remove"
	case protocol.ModMute:
		return "mute"
	case protocol.ModUnmute:
		return "unmute"
	case protocol.ModKick:
		return "kick"
	case protocol.ModBan:
		return "ban"
	case protocol.ModCloseReport:
		return "close_report"
	}
	return "other"
}
