package protocol

import (
	"errors"
	"fmt"
)

// ErrorCode is a non-fatal error reported to the client inside an Update
// event. The connection stays open; the offending message had no effect.
type ErrorCode uint16

const (
	ErrUnknownType    ErrorCode = 1 // message type not known by this server (ignored)
	ErrBadIntent      ErrorCode = 2 // NaN, infinity or out-of-range value in MOVE or GOTO
	ErrUnreachable    ErrorCode = 3 // GOTO target is blocked or has no path
	ErrUnknownHotspot ErrorCode = 4 // OPEN_HOTSPOT / CLOSE_HOTSPOT with an unknown id
	ErrOutOfRange     ErrorCode = 5 // hotspot exists but the avatar is too far from it
	ErrRateLimited    ErrorCode = 6 // too many messages: this one was dropped
	ErrNotReady       ErrorCode = 7 // a second HELLO (before WELCOME, anything but HELLO closes with 4000)

	// Points, badges, leaderboards and rewards (docs/PROTOCOL.md §5, "Points").
	ErrTooFast         ErrorCode = 8  // faster than a reader: too many openings, or an answer too soon
	ErrNotOpen         ErrorCode = 9  // ANSWER or QUESTIONNAIRE for a content the visitor does not have open
	ErrAlreadyAnswered ErrorCode = 10 // a second attempt at a quiz question: one scored attempt each
	ErrBadAnswer       ErrorCode = 11 // not a quiz (or not the questionnaire), no such question or choice, wrong count
	ErrNotEarned       ErrorCode = 12 // SHARE or UNSHARE of a badge the visitor has not earned (or no such badge)
	ErrUnavailable     ErrorCode = 13 // the fair's shared store cannot be reached: retry later
	ErrNoGroup         ErrorCode = 14 // a class group leaderboard asked by a visitor in no group

	// Chat and moderation (docs/PROTOCOL.md §9).
	ErrChatRateLimited ErrorCode = 20 // chat faster than its rate: muted for 30 s, the message dropped
	ErrChatMuted       ErrorCode = 21 // the pseudonym is muted by a moderator or a teacher
	ErrChatClosed      ErrorCode = 22 // no class, or the teacher turned the class channel off
	ErrChatNotAllowed  ErrorCode = 23 // free text where only quick phrases go (nearby between strangers)
	ErrChatUnavailable ErrorCode = 24 // a channel not open in this version (booth, agora, unknown)
	ErrChatBadText     ErrorCode = 25 // empty, too long, control characters, no such quick phrase
	ErrNotStaff        ErrorCode = 26 // a moderation action (or class setting) the visitor's role may not take
	ErrUnknownChat     ErrorCode = 27 // no such message, report or avatar (gone, expired, removed)
	// Classes (docs/PROTOCOL.md §5, "Classes").
	ErrBadCode     ErrorCode = 15 // CLASS_JOIN with a code that opens no class (counts as a wrong try)
	ErrClassClosed ErrorCode = 16 // CLASS_JOIN with the code of a closed or full class (not a wrong try)
	ErrNotAllowed  ErrorCode = 17 // a teacher's message from another role or about another's class; a join from staff or a member
	ErrPaused      ErrorCode = 18 // MOVE or GOTO while the class is paused
	ErrBadClass    ErrorCode = 19 // a name refused, an unknown level, class, route, hotspot or order, too many steps or classes
)

var errorCodeNames = map[ErrorCode]string{
	ErrUnknownType:    "unknown_type",
	ErrBadIntent:      "bad_intent",
	ErrUnreachable:    "unreachable",
	ErrUnknownHotspot: "unknown_hotspot",
	ErrOutOfRange:     "out_of_range",
	ErrRateLimited:    "rate_limited",
	ErrNotReady:       "not_ready",

	ErrTooFast:         "too_fast",
	ErrNotOpen:         "not_open",
	ErrAlreadyAnswered: "already_answered",
	ErrBadAnswer:       "bad_answer",
	ErrNotEarned:       "not_earned",
	ErrUnavailable:     "unavailable",
	ErrNoGroup:         "no_group",

	ErrChatRateLimited: "chat_rate_limited",
	ErrChatMuted:       "chat_muted",
	ErrChatClosed:      "chat_closed",
	ErrChatNotAllowed:  "chat_not_allowed",
	ErrChatUnavailable: "chat_unavailable",
	ErrChatBadText:     "chat_bad_text",
	ErrNotStaff:        "not_staff",
	ErrUnknownChat:     "unknown_message",
	ErrBadCode:         "bad_code",
	ErrClassClosed:     "class_closed",
	ErrNotAllowed:      "not_allowed",
	ErrPaused:          "paused",
	ErrBadClass:        "bad_class",
}

func (c ErrorCode) String() string {
	if s, ok := errorCodeNames[c]; ok {
		return s
	}
	return fmt.Sprintf("error_%d", uint16(c))
}

// CloseCode is a WebSocket close status. Codes 4000-4099 are this protocol's.
type CloseCode uint16

const (
	CloseNormal         CloseCode = 1000
	CloseGoingAway      CloseCode = 1001
	CloseProtocolError  CloseCode = 1002 // a frame RFC 6455 forbids (an unmasked client frame, reserved bits)
	CloseInvalidPayload CloseCode = 1007 // a close frame whose reason is not UTF-8
	CloseTooBig         CloseCode = 1009 // message over MaxClientMessage bytes
	CloseInternal       CloseCode = 1011
	CloseServiceRestart CloseCode = 1012 // server restarting: reconnect with jitter and resume

	CloseBadHandshake  CloseCode = 4000 // first message not HELLO, or no HELLO in time
	CloseBadVersion    CloseCode = 4001 // subprotocol missing or not supported
	CloseMalformed     CloseCode = 4002 // not msgpack, wrong shape, too deep, too long
	CloseServerFull    CloseCode = 4003 // admission limit reached: retry later
	CloseTooManyJoins  CloseCode = 4004 // new-connection rate exceeded: retry in a few seconds
	CloseSlowConsumer  CloseCode = 4005 // the client did not read its updates
	CloseTakenOver     CloseCode = 4006 // another connection resumed this session: do not reconnect
	CloseResumeExpired CloseCode = 4007 // resume token unknown or expired: start a new session
	CloseFlood         CloseCode = 4008 // far too many messages
	ClosePseudoInvalid CloseCode = 4010 // pseudonym too short, too long or with forbidden characters
	ClosePseudoTaken   CloseCode = 4011 // pseudonym in use by someone online
	ClosePseudoRefused CloseCode = 4012 // pseudonym on the deny-list (insult, impersonation)
	CloseIdle          CloseCode = 4013 // no answer to keepalive pings
	// CloseServiceUnavailable: the fair's shared presence (Redis) cannot be
	// reached, so no new session can start: retry after 5-15 s.
	CloseServiceUnavailable CloseCode = 4014
	// CloseErased: the visitor asked to erase their data (ERASE); it is
	// erased and the session ended: start over from the welcome screen.
	CloseErased CloseCode = 4015
	// CloseKeyRefused: HELLO's progress key opens no progress (unknown
	// with this pseudonym, not three words of the list, or too many wrong
	// keys): the reason is a French sentence for the visitor.
	CloseKeyRefused CloseCode = 4016
	// CloseBanned: a moderator banned the pseudonym (and its progress);
	// the reason is a French sentence. Refused again at every HELLO.
	CloseBanned CloseCode = 4020
	// CloseKicked: a moderator ended the session; the reason is a French
	// sentence. The visitor may come back.
	CloseKicked CloseCode = 4021
	// CloseTooManyCodes: the sixth wrong join code on a connection
	// (CLASS_JOIN): five tries a connection.
	CloseTooManyCodes CloseCode = 4017
	// CloseStaffRefused: HELLO's staff ticket is unknown, used or expired,
	// or the node takes no staff: get a new ticket.
	CloseStaffRefused CloseCode = 4018
	// CloseStaffRevoked: the staff token of the session was revoked.
	CloseStaffRevoked CloseCode = 4019

	// Sent by clients.
	CloseReconnect CloseCode = 4901 // the client drops this socket to reconnect: the session stays resumable
)

var closeCodeNames = map[CloseCode]string{
	CloseNormal:             "normal",
	CloseGoingAway:          "going_away",
	CloseProtocolError:      "protocol_error",
	CloseInvalidPayload:     "invalid_payload",
	CloseTooBig:             "too_big",
	CloseInternal:           "internal",
	CloseServiceRestart:     "service_restart",
	CloseBadHandshake:       "bad_handshake",
	CloseBadVersion:         "bad_version",
	CloseMalformed:          "malformed",
	CloseServerFull:         "server_full",
	CloseTooManyJoins:       "too_many_joins",
	CloseSlowConsumer:       "slow_consumer",
	CloseTakenOver:          "taken_over",
	CloseResumeExpired:      "resume_expired",
	CloseFlood:              "flood",
	ClosePseudoInvalid:      "pseudo_invalid",
	ClosePseudoTaken:        "pseudo_taken",
	ClosePseudoRefused:      "pseudo_refused",
	CloseIdle:               "idle",
	CloseServiceUnavailable: "service_unavailable",
	CloseErased:             "erased",
	CloseKeyRefused:         "key_refused",
	CloseBanned:             "banned",
	CloseKicked:             "kicked",
	CloseTooManyCodes:       "too_many_codes",
	CloseStaffRefused:       "staff_refused",
	CloseStaffRevoked:       "staff_revoked",
	CloseReconnect:          "reconnect",
}

func (c CloseCode) String() string {
	if s, ok := closeCodeNames[c]; ok {
		return s
	}
	return fmt.Sprintf("close_%d", uint16(c))
}

// Retry reports whether a client should reconnect (with jitter) after this close.
func (c CloseCode) Retry() bool {
	switch c {
	case CloseGoingAway, CloseInternal, CloseServiceRestart, CloseServerFull, CloseTooManyJoins, CloseSlowConsumer, CloseIdle,
		CloseServiceUnavailable:
		return true
	}
	return false
}

// DecodeError is returned for any message that cannot be decoded. Code says
// how the server closes the connection for it.
type DecodeError struct {
	Code   CloseCode // CloseMalformed, or CloseBadHandshake
	Reason string
}

func (e *DecodeError) Error() string { return "protocol: " + e.Reason }

// ErrUnknownMessage is wrapped by the error Decode returns for a well-formed
// message whose type code this version does not know; it is not fatal.
var ErrUnknownMessage = errors.New("protocol: unknown message type")

func malformed(format string, args ...any) error {
	return &DecodeError{Code: CloseMalformed, Reason: fmt.Sprintf(format, args...)}
}
