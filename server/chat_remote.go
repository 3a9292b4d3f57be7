package server

import (
	"fmt"
	"time"

	"github.com/usine-extraordinaire/fairworld/protocol"
	"github.com/usine-extraordinaire/fairworld/server/chat"
)

// What the other nodes of the fair publish on the chat bus, applied by the
// hub each round, and the fair's state the chat worker reads again.

// chatRound applies what the other nodes published, and forgets old
// messages once a second. The hub calls it every round.
func (h *hub) chatRound(now time.Time) {
	ch := h.chat
	if ch.cfg.Bus != nil {
		ch.recs = ch.cfg.Bus.Drain(ch.recs[:0])
		for i := range ch.recs {
			h.chatRecord(&ch.recs[i], now)
		}
		clear(ch.recs)
	}
	if h.world.Tick()%uint32(h.cfg.tickRate) == 0 {
		ch.ring.Expire(now)
	}
}

// chatRecord applies one record of another node.
func (h *hub) chatRecord(r *chat.Record, now time.Time) {
	ch := h.chat
	switch r.Kind {
	case chat.RecMessage:
		if r.Msg != nil {
			ch.ring.Add(*r.Msg)
			h.chatDeliver(r.Msg)
		}
	case chat.RecRemoved:
		if r.Msg != nil {
			h.chatRemoved(r.Msg)
		}
	case chat.RecMute:
		ch.setMute(r.Who, time.UnixMilli(r.UntilMs), now)
	case chat.RecBan:
		until := time.UnixMilli(r.UntilMs)
		ch.bans[chat.WhoKey(r.Who)] = until
		if r.Progress != "" {
			ch.bans[chat.ProgressKey(r.Progress)] = until
		}
	case chat.RecAct:
		if c := h.conns[r.Avatar]; c != nil && c.sess != nil && c.sess.prog != nil {
			actor := actorOf(r)
			code := h.act(c, actor, r.Action, r.Seconds, now)
			ch.publish(chat.Record{Kind: chat.RecDone, Req: r.Req, Action: r.Action, ActorNode: r.ActorNode, ActorAvatar: r.ActorAvatar, Code: uint16(code)})
		}
	case chat.RecDone:
		if r.ActorNode == ch.node {
			if c := h.conns[r.ActorAvatar]; c != nil {
				h.modAnswer(c, r.Req, r.Action, protocol.ErrorCode(r.Code))
			}
		}
	case chat.RecClass:
		ch.setClass(r.Group, r.Class, now)
		h.classChanged(r.Group, now)
	case chat.RecReport:
		if r.Report != nil {
			h.reportMade(*r.Report)
		}
	case chat.RecReportClosed:
		h.reportClosed(r.ID)
	case chat.RecErase:
		ch.ring.EraseWho(r.Who)
	}
}

// chatStateLoaded: the worker read the fair's mutes, bans and class
// settings again, from readAt. They replace this node's, but for the
// mutes and settings changed here since readAt; bans are added (none is
// lifted).
func (h *hub) chatStateLoaded(st chat.State, readAt, now time.Time) {
	ch := h.chat
	mutes := st.Mutes
	for k, t := range ch.mutes {
		if ch.touched["m"+k].After(readAt) {
			mutes[k] = t
		}
	}
	classes := st.Classes
	for g, s := range ch.classes {
		if ch.touched[fmt.Sprint("c", g)].After(readAt) {
			classes[g] = s
		}
	}
	for k, t := range ch.touched {
		switch {
		case !t.After(readAt):
			delete(ch.touched, k)
		case k[0] == 'm':
			if _, ok := ch.mutes[k[1:]]; !ok {
				delete(mutes, k[1:]) // unmuted here since
			}
		}
	}
	changed := map[uint32]bool{}
	for g, s := range classes {
		if ch.classes[g] != s {
			changed[g] = true
		}
	}
	ch.classes, ch.mutes = classes, mutes
	for k, t := range st.Bans {
		if t.After(ch.bans[k]) {
			ch.bans[k] = t
		}
	}
	for k, t := range ch.bans {
		if !t.After(now) {
			delete(ch.bans, k)
		}
	}
	for g := range changed {
		h.classChanged(g, now)
	}
	// Close this node's sessions a ban of another node named.
	for _, hs := range h.sessions {
		if hs.prog != nil && ch.banned(hs.prog.st.Who, hs.prog.st.ID, now) {
			h.endSession(hs.conn, protocol.CloseBanned, bannedReason)
		}
	}
}
