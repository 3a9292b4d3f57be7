package protocol

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/vmihailenco/msgpack/v5"
)

var update = flag.Bool("update", false, "rewrite testdata/vectors.json")

// vector is one example of docs/PROTOCOL.md. Value is the message as generic
// msgpack data in JSON (binary data as a hex string). For UPDATE, ViewBefore
// is what the client held ([id, x, y] each) and Moves the absolute positions
// the MOVES binary decodes to.
type vector struct {
	Name       string     `json:"name"`
	Dir        string     `json:"dir"` // "c2s" or "s2c"
	Hex        string     `json:"hex"`
	Value      any        `json:"value"`
	ViewBefore [][]uint32 `json:"view_before,omitempty"`
	Moves      [][]uint32 `json:"moves,omitempty"`
}

type vectorCase struct {
	name   string
	client *ClientMessage
	server *ServerMessage
	view   [][]uint32 // server: view before
}

func vectorCases() []vectorCase {
	return []vectorCase{
		{name: "hello", client: &ClientMessage{Type: TypeHello, Hello: Hello{Pseudonym: "Léa"}}},
		{name: "hello_resume", client: &ClientMessage{Type: TypeHello, Hello: Hello{Pseudonym: "Léa", ResumeToken: "q3xSJ1m0GkWcO2mB0hC7Xw"}}},
		{name: "hello_look", client: &ClientMessage{Type: TypeHello, Hello: Hello{Pseudonym: "Léa", Colour: 3, Shape: 1}}},
		{name: "move", client: &ClientMessage{Type: TypeMove, Move: Move{Seq: 7, DX: 0.6, DY: -0.8}}},
		{name: "move_stop", client: &ClientMessage{Type: TypeMove, Move: Move{Seq: 8}}},
		{name: "goto", client: &ClientMessage{Type: TypeGoto, Goto: Goto{Seq: 9, X: 120.5, Y: 64.25}}},
		{name: "open_hotspot", client: &ClientMessage{Type: TypeOpenHotspot, OpenHotspot: OpenHotspot{Req: 3, ID: "h-042"}}},
		{name: "close_hotspot", client: &ClientMessage{Type: TypeCloseHotspot, CloseHotspot: CloseHotspot{ID: "h-042"}}},
		{name: "welcome", server: &ServerMessage{Type: TypeWelcome, Welcome: Welcome{
			SessionID: "s-5f2a9c", ResumeToken: "q3xSJ1m0GkWcO2mB0hC7Xw", SelfID: 12, TickHz: 20,
			ZoneID: "usine-extraordinaire@3f9a1c0b7d2e", Build: "v1-dev", Pseudonym: "Léa"}}},
		{name: "update_self_only", server: &ServerMessage{Type: TypeUpdate, Update: Update{
			Tick: 1200, Ack: 7, SelfX: 1928, SelfY: 1030, Online: 2}}},
		{name: "update_enter", server: &ServerMessage{Type: TypeUpdate, Update: Update{
			Tick: 1201, Ack: 7, SelfX: 1932, SelfY: 1027,
			Enters: []Enter{{ID: 5, Pseudonym: "Tom", X: 2000, Y: 1000, Colour: 2}, {ID: 9, Pseudonym: "Inès", X: 1900, Y: 1100, Role: RoleProfessional, Colour: 5, Shape: 3}},
			Online: 3}}},
		{name: "update_moves", view: [][]uint32{{5, 2000, 1000}, {9, 1900, 1100}, {300, 100, 100}}, server: &ServerMessage{Type: TypeUpdate, Update: Update{
			Tick: 1202, Ack: 8, SelfX: 1936, SelfY: 1024,
			Moves:  []MoveRec{{ID: 5, X: 2004, Y: 997}, {ID: 9, X: 1900, Y: 1104}, {ID: 300, X: 40, Y: 100}},
			Online: 3}}},
		{name: "update_leave_events", view: [][]uint32{{5, 2004, 997}, {9, 1900, 1104}}, server: &ServerMessage{Type: TypeUpdate, Update: Update{
			Tick: 1203, Ack: 8, SelfX: 1936, SelfY: 1024,
			Leaves: []uint32{5},
			Events: []Event{
				{Kind: EventHotspotContent, Req: 3, HotspotID: "h-042", Title: "La centrale marémotrice", Text: "La marée fait tourner les turbines.", Media: "/media/developpement-durable.svg", Challenge: "developpement-durable", Booth: "b-07", Viewers: 2},
				{Kind: EventHotspotDiscovered, HotspotID: "h-042", AvatarID: 9, Pseudonym: "Inès"},
				{Kind: EventHotspotViewers, HotspotID: "h-042", Viewers: 2},
				{Kind: EventError, Code: ErrOutOfRange, Req: 4, Message: "too far from hotspot h-043"},
				{Kind: EventPath, Req: 9, Path: []uint16{1940, 1024, 1928, 1100}},
			},
			Crowd: 0, Online: 3}}},
		{name: "update_crowd", view: [][]uint32{{9, 1900, 1104}}, server: &ServerMessage{Type: TypeUpdate, Update: Update{
			Tick: 1204, Ack: 8, SelfX: 1936, SelfY: 1024, Crowd: 1430, Online: 2212}}},
	}
}

func viewFrom(rows [][]uint32) *View {
	v := NewView()
	for _, r := range rows {
		v.set(r[0], uint16(r[1]), uint16(r[2]))
	}
	return v
}

func encodeCase(c vectorCase) []byte {
	if c.client != nil {
		m := c.client
		switch m.Type {
		case TypeHello:
			return AppendHello(nil, m.Hello)
		case TypeMove:
			return AppendMove(nil, m.Move)
		case TypeGoto:
			return AppendGoto(nil, m.Goto)
		case TypeOpenHotspot:
			return AppendOpenHotspot(nil, m.OpenHotspot)
		case TypeCloseHotspot:
			return AppendCloseHotspot(nil, m.CloseHotspot)
		}
	}
	if c.server.Type == TypeWelcome {
		return AppendWelcome(nil, &c.server.Welcome)
	}
	u := c.server.Update // copy: encoding may append to Moves
	return viewFrom(c.view).AppendUpdate(nil, &u)
}

// generic turns msgpack-decoded values into JSON-friendly ones (bin as hex).
func generic(v any) any {
	switch x := v.(type) {
	case []byte:
		return hex.EncodeToString(x)
	case []any:
		for i := range x {
			x[i] = generic(x[i])
		}
		return x
	}
	return v
}

func TestVectors(t *testing.T) {
	var got []vector
	for _, c := range vectorCases() {
		b := encodeCase(c)
		var val any
		if err := msgpack.Unmarshal(b, &val); err != nil {
			t.Fatalf("%s: reference decoder rejects our encoding: %v", c.name, err)
		}
		vec := vector{Name: c.name, Dir: "c2s", Hex: hex.EncodeToString(b), Value: generic(val)}
		if c.server != nil {
			vec.Dir = "s2c"
			vec.ViewBefore = c.view
			for _, m := range c.server.Update.Moves {
				vec.Moves = append(vec.Moves, []uint32{m.ID, uint32(m.X), uint32(m.Y)})
			}
		}
		got = append(got, vec)

		// Decoding gives back the message.
		if c.client != nil {
			var m ClientMessage
			if err := DecodeClient(b, &m); err != nil {
				t.Fatalf("%s: %v", c.name, err)
			}
			if !reflect.DeepEqual(&m, c.client) {
				t.Errorf("%s: decoded %+v, want %+v", c.name, m, *c.client)
			}
		} else {
			var m ServerMessage
			if err := DecodeServer(b, &m, viewFrom(c.view)); err != nil {
				t.Fatalf("%s: %v", c.name, err)
			}
			normalise(&m.Update)
			want := *c.server
			normalise(&want.Update)
			if !reflect.DeepEqual(m, want) {
				t.Errorf("%s: decoded\n%+v\nwant\n%+v", c.name, m, want)
			}
		}
	}
	path := filepath.Join("testdata", "vectors.json")
	enc, err := json.MarshalIndent(got, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	enc = append(enc, '\n')
	if *update {
		if err := os.WriteFile(path, enc, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./protocol -run TestVectors -update)", err)
	}
	if !bytes.Equal(enc, want) {
		t.Errorf("testdata/vectors.json is stale: the encoding changed; update docs/PROTOCOL.md and run go test ./protocol -run TestVectors -update")
	}
}

// normalise makes nil and empty slices compare equal.
func normalise(u *Update) {
	if len(u.Moves) == 0 {
		u.Moves = nil
	}
	if len(u.Enters) == 0 {
		u.Enters = nil
	}
	if len(u.Leaves) == 0 {
		u.Leaves = nil
	}
	if len(u.Events) == 0 {
		u.Events = nil
	}
}
