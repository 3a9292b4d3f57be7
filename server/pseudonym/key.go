package pseudonym

import (
	"strings"
	"unicode"

	"golang.org/x/text/cases"
	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// fold case-folds d and strips its diacritics: "Léa Ｍartin" becomes
// "lea martin". Separators and digits are kept, so the deny-list can still
// see words; lookalikes finishes the key.
func fold(d string) string {
	// A cases.Caser is stateful: one per call keeps Checker safe for
	// concurrent use.
	s := cases.Fold().String(norm.NFKC.String(d))
	s = norm.NFD.String(s)
	s, _, _ = transform.String(runes.Remove(runes.In(unicode.Mn)), s)
	// NFKC again: NFD split Hangul syllables, and folding may have left
	// compatibility characters.
	return norm.NFKC.String(s)
}

// lookalikes maps the characters of a folded string that are drawn alike to
// one of them, and drops separators if asked: "m0d.3r4t3ur" becomes
// "moderateur". "1", "l", "i" and their Greek and Cyrillic twins all become
// "i", since "I" (capital i) and "l" cannot be told apart in most fonts.
func lookalikes(folded string, dropSeparators bool) string {
	var b strings.Builder
	b.Grow(len(folded))
	for _, r := range folded {
		if isSeparator(r) {
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

func lookalike(r rune) rune {
	switch r {
	case '0':
		return 'o'
	case '1', 'l', 'ı', 'ł', 'і', 'ι', 'ӏ':
		return 'i'
	case '3':
		return 'e'
	case '4', '@':
		return 'a'
	case '5', '$':
		return 's'
	case '7':
		return 't'
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
