package moderation_test

import (
	"testing"

	"github.com/usine-extraordinaire/fairworld/server/moderation"
)

// TestOrdinaryNamesInMessages checks that the ordinary names of the
// pseudonym checker's corpus (server/pseudonym/testdata/ordinary.txt)
// pass in a message, alone and as a mention: pupils name each other.
func TestOrdinaryNamesInMessages(t *testing.T) {
	t.Parallel()
	f := newFilter(t, moderation.Config{})
	names, numbers := readLines(t, "../../pseudonym/testdata/ordinary.txt")
	if len(names) < 200 {
		t.Fatalf("only %d names read", len(names))
	}
	for i, n := range names {
		for _, m := range []string{n, "@" + n + " t'es où ?", "salut " + n} {
			if r := f.Message(m); r != moderation.OK {
				t.Errorf("ordinary.txt:%d: Message(%q) = %v; an ordinary name must pass", numbers[i], m, r)
			}
		}
	}
}
