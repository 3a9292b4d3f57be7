package chat

import (
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/usine-extraordinaire/fairworld/protocol"
)

// Message is one chat message as the server keeps it. Who and Progress
// are the author's folded pseudonym and progress id: what mutes, bans and
// erasure act on. They never go to a client (protocol.ChatMessage is what
// clients get).
type Message struct {
	ID       uint64           `json:"id"`
	Channel  protocol.Channel `json:"ch"`
	Group    uint32           `json:"g,omitempty"` // the class (class channel, or nearby free text among a class)
	Avatar   uint32           `json:"a"`
	Name     string           `json:"n"`
	Role     protocol.Role    `json:"r,omitempty"`
	Who      string           `json:"w"`
	Progress string           `json:"p,omitempty"`
	X        float64          `json:"x,omitempty"` // where it was said (nearby: the evidence's area)
	Y        float64          `json:"y,omitempty"`
	Text     string           `json:"t,omitempty"`
	Phrase   uint8            `json:"q,omitempty"`
	AtMs     int64            `json:"at"` // unix milliseconds
}

// At is when the message was said.
func (m *Message) At() time.Time { return time.UnixMilli(m.AtMs) }

// Event is the message as its recipients get it.
func (m *Message) Event(past bool) protocol.ChatMessage {
	return protocol.ChatMessage{
		ID: m.ID, Channel: m.Channel, AvatarID: m.Avatar, Pseudonym: m.Name, Role: m.Role,
		Text: m.Text, Phrase: m.Phrase, At: uint32(m.AtMs / 1000), Past: past,
	}
}

// ErrBadText is wrapped by CleanText's errors.
var ErrBadText = errors.New("chat: bad text")

// CleanText trims a free text and checks its bounds (docs/PROTOCOL.md §9):
// not empty, at most MaxChatRunes characters and MaxChatTextBytes bytes,
// valid UTF-8, no control characters (a line break included: one line).
func CleanText(s string) (string, error) {
	s = strings.TrimSpace(s)
	switch {
	case s == "":
		return "", errorf("empty text")
	case len(s) > protocol.MaxChatTextBytes:
		return "", errorf("text of %d bytes, over %d", len(s), protocol.MaxChatTextBytes)
	case !utf8.ValidString(s):
		return "", errorf("text is not UTF-8")
	}
	n := 0
	for _, r := range s {
		n++
		if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' {
			return "", errorf("control character %U in text", r)
		}
	}
	if n > protocol.MaxChatRunes {
		return "", errorf("text of %d characters, over %d", n, protocol.MaxChatRunes)
	}
	return s, nil
}

type textError string

func (e textError) Error() string { return "chat: " + string(e) }
func (e textError) Unwrap() error { return ErrBadText }

func errorf(s string, args ...any) error {
	if len(args) == 0 {
		return textError(s)
	}
	return textError(fmt.Sprintf(s, args...))
}
