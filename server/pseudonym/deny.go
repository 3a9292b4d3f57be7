package pseudonym

import (
	_ "embed"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

//go:embed deny.txt
var builtinDeny string

// minSubstring is the shortest key matched anywhere in a pseudonym; shorter
// entries ("con", "pd", "fdp") only match a whole word.
const minSubstring = 4

// entry is one deny-list key and the rule a hit breaks.
type entry struct {
	k    string
	rule Rule
}

// list is one form of the deny-list: the keys as written, or with their
// repeated letters folded.
type list struct {
	substr []entry         // refused anywhere in a pseudonym's key
	words  map[string]Rule // refused as a whole word
	except []string        // keys inside which a substr hit is ignored
	seen   map[string]bool // kind+key, to skip duplicates
}

func newList() list {
	return list{words: make(map[string]Rule), seen: make(map[string]bool)}
}

func (l *list) add(kind byte, k string, rule Rule, wordOnly bool) {
	id := string(kind) + k
	if l.seen[id] {
		return
	}
	l.seen[id] = true
	switch {
	case kind == '!':
		l.except = append(l.except, k)
	case wordOnly:
		l.words[k] = rule
	default:
		l.substr = append(l.substr, entry{k, rule})
	}
}

// denyList matches pseudonyms against the deny-list. It is immutable once
// parsed.
type denyList struct {
	plain    list            // the keys as written
	squeezed list            // the same with repeated letters folded: "connard" -> "conard"
	prefix   []entry         // "^word": refused at the start of the pseudonym, glued or not
	first    map[string]Rule // one-letter "=x": a title, refused as the first of several words ("M. Martin")
}

// parseDeny reads the built-in list then the extra entries. The syntax is
// one entry per line, "#" starts a comment:
//
//   - "word" matches as a substring if its key has at least 4 runes and as
//     a whole word otherwise;
//   - "=word" always matches as a whole word; a one-letter "=m" is a title,
//     refused as the first word of a pseudonym of several ("M. Martin");
//   - "^word" matches at the start of the pseudonym, glued to what follows
//     or not ("^mme": "MmeDurand"), compared without look-alike mapping;
//   - "!word" is an exception: a substring hit that lies inside it is
//     ignored ("!badminton" for "admin");
//   - a line "@staff" makes the entries that follow staff titles and names
//     (RuleStaff), "@denied" insults and other words (RuleDenied, the
//     default).
func parseDeny(builtin string, extra []string) (denyList, error) {
	d := denyList{plain: newList(), squeezed: newList(), first: make(map[string]Rule)}
	rule := RuleDenied
	add := func(where, line string) error {
		if i := strings.IndexByte(line, '#'); i >= 0 {
			line = line[:i]
		}
		line = strings.TrimSpace(line)
		switch line {
		case "":
			return nil
		case "@staff":
			rule = RuleStaff
			return nil
		case "@denied":
			rule = RuleDenied
			return nil
		}
		kind := byte(0)
		if line[0] == '=' || line[0] == '!' || line[0] == '^' {
			kind, line = line[0], line[1:]
		}
		folded := fold(normalise(line))
		k := lookalikes(folded, true)
		if kind == '^' {
			k = dropSeparators(folded)
		}
		if k == "" || strings.IndexFunc(k, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) >= 0 {
			return fmt.Errorf("%s: entry %q must hold letters and digits", where, line)
		}
		n := utf8.RuneCountInString(k)
		switch {
		case kind == '^':
			d.prefix = append(d.prefix, entry{k, rule})
		case kind == '=' && n == 1:
			d.first[k] = rule
		default:
			wordOnly := kind == '=' || n < minSubstring
			d.plain.add(kind, k, rule, wordOnly)
			d.squeezed.add(kind, squeeze(k), rule, wordOnly)
		}
		return nil
	}
	for i, line := range strings.Split(builtin, "\n") {
		if err := add(fmt.Sprintf("deny.txt:%d", i+1), line); err != nil {
			return denyList{}, err
		}
	}
	rule = RuleDenied
	for i, line := range extra {
		if err := add(fmt.Sprintf("Config.Deny[%d]", i), line); err != nil {
			return denyList{}, err
		}
	}
	return d, nil
}

// match returns the rule a pseudonym breaks, RuleNone if none. key is its
// key; words its folded form with separators, also between the words of a
// camel-case name ("LeCon" gives "le con"); flat its folded form without
// separators and without look-alike mapping.
func (d *denyList) match(key, words, flat string) Rule {
	if r := d.plain.matchSubstr(key, nil); r != RuleNone {
		return r
	}
	// Repeated letters ("connnnard", "puuute") are folded, on both sides. A
	// hit in the folded key counts only if it covers a folded repeat: the
	// folding is there to see through the repeats, not to make a name
	// without any ("Mie") equal a word with some ("Mlle").
	if sq, runs := squeezeRuns(key); sq != key {
		if r := d.squeezed.matchSubstr(sq, runs); r != RuleNone {
			return r
		}
	}
	for _, p := range d.prefix {
		if strings.HasPrefix(flat, p.k) {
			return p.rule
		}
	}
	return d.matchWords(key, words)
}

// matchSubstr looks for substring entries in key. With runs (the squeezed
// form), a hit must cover a byte marked in runs.
func (l *list) matchSubstr(key string, runs []bool) Rule {
	for _, e := range l.substr {
		for off := 0; ; {
			i := strings.Index(key[off:], e.k)
			if i < 0 {
				break
			}
			i += off
			if (runs == nil || covers(runs, i, len(e.k))) && !l.excepted(key, i, len(e.k)) {
				return e.rule
			}
			off = i + 1
		}
	}
	return RuleNone
}

func covers(runs []bool, i, n int) bool {
	for _, r := range runs[i : i+n] {
		if r {
			return true
		}
	}
	return false
}

// excepted reports whether key[i:i+n] lies inside an exception.
func (l *list) excepted(key string, i, n int) bool {
	for _, x := range l.except {
		for s := max(0, i+n-len(x)); s <= i; s++ {
			if strings.HasPrefix(key[s:], x) {
				return true
			}
		}
	}
	return false
}

// word returns the rule of a whole-word entry that the key of one word w
// matches, as written or with its repeated letters folded.
func (d *denyList) word(w string) Rule {
	if r, ok := d.plain.words[w]; ok {
		return r
	}
	if s := squeeze(w); s != w {
		if r, ok := d.squeezed.words[s]; ok {
			return r
		}
	}
	return RuleNone
}

// matchWords looks for whole-word entries: the whole key ("P.D", "c o n"),
// each word ("le con"), each word without its leading and trailing digits
// ("fdp93"), each run of one-letter words ("le c.o.n"), and a one-letter
// title as the first word when a word of several letters follows ("M.
// Martin", not the spelled-out "M a e l l e").
func (d *denyList) matchWords(key, words string) Rule {
	if r := d.word(key); r != RuleNone {
		return r
	}
	var run strings.Builder // consecutive one-rune words
	flush := func() Rule {
		hit := RuleNone
		if utf8.RuneCountInString(run.String()) > 1 {
			hit = d.word(lookalikes(run.String(), true))
		}
		run.Reset()
		return hit
	}
	n, first := 0, ""
	for w := range strings.FieldsFuncSeq(words, isSeparator) {
		if n++; n == 1 {
			first = w
		} else if r, ok := d.first[lookalikes(first, true)]; ok && n == 2 && utf8.RuneCountInString(w) > 1 {
			return r // "M. Martin", not "M a e l l e"
		}
		if utf8.RuneCountInString(w) == 1 {
			run.WriteString(w)
			continue
		}
		if r := flush(); r != RuleNone {
			return r
		}
		if r := d.word(lookalikes(w, true)); r != RuleNone {
			return r
		}
		if t := strings.Trim(w, "0123456789"); t != w && t != "" {
			if r := d.word(lookalikes(t, true)); r != RuleNone {
				return r
			}
		}
	}
	return flush()
}

// squeeze folds runs of one repeated rune into one: "connnnard" becomes
// "conard".
func squeeze(s string) string {
	sq, _ := squeezeRuns(s)
	return sq
}

// squeezeRuns is squeeze, with the bytes of the result that come from a
// folded run marked in runs (nil when nothing was folded).
func squeezeRuns(s string) (sq string, runs []bool) {
	var b strings.Builder
	prev, folded := rune(-1), false
	for _, r := range s {
		if r == prev {
			if !folded {
				folded = true
				if runs == nil {
					runs = make([]bool, b.Len(), len(s))
				}
				n := utf8.RuneLen(r)
				for j := len(runs) - n; j < len(runs); j++ {
					runs[j] = true
				}
			}
			continue
		}
		prev, folded = r, false
		b.WriteRune(r)
		if runs != nil {
			for range utf8.RuneLen(r) {
				runs = append(runs, false)
			}
		}
	}
	if runs == nil {
		return s, nil
	}
	return b.String(), runs
}

// dropSeparators removes the separators of a folded form.
func dropSeparators(folded string) string {
	return strings.Map(func(r rune) rune {
		if isSeparator(r) {
			return -1
		}
		return r
	}, folded)
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
