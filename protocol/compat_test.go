package protocol

import (
	"errors"
	"math"
	"reflect"
	"testing"

	"github.com/vmihailenco/msgpack/v5"
)

// Forward compatibility (docs/PROTOCOL.md §3, §4): unknown type codes up
// to 65535 are reported, not fatal; client arrays hold up to 16 elements;
// extra trailing fields are skipped; required fields are required.

// mp encodes values with the reference encoder (it picks the smallest
// integer forms and float64 for floats, as a JavaScript client would).
func mp(t *testing.T, v ...any) []byte {
	t.Helper()
	b, err := msgpack.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func closeCodeOf(err error) CloseCode {
	var de *DecodeError
	if errors.As(err, &de) {
		return de.Code
	}
	return 0
}

func TestDecodeClientTypeCodes(t *testing.T) {
	for _, code := range []uint64{0, 40, 63, 64, 255, 256, 300, 1000, 65535} {
		for _, msg := range [][]byte{
			mp(t, code),
			mp(t, code, "x", 1, 2.5),
			mp(t, code, []any{1, "a", []any{[]byte{1}}}, nil, true, -1.5),
		} {
			var m ClientMessage
			if err := DecodeClient(msg, &m); !errors.Is(err, ErrUnknownMessage) {
				t.Errorf("type %d (% x): got %v, want ErrUnknownMessage", code, msg, err)
			}
		}
	}
	// Beyond 16 bits, or not an unsigned integer: malformed.
	for _, msg := range [][]byte{mp(t, 65536), mp(t, uint64(1)<<40, "x"), mp(t, -1), mp(t, 2.0), mp(t, "hello")} {
		var m ClientMessage
		if err := DecodeClient(msg, &m); closeCodeOf(err) != CloseMalformed {
			t.Errorf("% x: got %v, want malformed", msg, err)
		}
	}
	// An unknown type's payload must still be valid msgpack.
	for _, msg := range [][]byte{
		{0x92, 0xcd, 0x01, 0x2c, 0xc1},       // [300, <never used byte>]
		{0x93, 0xcd, 0x01, 0x2c, 0x01},       // 3 elements announced, 2 present
		{0x92, 0xcd, 0x01, 0x2c, 0xd4, 0, 0}, // an extension type
		mp(t, 300, map[string]any{"k": 1}),   // a map
		append(mp(t, 300), 0x00),             // trailing bytes after the array
	} {
		var m ClientMessage
		if err := DecodeClient(msg, &m); closeCodeOf(err) != CloseMalformed {
			t.Errorf("% x: got %v, want malformed", msg, err)
		}
	}
}

// knownClientMessages returns one of each client message, with its fields
// as generic values.
func knownClientMessages() []struct {
	want   ClientMessage
	fields []any
} {
	return []struct {
		want   ClientMessage
		fields []any
	}{
		{ClientMessage{Type: TypeHello, Hello: Hello{Pseudonym: "Léa", ResumeToken: "tok", Colour: 2, Shape: 1}}, []any{1, "Léa", "tok", 2, 1, "", ""}}, // every optional field, so extras are beyond them
		{ClientMessage{Type: TypeMove, Move: Move{Seq: 7, DX: 0.6, DY: -0.8}}, []any{2, 7, 0.6, -0.8}},
		{ClientMessage{Type: TypeGoto, Goto: Goto{Seq: 9, X: 120, Y: 64.25}}, []any{3, 9, 120, 64.25}},
		{ClientMessage{Type: TypeOpenHotspot, OpenHotspot: OpenHotspot{Req: 3, ID: "h-042"}}, []any{4, 3, "h-042"}},
		{ClientMessage{Type: TypeCloseHotspot, CloseHotspot: CloseHotspot{ID: "h-042"}}, []any{5, "h-042"}},
		{ClientMessage{Type: TypeHello, Hello: Hello{Pseudonym: "Léa", ResumeToken: "", Colour: 2, Shape: 1, ProgressKey: "pomme girafe nuage"}}, []any{1, "Léa", "", 2, 1, "pomme girafe nuage"}},
		{ClientMessage{Type: TypeHello, Hello: Hello{Pseudonym: "Léa", ProgressKey: "pomme girafe nuage", StaffTicket: "Tk7pQ2vX"}}, []any{1, "Léa", "", 0, 0, "pomme girafe nuage", "Tk7pQ2vX"}},
		{ClientMessage{Type: TypeAnswer, Answer: Answer{Req: 4, HotspotID: "h-042", Question: 2, N: 2, Choices: [MaxAnswerChoices]uint8{0, 3}}}, []any{6, 4, "h-042", 2, []any{0, 3}}},
		{ClientMessage{Type: TypeQuestionnaire, Questionnaire: QuestionnaireAnswers{Req: 5, HotspotID: "h-270", N: 3, Answers: [MaxQuestionnaireAnswers]int8{1, Skipped, 0}}}, []any{7, 5, "h-270", []any{1, nil, 0}}},
		{ClientMessage{Type: TypeGetProgress, GetProgress: GetProgress{Req: 6}}, []any{8, 6}},
		{ClientMessage{Type: TypeGetLeaderboard, GetLeaderboard: GetLeaderboard{Req: 7, Scope: ScopeGroup}}, []any{9, 7, 1}},
		{ClientMessage{Type: TypeShare, Share: Share{Req: 8, Badge: "innovation-5"}}, []any{10, 8, "innovation-5"}},
		{ClientMessage{Type: TypeUnshare, Share: Share{Req: 9, Badge: "innovation-5"}}, []any{11, 9, "innovation-5"}},
		{ClientMessage{Type: TypeErase, Erase: Erase{Req: 10}}, []any{12, 10}},
		{ClientMessage{Type: TypeClassCreate, ClassCreate: ClassCreate{Req: 11, Name: "4e B", Level: "4e"}}, []any{13, 11, "4e B", "4e"}},
		{ClientMessage{Type: TypeClassJoin, ClassJoin: ClassJoin{Req: 12, Code: "KXWP DMTA"}}, []any{14, 12, "KXWP DMTA"}},
		{ClientMessage{Type: TypeClassList, ClassList: ClassList{Req: 13}}, []any{15, 13}},
		{ClientMessage{Type: TypeClassOpen, ClassOpen: ClassOpen{Req: 14, Class: 7}}, []any{16, 14, 7}},
		{ClientMessage{Type: TypeClassRoute, ClassRoute: ClassRoute{Req: 15, Class: 7, Hotspots: []string{"h-001", "h-002"}}}, []any{17, 15, 7, "", []any{"h-001", "h-002"}}},
		{ClientMessage{Type: TypeClassOrder, ClassOrder: ClassOrder{Req: 16, Class: 7, Order: OrderFollow}}, []any{18, 16, 7, 2, 0}},
		{ClientMessage{Type: TypeClassLeave, ClassLeave: ClassLeave{Req: 17}}, []any{19, 17}},
	}
}

func TestDecodeClientTrailingFields(t *testing.T) {
	extras := []any{nil, true, 7, -3, 1.5, "colour", []byte{1, 2}, []any{1, []any{2}}, uint64(1) << 40}
	for _, k := range knownClientMessages() {
		for n := 0; len(k.fields)+n <= MaxClientFields; n++ {
			fields := append([]any{}, k.fields...)
			for i := range n {
				fields = append(fields, extras[i%len(extras)])
			}
			var m ClientMessage
			if err := DecodeClient(mp(t, fields...), &m); err != nil {
				t.Errorf("%v: %v", fields, err)
				continue
			}
			if !reflect.DeepEqual(m, k.want) {
				t.Errorf("%v: decoded %+v, want %+v", fields, m, k.want)
			}
		}
		// One more than 16 elements is malformed, known type or not.
		fields := append([]any{}, k.fields...)
		for len(fields) <= MaxClientFields {
			fields = append(fields, 0)
		}
		var m ClientMessage
		if err := DecodeClient(mp(t, fields...), &m); closeCodeOf(err) != CloseMalformed {
			t.Errorf("%d elements: got %v, want malformed", len(fields), err)
		}
	}
	sixteen := make([]any, MaxClientFields)
	sixteen[0] = 999
	var m ClientMessage
	if err := DecodeClient(mp(t, sixteen...), &m); !errors.Is(err, ErrUnknownMessage) {
		t.Errorf("unknown type with 16 elements: %v", err)
	}
	if err := DecodeClient(mp(t, append(sixteen, 0)...), &m); closeCodeOf(err) != CloseMalformed {
		t.Errorf("unknown type with 17 elements: %v, want malformed", err)
	}
	// Trailing values nested deeper than 4 are malformed.
	deep := any(1)
	for range 6 {
		deep = []any{deep}
	}
	if err := DecodeClient(mp(t, 2, 1, 0, 0, deep), &m); closeCodeOf(err) != CloseMalformed {
		t.Errorf("deep trailing value: %v, want malformed", err)
	}
	// Maps and extension types are malformed wherever they are.
	if err := DecodeClient(mp(t, 2, 1, 0, 0, map[string]any{"a": 1}), &m); closeCodeOf(err) != CloseMalformed {
		t.Errorf("trailing map: %v, want malformed", err)
	}
}

func TestDecodeClientRequiredFields(t *testing.T) {
	for _, k := range knownClientMessages() {
		required := len(k.fields)
		if k.want.Type == TypeHello {
			required = 3 // colour and shape are optional
		}
		for n := 1; n < required; n++ {
			var m ClientMessage
			if err := DecodeClient(mp(t, k.fields[:n]...), &m); closeCodeOf(err) != CloseMalformed {
				t.Errorf("%v: got %v, want malformed (a required field is missing)", k.fields[:n], err)
			}
		}
	}
}

// TestFieldsOptional checks the decoder's rule for optional trailing
// fields on a message shape of its own: a missing optional field keeps the
// default its destination holds.
func TestFieldsOptional(t *testing.T) {
	type msg struct {
		a      string
		b      uint32
		colour uint32
		shape  uint8
		speed  float64
	}
	decode := func(b []byte) (msg, error) {
		f := fields{r: reader{b: b}, what: "test"}
		n, err := f.r.arrayHeader(0, 16)
		if err != nil {
			return msg{}, err
		}
		f.n = n
		m := msg{colour: 0xffffff, shape: 2, speed: 5} // the defaults
		f.str(&m.a, 8)
		uintField(&f, &m.b, math.MaxUint32)
		f.optional()
		uintField(&f, &m.colour, math.MaxUint32)
		uintField(&f, &m.shape, math.MaxUint8)
		f.float(&m.speed)
		if err := f.done(); err != nil {
			return msg{}, err
		}
		return m, f.r.end()
	}
	for _, c := range []struct {
		in   []any
		want msg
		ok   bool
	}{
		{[]any{"x"}, msg{}, false},
		{[]any{"x", 1}, msg{"x", 1, 0xffffff, 2, 5}, true},
		{[]any{"x", 1, 7}, msg{"x", 1, 7, 2, 5}, true},
		{[]any{"x", 1, 7, 0, 8.5}, msg{"x", 1, 7, 0, 8.5}, true},
		{[]any{"x", 1, 7, 0, 8.5, "later", []any{1}}, msg{"x", 1, 7, 0, 8.5}, true},
		{[]any{"x", 1, 7, 256}, msg{}, false}, // an optional field present must be valid
		{[]any{"x", 1, "red"}, msg{}, false},
	} {
		got, err := decode(mp(t, c.in...))
		if (err == nil) != c.ok || got != c.want {
			t.Errorf("%v: got %+v, %v; want %+v, ok %v", c.in, got, err, c.want, c.ok)
		}
	}
}

func TestDecodeIntentNoAlloc(t *testing.T) {
	b := AppendMove(nil, Move{Seq: 7, DX: 0.6, DY: -0.8})
	b2 := mp(t, 2, 7, 0.6, -0.8, "later", 3)
	var m ClientMessage
	if a := testing.AllocsPerRun(100, func() { _ = DecodeClient(b, &m); _ = DecodeClient(b2, &m) }); a != 0 {
		t.Errorf("decoding a MOVE allocates %.0f times", a)
	}
}

func TestDecodeServerForwardCompatible(t *testing.T) {
	w := Welcome{SessionID: "s", ResumeToken: "t", SelfID: 3, TickHz: 20, ZoneID: "z", Build: "b", Pseudonym: "Léa", Resumed: true, MaxSpeed: 8}
	old := []any{64, "s", "t", 3, 20, "z", "b", "Léa", true}
	for _, c := range []struct {
		in    []any
		speed float64
	}{
		{old, DefaultMaxSpeed},             // a server before max_speed
		{append(old, 8.0), 8},              // float64
		{append(old, 8), 8},                // any number encoding
		{append(old, 8.0, "later", 1), 8},  // fields a later version adds
		{append(old, float32(2.5)), 2.5},   // float32
		{append(old, 8.0, []any{1, 2}), 8}, // nested later field
	} {
		var m ServerMessage
		if err := DecodeServer(mp(t, c.in...), &m, NewView()); err != nil {
			t.Errorf("%v: %v", c.in, err)
			continue
		}
		want := w
		want.MaxSpeed = c.speed
		if m.Type != TypeWelcome || m.Welcome != want {
			t.Errorf("%v: decoded %+v, want %+v", c.in, m.Welcome, want)
		}
	}
	for _, in := range [][]any{old[:8], append(old, -1.0), append(old, 0), append(old, math.NaN()), append(old, math.Inf(1)), append(old, "8")} {
		var m ServerMessage
		if err := DecodeServer(mp(t, in...), &m, NewView()); closeCodeOf(err) != CloseMalformed {
			t.Errorf("%v: got %v, want malformed", in, err)
		}
	}

	// Enter records without the look (an earlier server), with it, and with
	// fields a later version appends after it.
	upd := []any{65, 1, 0, 10, 10, []byte{}, []any{
		[]any{5, "Tom", 2000, 1000, 0},
		[]any{9, "Inès", 1900, 1100, 1, 7, 3},
		[]any{12, "Zoé", 100, 200, 2, 4, 1, "later", []any{}},
	}, []any{}, []any{
		[]any{3, "h-1", 2, "later"},
		[]any{200, "an event kind from later", 1},
	}, 0, 3, "a later UPDATE field"}
	var m ServerMessage
	v := NewView()
	if err := DecodeServer(mp(t, upd...), &m, v); err != nil {
		t.Fatalf("update with later fields: %v", err)
	}
	want := []Enter{{ID: 5, Pseudonym: "Tom", X: 2000, Y: 1000}, {ID: 9, Pseudonym: "Inès", X: 1900, Y: 1100, Role: 1, Colour: 7, Shape: 3}, {ID: 12, Pseudonym: "Zoé", X: 100, Y: 200, Role: 2, Colour: 4, Shape: 1}}
	if !reflect.DeepEqual(m.Update.Enters, want) || v.Len() != 3 || len(m.Update.Events) != 1 || m.Update.Online != 3 {
		t.Errorf("decoded %+v", m.Update)
	}
	short := append([]any{}, upd...)
	short[6] = []any{[]any{5, "Tom", 2000, 1000}}
	if err := DecodeServer(mp(t, short...), &m, NewView()); closeCodeOf(err) != CloseMalformed {
		t.Errorf("enter without its role: %v, want malformed", err)
	}
	// Unknown server types up to 65535 are ignored by clients.
	for _, code := range []uint64{66, 255, 256, 65535} {
		if err := DecodeServer(mp(t, code, "x"), &m, NewView()); !errors.Is(err, ErrUnknownMessage) {
			t.Errorf("server type %d: %v", code, err)
		}
	}
}
