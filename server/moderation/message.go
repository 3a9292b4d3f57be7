package moderation

import (
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// span is a token: the bytes [start, end) of scratch.f and scratch.w.
type span struct {
	start, end int
	runes      int
}

// scratch holds the forms of one message while it is checked. Filters keep
// them in a pool, so a warm Filter allocates nothing for an ordinary
// message.
type scratch struct {
	nfkd []byte // the message in NFKD, ASCII messages skip it
	// f is the folded form: lower case, no marks nor format characters
	// (zero width joiners glue letters back), Greek and Cyrillic look-alikes
	// mapped to Latin letters, œ and æ split. Digits and punctuation are
	// kept: the contact-details filter reads f.
	f []byte
	// w is f with the leet look-alikes mapped (0→o, 1/l→i, 3→e, 4/@→a,
	// 5/$→s, 7→t): the word lists read w. Those are one ASCII byte for
	// another, so f and w have the same length and offsets.
	w      []byte
	tokens []span // maximal runs of word characters in f
	run    []byte // one-letter tokens glued ("c o n" → "con")
	sq     []byte // a token with its repeated letters folded
}

// prepare fills s for text.
func (s *scratch) prepare(text string) {
	src := text
	ascii := true
	for i := 0; i < len(text); i++ {
		if text[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	s.f = s.f[:0]
	if ascii {
		for i := 0; i < len(text); i++ {
			c := text[i]
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			s.f = append(s.f, c)
		}
	} else {
		s.nfkd = norm.NFKD.AppendString(s.nfkd[:0], src)
		for i := 0; i < len(s.nfkd); {
			r, n := utf8.DecodeRune(s.nfkd[i:])
			i += n
			if unicode.In(r, unicode.Mn, unicode.Me, unicode.Mc, unicode.Cf) {
				continue
			}
			r = homoglyph(unicode.ToLower(r))
			switch r {
			case 'œ':
				s.f = append(s.f, 'o', 'e')
			case 'æ':
				s.f = append(s.f, 'a', 'e')
			case 'ß':
				s.f = append(s.f, 's', 's')
			default:
				s.f = utf8.AppendRune(s.f, r)
			}
		}
	}
	s.w = s.w[:0]
	for _, c := range s.f {
		if c < utf8.RuneSelf {
			c = byte(leet(rune(c)))
		}
		s.w = append(s.w, c)
	}
	s.tokens = s.tokens[:0]
	start, runes := -1, 0
	for i := 0; i < len(s.f); {
		r, n := rune(s.f[i]), 1
		if r >= utf8.RuneSelf {
			r, n = utf8.DecodeRune(s.f[i:])
		}
		if isWordRune(r) {
			if start < 0 {
				start, runes = i, 0
			}
			runes++
		} else if start >= 0 {
			s.tokens = append(s.tokens, span{start, i, runes})
			start = -1
		}
		i += n
	}
	if start >= 0 {
		s.tokens = append(s.tokens, span{start, len(s.f), runes})
	}
}

// isWordRune reports the runes of a word: letters, digits, and the signs
// used as letters, "@" and "$".
func isWordRune(r rune) bool {
	switch {
	case 'a' <= r && r <= 'z', '0' <= r && r <= '9', r == '@', r == '$':
		return true
	case r < utf8.RuneSelf:
		return false
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}

// messageWords matches the word lists against a message: substring entries
// (4 runes or more) inside one word, glued or not ("salepute",
// "emmerdeur"), whole-word entries as words, as words without their
// leading and trailing digits ("fdp93"), and runs of one-letter words
// glued back ("c o n n a r d", "c.o.n"); each also with its repeated
// letters folded ("connnnard"). Staff entries are not matched: "je suis
// prof" is an ordinary message.
func (f *Filter) messageWords(s *scratch) Reason {
	l := &f.lists
	if r := l.plain.matchInside(s.w); r != OK {
		return r
	}
	s.run = s.run[:0]
	runLen := 0
	for _, t := range s.tokens {
		if t.runes == 1 {
			s.run = append(s.run, s.w[t.start:t.end]...)
			runLen++
			continue
		}
		if r := f.flushRun(s, runLen); r != OK {
			return r
		}
		runLen = 0
		if r := f.token(s, s.w[t.start:t.end]); r != OK {
			return r
		}
		// "fdp93": the word without its digits; "2con".
		a, b := t.start, t.end
		for a < b && isDigit(s.f[a]) {
			a++
		}
		for b > a && isDigit(s.f[b-1]) {
			b--
		}
		if (a != t.start || b != t.end) && a < b {
			if r := f.token(s, s.w[a:b]); r != OK {
				return r
			}
		}
	}
	return f.flushRun(s, runLen)
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// flushRun checks the glued one-letter words, if there are two or more.
func (f *Filter) flushRun(s *scratch, n int) Reason {
	if n < 2 {
		s.run = s.run[:0]
		return OK
	}
	r := f.lists.plain.matchInside(s.run)
	if r == OK {
		r = f.token(s, s.run)
	}
	s.run = s.run[:0]
	return r
}

// token checks one word of w as a whole word, then with its repeated
// letters folded (as a whole word and for substring entries).
func (f *Filter) token(s *scratch, w []byte) Reason {
	l := &f.lists
	if r, ok := l.plain.words[string(w)]; ok && r != Staff {
		return r
	}
	s.sq = s.sq[:0]
	var prev rune = -1
	repeated := false
	for i := 0; i < len(w); {
		r, n := utf8.DecodeRune(w[i:])
		if r == prev {
			repeated = true
		} else {
			s.sq = append(s.sq, w[i:i+n]...)
		}
		prev = r
		i += n
	}
	if !repeated {
		return OK
	}
	if r, ok := l.squeezed.words[string(s.sq)]; ok && r != Staff {
		return r
	}
	return l.squeezed.matchInside(s.sq)
}

// matchInside looks for substring entries in b, a form whose words are
// separated by non-word bytes: a hit lies inside one word, since entries
// hold only letters and digits.
func (l *list) matchInside(b []byte) Reason {
	for _, e := range l.substr {
		if e.reason == Staff {
			continue
		}
		for off := 0; off < len(b); {
			i := indexBytes(b[off:], e.k)
			if i < 0 {
				break
			}
			i += off
			if !l.exceptedBytes(b, i, len(e.k)) {
				return e.reason
			}
			off = i + 1
		}
	}
	return OK
}

// indexBytes is strings.Index for a []byte haystack, without converting it.
func indexBytes(b []byte, k string) int {
	n := len(k)
	if n == 0 || n > len(b) {
		return -1
	}
	c := k[0]
	for i := 0; i+n <= len(b); i++ {
		if b[i] == c && string(b[i:i+n]) == k {
			return i
		}
	}
	return -1
}

// exceptedBytes is excepted for a []byte form.
func (l *list) exceptedBytes(b []byte, i, n int) bool {
	for _, x := range l.except {
		for s := max(0, i+n-len(x)); s <= i; s++ {
			if len(b)-s >= len(x) && string(b[s:s+len(x)]) == x {
				return true
			}
		}
	}
	return false
}
