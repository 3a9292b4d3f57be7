package client

import (
	"testing"
	"time"

	"github.com/usine-extraordinaire/fairworld/protocol"
)

// encoder plays the server's side: its own protocol.View of what this client holds.
type encoder struct{ v *protocol.View }

func (e encoder) update(u protocol.Update) []byte {
	b, err := e.v.AppendUpdate(nil, &u)
	if err != nil {
		panic(err) // the test updates are small
	}
	return b
}

func TestWorldAppliesUpdates(t *testing.T) {
	t.Parallel()
	srv := encoder{protocol.NewView()}
	w := newWorld()

	welcome := protocol.AppendWelcome(nil, &protocol.Welcome{SessionID: "s-1", SelfID: 12, TickHz: 20, Pseudonym: "Léa"})
	if m, err := w.decode(welcome); err != nil || m.Type != protocol.TypeWelcome {
		t.Fatalf("decode WELCOME: %v %v", m, err)
	}
	if w.welcome.SelfID != 12 || w.welcome.Pseudonym != "Léa" || w.welcome.MaxSpeed != protocol.DefaultMaxSpeed {
		t.Fatalf("welcome = %+v", w.welcome)
	}
	// A server before max_speed sends 9 elements (the header 0x9a becomes
	// 0x99, the final float64 goes): the speed is the old default, 5 m/s.
	old := protocol.AppendWelcome(nil, &protocol.Welcome{SessionID: "s-0", SelfID: 12, TickHz: 20, Pseudonym: "Léa", MaxSpeed: 8})
	old = append([]byte{0x99}, old[1:len(old)-9]...)
	if m, err := newWorld().decode(old); err != nil || m.Welcome.MaxSpeed != 5 || m.Welcome.SessionID != "s-0" {
		t.Fatalf("WELCOME without max_speed: %+v, %v", m, err)
	}

	steps := []struct {
		name string
		u    protocol.Update
		want []Avatar
	}{
		{"enter", protocol.Update{Tick: 1, Ack: 0, SelfX: 160, SelfY: 320, Online: 3, Enters: []protocol.Enter{
			{ID: 5, Pseudonym: "Tom", X: 2000, Y: 1000},
			{ID: 9, Pseudonym: "Inès", X: 1900, Y: 1100, Role: protocol.RoleProfessional},
		}}, []Avatar{
			{ID: 5, Pseudonym: "Tom", X: 125, Y: 62.5},
			{ID: 9, Pseudonym: "Inès", Role: protocol.RoleProfessional, X: 118.75, Y: 68.75},
		}},
		{"moves", protocol.Update{Tick: 2, Ack: 7, SelfX: 176, SelfY: 320, Online: 3, Moves: []protocol.MoveRec{
			{ID: 5, X: 2016, Y: 984},
		}}, []Avatar{
			{ID: 5, Pseudonym: "Tom", X: 126, Y: 61.5},
			{ID: 9, Pseudonym: "Inès", Role: protocol.RoleProfessional, X: 118.75, Y: 68.75},
		}},
		{"leave, enter again and move in one update", protocol.Update{Tick: 3, Ack: 7, SelfX: 176, SelfY: 320, Online: 4, Crowd: 2,
			Leaves: []uint32{5, 9},
			Enters: []protocol.Enter{{ID: 9, Pseudonym: "Inès", X: 10, Y: 20, Role: protocol.RoleProfessional}, {ID: 300, Pseudonym: "Zoé", X: 16, Y: 16, Role: protocol.RoleTeacher}},
		}, []Avatar{
			{ID: 9, Pseudonym: "Inès", Role: protocol.RoleProfessional, X: 0.625, Y: 1.25},
			{ID: 300, Pseudonym: "Zoé", Role: protocol.RoleTeacher, X: 1, Y: 1},
		}},
	}
	for _, s := range steps {
		u := s.u
		m, err := w.decode(srv.update(u))
		if err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		if m.Type != protocol.TypeUpdate || m.Update.Tick != u.Tick {
			t.Fatalf("%s: decoded %+v", s.name, m)
		}
		got := w.avatars(nil)
		if len(got) != len(s.want) {
			t.Fatalf("%s: avatars = %+v, want %+v", s.name, got, s.want)
		}
		for i := range got {
			if got[i] != s.want[i] {
				t.Errorf("%s: avatar %d = %+v, want %+v", s.name, i, got[i], s.want[i])
			}
		}
		if w.tick != u.Tick || w.ack != u.Ack || w.selfX != u.SelfX || w.selfY != u.SelfY || w.online != u.Online || w.crowd != u.Crowd {
			t.Errorf("%s: scalars tick=%d ack=%d self=(%d,%d) online=%d crowd=%d", s.name, w.tick, w.ack, w.selfX, w.selfY, w.online, w.crowd)
		}
		if len(w.names) != w.view.Len() {
			t.Errorf("%s: %d names for %d positions", s.name, len(w.names), w.view.Len())
		}
	}
}

func TestWorldRejectsMoveOfUnknownAvatar(t *testing.T) {
	t.Parallel()
	srv := encoder{protocol.NewView()}
	srv.update(protocol.Update{Enters: []protocol.Enter{{ID: 5, Pseudonym: "Tom", X: 1, Y: 1}}})
	// A client that missed the enter holds nothing: the move must be refused.
	b := srv.update(protocol.Update{Moves: []protocol.MoveRec{{ID: 5, X: 2, Y: 2}}})
	if _, err := newWorld().decode(b); err == nil {
		t.Fatal("a move of an avatar not in view was accepted")
	}
}

func TestEchoRing(t *testing.T) {
	t.Parallel()
	var r echoRing
	for s := uint32(1); s <= 3; s++ {
		r.push(echoEntry{seq: s, at: 0})
	}
	if got := r.ack(0, nil); len(got) != 0 {
		t.Fatalf("ack 0 released %v", got)
	}
	if got := r.ack(2, nil); len(got) != 2 || got[0].seq != 1 || got[1].seq != 2 {
		t.Fatalf("ack 2 released %v", got)
	}
	for s := uint32(4); s < 4+20; s++ {
		r.push(echoEntry{seq: s})
	}
	if r.n != len(r.buf) || r.overwrites != 5 {
		t.Fatalf("n=%d overwrites=%d", r.n, r.overwrites)
	}
	if got := r.ack(1000, nil); len(got) != 16 || got[0].seq != 8 {
		t.Fatalf("ack 1000 released %d from %v", len(got), got[0])
	}
	// Serial-number order across the wrap of uint32.
	r.push(echoEntry{seq: 0xffffffff})
	if got := r.ack(1, nil); len(got) != 1 {
		t.Fatalf("ack across the wrap released %v", got)
	}
}

func TestHandleDropsEventsAndReportsEchoes(t *testing.T) {
	t.Parallel()
	var echoed []uint32
	c := &Client{
		w:      newWorld(),
		events: make(chan protocol.Event, 2),
		opts:   Options{OnEcho: func(seq uint32, _ time.Duration) { echoed = append(echoed, seq) }},
		start:  time.Now(),
	}
	c.echo.push(echoEntry{seq: 1, at: c.now()})
	c.echo.push(echoEntry{seq: 2, at: c.now()})
	c.echo.push(echoEntry{seq: 3, at: c.now()})

	srv := encoder{protocol.NewView()}
	ev := make([]protocol.Event, 5)
	for i := range ev {
		ev[i] = protocol.HotspotViewers{HotspotID: "h-001", Viewers: uint32(i)}
	}
	if err := c.handle(srv.update(protocol.Update{Ack: 2, Events: ev})); err != nil {
		t.Fatal(err)
	}
	s := c.Stats()
	if s.Events != 5 || s.EventsDropped != 3 || s.Updates != 1 {
		t.Fatalf("stats = %+v", s)
	}
	if e := <-c.events; e.(protocol.HotspotViewers).Viewers != 0 {
		t.Fatalf("first event delivered = %+v", e)
	}
	if len(echoed) != 2 || echoed[0] != 1 || echoed[1] != 2 {
		t.Fatalf("echoed %v, want [1 2]", echoed)
	}
	if c.Ack() != 2 {
		t.Fatalf("Ack() = %d", c.Ack())
	}
}
