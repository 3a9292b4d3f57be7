package server

import (
	"fmt"
	"testing"
	"time"

	"github.com/usine-extraordinaire/fairworld/protocol"
	"github.com/usine-extraordinaire/fairworld/server/class"
	"github.com/usine-extraordinaire/fairworld/world"
	"github.com/usine-extraordinaire/fairworld/world/zone"
)

// The cost of classes at the fair's size (docs/PERFORMANCE.md, "Classes"):
// 900 classes of 30 pupils and their teacher, every member walking, all on
// one node (the worst case: with several nodes each runs its share).
//
//	go test -run '^$' -bench 'Class' -benchtime 20x ./server/
const (
	benchClasses = 900
	benchPupils  = 30
)

// classFair builds a hub holding benchClasses live classes whose members
// are local walking avatars; it returns the hub and the records one beat
// of theirs carries.
func classFair(b *testing.B) *hub {
	b.Helper()
	z, err := zone.Default()
	if err != nil {
		b.Fatal(err)
	}
	s, err := New(Config{Zone: z})
	if err != nil {
		b.Fatal(err)
	}
	h := s.hub
	avatar := uint32(0)
	for k := range benchClasses {
		info := class.Class{ID: uint32(k + 1), Name: fmt.Sprintf("Classe %d", k), Level: "4e", TeacherName: "Mme Durand",
			Steps: []string{"h-001", "h-002", "h-003", "h-004", "h-005", "h-006", "h-007", "h-008"}}
		var ms []class.Member
		for n := 1; n <= benchPupils; n++ {
			ms = append(ms, class.Member{Class: info.ID, Number: uint32(n), Progress: fmt.Sprint(k, "-", n), Name: fmt.Sprint("Eleve", n)})
		}
		lc := h.load(info, ms)
		for n := 0; n <= benchPupils; n++ {
			avatar++
			role := protocol.RolePupil
			if n == 0 {
				role = protocol.RoleTeacher
			}
			if err := h.world.Join(avatar, world.Identity{Name: fmt.Sprint("A", avatar), Role: role, Group: info.ID}, h.world.Spawn()); err != nil {
				b.Fatal(err)
			}
			h.world.SetMove(avatar, 1, 0.6, 0.8)
			ln := lc.lines[uint32(n)]
			ln.local, ln.rec.Avatar, ln.rec.Flags = true, avatar, protocol.MemberOnline
			lc.local[avatar] = uint32(n)
		}
	}
	return h
}

// BenchmarkClassRound is one second's class work of a node: every line
// refreshed from the world, the changed ones listed for MEMBERS, the beat
// built (the MEMBERS deliveries and the bus are not in it: no clients, no
// bus; their encoding is BenchmarkClassMembersEncode). The world's own
// step is outside the timer.
func BenchmarkClassRound(b *testing.B) {
	h := classFair(b)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		for range 20 { // a second of walking
			h.world.Step(50 * time.Millisecond)
		}
		h.cls.beat = time.Time{}
		b.StartTimer()
		h.classRound(time.Now())
	}
	b.ReportMetric(float64(benchClasses*(benchPupils+1)), "members")
}

// BenchmarkClassMembersEncode is the encoding of one member's MEMBERS of a
// second in which all 31 lines changed: what each member's connection
// writes once a second at most.
func BenchmarkClassMembersEncode(b *testing.B) {
	ev := protocol.Members{}
	for n := range benchPupils + 1 {
		ev.Members = append(ev.Members, protocol.Member{Member: uint32(n), Avatar: uint32(1000 + n), Pseudonym: "Pseudonyme" + fmt.Sprint(n),
			X: 1930, Y: 1020, Role: protocol.RolePupil, Steps: 3, Points: 120, Flags: protocol.MemberOnline})
	}
	var buf []byte
	b.ReportAllocs()
	for range b.N {
		buf = protocol.AppendEvent(buf[:0], ev)
	}
	b.ReportMetric(float64(len(buf)), "bytes")
}

// BenchmarkClassBeatApply is a node applying the other nodes' beats of a
// second: the records of every member of the 900 classes (decoded from
// the bus's msgpack, then applied to its live classes).
func BenchmarkClassBeatApply(b *testing.B) {
	h := classFair(b)
	var recs []class.Record
	for id, lc := range h.cls.live {
		for n, ln := range lc.lines {
			recs = append(recs, class.Record{Class: id, Member: n, Avatar: ln.rec.Avatar + 1_000_000, Name: "Eleve", X: 100, Y: 200,
				Role: uint8(protocol.RolePupil), Flags: uint8(protocol.MemberOnline)})
			ln.local = false // as if they were another node's
		}
	}
	enc, err := class.Encode(&class.Message{Kind: class.KindBeat, Node: "other", Records: recs})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		m, err := class.Decode(enc)
		if err != nil {
			b.Fatal(err)
		}
		h.classBus(m, time.Now())
	}
	b.ReportMetric(float64(len(recs)), "records")
	b.ReportMetric(float64(len(enc)), "bytes")
}
