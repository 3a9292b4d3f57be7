package protocol

import (
	"testing"

	"github.com/vmihailenco/msgpack/v5"
)

// HELLO's colour and shape are optional trailing fields; indexes outside
// their set decode as 0, and the default look encodes as the 3-element form.
func TestHelloLook(t *testing.T) {
	cases := []struct {
		name          string
		value         []any
		colour, shape uint8
	}{
		{"no look", []any{1, "Léa", ""}, 0, 0},
		{"colour only", []any{1, "Léa", "", 7}, 7, 0},
		{"both", []any{1, "Léa", "", 3, 2}, 3, 2},
		{"colour out of range", []any{1, "Léa", "", Colours, 1}, 0, 1},
		{"shape out of range", []any{1, "Léa", "", 1, 200}, 1, 0},
	}
	for _, c := range cases {
		b, err := msgpack.Marshal(c.value)
		if err != nil {
			t.Fatal(err)
		}
		var m ClientMessage
		if err := DecodeClient(b, &m); err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if m.Hello.Colour != c.colour || m.Hello.Shape != c.shape || m.Hello.Pseudonym != "Léa" {
			t.Errorf("%s: got %+v", c.name, m.Hello)
		}
	}
	for _, bad := range [][]any{
		{1, "Léa", "", 256},      // not a small uint
		{1, "Léa", "", "rouge"},  // not a number
		{1, "Léa", "", -1},       // negative
		{1, "Léa", "", 1.5, 0.0}, // floats are not indexes
	} {
		b, _ := msgpack.Marshal(bad)
		var m ClientMessage
		if err := DecodeClient(b, &m); err == nil {
			t.Errorf("%v accepted", bad)
		}
	}
	if got := len(AppendHello(nil, Hello{Pseudonym: "a"})); got != 1+1+2+1 {
		t.Errorf("default HELLO is %d bytes, want the 3-element form", got)
	}
	var m ClientMessage
	if err := DecodeClient(AppendHello(nil, Hello{Pseudonym: "a", Shape: 3}), &m); err != nil || m.Hello.Shape != 3 || m.Hello.Colour != 0 {
		t.Errorf("shape only: %+v, %v", m.Hello, err)
	}
}

// Enter records of 5 elements (before the look) and of more than 7 (a later
// version) decode; an out-of-range look is 0.
func TestEnterLookForwardAndBack(t *testing.T) {
	update := func(enters ...[]any) []byte {
		b, err := msgpack.Marshal([]any{65, 1, 0, 10, 10, []byte{}, enters, []any{}, []any{}, 0, 1})
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	var m ServerMessage
	b := update(
		[]any{5, "Tom", 100, 100, 0},
		[]any{6, "Zoé", 100, 100, 2, 4},
		[]any{7, "Inès", 100, 100, 1, 9, 3, "later", []any{1, 2}},
	)
	if err := DecodeServer(b, &m, NewView()); err != nil {
		t.Fatal(err)
	}
	want := []Enter{
		{ID: 5, Pseudonym: "Tom", X: 100, Y: 100},
		{ID: 6, Pseudonym: "Zoé", X: 100, Y: 100, Role: RoleTeacher, Colour: 4},
		{ID: 7, Pseudonym: "Inès", X: 100, Y: 100, Role: RoleProfessional, Colour: 0, Shape: 3},
	}
	if len(m.Update.Enters) != len(want) {
		t.Fatalf("enters %+v", m.Update.Enters)
	}
	for i := range want {
		if m.Update.Enters[i] != want[i] {
			t.Errorf("enter %d: %+v, want %+v", i, m.Update.Enters[i], want[i])
		}
	}
	for _, bad := range [][]any{
		{5, "Tom", 100, 100},              // too short
		{5, "Tom", 100, 100, 0, "red", 0}, // colour not a number
		{5, "Tom", 100, 100, 0, "red"},    // colour not a number, the look alone
	} {
		if err := DecodeServer(update(bad), &m, NewView()); err == nil {
			t.Errorf("enter %v accepted", bad)
		}
	}
}

func TestLook(t *testing.T) {
	for _, c := range []struct {
		i    uint64
		n    int
		want uint8
	}{{0, 8, 0}, {7, 8, 7}, {8, 8, 0}, {3, 4, 3}, {4, 4, 0}, {1 << 40, 8, 0}} {
		if got := Look(c.i, c.n); got != c.want {
			t.Errorf("Look(%d, %d) = %d, want %d", c.i, c.n, got, c.want)
		}
	}
}
