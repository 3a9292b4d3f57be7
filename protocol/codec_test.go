package protocol

import (
	"errors"
	"math"
	"reflect"
	"runtime"
	"testing"
)

func TestDecodeClientRejects(t *testing.T) {
	cases := []struct {
		name string
		b    []byte
		code CloseCode // 0: unknown type (not fatal)
	}{
		{"empty", nil, CloseMalformed},
		{"not an array", []byte{0x01}, CloseMalformed},
		{"huge array header", []byte{0xdd, 0xff, 0xff, 0xff, 0xff}, CloseMalformed},
		{"huge string", []byte{0x93, 0x01, 0xdb, 0x7f, 0xff, 0xff, 0xff}, CloseMalformed},
		{"string over limit", append([]byte{0x93, 0x01, 0xd9, 200}, make([]byte, 200)...), CloseMalformed},
		{"nested array", []byte{0x94, 0x02, 0x01, 0x91, 0x91, 0x00}, CloseMalformed},
		{"wrong arity", []byte{0x92, 0x02, 0x01}, CloseMalformed},
		{"trailing bytes", append(AppendMove(nil, Move{Seq: 1}), 0x00), CloseMalformed},
		{"negative seq", []byte{0x94, 0x02, 0xff, 0x00, 0x00}, CloseMalformed},
		{"string as number", []byte{0x94, 0x02, 0x01, 0xa1, 'x', 0x00}, CloseMalformed},
		{"too big", make([]byte, MaxClientMessage+1), CloseMalformed},
		{"unknown type", []byte{0x91, 0x63}, 0},
	}
	for _, c := range cases {
		var m ClientMessage
		err := DecodeClient(c.b, &m)
		if err == nil {
			t.Errorf("%s: accepted", c.name)
			continue
		}
		var de *DecodeError
		if c.code == 0 {
			if !errors.Is(err, ErrUnknownMessage) {
				t.Errorf("%s: got %v, want ErrUnknownMessage", c.name, err)
			}
			continue
		}
		if !errors.As(err, &de) || de.Code != c.code {
			t.Errorf("%s: got %v, want close code %v", c.name, err, c.code)
		}
	}
}

func TestDecodeBoundedAllocation(t *testing.T) {
	// A 5-byte message announcing 4 billion elements must not allocate for them.
	b := []byte{0xdd, 0xff, 0xff, 0xff, 0xff}
	var m ClientMessage
	var s ServerMessage
	v := NewView()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for range 100 {
		_ = DecodeClient(b, &m)
		_ = DecodeServer(b, &s, v)
	}
	runtime.ReadMemStats(&after)
	if perCall := (after.TotalAlloc - before.TotalAlloc) / 200; perCall > 1024 {
		t.Errorf("decoding a 5-byte message allocates %d bytes", perCall)
	}
}

func TestMoveValidate(t *testing.T) {
	for _, m := range []Move{{DX: math.NaN()}, {DY: math.Inf(1)}, {DX: 1, DY: 1}, {DX: -2}} {
		if _, ok := m.Validate(); ok {
			t.Errorf("%+v accepted", m)
		}
	}
	for _, m := range []Move{{}, {DX: 1}, {DX: 0.6, DY: -0.8}, {DX: float64(float32(math.Sqrt2 / 2)), DY: float64(float32(math.Sqrt2 / 2))}} {
		if _, ok := m.Validate(); !ok {
			t.Errorf("%+v refused", m)
		}
	}
	g := Goto{X: 10, Y: 10}
	if _, ok := g.Validate(100, 100); !ok {
		t.Error("goto inside refused")
	}
	for _, g := range []Goto{{X: -1}, {X: 101}, {Y: math.NaN()}, {X: math.Inf(-1)}} {
		if _, ok := g.Validate(100, 100); ok {
			t.Errorf("%+v accepted", g)
		}
	}
}

func TestQuantise(t *testing.T) {
	for _, c := range []struct {
		m float64
		q uint16
	}{{0, 0}, {1, 16}, {0.03, 0}, {0.04, 1}, {-5, 0}, {math.NaN(), 0}, {5000, math.MaxUint16}, {4095.9375, 65535}} {
		if got := Quantise(c.m); got != c.q {
			t.Errorf("Quantise(%v) = %d, want %d", c.m, got, c.q)
		}
	}
}

// TestViewRoundTrip encodes a sequence of updates with one view and decodes
// them with another, as a server and a client would, including enters of held
// avatars, leaves of unknown ones and large deltas.
func TestViewRoundTrip(t *testing.T) {
	srv, cli := NewView(), NewView()
	steps := []Update{
		{Tick: 1, Enters: []Enter{{ID: 3, Pseudonym: "a", X: 10, Y: 10}, {ID: 70000, Pseudonym: "b", X: 60000, Y: 5}}},
		{Tick: 2, Moves: []MoveRec{{ID: 70000, X: 0, Y: 65535}, {ID: 3, X: 11, Y: 9}}},
		{Tick: 3, Leaves: []uint32{3, 99}, Enters: []Enter{{ID: 70000, Pseudonym: "b", X: 7, Y: 7}}, Moves: []MoveRec{{ID: 3, X: 1, Y: 1}}},
		{Tick: 4, Enters: []Enter{{ID: 3, Pseudonym: "a", X: 2, Y: 2}}, Moves: []MoveRec{{ID: 70000, X: 7, Y: 7}}},
	}
	want := []map[uint32][2]uint16{
		{3: {10, 10}, 70000: {60000, 5}},
		{3: {11, 9}, 70000: {0, 65535}},
		{70000: {7, 7}},
		{3: {2, 2}, 70000: {7, 7}},
	}
	for i := range steps {
		b := mustAppend(t, srv, nil, &steps[i])
		var m ServerMessage
		if err := DecodeServer(b, &m, cli); err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
		if cli.Len() != len(want[i]) || srv.Len() != len(want[i]) {
			t.Fatalf("step %d: views hold %d and %d avatars, want %d", i, srv.Len(), cli.Len(), len(want[i]))
		}
		for id, p := range want[i] {
			x, y, ok := cli.Position(id)
			if !ok || x != p[0] || y != p[1] {
				t.Errorf("step %d: avatar %d at (%d, %d, %v), want %v", i, id, x, y, ok, p)
			}
		}
	}
}

func TestDecodeServerRejectsUnknownMove(t *testing.T) {
	srv := NewView()
	srv.set(5, 0, 0)
	b := mustAppend(t, srv, nil, &Update{Moves: []MoveRec{{ID: 5, X: 3, Y: 3}}})
	var m ServerMessage
	err := DecodeServer(b, &m, NewView())
	var de *DecodeError
	if !errors.As(err, &de) {
		t.Fatalf("got %v, want a DecodeError for a move of an avatar not in view", err)
	}
}

func TestAppendUpdateNoAlloc(t *testing.T) {
	v := NewView()
	u := Update{}
	for i := uint32(1); i <= 50; i++ {
		u.Enters = append(u.Enters, Enter{ID: i, Pseudonym: "bot", X: uint16(i), Y: uint16(i)})
	}
	buf := mustAppend(t, v, make([]byte, 0, 4096), &u)
	moves := make([]MoveRec, 50)
	n := 0
	allocs := testing.AllocsPerRun(100, func() {
		n++
		for i := range moves {
			moves[i] = MoveRec{ID: uint32(i + 1), X: uint16(i + n), Y: uint16(i)}
		}
		u := Update{Moves: moves}
		buf, _ = v.AppendUpdate(buf[:0], &u)
	})
	if allocs != 0 {
		t.Errorf("AppendUpdate of 50 moves allocates %.0f times", allocs)
	}
	// 50 moves of one quantum each: 3 bytes a record plus the fixed fields.
	if len(buf) > 50*3+20 {
		t.Errorf("update of 50 small moves is %d bytes", len(buf))
	}
}

func BenchmarkAppendUpdate50(b *testing.B) {
	v := NewView()
	u := Update{}
	for i := uint32(1); i <= 50; i++ {
		u.Enters = append(u.Enters, Enter{ID: i * 7, Pseudonym: "bot", X: 1000, Y: 1000})
	}
	buf := mustAppend(b, v, nil, &u)
	moves := make([]MoveRec, 50)
	b.ReportAllocs()
	var bytes int
	for i := 0; b.Loop(); i++ {
		for j := range moves {
			d := uint16(i % 8)
			moves[j] = MoveRec{ID: uint32(j+1) * 7, X: 1000 + d, Y: 1000 - d}
		}
		u := Update{Tick: uint32(i), Moves: moves}
		buf = mustAppend(b, v, buf[:0], &u)
		bytes += len(buf)
	}
	b.ReportMetric(float64(bytes)/float64(b.N)/50, "B/avatar")
}

func BenchmarkDecodeUpdate50(b *testing.B) {
	srv, cli := NewView(), NewView()
	u := Update{}
	for i := uint32(1); i <= 50; i++ {
		u.Enters = append(u.Enters, Enter{ID: i * 7, Pseudonym: "bot", X: 1000, Y: 1000})
	}
	var m ServerMessage
	if err := DecodeServer(mustAppend(b, srv, nil, &u), &m, cli); err != nil {
		b.Fatal(err)
	}
	msgs := make([][]byte, 2)
	for k := range msgs {
		moves := make([]MoveRec, 50)
		for j := range moves {
			// +1 then -1: decoding them in turn keeps the client where it was.
			moves[j] = MoveRec{ID: uint32(j+1) * 7, X: uint16(1001 - k), Y: uint16(1001 - k)}
		}
		msgs[k] = mustAppend(b, srv, nil, &Update{Moves: moves})
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if err := DecodeServer(msgs[i%2], &m, cli); err != nil {
			b.Fatal(err)
		}
	}
}

func mustAppend(tb testing.TB, v *View, b []byte, u *Update) []byte {
	tb.Helper()
	b, err := v.AppendUpdate(b, u)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// Every event kind is its own type: it names its kind, and it round-trips
// through an UPDATE as the same type and value.
func TestEventKindsRoundTrip(t *testing.T) {
	events := []Event{
		HotspotContent{Req: 3, HotspotID: "h-1", Title: "T", Text: "x", Media: "/m", Challenge: "inclusion", Booth: "b-1", Viewers: 4},
		HotspotDiscovered{HotspotID: "h-1", AvatarID: 7, Pseudonym: "Léa"},
		HotspotViewers{HotspotID: "h-1", Viewers: 2},
		ErrorEvent{Code: ErrOutOfRange, Ref: 9, Message: "far"},
		Path{Seq: 5, Points: []uint16{1, 2, 3, 4}},
		AnswerResult{Req: 2, HotspotID: "h-1", Question: 1, Right: true, RightChoices: []uint8{0, 2}, Explanation: "Oui.", Points: 5},
		QuestionnaireResult{Req: 3, HotspotID: "h-2", Jobs: []Job{{ID: "a", Feminine: "b", Masculine: "c", Description: "d"}}},
		Progress{Full: true, Points: 7, Challenges: []ChallengeProgress{{Challenge: "inclusion", Seen: 1, Total: 2}}, Seen: []string{"h-1"},
			Badges: []Badge{{ID: "x", Title: "X", Description: "Y", EarnedAt: 9}}, Key: "a b c", QuizRight: 1, QuizTotal: 3},
		BadgeEarned{Badge: Badge{ID: "x", Title: "X", Description: "Y", EarnedAt: 9}},
		BadgeNotice{AvatarID: 3, Pseudonym: "Léa", Badge: "x", Title: "X"},
		Leaderboard{Req: 4, Scope: ScopeGroup, Top: []LeaderEntry{{Rank: 1, Pseudonym: "Léa", Points: 7}}, Rank: 1, Points: 7, Players: 1},
		ShareLink{Req: 5, Badge: "x", Path: "/p/t"},
	}
	for i, e := range events {
		if e.Kind() != EventKind(i+1) || EventName(e.Kind()) == "" {
			t.Errorf("%T: kind %d, name %q", e, e.Kind(), EventName(e.Kind()))
		}
	}
	if EventName(200) != "event_200" {
		t.Errorf("unknown kind named %q", EventName(200))
	}
	b, err := NewView().AppendUpdate(nil, &Update{Events: events})
	if err != nil {
		t.Fatal(err)
	}
	var m ServerMessage
	if err := DecodeServer(b, &m, NewView()); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(m.Update.Events, events) {
		t.Fatalf("decoded %#v\nwant %#v", m.Update.Events, events)
	}
}
