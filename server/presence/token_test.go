package presence

import (
	"strings"
	"testing"
)

// A token round-trips, and parseToken refuses anything else without
// panicking: a HELLO's resume_token is client input.
func FuzzParseToken(f *testing.F) {
	tok := mint(newEpoch(), 7, newSID())
	f.Add(tok.String())
	f.Add("")
	f.Add("q3xSJ1m0GkWcO2mB0hC7Xw")
	f.Add(strings.Repeat("_", tokenLen))
	f.Add(strings.Repeat("é", tokenLen))
	f.Fuzz(func(t *testing.T, s string) {
		got, ok := parseToken(s)
		if !ok {
			return
		}
		if got.tag >= tags {
			t.Fatalf("tag %d accepted", got.tag)
		}
		if again, ok := parseToken(got.String()); !ok || again != got {
			t.Fatalf("%q does not round-trip", s)
		}
	})
}

func TestTokenRoundTrip(t *testing.T) {
	tok := mint(newEpoch(), 1023, newSID())
	got, ok := parseToken(tok.String())
	if !ok || got != tok || len(tok.String()) != tokenLen || tok.hash() == mint(tok.epoch, tok.tag, tok.sid).hash() {
		t.Fatalf("%+v %v", got, ok)
	}
	for _, m := range []string{"", "1/ab", "x/ab/c", "2000/ab/c", "-1/a/b"} {
		if _, _, _, ok := parseMember(m); ok {
			t.Errorf("member %q accepted", m)
		}
	}
	if tag, id, key, ok := parseMember(member(5, "abc", "lé/a")); !ok || tag != 5 || id != "abc" || key != "lé/a" {
		t.Errorf("member round trip: %d %q %q %v", tag, id, key, ok)
	}
}
