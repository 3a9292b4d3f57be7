package loadtest

import (
	"testing"

	"github.com/usine-extraordinaire/fairworld/server/pseudonym"
)

// The names must pass the real server's checker, with distinct keys.
func TestPseudonymsPassTheServerChecker(t *testing.T) {
	t.Parallel()
	chk, err := pseudonym.New(pseudonym.Config{})
	if err != nil {
		t.Fatal(err)
	}
	n := 20_000
	if testing.Short() {
		n = 2_000
	}
	keys := make(map[string]string)
	check := func(prefix string, i int) {
		p := Pseudonym(prefix, i)
		if len(p) > maxPseudonym {
			t.Fatalf("Pseudonym(%q, %d) = %q: too long", prefix, i, p)
		}
		_, key, err := chk.Check(p)
		if err != nil {
			t.Fatalf("Pseudonym(%q, %d) = %q refused: %v", prefix, i, p, err)
		}
		if q, dup := keys[key]; dup {
			t.Fatalf("Pseudonym(%q, %d) = %q has the key of %q", prefix, i, p, q)
		}
		keys[key] = p
	}
	for _, prefix := range []string{"bot", "echo", "idle", "b", "Charge"} {
		if err := CheckPrefix(prefix); err != nil {
			t.Fatal(err)
		}
		for i := range n {
			check(prefix, i)
		}
		// And a spread over the whole range.
		for i := n; i < MaxBots; i += 997 {
			check(prefix, i)
		}
		check(prefix, MaxBots-1)
	}
	if got := Pseudonym("bot", 19); got != "botbbbcc" {
		t.Errorf("Pseudonym(bot, 19) = %q", got)
	}
}

func TestCheckPrefixRefuses(t *testing.T) {
	t.Parallel()
	for _, p := range []string{"", "bot-", "bôt", "bot1", "Admin", "xprofx", "abcdefghijklm", "bot bot"} {
		if CheckPrefix(p) == nil {
			t.Errorf("CheckPrefix(%q) accepted", p)
		}
	}
}
