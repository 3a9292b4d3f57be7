package loadtest

import (
	"fmt"
	"strings"
)

// Bot pseudonyms are prefix + a fixed-width number written with consonants.
// Servers fold pseudonyms to a key for uniqueness and the deny-list
// (server/pseudonym): case, accents and look-alikes (0/o, 1/l/i, 3/e, 4/a,
// 5/s, 7/t) fold together, and at most 4 digits are allowed. Digits and base
// 36 would collide ("bot1" and "botl") and could spell words; consonants
// without l (i's twin) and f (a deny-list entry is made of v, t and f) can
// neither collide nor spell a word that needs a vowel.
const (
	nameDigits   = "bcdghjkmnpqrstvwxz" // 18 "digits"
	nameWidth    = 5                    // 18^5 = 1,889,568 names per prefix
	maxPrefix    = 12
	maxPseudonym = 20
)

// MaxBots is the number of distinct pseudonyms per prefix.
const MaxBots = 18 * 18 * 18 * 18 * 18

// refusedWords are parts of names a server's deny-list refuses (staff
// impersonation); a prefix containing one would get every bot refused.
const refusedWords = "admin prof staff modo moder orga support officiel root system"

// CheckPrefix reports whether prefix can start bot pseudonyms: 1 to 12 ASCII
// letters. Names of different prefixes of the same length never collide;
// of different lengths, they never have the same length. Prefixes that
// differ only by i and l (drawn alike) do collide.
func CheckPrefix(prefix string) error {
	if prefix == "" || len(prefix) > maxPrefix {
		return fmt.Errorf("loadtest: prefix %q: want 1 to %d ASCII letters", prefix, maxPrefix)
	}
	for _, r := range prefix {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			return fmt.Errorf("loadtest: prefix %q: want ASCII letters only", prefix)
		}
	}
	low := strings.ToLower(prefix)
	for _, w := range strings.Fields(refusedWords) {
		if strings.Contains(low, w) {
			return fmt.Errorf("loadtest: prefix %q contains %q, which servers refuse in pseudonyms", prefix, w)
		}
	}
	return nil
}

// Pseudonym returns the pseudonym of bot i (0 <= i < MaxBots): prefix +
// i in base 18 over consonants, on 5 letters ("bot" + 0 is "botbbbbb").
func Pseudonym(prefix string, i int) string {
	var b [nameWidth]byte
	for k := nameWidth - 1; k >= 0; k-- {
		b[k] = nameDigits[i%len(nameDigits)]
		i /= len(nameDigits)
	}
	return prefix + string(b[:])
}
