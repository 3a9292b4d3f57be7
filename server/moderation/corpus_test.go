package moderation_test

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/usine-extraordinaire/fairworld/server/moderation"
)

// readLines returns the lines of a testdata file that are neither empty
// nor comments, with their line numbers.
func readLines(tb testing.TB, name string) (lines []string, numbers []int) {
	tb.Helper()
	fh, err := os.Open(filepath.Join("testdata", name))
	if err != nil {
		tb.Fatal(err)
	}
	defer fh.Close()
	sc := bufio.NewScanner(fh)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		lines, numbers = append(lines, line), append(numbers, n)
	}
	if err := sc.Err(); err != nil {
		tb.Fatal(err)
	}
	return lines, numbers
}

// TestPassCorpus checks that every ordinary message of testdata/pass.txt
// passes, and prints every one that does not.
func TestPassCorpus(t *testing.T) {
	t.Parallel()
	f := newFilter(t, moderation.Config{})
	lines, numbers := readLines(t, "pass.txt")
	if len(lines) < 300 {
		t.Fatalf("pass.txt has %d messages; it must keep at least 300", len(lines))
	}
	failed := 0
	for i, m := range lines {
		if r := f.Message(m); r != moderation.OK {
			failed++
			t.Errorf("pass.txt:%d: Message(%q) = %v; an ordinary message must pass", numbers[i], m, r)
		}
	}
	t.Logf("%d of %d ordinary messages pass", len(lines)-failed, len(lines))
}

// reasonByName maps Reason.String back to the Reason.
func reasonByName(tb testing.TB) map[string]moderation.Reason {
	tb.Helper()
	m := make(map[string]moderation.Reason)
	for r := moderation.OK; ; r++ {
		name := r.String()
		if strings.HasPrefix(name, "reason_") {
			break
		}
		m[name] = r
	}
	if len(m) < 12 {
		tb.Fatalf("only %d reasons named", len(m))
	}
	return m
}

// TestBlockCorpus checks that every line of testdata/block.txt, "reason
// TAB message", is blocked with that reason, and prints every one that is
// not.
func TestBlockCorpus(t *testing.T) {
	t.Parallel()
	f := newFilter(t, moderation.Config{})
	reasons := reasonByName(t)
	lines, numbers := readLines(t, "block.txt")
	seen := make(map[moderation.Reason]int)
	failed := 0
	for i, line := range lines {
		name, msg, ok := strings.Cut(line, "\t")
		want, known := reasons[name]
		if !ok || !known || want == moderation.OK {
			t.Fatalf("block.txt:%d: %q is not \"reason<TAB>message\" with a blocking reason", numbers[i], line)
		}
		seen[want]++
		if got := f.Message(msg); got != want {
			failed++
			t.Errorf("block.txt:%d: Message(%q) = %v; want %v", numbers[i], msg, got, want)
		}
	}
	for _, r := range []moderation.Reason{moderation.Insult, moderation.Hate, moderation.Sexual, moderation.Phone,
		moderation.Email, moderation.Handle, moderation.Link} {
		if seen[r] < 5 {
			t.Errorf("block.txt has %d lines for %v; want at least 5", seen[r], r)
		}
	}
	t.Logf("%d of %d disguised messages blocked with the expected reason", len(lines)-failed, len(lines))
}
