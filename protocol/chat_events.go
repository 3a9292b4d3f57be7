package protocol

import "math"

// Events of chat and moderation (docs/PROTOCOL.md §9). Like every event
// they are immutable values: one ChatMessage is shared by all its
// recipients.

// QuickPhrasesCount is how many quick phrases there are (numbered 1 to it).
const QuickPhrasesCount = 12

// QuickPhrase returns the text of phrase n (from 1), ok false when there
// is no such phrase: the fixed French phrases of CHAT_QUICK, which
// docs/PROTOCOL.md lists. Numbers are never reused: a later version only
// appends. (A switch, not a table: no package state.)
func QuickPhrase(n uint8) (string, bool) {
	switch n {
	case 1:
		return "Salut !", true
	case 2:
		return "Tu as trouvé le quiz ?", true
	case 3:
		return "On y va ensemble ?", true
	case 4:
		return "Suis-moi !", true
	case 5:
		return "Attends-moi !", true
	case 6:
		return "Regarde ça !", true
	case 7:
		return "Bravo !", true
	case 8:
		return "Merci !", true
	case 9:
		return "Oui", true
	case 10:
		return "Non", true
	case 11:
		return "Où est le prochain stand ?", true
	case 12:
		return "À plus tard !", true
	}
	return "", false
}

// ChatMessage is one message of a channel, as its recipients get it (CHAT)
// and as a report's evidence holds it. A quick phrase has Phrase set (from
// 1) and Text empty: clients show QuickPhrase(Phrase).
type ChatMessage struct {
	ID        uint64 // unique in the fair, at most MaxChatID
	Channel   Channel
	AvatarID  uint32 // its author
	Pseudonym string
	Role      Role
	Text      string
	Phrase    uint8
	At        uint32 // unix seconds
	// Past marks a message of the class history sent to a visitor who
	// joined after it was said (no notification sound for those).
	Past bool
}

// ChatRemoved says a moderator removed a message: hide it.
type ChatRemoved struct{ ID uint64 }

// ChatState is the visitor's chat settings, sent when they are not the
// defaults (no class, not muted) and whenever they change: whether the
// class channel is on, whether free text is open nearby among the class,
// and until when the visitor is muted (unix seconds; 0: not muted).
type ChatState struct {
	ClassOn    bool
	NearbyFree bool
	MutedUntil uint32
}

// ChatBlocked answers a CHAT_SAY the filter refused: it reached nobody.
// Reason is one of the BlockReason strings; Hint is a French sentence to
// show the visitor.
type ChatBlocked struct {
	Req    uint32
	Reason string
	Hint   string
}

// Report is a report, as moderators get it: who reported whom, why, and
// the evidence kept (the reported message and up to 10 before it in its
// channel, none older than 5 minutes; none for a report on an avatar with
// no recent message).
type Report struct {
	ID        uint64
	Reason    ReportReason
	At        uint32 // unix seconds
	Reporter  string // pseudonym
	AvatarID  uint32 // the reported avatar
	Pseudonym string // the reported pseudonym
	MessageID uint64 // the reported message, 0 for an avatar
	Evidence  []ChatMessage
}

// ReportClosed tells moderators a report was closed (by any of them).
type ReportClosed struct{ ID uint64 }

// Moderated acknowledges a MODERATE or a CHAT_CLASS that took effect.
type Moderated struct {
	Req    uint32
	Action ModAction // 0 for CHAT_CLASS
}

// Kind implements Event.
func (ChatMessage) Kind() EventKind { return EventChat }

// Kind implements Event.
func (ChatRemoved) Kind() EventKind { return EventChatRemoved }

// Kind implements Event.
func (ChatState) Kind() EventKind { return EventChatState }

// Kind implements Event.
func (ChatBlocked) Kind() EventKind { return EventChatBlocked }

// Kind implements Event.
func (Report) Kind() EventKind { return EventReport }

// Kind implements Event.
func (ReportClosed) Kind() EventKind { return EventReportClosed }

// Kind implements Event.
func (Moderated) Kind() EventKind { return EventModerated }

func (e ChatMessage) appendTo(b []byte) []byte {
	b = appendArrayHeader(b, 10)
	b = appendUint(b, uint64(EventChat))
	return appendChatFields(b, &e)
}

// appendChatFields writes a message's fields after its kind (9 of them);
// an evidence record is the same without the kind.
func appendChatFields(b []byte, e *ChatMessage) []byte {
	b = appendUint(b, e.ID)
	b = appendUint(b, uint64(e.Channel))
	b = appendUint(b, uint64(e.AvatarID))
	b = appendString(b, e.Pseudonym)
	b = appendUint(b, uint64(e.Role))
	b = appendString(b, e.Text)
	b = appendUint(b, uint64(e.Phrase))
	b = appendUint(b, uint64(e.At))
	return appendBool(b, e.Past)
}

func (e ChatRemoved) appendTo(b []byte) []byte {
	b = appendArrayHeader(b, 2)
	b = appendUint(b, uint64(EventChatRemoved))
	return appendUint(b, e.ID)
}

func (e ChatState) appendTo(b []byte) []byte {
	b = appendArrayHeader(b, 4)
	b = appendUint(b, uint64(EventChatState))
	b = appendBool(b, e.ClassOn)
	b = appendBool(b, e.NearbyFree)
	return appendUint(b, uint64(e.MutedUntil))
}

func (e ChatBlocked) appendTo(b []byte) []byte {
	b = appendArrayHeader(b, 4)
	b = appendUint(b, uint64(EventChatBlocked))
	b = appendUint(b, uint64(e.Req))
	b = appendString(b, e.Reason)
	return appendString(b, e.Hint)
}

func (e Report) appendTo(b []byte) []byte {
	b = appendArrayHeader(b, 9)
	b = appendUint(b, uint64(EventReport))
	b = appendUint(b, e.ID)
	b = appendUint(b, uint64(e.Reason))
	b = appendUint(b, uint64(e.At))
	b = appendString(b, e.Reporter)
	b = appendUint(b, uint64(e.AvatarID))
	b = appendString(b, e.Pseudonym)
	b = appendUint(b, e.MessageID)
	b = appendArrayHeader(b, len(e.Evidence))
	for i := range e.Evidence {
		b = appendArrayHeader(b, 9)
		b = appendChatFields(b, &e.Evidence[i])
	}
	return b
}

func (e ReportClosed) appendTo(b []byte) []byte {
	b = appendArrayHeader(b, 2)
	b = appendUint(b, uint64(EventReportClosed))
	return appendUint(b, e.ID)
}

func (e Moderated) appendTo(b []byte) []byte {
	b = appendArrayHeader(b, 3)
	b = appendUint(b, uint64(EventModerated))
	b = appendUint(b, uint64(e.Req))
	return appendUint(b, uint64(e.Action))
}

// chatDecoder returns the decoder of a chat event kind, like
// eventDecoder; nil for a kind this version does not know.
func chatDecoder(k EventKind) (func(f *fields) Event, string) {
	switch k {
	case EventChat:
		return decodeChatMessage, "CHAT"
	case EventChatRemoved:
		return func(f *fields) Event {
			var e ChatRemoved
			u53Field(f, &e.ID)
			return e
		}, "CHAT_REMOVED"
	case EventChatState:
		return func(f *fields) Event {
			var e ChatState
			f.boolean(&e.ClassOn)
			f.boolean(&e.NearbyFree)
			f.u32(&e.MutedUntil)
			return e
		}, "CHAT_STATE"
	case EventChatBlocked:
		return func(f *fields) Event {
			var e ChatBlocked
			f.u32(&e.Req)
			f.str(&e.Reason, MaxIDBytes)
			f.str(&e.Hint, MaxTextBytes)
			return e
		}, "CHAT_BLOCKED"
	case EventReport:
		return decodeReport, "REPORT"
	case EventReportClosed:
		return func(f *fields) Event {
			var e ReportClosed
			u53Field(f, &e.ID)
			return e
		}, "REPORT_CLOSED"
	case EventModerated:
		return func(f *fields) Event {
			var e Moderated
			f.u32(&e.Req)
			uintField(f, &e.Action, math.MaxUint8)
			return e
		}, "MODERATED"
	}
	return nil, ""
}

func decodeChatMessage(f *fields) Event {
	var e ChatMessage
	decodeChatFields(f, &e)
	return e
}

func decodeChatFields(f *fields, e *ChatMessage) {
	u53Field(f, &e.ID)
	uintField(f, &e.Channel, math.MaxUint8)
	f.u32(&e.AvatarID)
	f.str(&e.Pseudonym, MaxPseudonymBytes)
	uintField(f, &e.Role, math.MaxUint8)
	f.str(&e.Text, MaxChatBytes)
	uintField(f, &e.Phrase, math.MaxUint8)
	f.u32(&e.At)
	f.boolean(&e.Past)
}

func decodeReport(f *fields) Event {
	var e Report
	u53Field(f, &e.ID)
	uintField(f, &e.Reason, math.MaxUint8)
	f.u32(&e.At)
	f.str(&e.Reporter, MaxPseudonymBytes)
	f.u32(&e.AvatarID)
	f.str(&e.Pseudonym, MaxPseudonymBytes)
	u53Field(f, &e.MessageID)
	list(f, "evidence", maxListItems, func(s *fields) {
		var m ChatMessage
		decodeChatFields(s, &m)
		e.Evidence = append(e.Evidence, m)
	})
	return e
}
