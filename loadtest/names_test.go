package loadtest

import "testing"

func TestPseudonymsUniqueAndValid(t *testing.T) {
	t.Parallel()
	seen := make(map[string]int)
	for _, prefix := range []string{"bot", "b", "loadtestabcd"} {
		if err := CheckPrefix(prefix); err != nil {
			t.Fatal(err)
		}
		for _, i := range []int{0, 1, 35, 36, 1295, 15_000, 99_999, 1 << 31} {
			p := Pseudonym(prefix, i)
			if len(p) < minPseudonym || len(p) > maxPseudonym {
				t.Errorf("Pseudonym(%q, %d) = %q: length %d", prefix, i, p, len(p))
			}
			for _, r := range p {
				if !isAlnum(r) {
					t.Errorf("Pseudonym(%q, %d) = %q: rune %q", prefix, i, p, r)
				}
			}
			if j, dup := seen[p]; dup {
				t.Errorf("Pseudonym(%q, %d) = %q, same as bot %d", prefix, i, p, j)
			}
			seen[p] = i
		}
	}
	if got := Pseudonym("bot", 36); got != "bot10" {
		t.Errorf("Pseudonym(bot, 36) = %q", got)
	}
	if got := Pseudonym("b", 1); got != "b01" {
		t.Errorf("Pseudonym(b, 1) = %q, want padding to 3", got)
	}
}

func TestCheckPrefixRefuses(t *testing.T) {
	t.Parallel()
	for _, p := range []string{"", "bot-", "bôt", "Admin", "xprofx", "abcdefghijklm", "bot bot"} {
		if CheckPrefix(p) == nil {
			t.Errorf("CheckPrefix(%q) accepted", p)
		}
	}
}
