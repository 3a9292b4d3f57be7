package moderation

import (
	"strings"
	"unicode"

	"golang.org/x/text/cases"
	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// Fold returns the folded form of s: NFKC (full-width, mathematical, circled
// and superscript characters become plain ones), case-folded, without
// diacritics. "Léa Ｍartin" becomes "lea martin". Separators, digits and
// punctuation are kept, so words can still be seen; Key finishes the job.
func Fold(s string) string {
	// A cases.Caser is stateful: one per call keeps callers safe for
	// concurrent use.
	s = cases.Fold().String(norm.NFKC.String(s))
	s = norm.NFD.String(s)
	s, _, _ = transform.String(runes.Remove(runes.In(unicode.Mn)), s)
	// NFKC again: NFD split Hangul syllables, and folding may have left
	// compatibility characters.
	return norm.NFKC.String(s)
}

// Key returns the key of a name: its folded form with look-alikes mapped
// (0→o, 1/l/i→i, 3→e, 4→a, 5→s, 7→t, @→a, $→s, Cyrillic and Greek letters
// drawn like Latin ones to those) and the separators " -_." dropped.
// "Léa", "LEA", "L e a", "Ｌéａ" and "1ea" share the key "iea". Since "I"
// and "l" cannot be told apart in most fonts, i and l are one letter.
func Key(s string) string {
	return Lookalikes(Fold(s), true)
}

// IsSeparator reports the separators allowed inside a name: space, "-",
// "_", ".".
func IsSeparator(r rune) bool {
	return r == ' ' || r == '-' || r == '_' || r == '.'
}

// Lookalikes maps the characters of a folded string that are drawn alike to
// one of them, and drops the separators if asked: "m0d.3r4t3ur" becomes
// "moderateur". "1", "l", "i" and their Greek and Cyrillic twins all become
// "i", since "I" (capital i) and "l" cannot be told apart in most fonts.
func Lookalikes(folded string, dropSeparators bool) string {
	var b strings.Builder
	b.Grow(len(folded))
	for _, r := range folded {
		if IsSeparator(r) {
			if !dropSeparators {
				b.WriteRune(r)
			}
			continue
		}
		switch r {
		case 'œ':
			b.WriteString("oe")
		case 'æ':
			b.WriteString("ae")
		default:
			b.WriteRune(lookalike(r))
		}
	}
	return b.String()
}

// lookalike maps one folded rune: letters drawn like a Latin letter
// (homoglyph) become that letter, then the digits and signs used as
// letters ("leet") become letters.
func lookalike(r rune) rune {
	if l := homoglyph(r); l != r {
		r = l
	}
	return leet(r)
}

// leet maps the ASCII digits and signs used for letters, and l to i.
func leet(r rune) rune {
	switch r {
	case '0':
		return 'o'
	case '1', 'l':
		return 'i'
	case '3':
		return 'e'
	case '4', '@':
		return 'a'
	case '5', '$':
		return 's'
	case '7':
		return 't'
	}
	return r
}

// homoglyph maps a folded non-ASCII letter drawn like a Latin one to that
// Latin letter (ı, ł, і, ι, ӏ to l's twin i); other runes are returned as
// they are.
func homoglyph(r rune) rune {
	if r < 0x80 {
		return r
	}
	switch r {
	case 'ı', 'ł', 'і', 'ι', 'ӏ':
		return 'i'
	case 'ø':
		return 'o'
	case 'đ':
		return 'd'
	// Cyrillic, lower case after folding; the upper case forms look like
	// Latin capitals, hence н -> h.
	case 'а':
		return 'a'
	case 'в':
		return 'b'
	case 'е':
		return 'e'
	case 'ѕ':
		return 's'
	case 'ј':
		return 'j'
	case 'к':
		return 'k'
	case 'м':
		return 'm'
	case 'н':
		return 'h'
	case 'о':
		return 'o'
	case 'п':
		return 'n'
	case 'р':
		return 'p'
	case 'с':
		return 'c'
	case 'т':
		return 't'
	case 'у':
		return 'y'
	case 'х':
		return 'x'
	case 'ԁ':
		return 'd'
	case 'ԛ':
		return 'q'
	case 'ԝ':
		return 'w'
	// Greek, idem.
	case 'α':
		return 'a'
	case 'β':
		return 'b'
	case 'ε':
		return 'e'
	case 'ζ':
		return 'z'
	case 'η':
		return 'h'
	case 'κ':
		return 'k'
	case 'μ':
		return 'm'
	case 'ν':
		return 'n'
	case 'ο':
		return 'o'
	case 'ρ':
		return 'p'
	case 'τ':
		return 't'
	case 'υ':
		return 'y'
	case 'χ':
		return 'x'
	case 'ω':
		return 'w'
	}
	return r
}
