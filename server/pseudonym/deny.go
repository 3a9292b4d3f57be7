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

// denyList matches keys against the deny-list. It is immutable once
// parsed.
type denyList struct {
	substr []string            // keys refused anywhere in a pseudonym's key
	words  map[string]struct{} // keys refused as a whole word
	except []string            // keys inside which a substr hit is ignored
}

// parseDeny reads the built-in list then the extra entries. The syntax is
// one entry per line, "#" starts a comment; "word" matches as a substring
// if its key has at least 4 runes and as a whole word otherwise; "=word"
// always matches as a whole word; "!word" is an exception: a substring hit
// that lies inside it is ignored ("!badminton" for "admin").
func parseDeny(builtin string, extra []string) (denyList, error) {
	d := denyList{words: make(map[string]struct{})}
	seen := make(map[string]bool)
	add := func(where, line string) error {
		if i := strings.IndexByte(line, '#'); i >= 0 {
			line = line[:i]
		}
		line = strings.TrimSpace(line)
		if line == "" {
			return nil
		}
		kind := byte(0)
		if line[0] == '=' || line[0] == '!' {
			kind, line = line[0], line[1:]
		}
		k := lookalikes(fold(normalise(line)), true)
		if k == "" || strings.IndexFunc(k, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) >= 0 {
			return fmt.Errorf("%s: entry %q must hold letters and digits", where, line)
		}
		id := string(kind) + k
		if seen[id] {
			return nil
		}
		seen[id] = true
		switch {
		case kind == '!':
			d.except = append(d.except, k)
		case kind == '=' || utf8.RuneCountInString(k) < minSubstring:
			d.words[k] = struct{}{}
		default:
			d.substr = append(d.substr, k)
		}
		return nil
	}
	for i, line := range strings.Split(builtin, "\n") {
		if err := add(fmt.Sprintf("deny.txt:%d", i+1), line); err != nil {
			return denyList{}, err
		}
	}
	for i, line := range extra {
		if err := add(fmt.Sprintf("Config.Deny[%d]", i), line); err != nil {
			return denyList{}, err
		}
	}
	return d, nil
}

// match reports whether a pseudonym is refused. key is its key, folded its
// folded form with separators (see fold).
func (d *denyList) match(key, folded string) bool {
	for _, e := range d.substr {
		for off := 0; ; {
			i := strings.Index(key[off:], e)
			if i < 0 {
				break
			}
			if !d.excepted(key, off+i, len(e)) {
				return true
			}
			off += i + 1
		}
	}
	return d.matchWords(key, folded)
}

// excepted reports whether key[i:i+n] lies inside an exception.
func (d *denyList) excepted(key string, i, n int) bool {
	for _, x := range d.except {
		for s := max(0, i+n-len(x)); s <= i; s++ {
			if strings.HasPrefix(key[s:], x) {
				return true
			}
		}
	}
	return false
}

// matchWords looks for whole-word entries: the whole key ("P.D", "c o n"),
// each word ("le con"), each word without its leading and trailing digits
// ("fdp93"), and each run of one-letter words ("le c.o.n").
func (d *denyList) matchWords(key, folded string) bool {
	if len(d.words) == 0 {
		return false
	}
	if d.isWord(key) {
		return true
	}
	var run strings.Builder // consecutive one-rune words
	flush := func() bool {
		hit := utf8.RuneCountInString(run.String()) > 1 && d.isWord(lookalikes(run.String(), true))
		run.Reset()
		return hit
	}
	for w := range strings.FieldsFuncSeq(folded, isSeparator) {
		if utf8.RuneCountInString(w) == 1 {
			run.WriteString(w)
			continue
		}
		if flush() || d.isWord(lookalikes(w, true)) {
			return true
		}
		if t := strings.Trim(w, "0123456789"); t != w && t != "" && d.isWord(lookalikes(t, true)) {
			return true
		}
	}
	return flush()
}

func (d *denyList) isWord(k string) bool {
	_, ok := d.words[k]
	return ok
}
