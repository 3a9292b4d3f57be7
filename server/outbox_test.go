package server

import (
	"reflect"
	"testing"

	"github.com/usine-extraordinaire/fairworld/protocol"
)

// The merge rules of the outbox (outbox.go), one by one.

func TestOutboxNewestPositionWins(t *testing.T) {
	var o outbox
	var bufs bufPool
	o.push(&protocol.Update{Tick: 1, Moves: []protocol.MoveRec{{ID: 3, X: 1}, {ID: 7, X: 1}}}, &bufs)
	replaced := o.push(&protocol.Update{Tick: 2, Ack: 4, Moves: []protocol.MoveRec{{ID: 9, X: 2}, {ID: 3, X: 2}}}, &bufs) // unsorted
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
	var bufs bufPool
	e1 := protocol.HotspotViewers{HotspotID: "h-1", Viewers: 1}
	e2 := protocol.HotspotViewers{HotspotID: "h-1", Viewers: 2}
	o.push(&protocol.Update{Enters: []protocol.Enter{{ID: 4}}, Leaves: []uint32{2}, Events: []protocol.Event{e1}}, &bufs)
	o.push(&protocol.Update{Enters: []protocol.Enter{{ID: 6}}, Leaves: []uint32{1}, Events: []protocol.Event{e2}}, &bufs)
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
	var bufs bufPool
	o.push(&protocol.Update{Enters: []protocol.Enter{{ID: 5}}, Moves: []protocol.MoveRec{{ID: 8, X: 1}}}, &bufs)
	o.push(&protocol.Update{Moves: []protocol.MoveRec{{ID: 5, X: 3}}}, &bufs)
	o.push(&protocol.Update{Leaves: []uint32{5, 8}}, &bufs)
	var u protocol.Update
	o.take(&u)
	if len(u.Enters) != 0 || len(u.Moves) != 0 || !reflect.DeepEqual(u.Leaves, []uint32{8}) {
		t.Fatalf("enter then leave of 5: %+v", u)
	}
	// The client holds 5: leave, enter again, leave again: one leave.
	o.push(&protocol.Update{Leaves: []uint32{5}}, &bufs)
	o.push(&protocol.Update{Enters: []protocol.Enter{{ID: 5}}}, &bufs)
	o.push(&protocol.Update{Leaves: []uint32{5}}, &bufs)
	o.take(&u)
	if len(u.Enters) != 0 || !reflect.DeepEqual(u.Leaves, []uint32{5}) {
		t.Fatalf("leave, enter, leave of 5: %+v", u)
	}
}

// An enter makes an older pending move of that avatar stale.
func TestOutboxEnterDropsOlderMove(t *testing.T) {
	var o outbox
	var bufs bufPool
	o.push(&protocol.Update{Moves: []protocol.MoveRec{{ID: 5, X: 1}}}, &bufs)
	o.push(&protocol.Update{Leaves: []uint32{5}}, &bufs)
	o.push(&protocol.Update{Enters: []protocol.Enter{{ID: 5, X: 9}}}, &bufs)
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
	var bufs bufPool
	p := protocol.Path{Seq: 3, Points: []uint16{1, 2}}
	if !o.hold(p) || o.hold(protocol.ErrorEvent{Code: protocol.ErrRateLimited}) {
		t.Fatal("hold reports the first event held only")
	}
	var u protocol.Update
	if o.take(&u) {
		t.Fatal("held events taken alone")
	}
	e := protocol.HotspotViewers{HotspotID: "h", Viewers: 1}
	o.push(&protocol.Update{Tick: 8, Ack: 3, Events: []protocol.Event{e}}, &bufs)
	o.take(&u)
	if len(u.Events) != 3 || !reflect.DeepEqual(u.Events[0], protocol.Event(p)) || u.Events[2] != protocol.Event(e) || u.Ack != 3 {
		t.Fatalf("%+v", u)
	}
	o.hold(p)
	if !o.release(&bufs) || !o.take(&u) || len(u.Events) != 1 || u.Tick != 8 {
		t.Fatalf("released alone: %+v", u)
	}
	if o.release(&bufs) {
		t.Fatal("nothing left to release")
	}
}

// An outbox that was taken holds no buffer (an idle connection keeps
// nothing); the writer gives the slices back to the pool with their event
// references cleared, and a burst's large slices are left to the GC.
func TestOutboxHoldsNoBufferWhenIdle(t *testing.T) {
	var o outbox
	var bufs bufPool
	var dst protocol.Update
	o.push(&protocol.Update{Moves: []protocol.MoveRec{{ID: 1}}, Enters: []protocol.Enter{{ID: 2}}, Leaves: []uint32{3},
		Events: []protocol.Event{protocol.HotspotViewers{HotspotID: "h"}}}, &bufs)
	o.take(&dst)
	if cap(o.u.Moves)+cap(o.u.Enters)+cap(o.u.Leaves)+cap(o.u.Events)+cap(o.spare) != 0 {
		t.Fatalf("a taken outbox holds %+v", o.u)
	}
	events := dst.Events
	bufs.putUpdate(&dst)
	if events[:1][0] != nil {
		t.Fatal("event references kept in the pool")
	}
	if dst.Moves != nil || dst.Events != nil {
		t.Fatal("the writer kept the slices it gave back")
	}
	// The next push borrows again.
	o.push(&protocol.Update{Moves: []protocol.MoveRec{{ID: 1, X: 1}}}, &bufs)
	if !o.take(&dst) || len(dst.Moves) != 1 || len(dst.Events) != 0 {
		t.Fatalf("after borrowing again: %+v", dst)
	}
	bufs.putUpdate(&dst)
	// A burst of enters is not kept.
	big := make([]protocol.Enter, 100)
	for i := range big {
		big[i].ID = uint32(i + 1)
	}
	o.push(&protocol.Update{Enters: big}, &bufs)
	o.take(&dst)
	bufs.putUpdate(&dst)
	for range 10 {
		var u protocol.Update
		bufs.getUpdate(&u)
		if cap(u.Enters) > keepEnters {
			t.Fatalf("a burst's capacity %d kept", cap(u.Enters))
		}
	}
}
