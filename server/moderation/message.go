package moderation

import (
	"bytes"
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
	iter norm.Iter // NFKD of a message that is not ASCII: kept here, its buffer is not allocated per call
	nfkd []byte    // the message in NFKD
	// f is the folded form: lower case, no marks nor format characters
	// (zero width joiners glue letters back), Greek and Cyrillic look-alikes
	// mapped to Latin letters, œ and æ split. Digits and punctuation are
	// kept: the contact-details filter reads f.
	f []byte
	// w is f with the leet look-alikes mapped (0→o, 1→i, 3→e, 4/@→a,
	// 5/$→s, 7→t; with alt, 1 and a capital I→l): the word lists read w.
	// Those are one ASCII byte for another, so f and w have the same
	// length and offsets.
	w      []byte
	alt    bool   // w maps 1 and capital I to l ("sa1ope", "fIotte")
	capI   []int  // offsets in f of a capital I, "|" or "1", for alt
	tokens []span // maximal runs of word characters in f
	run    []byte // one-letter tokens of f glued ("c o n" → "con")
	tw     []byte // one token in the w form
	pair   []byte // two neighbouring tokens of w glued
	sq     []byte // one token with its repeated letters folded, then in the w form
}

// prepare fills s for text.
func (s *scratch) prepare(text string) {
	ascii := true
	for i := 0; i < len(text); i++ {
		if text[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	s.f, s.capI = s.f[:0], s.capI[:0]
	if ascii {
		for i := 0; i < len(text); i++ {
			c := text[i]
			switch {
			case c == 'I' || c == '1' || c == '|':
				s.capI = append(s.capI, len(s.f))
			}
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			s.f = append(s.f, c)
		}
	} else {
		s.nfkd = s.nfkd[:0]
		for s.iter.InitString(norm.NFKD, text); !s.iter.Done(); {
			s.nfkd = append(s.nfkd, s.iter.Next()...)
		}
		for i := 0; i < len(s.nfkd); {
			if c := s.nfkd[i]; c < utf8.RuneSelf {
				i++
				if c == 'I' || c == '1' || c == '|' {
					s.capI = append(s.capI, len(s.f))
				}
				if 'A' <= c && c <= 'Z' {
					c += 'a' - 'A'
				}
				s.f = append(s.f, c)
				continue
			}
			r, n := utf8.DecodeRune(s.nfkd[i:])
			i += n
			if unicode.In(r, unicode.Mn, unicode.Me, unicode.Mc, unicode.Cf) {
				continue
			}
			if r == 'I' || r == '1' || r == '|' {
				s.capI = append(s.capI, len(s.f))
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
	s.setW(false)
	s.tokens = s.tokens[:0]
	start, runes := -1, 0
	for i := 0; i < len(s.f); {
		r, n := rune(s.f[i]), 1
		if r >= utf8.RuneSelf {
			r, n = utf8.DecodeRune(s.f[i:])
		}
		if isWordRune(r) || s.inner(i) {
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

// inner reports a "!" or "*" at offset i of f between two ASCII letters
// or digits: a letter hidden on purpose ("b!te", "f*ck", "enc*lé"). It is
// then part of the word: "!" reads as i, "*" as any letter.
func (s *scratch) inner(i int) bool {
	c := s.f[i]
	if c != '!' && c != '*' {
		return false
	}
	j, e := i, i // the run of stars around i: one or two
	if c == '*' {
		if j > 0 && s.f[j-1] == '*' {
			j--
		}
		if e == j && e+1 < len(s.f) && s.f[e+1] == '*' {
			e++
		}
	}
	alnum := func(c byte) bool { return 'a' <= c && c <= 'z' || isDigit(c) }
	return j > 0 && e+1 < len(s.f) && alnum(s.f[j-1]) && alnum(s.f[e+1])
}

// setW computes w from f; with alt, the capital I, "|" and "1" become l.
func (s *scratch) setW(alt bool) {
	s.alt = alt
	s.w = msgForm(s.w[:0], s.f, false)
	if alt {
		for _, i := range s.capI {
			s.w[i] = 'l'
		}
	}
}

// msgForm appends to dst the w form of folded bytes: the leet look-alikes
// mapped, l kept; "|" becomes i (or l with alt).
func msgForm(dst, f []byte, alt bool) []byte {
	for _, c := range f {
		switch {
		case c >= utf8.RuneSelf:
		case c == 'l':
		case c == '!':
			c = 'i'
		case c == '|' || (alt && c == '1'):
			if alt {
				c = 'l'
			} else {
				c = 'i'
			}
		default:
			c = byte(leet(rune(c)))
		}
		dst = append(dst, c)
	}
	return dst
}

// isWordRune reports the runes of a word: letters, digits, and the signs
// used as letters, "@", "$" and "|".
func isWordRune(r rune) bool {
	switch {
	case 'a' <= r && r <= 'z', '0' <= r && r <= '9', r == '@', r == '$', r == '|':
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
// prof" is an ordinary message. A message holding a "1", a capital I or a
// "|" is read twice, with them as i then as l ("sa1ope", "fIotte").
func (f *Filter) messageWords(s *scratch) Reason {
	if r := f.wordsOf(s); r != OK || len(s.capI) == 0 {
		return r
	}
	s.setW(true)
	return f.wordsOf(s)
}

func (f *Filter) wordsOf(s *scratch) Reason {
	if r := f.lists.msg.matchInside(s.w); r != OK {
		return r
	}
	s.run = s.run[:0]
	runLen := 0
	for i, t := range s.tokens {
		if r := f.pairAt(s, i); r != OK {
			return r
		}
		if t.runes == 1 {
			s.run = append(s.run, s.f[t.start:t.end]...)
			runLen++
			continue
		}
		if r := f.flushRun(s, runLen); r != OK {
			return r
		}
		runLen = 0
		if r := f.token(s, s.f[t.start:t.end], s.w[t.start:t.end]); r != OK && !f.inCompound(s, i) && !f.afterElision(s, i) {
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
			if r := f.token(s, s.f[a:b], s.w[a:b]); r != OK {
				return r
			}
		}
	}
	return f.flushRun(s, runLen)
}

// pairAt looks up token i glued to the one before it, when both have two
// runes or more and only a short gap of spaces or punctuation separates
// them: "ta gueule", "mer.de", "sale arabe", "con nard".
func (f *Filter) pairAt(s *scratch, i int) Reason {
	if i == 0 {
		return OK
	}
	a, b := s.tokens[i-1], s.tokens[i]
	if a.runes < 2 || b.runes < 2 || b.start-a.end > 3 {
		return OK
	}
	for _, c := range s.f[a.end:b.start] {
		if c >= utf8.RuneSelf {
			return OK // an emoji or another script between them
		}
	}
	s.pair = append(append(s.pair[:0], s.w[a.start:a.end]...), s.w[b.start:b.end]...)
	return f.lists.exact[string(s.pair)]
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// flushRun checks the glued one-letter words, if there are two or more.
func (f *Filter) flushRun(s *scratch, n int) Reason {
	if n < 2 {
		s.run = s.run[:0]
		return OK
	}
	s.tw = msgForm(s.tw[:0], s.run, s.alt)
	r := f.lists.msg.matchInside(s.tw)
	if r == OK {
		r = f.token(s, s.run, s.tw)
	}
	s.run = s.run[:0]
	return r
}

// token checks one word, fw in the f form and w in the w form, as a whole
// word, then with its repeated letters folded (squeezeInto), as a whole
// word and for substring entries.
func (f *Filter) token(s *scratch, fw, w []byte) Reason {
	l := &f.lists
	if r, ok := l.msg.words[string(w)]; ok && r != Staff {
		return r
	}
	if r := l.msg.wildWord(w); r != OK {
		return r
	}
	for _, two := range [2]bool{false, true} {
		if !s.squeezeInto(fw, two) {
			return OK
		}
		if r, ok := l.msg.words[string(s.sq)]; ok && r != Staff {
			return r
		}
		if r := l.msg.matchInside(s.sq); r != OK {
			return r
		}
	}
	return OK
}

// squeezeInto puts into s.sq, in the w form, the word fw with its
// repeated letters folded the way disguises repeat them: a run of three or
// more becomes one letter (or two, with two: "connnnasse" is "connasse"),
// and a doubled letter that French never doubles (a, h, i, j, k, o, q, u,
// v, w, x, y: "puute", "coonnard") becomes one. A doubled letter French
// does double stays: "baisse" is not "baise", "flotte" is not "flote". It
// reports whether anything was folded.
func (s *scratch) squeezeInto(fw []byte, two bool) bool {
	s.sq = s.sq[:0]
	folded := false
	for i := 0; i < len(fw); {
		c := fw[i]
		n := 1
		for i+n < len(fw) && fw[i+n] == c && c < utf8.RuneSelf {
			n++
		}
		switch {
		case n >= 3 && two:
			s.sq = append(s.sq, c, c)
			folded = true
		case n >= 3, n == 2 && !frenchDouble(c):
			s.sq = append(s.sq, c)
			folded = true
		default:
			s.sq = append(s.sq, fw[i:i+n]...)
		}
		i += n
	}
	s.sq = msgForm(s.sq[:0], s.sq, s.alt) // in place: one byte for one
	return folded
}

// frenchDouble reports the letters French writes doubled ("abbé", "accès",
// "addition", "créée", "effet", "aggraver", "elle", "comme", "donne",
// "appel", "terre", "assez", "patte", "jazz"), and the digits.
func frenchDouble(c byte) bool {
	switch c {
	case 'b', 'c', 'd', 'e', 'f', 'g', 'l', 'm', 'n', 'p', 'r', 's', 't', 'z':
		return true
	}
	return isDigit(c) || c >= utf8.RuneSelf
}

// afterElision reports whether token i is a "%" entry right after an
// elided pronoun: "s'attarde", "t'attardes" are verbs, "t'es attardé" is
// not.
func (f *Filter) afterElision(s *scratch, i int) bool {
	t := s.tokens[i]
	if i == 0 || !f.lists.elided[string(s.w[t.start:t.end])] || !s.is(i-1, "s", "t", "m", "n") {
		return false
	}
	g := string(s.gap(i))
	return g == "'" || g == "\u2019"
}

// inCompound reports whether token i is part of a compound written with
// hyphens ("pique-nique", "cul-de-sac") that holds an exception of the
// lists: its whole-word hits do not count.
func (f *Filter) inCompound(s *scratch, i int) bool {
	a, b := i, i
	for a > 0 && string(s.gap(a)) == "-" {
		a--
	}
	for b+1 < len(s.tokens) && string(s.gap(b+1)) == "-" {
		b++
	}
	if a == b {
		return false
	}
	s.pair = s.pair[:0]
	for j := a; j <= b; j++ {
		t := s.tokens[j]
		s.pair = append(s.pair, s.w[t.start:t.end]...)
	}
	for _, x := range f.lists.msg.except {
		if bytes.Contains(s.pair, []byte(x)) {
			return true
		}
	}
	return false
}

// matchInside looks for substring entries in b, a form whose words are
// separated by non-word bytes: a hit lies inside one word, since entries
// hold only letters and digits.
func (l *list) matchInside(b []byte) Reason {
	star := bytes.IndexByte(b, '*') >= 0
	for i, c := range b {
		for _, e := range l.byFirst[c] {
			n := len(e.k)
			if len(b)-i < n || (!star && b[i+1] != e.k[1]) {
				continue // substring entries have 4 runes or more: k[1] exists
			}
			if (string(b[i:i+n]) == e.k || star && eqWild(b[i:i+n], e.k)) && !l.exceptedBytes(b, i, n) {
				return e.reason
			}
		}
	}
	return OK
}

// eqWild reports whether b reads as k, a "*" in b standing for any byte,
// as long as fewer than half of k's bytes are stars: "f*ck" is "fuck",
// "p***" is nothing.
func eqWild(b []byte, k string) bool {
	stars := 0
	for j := range len(b) {
		switch {
		case b[j] == '*':
			stars++
		case b[j] != k[j]:
			return false
		}
	}
	return stars > 0 && 2*stars < len(k)
}

// wildWord returns the Reason of a whole-word entry that w, holding a
// "*", reads as ("c*n" is "con"), OK if none.
func (l *list) wildWord(w []byte) Reason {
	if bytes.IndexByte(w, '*') < 0 {
		return OK
	}
	for k, r := range l.words {
		if len(k) == len(w) && r != Staff && (string(w) == k || eqWild(w, k)) {
			return r
		}
	}
	return OK
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
