package protocol

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

// views returns a server view and a client view holding the same n
// avatars, ids first, first+step, ..., at (x, y).
func views(n int, first, step uint32, x, y uint16) (srv, cli *View) {
	srv, cli = NewView(), NewView()
	for i := range n {
		id := first + uint32(i)*step
		srv.set(id, x, y)
		cli.set(id, x, y)
	}
	return srv, cli
}

func snapshot(v *View) []uint64 { return append([]uint64(nil), v.e...) }

// TestMovesAtTheBinBoundary: the MOVES binary has a 16-bit length. The
// largest that fits (65,535 bytes) encodes and decodes; one more record is
// refused with ErrTooLarge, writes nothing and leaves the view as it was.
func TestMovesAtTheBinBoundary(t *testing.T) {
	cases := []struct {
		name        string
		fits        int    // records that make exactly MaxMovesBytes, or the most that fit
		first, step uint32 // ids
		dx          uint16 // each record moves its avatar by (dx, dx)
		recBytes    int
	}{
		// id delta 1 (1 byte), dx +1 (1 byte), dy 0 (1 byte): 21,845 x 3 = 65,535.
		{name: "3-byte records", fits: 21845, first: 1, step: 1, recBytes: 3},
		// The case: id deltas of 128 (2 bytes), dx and dy of
		// +30,000 (3 bytes each): 8 bytes a record, so 8,191 fit (65,528
		// bytes) and 8,200 made a corrupt message before.
		{name: "8-byte records", fits: 8191, first: 128, step: 128, dx: 30000, recBytes: 8},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ns := []int{c.fits, c.fits + 1}
			if c.recBytes == 8 {
				ns = append(ns, 8200)
			}
			for _, n := range ns {
				srv, cli := views(n, c.first, c.step, 0, 0)
				u := Update{Tick: 9}
				for i := range n {
					id := c.first + uint32(i)*c.step
					x, y := c.dx, c.dx
					if c.dx == 0 {
						x = 1
					}
					u.Moves = append(u.Moves, MoveRec{ID: id, X: x, Y: y})
				}
				before := snapshot(srv)
				prefix := []byte("kept")
				b, err := srv.AppendUpdate(prefix, &u)
				if n*c.recBytes > MaxMovesBytes {
					if !errors.Is(err, ErrTooLarge) {
						t.Fatalf("%d records (%d bytes): got %v, want ErrTooLarge", n, n*c.recBytes, err)
					}
					if string(b) != "kept" {
						t.Errorf("%d records: a refused update wrote %d bytes", n, len(b)-4)
					}
					if !equalEntries(snapshot(srv), before) {
						t.Errorf("%d records: a refused update changed the view", n)
					}
					continue
				}
				if err != nil {
					t.Fatalf("%d records (%d bytes): %v", n, n*c.recBytes, err)
				}
				b = b[len(prefix):]
				// [65, 9, 0, 0, 0, bin16 ...]: the bin header is at byte 6.
				if n*c.recBytes == MaxMovesBytes && (b[6] != 0xc5 || b[7] != 0xff || b[8] != 0xff) {
					t.Errorf("bin header % x, want c5 ff ff", b[6:9])
				}
				var m ServerMessage
				if err := DecodeServer(b, &m, cli); err != nil {
					t.Fatalf("%d records: the client cannot decode it: %v", n, err)
				}
				if len(m.Update.Moves) != n || m.Update.Tick != 9 || !equalEntries(snapshot(cli), snapshot(srv)) {
					t.Errorf("%d records: decoded %d moves; client and server views agree: %v", n, len(m.Update.Moves), equalEntries(snapshot(cli), snapshot(srv)))
				}
			}
		})
	}
}

func equalEntries(a, b []uint64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestRefusedUpdateRestoresTheView: an update refused after its leaves were
// applied puts them back, and a refusal for the whole message size (events)
// applies neither moves nor enters. The next update then encodes against
// what the client really holds.
func TestRefusedUpdateRestoresTheView(t *testing.T) {
	srv, cli := views(3, 10, 10, 100, 100)
	before := snapshot(srv)

	// Too many moves, with leaves and enters alongside.
	u := Update{Leaves: []uint32{10, 20, 999}, Enters: []Enter{{ID: 5, Pseudonym: "Léa", X: 1, Y: 1}}}
	for i := range 21846 {
		id := uint32(1000 + i)
		srv.set(id, 0, 0)
		cli.set(id, 0, 0)
		u.Moves = append(u.Moves, MoveRec{ID: id, X: 1, Y: 0})
	}
	before = snapshot(srv)
	if _, err := srv.AppendUpdate(nil, &u); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("got %v, want ErrTooLarge", err)
	}
	if !equalEntries(snapshot(srv), before) {
		t.Fatal("the refused update changed the view")
	}

	// A message over MaxServerMessage: 130 hotspot texts of 8 KB.
	text := strings.Repeat("é", MaxTextBytes/2)
	u = Update{Enters: []Enter{{ID: 7, Pseudonym: "Tom", X: 3, Y: 3}}, Moves: []MoveRec{{ID: 10, X: 1, Y: 1}}, Leaves: []uint32{20}}
	for range 130 {
		u.Events = append(u.Events, HotspotContent{HotspotID: "h-1", Text: text})
	}
	if _, err := srv.AppendUpdate(nil, &u); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("message of 130 x 8 KB: got %v, want ErrTooLarge", err)
	}
	if !equalEntries(snapshot(srv), before) {
		t.Fatal("the refused update changed the view")
	}

	// More than MaxRecords enters, leaves or events.
	for _, u := range []Update{
		{Enters: make([]Enter, MaxRecords+1)},
		{Leaves: make([]uint32, MaxRecords+1)},
		{Events: slices.Repeat([]Event{HotspotViewers{}}, MaxRecords+1)},
	} {
		if _, err := srv.AppendUpdate(nil, &u); !errors.Is(err, ErrTooLarge) {
			t.Errorf("got %v, want ErrTooLarge", err)
		}
	}
	if !equalEntries(snapshot(srv), before) {
		t.Fatal("a refused update changed the view")
	}

	// The next update is consistent with the client, which got nothing.
	b, err := srv.AppendUpdate(nil, &Update{Leaves: []uint32{20}, Moves: []MoveRec{{ID: 10, X: 50, Y: 60}}})
	if err != nil {
		t.Fatal(err)
	}
	var m ServerMessage
	if err := DecodeServer(b, &m, cli); err != nil {
		t.Fatal(err)
	}
	if x, y, ok := cli.Position(10); !ok || x != 50 || y != 60 || cli.Has(20) || !equalEntries(snapshot(cli), snapshot(srv)) {
		t.Errorf("client holds 10 at (%d, %d, %v), 20: %v; views agree: %v", x, y, ok, cli.Has(20), equalEntries(snapshot(cli), snapshot(srv)))
	}
}
