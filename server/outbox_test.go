package server

import (
	"reflect"
	"testing"

	"github.com/usine-extraordinaire/fairworld/protocol"
)

// The merge rules of the outbox (outbox.go), one by one.

func TestOutboxNewestPositionWins(t *testing.T) {
	var o outbox
	o.push(&protocol.Update{Tick: 1, Moves: []protocol.MoveRec{{ID: 3, X: 1}, {ID: 7, X: 1}}})
	replaced := o.push(&protocol.Update{Tick: 2, Ack: 4, Moves: []protocol.MoveRec{{ID: 9, X: 2}, {ID: 3, X: 2}}}) // unsorted
	var u protocol.Update
	if !o.take(&u) {
		t.Fatal("nothing pending")
	}
	want := []protocol.MoveRec{{ID: 3, X: 2}, {ID: 7, X: 1}, {ID: 9, X: 2}}
	if replaced != 1 || !reflect.DeepEqual(u.Moves, want) || u.Tick != 2 || u.Ack != 4 {
		t.Fatalf("replaced %d, %+v", replaced, u)
	}
}

func TestOutboxKeepsEntersLeavesAndEventsInOrder(t *testing.T) {
	var o outbox
	e1 := protocol.HotspotViewers{HotspotID: "h-1", Viewers: 1}
	e2 := protocol.HotspotViewers{HotspotID: "h-1", Viewers: 2}
	o.push(&protocol.Update{Enters: []protocol.Enter{{ID: 4}}, Leaves: []uint32{2}, Events: []protocol.Event{e1}})
	o.push(&protocol.Update{Enters: []protocol.Enter{{ID: 6}}, Leaves: []uint32{1}, Events: []protocol.Event{e2}})
	var u protocol.Update
	o.take(&u)
	if !reflect.DeepEqual(u.Enters, []protocol.Enter{{ID: 4}, {ID: 6}}) || !reflect.DeepEqual(u.Leaves, []uint32{2, 1}) ||
		!reflect.DeepEqual(u.Events, []protocol.Event{e1, e2}) {
		t.Fatalf("%+v", u)
	}
}

// An avatar that enters and leaves within one backlog is never sent; an
// earlier leave of it stays (the client held it before).
func TestOutboxLeaveAfterEnterDropsBoth(t *testing.T) {
	var o outbox
	o.push(&protocol.Update{Enters: []protocol.Enter{{ID: 5}}, Moves: []protocol.MoveRec{{ID: 8, X: 1}}})
	o.push(&protocol.Update{Moves: []protocol.MoveRec{{ID: 5, X: 3}}})
	o.push(&protocol.Update{Leaves: []uint32{5, 8}})
	var u protocol.Update
	o.take(&u)
	if len(u.Enters) != 0 || len(u.Moves) != 0 || !reflect.DeepEqual(u.Leaves, []uint32{8}) {
		t.Fatalf("enter then leave of 5: %+v", u)
	}
	// The client holds 5: leave, enter again, leave again: one leave.
	o.push(&protocol.Update{Leaves: []uint32{5}})
	o.push(&protocol.Update{Enters: []protocol.Enter{{ID: 5}}})
	o.push(&protocol.Update{Leaves: []uint32{5}})
	o.take(&u)
	if len(u.Enters) != 0 || !reflect.DeepEqual(u.Leaves, []uint32{5}) {
		t.Fatalf("leave, enter, leave of 5: %+v", u)
	}
}

// An enter makes an older pending move of that avatar stale.
func TestOutboxEnterDropsOlderMove(t *testing.T) {
	var o outbox
	o.push(&protocol.Update{Moves: []protocol.MoveRec{{ID: 5, X: 1}}})
	o.push(&protocol.Update{Leaves: []uint32{5}})
	o.push(&protocol.Update{Enters: []protocol.Enter{{ID: 5, X: 9}}})
	var u protocol.Update
	o.take(&u)
	if len(u.Moves) != 0 || len(u.Enters) != 1 || u.Enters[0].X != 9 || !reflect.DeepEqual(u.Leaves, []uint32{5}) {
		t.Fatalf("%+v", u)
	}
}

// Held events ride on the next update, before its own events, and never
// make an update of their own until released.
func TestOutboxHeldEvents(t *testing.T) {
	var o outbox
	p := protocol.Path{Seq: 3, Points: []uint16{1, 2}}
	if !o.hold(p) || o.hold(protocol.ErrorEvent{Code: protocol.ErrRateLimited}) {
		t.Fatal("hold reports the first event held only")
	}
	var u protocol.Update
	if o.take(&u) {
		t.Fatal("held events taken alone")
	}
	e := protocol.HotspotViewers{HotspotID: "h", Viewers: 1}
	o.push(&protocol.Update{Tick: 8, Ack: 3, Events: []protocol.Event{e}})
	o.take(&u)
	if len(u.Events) != 3 || !reflect.DeepEqual(u.Events[0], protocol.Event(p)) || u.Events[2] != protocol.Event(e) || u.Ack != 3 {
		t.Fatalf("%+v", u)
	}
	o.hold(p)
	if !o.release() || !o.take(&u) || len(u.Events) != 1 || u.Tick != 8 {
		t.Fatalf("released alone: %+v", u)
	}
	if o.release() {
		t.Fatal("nothing left to release")
	}
}

// take recycles the buffers of the update it hands back, except those a
// burst made large, and clears event references.
func TestOutboxRecyclesBuffers(t *testing.T) {
	var o outbox
	var dst protocol.Update
	o.push(&protocol.Update{Moves: []protocol.MoveRec{{ID: 1}}, Enters: []protocol.Enter{{ID: 2}}, Leaves: []uint32{3},
		Events: []protocol.Event{protocol.HotspotViewers{HotspotID: "h"}}})
	o.take(&dst)
	first := dst
	o.push(&protocol.Update{Moves: []protocol.MoveRec{{ID: 1, X: 1}}})
	o.take(&dst)
	// The pending update now uses first's buffers (the hub's next push
	// fills them).
	if cap(o.u.Moves) == 0 || &o.u.Moves[:1][0] != &first.Moves[:1][0] {
		t.Fatal("moves buffer not recycled")
	}
	if len(o.u.Events) != 0 || cap(o.u.Events) == 0 || first.Events[:1][0] != nil {
		t.Fatalf("events buffer not recycled and cleared: %v", first.Events[:1])
	}
	// A burst of enters is not kept.
	big := make([]protocol.Enter, 100)
	for i := range big {
		big[i].ID = uint32(i + 1)
	}
	o.push(&protocol.Update{Enters: big})
	o.take(&dst)
	o.push(&protocol.Update{Tick: 1})
	o.take(&dst)
	if cap(o.u.Enters) > 16 {
		t.Fatalf("a burst's capacity %d kept", cap(o.u.Enters))
	}
}
