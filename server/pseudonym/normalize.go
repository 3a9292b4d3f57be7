package pseudonym

import (
	"cmp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

const (
	// maxMarks bounds consecutive combining marks on one letter: enough for
	// Thai, Hebrew or Arabic vowel and tone marks (NFKC already composes
	// French accents), too few for "Zalgo" text that spills over the
	// neighbouring lines of the chat.
	maxMarks = 3
	// maxDigits bounds the digits of a pseudonym: "Mathis_42" or
	// "Léa2011" are fine, a phone number or a postcode is personal data
	// that a pupil should not publish.
	maxDigits = 4
)

// normalise returns the display form of s: NFKC (full-width, mathematical,
// circled or superscript letters and digits become plain ones, ligatures are
// split, "e" + U+0301 becomes "é"), with white space trimmed and inner runs
// of white space collapsed to one U+0020. Case and accents are kept.
//
// NFKC rather than precis.UsernameCasePreserved: the PRECIS username
// profiles refuse spaces and only map widths, so "𝐚𝐝𝐦𝐢𝐧" would stay
// fancy in the display while looking like "admin". With NFKC what others
// see is what the key and the deny-list were computed on.
func normalise(s string) string {
	s = norm.NFKC.String(s)
	if !needsSpaceFix(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		if unicode.IsSpace(r) {
			space = true
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	return b.String()
}

// needsSpaceFix reports whether s has white space other than single
// U+0020 between two other characters.
func needsSpaceFix(s string) bool {
	prevSpace := true // a leading space needs trimming
	for _, r := range s {
		sp := unicode.IsSpace(r)
		if sp && (r != ' ' || prevSpace) {
			return true
		}
		prevSpace = sp
	}
	return prevSpace && s != ""
}

// stats counts what validate saw in a display form.
type stats struct {
	runes, letters, digits int
}

func isSeparator(r rune) bool {
	return r == ' ' || r == '-' || r == '_' || r == '.'
}

// validate checks every rune of the display form d: letters of one script
// (or a script family such as Han with kana), their combining marks, ASCII
// digits and separators that are neither at an end nor doubled. Everything
// else, emoji, punctuation, symbols, control and format characters (zero
// width joiners, bidi overrides), invisible fillers, is refused: the rule
// says which, bad is the first offending rune (-1 when none is to blame,
// as for mixed scripts found at the end).
func (c *Checker) validate(d string) (st stats, rule Rule, bad rune) {
	const (
		start = iota
		letter
		mark
		digit
		sep
	)
	last, marks := start, 0
	var set scriptSet
	for _, r := range d {
		st.runes++
		switch {
		case isSeparator(r):
			if last == start || last == sep {
				return st, RuleSeparator, r
			}
			last = sep
		case '0' <= r && r <= '9':
			st.digits++
			last = digit
		case invisible(r) || unicode.In(r, unicode.C) || r == utf8.RuneError:
			return st, RuleInvisible, r
		case unicode.In(r, unicode.Mn, unicode.Mc, unicode.Me):
			if last != letter && last != mark {
				return st, RuleMarks, r
			}
			if last == mark {
				marks++
			} else {
				marks = 1
			}
			if marks > maxMarks {
				return st, RuleMarks, r
			}
			if !unicode.Is(unicode.Inherited, r) {
				name := c.scriptOf(r)
				if name == "" {
					return st, RuleMarks, r
				}
				if !set.add(name) {
					return st, RuleMixedScripts, r
				}
			}
			last = mark
		case unicode.IsLetter(r):
			name := c.scriptOf(r)
			if name == "" {
				return st, RuleLetter, r
			}
			if !set.add(name) {
				return st, RuleMixedScripts, r
			}
			st.letters++
			last = letter
		case unicode.IsDigit(r) || unicode.Is(unicode.N, r):
			return st, RuleDigitForm, r
		case isEmoji(r):
			return st, RuleEmoji, r
		default:
			return st, RuleSymbol, r
		}
	}
	if last == sep {
		return st, RuleSeparator, -1
	}
	if !set.compatible() {
		return st, RuleMixedScripts, -1
	}
	return st, RuleNone, -1
}

// invisible reports default-ignorable code points that are not format
// characters: Hangul fillers (letters that draw nothing, used for "blank"
// names in games), the combining grapheme joiner, variation selectors.
func invisible(r rune) bool {
	return unicode.In(r, unicode.Other_Default_Ignorable_Code_Point, unicode.Variation_Selector)
}

// script is a Unicode script and its table.
type script struct {
	name  string
	table *unicode.RangeTable
}

// newScripts lists the scripts that letters may come from, the usual ones
// first so that the search ends early.
func newScripts() []script {
	first := []string{"Latin", "Arabic", "Cyrillic", "Greek", "Han", "Hiragana", "Katakana", "Hangul", "Hebrew"}
	rank := func(name string) int {
		if i := slices.Index(first, name); i >= 0 {
			return i
		}
		return len(first)
	}
	var s []script
	for name, t := range unicode.Scripts {
		if name == "Common" || name == "Inherited" {
			continue
		}
		s = append(s, script{name, t})
	}
	slices.SortFunc(s, func(a, b script) int {
		return cmp.Or(cmp.Compare(rank(a.name), rank(b.name)), strings.Compare(a.name, b.name))
	})
	return s
}

// scriptOf returns the script of a letter or mark, or "" if it is not
// allowed. Latin letters are limited to the blocks used to write languages
// (Basic Latin to Latin Extended-B, Latin Extended Additional for
// Vietnamese): IPA, phonetic and small-capital letters such as "ᴀᴅᴍɪɴ" are
// refused, they are look-alikes and no pupil's name needs them.
func (c *Checker) scriptOf(r rune) string {
	switch {
	case 0x01C0 <= r && r <= 0x01C3: // click letters drawn as | ‖ ǂ !
		return ""
	case r < 0x0250 && r != 0x00B5: // µ is Common; NFKC maps it to Greek μ anyway
		return "Latin"
	case 0x1E00 <= r && r <= 0x1EFF:
		return "Latin"
	case r == 0x30FC: // ー, Common, but only written with kana
		return "Katakana"
	}
	for _, s := range c.scripts {
		if unicode.Is(s.table, r) {
			if s.name == "Latin" {
				return ""
			}
			return s.name
		}
	}
	return "" // Common or Inherited letters: modifier letters such as ʼ, tatweel
}

// scriptSet is the set of scripts seen in one pseudonym.
type scriptSet struct {
	names [3]string
	n     int
}

// add adds name and reports false if the set is full, which means mixed
// scripts anyway.
func (s *scriptSet) add(name string) bool {
	if slices.Contains(s.names[:s.n], name) {
		return true
	}
	if s.n == len(s.names) {
		return false
	}
	s.names[s.n] = name
	s.n++
	return true
}

// compatible reports whether the scripts may be mixed: a single script, or
// the ones written together in Japanese or Korean. Everything else, such as
// Latin with a Cyrillic "а", is the classic look-alike attack.
func (s *scriptSet) compatible() bool {
	if s.n <= 1 {
		return true
	}
	within := func(family ...string) bool {
		for _, n := range s.names[:s.n] {
			if !slices.Contains(family, n) {
				return false
			}
		}
		return true
	}
	return within("Han", "Hiragana", "Katakana") || within("Han", "Hangul")
}

// looksLikeLink reports display forms shaped like a web address:
// "www.x", "http ...", or a dot followed by a common top-level domain
// ("monsite.fr", "discord.gg"). "@" never gets this far.
func looksLikeLink(d string) bool {
	var prev byte // separator before the current word
	for {
		i := strings.IndexAny(d, " -_.")
		w := d
		if i >= 0 {
			w = d[:i]
		}
		lw := strings.ToLower(w)
		if lw == "www" || lw == "http" || lw == "https" || (prev == '.' && isTLD(lw)) {
			return true
		}
		if i < 0 {
			return false
		}
		prev, d = d[i], d[i+1:]
	}
}

func isTLD(s string) bool {
	switch s {
	case "com", "fr", "net", "org", "io", "gg", "tv", "be", "ch", "ca", "eu",
		"me", "co", "ly", "info", "xyz", "app", "dev", "site", "biz", "uk", "de", "es", "it":
		return true
	}
	return false
}
