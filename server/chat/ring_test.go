package chat

import (
	"fmt"
	"testing"
	"time"

	"github.com/usine-extraordinaire/fairworld/protocol"
)

func nearby(id uint64, x, y float64, at time.Time) Message {
	return Message{ID: id, Channel: protocol.ChannelNearby, Avatar: uint32(id), Who: fmt.Sprint("w", id%3), X: x, Y: y, AtMs: at.UnixMilli(), Text: fmt.Sprint("n", id)}
}

// The evidence of a report: the message and up to 10 before it of its
// channel (its class; for nearby, said within the radius), none older
// than 5 minutes, oldest first.
func TestRingEvidence(t *testing.T) {
	t.Parallel()
	r := NewRing(64)
	now := time.Now()
	r.Add(msg(1, 5, "a", "too old", now.Add(-6*time.Minute)))
	for i := range 12 {
		r.Add(msg(uint64(10+i), 5, "a", fmt.Sprint("c", i), now.Add(-time.Minute)))
		r.Add(msg(uint64(100+i), 6, "b", "other class", now.Add(-time.Minute)))
		r.Add(nearby(uint64(200+i), 10, 10, now.Add(-time.Minute)))
		r.Add(nearby(uint64(300+i), 500, 500, now.Add(-time.Minute))) // far away
	}
	m, ok := r.Find(21)
	if !ok {
		t.Fatal("message 21 not found")
	}
	ev := r.Evidence(m, 40, now)
	if len(ev) != 11 || ev[0].Text != "c1" || ev[10].ID != 21 {
		t.Fatalf("class evidence %d: %+v", len(ev), ev)
	}
	for _, e := range ev {
		if e.Group != 5 {
			t.Fatalf("evidence of another class: %+v", e)
		}
	}
	n, _ := r.Find(205)
	ev = r.Evidence(n, 40, now)
	if len(ev) != 6 || ev[0].ID != 200 || ev[5].ID != 205 {
		t.Fatalf("nearby evidence %+v", ev)
	}
	old, _ := r.Find(1)
	if ev := r.Evidence(old, 40, now); ev != nil {
		t.Fatalf("evidence of a message over 5 minutes old: %+v", ev)
	}
	// Removal, erasure and expiry.
	if !r.Remove(21) {
		t.Fatal("remove")
	}
	if _, ok := r.Find(21); ok {
		t.Fatal("a removed message is found")
	}
	if n := r.EraseWho("a"); n != 12 { // message 1 and c0..c11 but c11 removed
		t.Fatalf("erased %d of a's messages", n)
	}
	if _, ok := r.LastBy(10); ok {
		t.Fatal("an erased message is found")
	}
	r.Expire(now)
	if r.Len() != 48 {
		t.Fatalf("%d left after expiry, want 48", r.Len())
	}
	r.Expire(now.Add(5 * time.Minute))
	if r.Len() != 0 {
		t.Fatalf("%d left after 6 minutes", r.Len())
	}
}

// The ring keeps its size, forgetting the oldest.
func TestRingBounded(t *testing.T) {
	t.Parallel()
	r := NewRing(8)
	now := time.Now()
	for i := range 20 {
		r.Add(msg(uint64(i+1), 1, "a", "x", now))
	}
	if r.Len() != 8 {
		t.Fatalf("len %d", r.Len())
	}
	if _, ok := r.Find(12); ok {
		t.Fatal("an old message is still there")
	}
	if _, ok := r.Find(20); !ok {
		t.Fatal("the latest is gone")
	}
}

// The gate: a burst of 5, then a drop that starts a 30 s mute, silent
// drops during it, and a full bucket after.
func TestGate(t *testing.T) {
	t.Parallel()
	var g Gate
	now := time.Unix(1000, 0)
	for i := range Burst {
		if v := g.Allow(now); v != GateOpen {
			t.Fatalf("message %d: %v", i, v)
		}
	}
	if v := g.Allow(now); v != GateFlood {
		t.Fatalf("the 6th: %v", v)
	}
	for _, d := range []time.Duration{time.Second, 10 * time.Second, FloodMute - time.Millisecond} {
		if v := g.Allow(now.Add(d)); v != GateFloodMut {
			t.Fatalf("at +%v: %v", d, v)
		}
	}
	for i := range Burst {
		if v := g.Allow(now.Add(FloodMute)); v != GateOpen {
			t.Fatalf("after the mute, message %d: %v", i, v)
		}
	}
	// One a second is never muted.
	var h Gate
	for i := range 100 {
		if v := h.Allow(now.Add(time.Duration(i) * time.Second)); v != GateOpen {
			t.Fatalf("one a second, message %d: %v", i, v)
		}
	}
	var idle Gate
	if idle.lim != nil {
		t.Fatal("a gate allocates before its first message")
	}
}

func TestIDs(t *testing.T) {
	t.Parallel()
	var g IDs
	seen := map[uint64]bool{}
	for range 3 << idCounterBits / 2 { // across a prefix change
		id := g.Next()
		if id == 0 || id > protocol.MaxChatID || seen[id] {
			t.Fatalf("id %d (seen %v)", id, seen[id])
		}
		seen[id] = true
	}
}

func TestCleanText(t *testing.T) {
	t.Parallel()
	long := ""
	for range protocol.MaxChatRunes + 1 {
		long += "é"
	}
	runes := ""
	for range protocol.MaxChatRunes + 1 {
		runes += "a"
	}
	for _, bad := range []string{"", "   ", "a\nb", "a\x00b", "a\u2028b", long, runes, string([]byte{0xff})} {
		if _, err := CleanText(bad); err == nil {
			t.Errorf("%q passes", bad)
		}
	}
	if s, err := CleanText("  Salut à tous !  "); err != nil || s != "Salut à tous !" {
		t.Fatalf("%q, %v", s, err)
	}
}
