package pseudonym

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Rule is the precise rule a refused pseudonym broke. Each has its own
// French message, written for a 12-year-old, with an example: the Reason is
// the coarse category (what the close code and the metrics say), the Rule
// says what to change.
type Rule uint8

const (
	RuleNone         Rule = iota // accepted
	RuleTooShort                 // TooShort: fewer than Config.MinLen runes
	RuleTooLong                  // TooLong: more than Config.MaxLen runes
	RuleEmoji                    // BadCharacters: an emoji, a flag, a pictograph
	RuleSymbol                   // BadCharacters: punctuation or a symbol ("!", "'", "@", "#")
	RuleLetter                   // BadCharacters: a letter that is not allowed (small capitals, IPA, click letters)
	RuleDigitForm                // BadCharacters: a digit other than 0-9 ("٣")
	RuleInvisible                // BadCharacters: an invisible, control or format character, or bytes that are not UTF-8
	RuleMarks                    // BadCharacters: a combining mark without a letter, or more than 3 on one letter
	RuleSeparator                // BadCharacters: a separator at an end or two in a row
	RuleMixedScripts             // BadCharacters: letters of several alphabets
	RuleNoLetter                 // BadCharacters: no letter at all
	RuleDigits                   // BadCharacters: more than 4 digits
	RuleLink                     // BadCharacters: shaped like a web address
	RuleStaff                    // Forbidden: a staff title or role, or the fair's name ("Mme Durand", "Admin")
	RuleDenied                   // Forbidden: an insult, a slur, a sexual or drug term
)

var ruleNames = [...]string{
	RuleNone:         "none",
	RuleTooShort:     "too_short",
	RuleTooLong:      "too_long",
	RuleEmoji:        "emoji",
	RuleSymbol:       "symbol",
	RuleLetter:       "letter",
	RuleDigitForm:    "digit_form",
	RuleInvisible:    "invisible",
	RuleMarks:        "marks",
	RuleSeparator:    "separator",
	RuleMixedScripts: "mixed_scripts",
	RuleNoLetter:     "no_letter",
	RuleDigits:       "digits",
	RuleLink:         "link",
	RuleStaff:        "staff",
	RuleDenied:       "denied",
}

// String returns a short snake_case name, fit for a metric label.
func (r Rule) String() string {
	if int(r) < len(ruleNames) {
		return ruleNames[r]
	}
	return fmt.Sprintf("rule_%d", uint8(r))
}

// Reason is the category of the rule.
func (r Rule) Reason() Reason {
	switch r {
	case RuleNone:
		return OK
	case RuleTooShort:
		return TooShort
	case RuleTooLong:
		return TooLong
	case RuleStaff, RuleDenied:
		return Forbidden
	}
	return BadCharacters
}

// messages returns the message of each rule for the configured lengths.
// Those that quote the offending character hold one %s; the others none.
func messages(minLen, maxLen int) [RuleDenied + 1]string {
	return [...]string{
		RuleNone:         "",
		RuleTooShort:     fmt.Sprintf("Ton pseudonyme est trop court : il faut au moins %d caractères, par exemple « Léo ».", minLen),
		RuleTooLong:      fmt.Sprintf("Ton pseudonyme est trop long : %d caractères au plus, espaces compris.", maxLen),
		RuleEmoji:        "Les émojis comme « %s » ne sont pas acceptés : écris seulement des lettres, par exemple « Léo ».",
		RuleSymbol:       "Le signe « %s » n'est pas accepté : mets seulement des lettres, des chiffres, et - _ . entre les mots.",
		RuleLetter:       "La lettre « %s » n'est pas acceptée : écris avec les lettres ordinaires de ton clavier.",
		RuleDigitForm:    "Le chiffre « %s » n'est pas accepté : écris les chiffres avec 0 1 2 3 4 5 6 7 8 9.",
		RuleInvisible:    "Ton pseudonyme contient un caractère invisible ou spécial : efface-le et écris-le de nouveau.",
		RuleMarks:        "Il y a trop d'accents sur une lettre, ou un accent tout seul : trois accents au plus par lettre.",
		RuleSeparator:    "Mets - _ . ou un espace seulement entre deux mots, un seul à la fois : « Léa-Zoé », pas « Léa- ».",
		RuleMixedScripts: "Écris avec un seul alphabet : « Léa » ou « Лея », mais pas des lettres des deux mélangées.",
		RuleNoLetter:     "Ton pseudonyme doit contenir au moins une lettre : « Léo2010 » et pas « 2010 ».",
		RuleDigits:       fmt.Sprintf("%d chiffres au plus : ne mets pas de numéro de téléphone ni de code postal dans ton pseudonyme.", maxDigits),
		RuleLink:         "Ton pseudonyme ne doit pas ressembler à une adresse de site (www, .fr, .com…).",
		RuleStaff:        "Ce pseudonyme est réservé à l'équipe : pas de titre comme « M. », « Mme », « Prof » ou « Admin ».",
		RuleDenied:       "Ce pseudonyme contient un mot grossier, blessant ou interdit : choisis-en un autre.",
	}
}

// quotes reports whether a rule's message quotes the offending character.
func quotes(r Rule) bool {
	switch r {
	case RuleEmoji, RuleSymbol, RuleLetter, RuleDigitForm:
		return true
	}
	return false
}

// message fills a rule's message with the offending character, or falls
// back to the rule's generic sentence when the character cannot be shown
// (a mark, a format character) or is unknown.
func (c *Checker) message(r Rule, bad rune) string {
	m := c.messages[r]
	if !quotes(r) {
		return m
	}
	if bad < 0 || !unicode.IsGraphic(bad) || unicode.In(bad, unicode.M) {
		return c.generic[r]
	}
	return strings.Replace(m, "%s", string(bad), 1)
}

// generics returns, for the rules that quote a character, the sentence
// without it.
func generics() map[Rule]string {
	return map[Rule]string{
		RuleEmoji:     "Les émojis ne sont pas acceptés : écris seulement des lettres, par exemple « Léo ».",
		RuleSymbol:    "Ce signe n'est pas accepté : mets seulement des lettres, des chiffres, et - _ . entre les mots.",
		RuleLetter:    "Cette lettre n'est pas acceptée : écris avec les lettres ordinaires de ton clavier.",
		RuleDigitForm: "Écris les chiffres avec 0 1 2 3 4 5 6 7 8 9.",
	}
}

// checkMessages verifies that every message, with the widest character
// quoted, fits a WebSocket close reason.
func checkMessages(msgs [RuleDenied + 1]string, gen map[Rule]string) error {
	for r, m := range msgs {
		if quotes(Rule(r)) {
			m = strings.Replace(m, "%s", string(rune(0x1F98A)), 1) // 4 bytes, the most a rune takes
		}
		if len(m) > maxMessage || !utf8.ValidString(m) || strings.Contains(m, "%") {
			return fmt.Errorf("pseudonym: message for %v is %d bytes, over %d, or malformed", Rule(r), len(m), maxMessage)
		}
	}
	for r, m := range gen {
		if len(m) > maxMessage {
			return fmt.Errorf("pseudonym: message for %v is over %d bytes", r, maxMessage)
		}
	}
	return nil
}

// isEmoji reports the code points drawn as emoji: pictographs, emoticons,
// transport and map symbols, flags (regional indicators), dingbats and the
// miscellaneous symbols ("❤", "☀"). What NFKC turns into letters or digits
// ("①", "™") never gets here.
func isEmoji(r rune) bool {
	switch {
	case 0x1F000 <= r && r <= 0x1FAFF: // cards to symbols and pictographs extended-A, flags, skin tones
		return true
	case 0x2600 <= r && r <= 0x27BF: // miscellaneous symbols, dingbats
		return true
	case 0x2300 <= r && r <= 0x23FF: // ⌚ ⌛ ⏰
		return true
	case 0x2B00 <= r && r <= 0x2BFF: // ⭐ ⬛
		return true
	case r == 0x20E3 || r == 0x3030 || r == 0x303D || r == 0x3297 || r == 0x3299:
		return true
	}
	return false
}
