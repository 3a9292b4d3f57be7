package world

import (
	"slices"
	"testing"
)

// Viewers finds the local avatars that hold an avatar in view, for a
// local avatar and for a remote one, and never the avatar itself, a remote
// avatar or one too far to see it.
func TestViewers(t *testing.T) {
	t.Parallel()
	w := newWorld(t, openZone(300, 200, nil), Config{})
	mustJoin(t, w, 1, 100, 100)
	mustJoin(t, w, 2, 110, 100)                               // sees 1
	mustJoin(t, w, 3, 250, 100)                               // too far
	mustJoinRemote(t, w, 4, Identity{Name: "Inès"}, 105, 100) // remote: never a viewer
	mustJoin(t, w, 5, 100, 110)                               // sees 1 and 4
	viewers := func(id ID) []ID {
		var out []ID
		w.Viewers(id, func(v ID) { out = append(out, v) })
		slices.Sort(out)
		return out
	}
	if got := viewers(1); len(got) != 0 {
		t.Fatalf("before the first Step (nothing entered yet): %v", got)
	}
	step(w)
	if got := viewers(1); !slices.Equal(got, []ID{2, 5}) {
		t.Fatalf("viewers of local 1: %v, want [2 5]", got)
	}
	if got := viewers(4); !slices.Equal(got, []ID{1, 2, 5}) {
		t.Fatalf("viewers of remote 4: %v, want [1 2 5]", got)
	}
	if got := viewers(3); len(got) != 0 {
		t.Fatalf("viewers of far 3: %v", got)
	}
	if got := viewers(99); len(got) != 0 {
		t.Fatalf("viewers of an unknown id: %v", got)
	}
}
