package protocol

import "math"

// Client messages of chat and moderation (docs/PROTOCOL.md §9): say a
// free text, say a quick phrase, report a message or an avatar, a
// teacher's settings of the class, a staff member's moderation action.
// There is no private channel: no message names a recipient.

// Channel is a chat channel kind. Every message goes to a channel, never
// to a person.
type Channel uint8

const (
	ChannelClass  Channel = 0 // the speaker's class (world group): free text
	ChannelNearby Channel = 1 // who sees the speaker (the area of interest): quick phrases
	ChannelBooth  Channel = 2 // a company booth, staff-moderated (a later stage)
	ChannelAgora  Channel = 3 // the evening agora, staff-moderated (a later stage)
)

// Channels is how many channel kinds exist; the server refuses a larger
// one (a newer client's) with ERROR chat_unavailable.
const Channels = 4

// ModAction is what a MODERATE message asks.
type ModAction uint8

const (
	ModRemove      ModAction = 1 // remove a message (everyone who got it hides it)
	ModMute        ModAction = 2 // mute an avatar's pseudonym for Seconds, everywhere in the fair
	ModUnmute      ModAction = 3 // lift a mute
	ModKick        ModAction = 4 // end an avatar's session (close 4021)
	ModBan         ModAction = 5 // ban an avatar's pseudonym and progress (close 4020, refused at HELLO)
	ModCloseReport ModAction = 6 // close a report: its evidence is deleted
)

// ReportReason is why a visitor reports (a fixed list: no free text).
type ReportReason uint8

const (
	ReportOther    ReportReason = 0
	ReportInsult   ReportReason = 1 // insults, mockery
	ReportContact  ReportReason = 2 // asks for or gives contact details, a meeting
	ReportHarass   ReportReason = 3 // harassment, threats
	ReportShocking ReportReason = 4 // shocking or sexual content
)

// ReportReasons is how many report reasons exist; a larger one reads as
// ReportOther (a newer client's reason).
const ReportReasons = 5

// Limits of chat messages.
const (
	// MaxChatBytes bounds a chat text on the wire (a longer one is
	// malformed); the server refuses texts over MaxChatRunes characters
	// or MaxChatTextBytes bytes with ERROR chat_bad_text.
	MaxChatBytes     = 400
	MaxChatTextBytes = 280
	MaxChatRunes     = 200
	// MaxChatID is the largest message and report id: 2^53 - 1, so that
	// JavaScript numbers hold them exactly.
	MaxChatID = 1<<53 - 1
	// MaxMuteSeconds bounds a mute (a day).
	MaxMuteSeconds = 86400
)

// ChatSay says a free text in a channel.
type ChatSay struct {
	Req     uint32
	Channel Channel
	Text    string
}

// ChatQuick says a quick phrase (QuickPhrases, numbered from 1) in a
// channel.
type ChatQuick struct {
	Req     uint32
	Channel Channel
	Phrase  uint8
}

// ChatReport reports a message (MessageID, its author Avatar) or an
// avatar (MessageID 0) to the moderators.
type ChatReport struct {
	Req       uint32
	MessageID uint64
	Avatar    uint32
	Reason    ReportReason
}

// ChatClass is a teacher's chat settings for their class: the class
// channel on or off, free text nearby among the class on or off.
type ChatClass struct {
	Req        uint32
	ClassOn    bool
	NearbyFree bool
}

// Moderate is a staff member's moderation action (moderators; teachers
// mute and unmute the pupils of their class). Target: Avatar, MessageID or
// ReportID, as the action needs; Seconds is a mute's length.
type Moderate struct {
	Req       uint32
	Action    ModAction
	Avatar    uint32
	MessageID uint64
	ReportID  uint64
	Seconds   uint32
}

// chatClientName names the chat message types in errors, "" if not one.
func chatClientName(t Type) string {
	switch t {
	case TypeChatSay:
		return "CHAT_SAY"
	case TypeChatQuick:
		return "CHAT_QUICK"
	case TypeChatReport:
		return "CHAT_REPORT"
	case TypeChatClass:
		return "CHAT_CLASS"
	case TypeModerate:
		return "MODERATE"
	}
	return ""
}

// decodeChatClient decodes the fields of a chat message of type m.Type;
// false when the type is not a chat message.
func decodeChatClient(f *fields, m *ClientMessage) bool {
	switch m.Type {
	case TypeChatSay:
		f.u32(&m.ChatSay.Req)
		uintField(f, &m.ChatSay.Channel, math.MaxUint8)
		f.str(&m.ChatSay.Text, MaxChatBytes)
	case TypeChatQuick:
		f.u32(&m.ChatQuick.Req)
		uintField(f, &m.ChatQuick.Channel, math.MaxUint8)
		uintField(f, &m.ChatQuick.Phrase, math.MaxUint8)
	case TypeChatReport:
		f.u32(&m.ChatReport.Req)
		u53Field(f, &m.ChatReport.MessageID)
		f.u32(&m.ChatReport.Avatar)
		var r uint8
		uintField(f, &r, math.MaxUint8)
		m.ChatReport.Reason = ReportReason(Look(uint64(r), ReportReasons))
	case TypeChatClass:
		f.u32(&m.ChatClass.Req)
		f.boolean(&m.ChatClass.ClassOn)
		f.boolean(&m.ChatClass.NearbyFree)
	case TypeModerate:
		f.u32(&m.Moderate.Req)
		uintField(f, &m.Moderate.Action, math.MaxUint8)
		f.u32(&m.Moderate.Avatar)
		u53Field(f, &m.Moderate.MessageID)
		u53Field(f, &m.Moderate.ReportID)
		uintField(f, &m.Moderate.Seconds, MaxMuteSeconds)
	default:
		return false
	}
	return true
}

// u53Field reads a message or report id (at most MaxChatID).
func u53Field(f *fields, dst *uint64) {
	if f.next() {
		*dst, f.err = f.r.uint(MaxChatID)
	}
}

// AppendChatSay appends an encoded CHAT_SAY.
func AppendChatSay(b []byte, m ChatSay) []byte {
	b = appendArrayHeader(b, 4)
	b = appendUint(b, uint64(TypeChatSay))
	b = appendUint(b, uint64(m.Req))
	b = appendUint(b, uint64(m.Channel))
	return appendString(b, m.Text)
}

// AppendChatQuick appends an encoded CHAT_QUICK.
func AppendChatQuick(b []byte, m ChatQuick) []byte {
	b = appendArrayHeader(b, 4)
	b = appendUint(b, uint64(TypeChatQuick))
	b = appendUint(b, uint64(m.Req))
	b = appendUint(b, uint64(m.Channel))
	return appendUint(b, uint64(m.Phrase))
}

// AppendChatReport appends an encoded CHAT_REPORT.
func AppendChatReport(b []byte, m ChatReport) []byte {
	b = appendArrayHeader(b, 5)
	b = appendUint(b, uint64(TypeChatReport))
	b = appendUint(b, uint64(m.Req))
	b = appendUint(b, m.MessageID)
	b = appendUint(b, uint64(m.Avatar))
	return appendUint(b, uint64(m.Reason))
}

// AppendChatClass appends an encoded CHAT_CLASS.
func AppendChatClass(b []byte, m ChatClass) []byte {
	b = appendArrayHeader(b, 4)
	b = appendUint(b, uint64(TypeChatClass))
	b = appendUint(b, uint64(m.Req))
	b = appendBool(b, m.ClassOn)
	return appendBool(b, m.NearbyFree)
}

// AppendModerate appends an encoded MODERATE.
func AppendModerate(b []byte, m Moderate) []byte {
	b = appendArrayHeader(b, 7)
	b = appendUint(b, uint64(TypeModerate))
	b = appendUint(b, uint64(m.Req))
	b = appendUint(b, uint64(m.Action))
	b = appendUint(b, uint64(m.Avatar))
	b = appendUint(b, m.MessageID)
	b = appendUint(b, m.ReportID)
	return appendUint(b, uint64(m.Seconds))
}
