package pseudonym

import (
	"fmt"
	"unicode/utf8"
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

// Error is returned for a refused pseudonym. Message is the French sentence
// shown to the pupil, at most 120 bytes.
type Error struct {
	Reason  Reason
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
	// Deny holds extra deny-list entries, in the syntax of deny.txt
	// ("word", "=word" for whole-word only, "!word" for an exception).
	// Zero adds nothing to the built-in list.
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
	messages       [Forbidden + 1]string
	scripts        []script
	deny           denyList
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

	c.messages = [...]string{
		OK:            "",
		TooShort:      fmt.Sprintf("Ton pseudonyme est trop court : il faut au moins %d caractères.", c.minLen),
		TooLong:       fmt.Sprintf("Ton pseudonyme est trop long : %d caractères au maximum.", c.maxLen),
		BadCharacters: fmt.Sprintf("Utilise des lettres d'un même alphabet, %d chiffres au plus, et - _ . ou espace entre les mots.", maxDigits),
		Forbidden:     "Ce pseudonyme n'est pas autorisé : choisis-en un autre.",
	}
	for r, m := range c.messages {
		if len(m) > maxMessage || !utf8.ValidString(m) {
			return nil, fmt.Errorf("pseudonym: message for %v is over %d bytes", Reason(r), maxMessage)
		}
	}

	c.scripts = newScripts()
	deny, err := parseDeny(builtinDeny, cfg.Deny)
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
		return "", "", c.refuse(TooLong)
	}
	if !utf8.ValidString(s) {
		return "", "", c.refuse(BadCharacters)
	}
	display = normalise(s)
	st, ok := c.validate(display)
	switch {
	case !ok:
		return "", "", c.refuse(BadCharacters)
	case st.runes < c.minLen:
		return "", "", c.refuse(TooShort)
	case st.runes > c.maxLen:
		return "", "", c.refuse(TooLong)
	case st.letters == 0 || st.digits > maxDigits || looksLikeLink(display):
		return "", "", c.refuse(BadCharacters)
	}
	folded := fold(display)
	key = lookalikes(folded, true)
	if c.deny.match(key, folded) {
		return "", "", c.refuse(Forbidden)
	}
	return display, key, nil
}

func (c *Checker) refuse(r Reason) *Error {
	return &Error{Reason: r, Message: c.messages[r]}
}
