package server

import (
	"time"

	"github.com/usine-extraordinaire/fairworld/protocol"
	"github.com/usine-extraordinaire/fairworld/server/chat"
)

// chatCommand turns a chat message into its hub command (the read loop's
// one hook into the chat); ok is false for a type that is not the chat's.
// The chat rate is applied here, on the reader, before the hub: a flood
// costs the hub one error, then nothing for 30 s.
func chatCommand(c *conn, m *protocol.ClientMessage) (cmd command, ok bool) {
	var req uint32
	switch m.Type {
	case protocol.TypeChatSay:
		req = m.ChatSay.Req
	case protocol.TypeChatQuick:
		req = m.ChatQuick.Req
	case protocol.TypeChatReport:
		req = m.ChatReport.Req
	case protocol.TypeChatClass:
		return chatClassCmd{c: c, m: m.ChatClass}, true
	case protocol.TypeModerate:
		return moderateCmd{c: c, m: m.Moderate}, true
	default:
		return nil, false
	}
	if c.chatGate == nil {
		c.chatGate = new(chat.Gate) // at the first chat message only
		c.env.chatRates.Inc()
	}
	switch c.chatGate.Allow(time.Now()) {
	case chat.GateFlood:
		c.env.metrics.drops.WithLabelValues("chat_rate").Inc()
		return c.errorCmd(protocol.ErrChatRateLimited, req, "chat faster than 1 a second: muted for 30 s"), true
	case chat.GateFloodMut:
		c.env.metrics.drops.WithLabelValues("chat_rate").Inc()
		return nil, true
	}
	switch m.Type {
	case protocol.TypeChatSay:
		return sayCmd{c: c, req: req, ch: m.ChatSay.Channel, text: m.ChatSay.Text}, true
	case protocol.TypeChatQuick:
		return sayCmd{c: c, req: req, ch: m.ChatQuick.Channel, phrase: m.ChatQuick.Phrase}, true
	}
	return reportCmd{c: c, r: m.ChatReport}, true
}

// sayCmd is CHAT_SAY (phrase 0) or CHAT_QUICK.
type sayCmd struct {
	c      *conn
	req    uint32
	ch     protocol.Channel
	text   string
	phrase uint8
}

func (s sayCmd) run(h *hub) {
	h.m.inputs.WithLabelValues("chat").Inc()
	if h.owns(s.c) && s.c.sess.prog != nil {
		h.say(s.c, s.req, s.ch, s.text, s.phrase)
	}
}

type reportCmd struct {
	c *conn
	r protocol.ChatReport
}

func (r reportCmd) run(h *hub) {
	h.m.inputs.WithLabelValues("chat_report").Inc()
	if h.owns(r.c) && r.c.sess.prog != nil {
		h.report(r.c, &r.r)
	}
}

type chatClassCmd struct {
	c *conn
	m protocol.ChatClass
}

func (cc chatClassCmd) run(h *hub) {
	h.m.inputs.WithLabelValues("chat_class").Inc()
	if h.owns(cc.c) && cc.c.sess.prog != nil {
		h.chatClass(cc.c, &cc.m)
	}
}

type moderateCmd struct {
	c *conn
	m protocol.Moderate
}

func (mc moderateCmd) run(h *hub) {
	h.m.inputs.WithLabelValues("moderate").Inc()
	if h.owns(mc.c) && mc.c.sess.prog != nil {
		h.moderate(mc.c, &mc.m)
	}
}

// chatEventsCmd hands a local avatar events the chat worker read (the
// class history, the open reports).
type chatEventsCmd struct {
	avatar uint32
	group  uint32 // the history's class: given only if the avatar is still in it; 0 for any
	evs    []protocol.Event
}

func (e chatEventsCmd) run(h *hub) {
	c := h.conns[e.avatar]
	if c == nil || c.sess == nil || c.sess.prog == nil {
		return
	}
	if e.group != 0 && c.sess.prog.st.Group != e.group {
		return
	}
	for _, ev := range e.evs {
		h.deliverTo(c, ev)
	}
}

// chatStateCmd hands the hub the fair's state the worker read.
type chatStateCmd struct {
	st     chat.State
	readAt time.Time
}

func (s chatStateCmd) run(h *hub) { h.chatStateLoaded(s.st, s.readAt, time.Now()) }

// chatEraseCmd: a visitor's data is being erased: this node forgets its
// messages and tells the others.
type chatEraseCmd struct{ who string }

func (e chatEraseCmd) run(h *hub) {
	h.chat.ring.EraseWho(e.who)
	h.chat.publish(chat.Record{Kind: chat.RecErase, Who: e.who})
}
