package client

import "github.com/usine-extraordinaire/fairworld/protocol"

// Chat and moderation (docs/PROTOCOL.md §9). Each method returns the
// request number that the answer (CHAT_BLOCKED, MODERATED or an ERROR)
// carries; a message that was taken comes back as a CHAT event to the
// sender too. There is no way to write to one person: the protocol has
// no private channel.

// Say says a free text in a channel (the class channel; nearby only when
// the teacher opened it to the class).
func (c *Client) Say(ch protocol.Channel, text string) (req uint32, err error) {
	return c.sendReq(func(b []byte, req uint32) []byte {
		return protocol.AppendChatSay(b, protocol.ChatSay{Req: req, Channel: ch, Text: text})
	})
}

// Quick says quick phrase n (from 1, protocol.QuickPhrase) in a channel.
func (c *Client) Quick(ch protocol.Channel, n uint8) (req uint32, err error) {
	return c.sendReq(func(b []byte, req uint32) []byte {
		return protocol.AppendChatQuick(b, protocol.ChatQuick{Req: req, Channel: ch, Phrase: n})
	})
}

// Report reports a message (message, by its author avatar) or, with
// message 0, an avatar to the moderators.
func (c *Client) Report(message uint64, avatar uint32, reason protocol.ReportReason) (req uint32, err error) {
	return c.sendReq(func(b []byte, req uint32) []byte {
		return protocol.AppendChatReport(b, protocol.ChatReport{Req: req, MessageID: message, Avatar: avatar, Reason: reason})
	})
}

// ChatClass sets the class's chat, for a teacher: the class channel on or
// off, free text nearby among the class on or off.
func (c *Client) ChatClass(classOn, nearbyFree bool) (req uint32, err error) {
	return c.sendReq(func(b []byte, req uint32) []byte {
		return protocol.AppendChatClass(b, protocol.ChatClass{Req: req, ClassOn: classOn, NearbyFree: nearbyFree})
	})
}

// Moderate sends a moderation action (m.Req is set here).
func (c *Client) Moderate(m protocol.Moderate) (req uint32, err error) {
	return c.sendReq(func(b []byte, req uint32) []byte {
		m.Req = req
		return protocol.AppendModerate(b, m)
	})
}
