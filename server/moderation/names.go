package moderation

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// nameWords matches a name against the word lists, the way pseudonyms
// always were: substring entries anywhere in the key, even across words
// ("sale_pute"), whole-word entries as words, runs of one-letter words and
// the whole key, "^" entries at the start, one-letter titles first.
func (f *Filter) nameWords(display string) Reason {
	folded := Fold(display)
	return f.lists.matchName(Lookalikes(folded, true), Fold(splitCamel(display)), dropSeparators(folded))
}

// matchName returns the Reason a name gives, OK if none. key is its key;
// words its folded form with separators, also between the words of a
// camel-case name ("LeCon" gives "le con"); flat its folded form without
// separators and without look-alike mapping.
func (d *lists) matchName(key, words, flat string) Reason {
	if r := d.plain.matchSubstr(key, nil); r != OK {
		return r
	}
	// Repeated letters ("connnnard", "puuute") are folded, on both sides. A
	// hit in the folded key counts only if it covers a folded repeat: the
	// folding is there to see through the repeats, not to make a name
	// without any ("Mie") equal a word with some ("Mlle").
	if sq, runs := squeezeRuns(key); sq != key {
		if r := d.squeezed.matchSubstr(sq, runs); r != OK {
			return r
		}
	}
	for _, p := range d.prefix {
		if strings.HasPrefix(flat, p.k) {
			return p.reason
		}
	}
	return d.matchWords(key, words)
}

// matchSubstr looks for substring entries in key. With runs (the squeezed
// form), a hit must cover a byte marked in runs.
func (l *list) matchSubstr(key string, runs []bool) Reason {
	for _, e := range l.substr {
		for off := 0; ; {
			i := strings.Index(key[off:], e.k)
			if i < 0 {
				break
			}
			i += off
			if (runs == nil || covers(runs, i, len(e.k))) && !l.excepted(key, i, len(e.k)) {
				return e.reason
			}
			off = i + 1
		}
	}
	return OK
}

func covers(runs []bool, i, n int) bool {
	for _, r := range runs[i : i+n] {
		if r {
			return true
		}
	}
	return false
}

// matchWords looks for whole-word entries: the whole key ("P.D", "c o n"),
// each word ("le con"), each word without its leading and trailing digits
// ("fdp93"), each run of one-letter words ("le c.o.n"), and a one-letter
// title as the first word when a word of several letters follows ("M.
// Martin", not the spelled-out "M a e l l e").
func (d *lists) matchWords(key, words string) Reason {
	if r := d.word(key); r != OK {
		return r
	}
	var run strings.Builder // consecutive one-rune words
	flush := func() Reason {
		hit := OK
		if utf8.RuneCountInString(run.String()) > 1 {
			hit = d.word(Lookalikes(run.String(), true))
		}
		run.Reset()
		return hit
	}
	n, first := 0, ""
	for w := range strings.FieldsFuncSeq(words, IsSeparator) {
		if n++; n == 1 {
			first = w
		} else if r, ok := d.first[Lookalikes(first, true)]; ok && n == 2 && utf8.RuneCountInString(w) > 1 {
			return r // "M. Martin", not "M a e l l e"
		}
		if utf8.RuneCountInString(w) == 1 {
			run.WriteString(w)
			continue
		}
		if r := flush(); r != OK {
			return r
		}
		if r := d.word(Lookalikes(w, true)); r != OK {
			return r
		}
		if t := strings.Trim(w, "0123456789"); t != w && t != "" {
			if r := d.word(Lookalikes(t, true)); r != OK {
				return r
			}
		}
	}
	return flush()
}

// splitCamel puts a space between the words of a camel-case display form:
// before an upper-case letter that follows a lower-case one ("LeCon"), and
// before the last of several capitals when a lower-case letter follows
// ("MDurand", "CPEDupont"). The words then show to whole-word matching.
func splitCamel(d string) string {
	rs := []rune(d)
	var b strings.Builder
	for i, r := range rs {
		if i > 0 && unicode.IsUpper(r) {
			p := rs[i-1]
			if unicode.IsLower(p) || (unicode.IsUpper(p) && i+1 < len(rs) && unicode.IsLower(rs[i+1])) {
				b.WriteByte(' ')
			}
		}
		b.WriteRune(r)
	}
	return b.String()
}
