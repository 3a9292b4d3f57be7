package pseudonym

import (
	"fmt"
	"unicode/utf8"

	"github.com/usine-extraordinaire/fairworld/server/moderation"
)

// Reason says why a pseudonym is refused.
type Reason uint8

const (
	OK            Reason = iota // accepted
	TooShort                    // fewer than Config.MinLen runes once normalised
	TooLong                     // more than Config.MaxLen runes once normalised
	BadCharacters               // a character, a sequence or a shape that is not allowed
	Forbidden                   // on the deny-list (insult, slur, impersonation)
)

var reasonNames = [...]string{
	OK:            "ok",
	TooShort:      "too_short",
	TooLong:       "too_long",
	BadCharacters: "bad_characters",
	Forbidden:     "forbidden",
}

// String returns a short snake_case name, fit for a metric label.
func (r Reason) String() string {
	if int(r) < len(reasonNames) {
		return reasonNames[r]
	}
	return fmt.Sprintf("reason_%d", uint8(r))
}

// maxMessage is the longest Message: it travels as a WebSocket close
// reason, whose limit is 123 bytes.
const maxMessage = 120

// Error is returned for a refused pseudonym. Reason is the category (the
// close code: Forbidden is 4012, the others 4010), Rule the precise rule,
// Message the French sentence shown to the pupil, at most 120 bytes, which
// says what to change.
type Error struct {
	Reason  Reason
	Rule    Rule
	Message string
}

// Error returns Message, so that err.Error() is also safe to show to the
// pupil or to send as a close reason.
func (e *Error) Error() string { return e.Message }

// Config configures a Checker. The zero value is valid.
type Config struct {
	// MinLen and MaxLen bound the length in runes after normalisation.
	// Zero means 3 and 20. MaxLen may not exceed 64.
	MinLen, MaxLen int
	// Deny holds extra deny-list entries, in the syntax of the moderation
	// package's words.txt ("word", "=word" for whole-word only, "!word"
	// for an exception). Zero adds nothing to the built-in list.
	Deny []string
}

const (
	defaultMinLen = 3
	defaultMaxLen = 20
	limitMaxLen   = 64
)

// Checker checks pseudonyms. It is immutable after New and safe for
// concurrent use.
type Checker struct {
	minLen, maxLen int
	maxInput       int // bytes of raw input looked at; beyond it is TooLong
	messages       [RuleDenied + 1]string
	generic        map[Rule]string // messages of the rules that quote a character, without it
	scripts        []script
	deny           *moderation.Filter // the word lists with the staff titles
}

// New returns a Checker for cfg.
func New(cfg Config) (*Checker, error) {
	c := &Checker{minLen: cfg.MinLen, maxLen: cfg.MaxLen}
	if c.minLen == 0 {
		c.minLen = defaultMinLen
	}
	if c.maxLen == 0 {
		c.maxLen = defaultMaxLen
	}
	switch {
	case c.minLen < 1:
		return nil, fmt.Errorf("pseudonym: MinLen %d is negative", cfg.MinLen)
	case c.maxLen < 1 || c.maxLen > limitMaxLen:
		return nil, fmt.Errorf("pseudonym: MaxLen %d is not in 1..%d", cfg.MaxLen, limitMaxLen)
	case c.minLen > c.maxLen:
		return nil, fmt.Errorf("pseudonym: MinLen %d is above MaxLen %d", c.minLen, c.maxLen)
	}
	// Generous: a rune with its marks is rarely over 16 bytes, and spaces
	// around the name are trimmed. It bounds the work done on hostile input.
	c.maxInput = 64 + 16*c.maxLen

	c.messages, c.generic = messages(c.minLen, c.maxLen), generics()
	if err := checkMessages(c.messages, c.generic); err != nil {
		return nil, err
	}

	c.scripts = newScripts()
	deny, err := moderation.New(moderation.Config{Staff: true, Deny: cfg.Deny})
	if err != nil {
		return nil, fmt.Errorf("pseudonym: bad deny-list: %w", err)
	}
	c.deny = deny
	return c, nil
}

// Check normalises and validates s. It returns the display form (what others
// see) and the key used for uniqueness among online users: "Léa", "LEA",
// "Lea", "L e a", "Ｌéａ" and "L3a" all have the same key. A refused s returns
// an *Error.
func (c *Checker) Check(s string) (display, key string, err error) {
	if len(s) > c.maxInput {
		return "", "", c.refuse(RuleTooLong, -1)
	}
	if !utf8.ValidString(s) {
		return "", "", c.refuse(RuleInvisible, -1)
	}
	display = normalise(s)
	st, rule, bad := c.validate(display)
	switch {
	case rule == RuleSeparator:
		// "M. Martin" breaks the separator rule, but what the pupil must
		// hear is that titles are reserved.
		if r := c.denied(display); r != RuleNone {
			return "", "", c.refuse(r, -1)
		}
		return "", "", c.refuse(rule, bad)
	case rule != RuleNone:
		return "", "", c.refuse(rule, bad)
	case st.runes < c.minLen:
		return "", "", c.refuse(RuleTooShort, -1)
	case st.runes > c.maxLen:
		return "", "", c.refuse(RuleTooLong, -1)
	case st.letters == 0:
		return "", "", c.refuse(RuleNoLetter, -1)
	case st.digits > maxDigits:
		return "", "", c.refuse(RuleDigits, -1)
	case looksLikeLink(display):
		return "", "", c.refuse(RuleLink, -1)
	}
	if r := c.denied(display); r != RuleNone {
		return "", "", c.refuse(r, -1)
	}
	return display, moderation.Key(display), nil
}

// denied matches a display form against the deny-list: the moderation
// package's word lists and staff titles, matched as names (digits and
// links have their own rules here).
func (c *Checker) denied(display string) Rule {
	switch r := c.deny.NameWords(display); {
	case r == moderation.Staff:
		return RuleStaff
	case r.Words():
		return RuleDenied
	}
	return RuleNone
}

func (c *Checker) refuse(r Rule, bad rune) *Error {
	return &Error{Reason: r.Reason(), Rule: r, Message: c.message(r, bad)}
}
