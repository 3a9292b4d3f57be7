package moderation

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// minSubstring is the shortest key matched anywhere in a name or inside a
// word of a message; shorter entries ("con", "pd", "fdp") only match a
// whole word.
const minSubstring = 4

// entry is one list key and the Reason a hit gives.
type entry struct {
	k      string
	reason Reason
}

// list is one form of the word lists: the keys as written, or with their
// repeated letters folded.
type list struct {
	substr []entry           // refused anywhere in a name's key, inside a word of a message
	words  map[string]Reason // refused as a whole word
	except []string          // keys inside which a substr hit is ignored
	seen   map[string]bool   // kind+key, to skip duplicates; only used while parsing
	// byFirst indexes substr by the first byte of the key, for messages:
	// each position of a message is compared with the few entries that
	// start with its byte rather than each entry searched in the message.
	byFirst [256][]entry
}

// index fills byFirst.
func (l *list) index() {
	for _, e := range l.substr {
		if e.reason != Staff {
			l.byFirst[e.k[0]] = append(l.byFirst[e.k[0]], e)
		}
	}
}

func newList() list {
	return list{words: make(map[string]Reason), seen: make(map[string]bool)}
}

func (l *list) add(kind byte, k string, reason Reason, wordOnly bool) {
	id := string(kind) + k
	if l.seen[id] {
		return
	}
	l.seen[id] = true
	switch {
	case kind == '!':
		l.except = append(l.except, k)
	case wordOnly:
		l.words[k] = reason
	default:
		l.substr = append(l.substr, entry{k, reason})
	}
}

// lists holds the parsed word lists. It is immutable once parsed.
type lists struct {
	plain    list              // the keys as written
	squeezed list              // the same with repeated letters folded: "connard" -> "conard"
	prefix   []entry           // "^word": refused at the start of a name, glued or not
	first    map[string]Reason // one-letter "=x": a title, refused as the first of several words ("M. Martin")
	// msg is the form messages are matched against: l and i stay apart (a
	// message is not a name drawn in a font where they look alike:
	// "flotte" is not "fiotte"); a message's repeated letters are folded
	// before the look-alikes are mapped ("coulée" is not "couille").
	msg list
	// exact holds the msg form of every entry of 4 runes or more, and of
	// the phrases ("sale arabe" as "salearabe"): two neighbouring words of
	// a message glued are looked up in it ("ta gueule", "mer.de").
	exact map[string]Reason
	// elided holds the msg form of the "%" entries: their whole-word hits
	// in a message do not count right after "s'", "t'", "m'" or "n'".
	elided map[string]bool
}

// section returns the Reason of a section line of the list syntax.
func section(line string) (Reason, bool) {
	switch line {
	case "@insult", "@denied":
		return Insult, true
	case "@hate":
		return Hate, true
	case "@sexual":
		return Sexual, true
	case "@drugs":
		return Drugs, true
	case "@staff":
		return Staff, true
	}
	return OK, false
}

// source is one text of entries and where it comes from, for errors.
type source struct {
	name  string
	lines []string
	// numbered says whether errors name the line (a file) or the index
	// (Config.Deny).
	numbered bool
}

// parseLists reads the sources in order. The syntax is described in
// words.txt. Every source starts in the @insult section.
func parseLists(srcs ...source) (lists, error) {
	d := lists{plain: newList(), squeezed: newList(), first: make(map[string]Reason), msg: newList(), exact: make(map[string]Reason), elided: make(map[string]bool)}
	for _, src := range srcs {
		reason := Insult
		for i, line := range src.lines {
			where := fmt.Sprintf("%s[%d]", src.name, i)
			if src.numbered {
				where = fmt.Sprintf("%s:%d", src.name, i+1)
			}
			if j := strings.IndexByte(line, '#'); j >= 0 {
				line = line[:j]
			}
			line = strings.TrimSpace(line)
			if line == "" {
				continue
			}
			if r, ok := section(line); ok {
				reason = r
				continue
			}
			if err := d.add(line, reason); err != nil {
				return lists{}, fmt.Errorf("%s: %w", where, err)
			}
		}
	}
	d.plain.seen, d.squeezed.seen, d.msg.seen = nil, nil, nil
	d.msg.index()
	return d, nil
}

func (d *lists) add(line string, reason Reason) error {
	kind := byte(0)
	if line[0] == '=' || line[0] == '!' || line[0] == '^' || line[0] == '%' {
		kind, line = line[0], line[1:]
	}
	if kind == '%' {
		// A whole word that is also a verb after an elided pronoun
		// ("attardé" and "s'attarde"): in names, a whole word.
		d.elided[string(msgForm(nil, []byte(dropSeparators(Fold(line))), false))] = true
		kind = '='
	}
	folded := Fold(line)
	k := Lookalikes(folded, true)
	if kind == '^' {
		k = dropSeparators(folded)
	}
	if k == "" || strings.IndexFunc(k, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) >= 0 {
		return fmt.Errorf("entry %q must hold letters and digits", line)
	}
	n := utf8.RuneCountInString(k)
	switch {
	case kind == '^':
		d.prefix = append(d.prefix, entry{k, reason})
	case kind == '=' && n == 1:
		d.first[k] = reason
	default:
		wordOnly := kind == '=' || n < minSubstring
		d.plain.add(kind, k, reason, wordOnly)
		d.squeezed.add(kind, squeeze(k), reason, wordOnly)
		flat := dropSeparators(folded)
		m := string(msgForm(nil, []byte(flat), false))
		wordOnly = kind == '=' || utf8.RuneCountInString(m) < minSubstring
		d.msg.add(kind, m, reason, wordOnly)
		if kind != '!' && reason != Staff && utf8.RuneCountInString(m) >= minSubstring {
			if _, ok := d.exact[m]; !ok {
				d.exact[m] = reason
			}
		}
	}
	return nil
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

// word returns the Reason of a whole-word entry that the key of one word w
// matches, as written or with its repeated letters folded.
func (d *lists) word(w string) Reason {
	if r, ok := d.plain.words[w]; ok {
		return r
	}
	if s := squeeze(w); s != w {
		if r, ok := d.squeezed.words[s]; ok {
			return r
		}
	}
	return OK
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
		if IsSeparator(r) {
			return -1
		}
		return r
	}, folded)
}
