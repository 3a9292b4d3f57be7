package loadtest

import (
	"fmt"
	"strconv"
	"strings"
)

// Pseudonyms must be 3-20 ASCII letters or digits here (the server accepts
// more, but bots keep to what any server version accepts) and unique.
const (
	minPseudonym = 3
	maxPseudonym = 20
	maxPrefix    = 12 // leaves 8 base-36 digits: 2.8e12 names
)

// refusedWords are parts of names a server's deny-list refuses (staff
// impersonation); a prefix containing one would get every bot refused.
const refusedWords = "admin prof staff modo moder orga support officiel root system"

// CheckPrefix reports whether prefix can start bot pseudonyms.
func CheckPrefix(prefix string) error {
	if prefix == "" || len(prefix) > maxPrefix {
		return fmt.Errorf("loadtest: prefix %q: want 1 to %d letters or digits", prefix, maxPrefix)
	}
	for _, r := range prefix {
		if !isAlnum(r) {
			return fmt.Errorf("loadtest: prefix %q: want letters or digits only", prefix)
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

// Pseudonym returns the pseudonym of bot i: prefix + i in base 36, padded
// with zeros to the minimum length. Distinct i give distinct names; names
// of different prefixes never collide as long as no prefix is another
// prefix followed by base-36 digits (use letters-only prefixes).
func Pseudonym(prefix string, i int) string {
	n := strconv.FormatUint(uint64(i), 36)
	if pad := minPseudonym - len(prefix) - len(n); pad > 0 {
		n = strings.Repeat("0", pad) + n
	}
	return prefix + n
}

func isAlnum(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9'
}
