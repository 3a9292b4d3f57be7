package protocol

import (
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"reflect"
	"testing"

	"github.com/vmihailenco/msgpack/v5"
)

func seedVectors(f *testing.F, dir string) {
	b, err := os.ReadFile("testdata/vectors.json")
	if err != nil {
		f.Fatal(err)
	}
	var vs []vector
	if err := json.Unmarshal(b, &vs); err != nil {
		f.Fatal(err)
	}
	for _, v := range vs {
		if v.Dir == dir {
			raw, _ := hex.DecodeString(v.Hex)
			f.Add(raw)
		}
	}
}

// FuzzDecodeClient: any input decodes or fails with a typed error, never
// panics; what decodes re-encodes to an equal message, and is valid msgpack
// for the reference decoder.
func FuzzDecodeClient(f *testing.F) {
	seedVectors(f, "c2s")
	f.Add([]byte{0xdd, 0xff, 0xff, 0xff, 0xff})
	f.Fuzz(func(t *testing.T, b []byte) {
		var m ClientMessage
		err := DecodeClient(b, &m)
		if err != nil {
			var de *DecodeError
			if !errors.As(err, &de) && !errors.Is(err, ErrUnknownMessage) {
				t.Fatalf("untyped error %v", err)
			}
			return
		}
		var ref any
		if err := msgpack.Unmarshal(b, &ref); err != nil {
			t.Fatalf("we accepted what the reference decoder rejects: %v", err)
		}
		var enc []byte
		switch m.Type {
		case TypeHello:
			enc = AppendHello(nil, m.Hello)
		case TypeMove:
			enc = AppendMove(nil, m.Move)
		case TypeGoto:
			enc = AppendGoto(nil, m.Goto)
		case TypeOpenHotspot:
			enc = AppendOpenHotspot(nil, m.OpenHotspot)
		case TypeCloseHotspot:
			enc = AppendCloseHotspot(nil, m.CloseHotspot)
		case TypeAnswer:
			enc = AppendAnswer(nil, m.Answer)
		case TypeQuestionnaire:
			enc = AppendQuestionnaire(nil, m.Questionnaire)
		case TypeGetProgress:
			enc = AppendGetProgress(nil, m.GetProgress)
		case TypeGetLeaderboard:
			enc = AppendGetLeaderboard(nil, m.GetLeaderboard)
		case TypeShare, TypeUnshare:
			enc = AppendShare(nil, m.Share, m.Type == TypeUnshare)
		case TypeErase:
			enc = AppendErase(nil, m.Erase)
		case TypeChatSay:
			enc = AppendChatSay(nil, m.ChatSay)
		case TypeChatQuick:
			enc = AppendChatQuick(nil, m.ChatQuick)
		case TypeChatReport:
			enc = AppendChatReport(nil, m.ChatReport)
		case TypeChatClass:
			enc = AppendChatClass(nil, m.ChatClass)
		case TypeModerate:
			enc = AppendModerate(nil, m.Moderate)
		default:
			enc = AppendClassMessage(nil, &m)
		}
		var m2 ClientMessage
		if err := DecodeClient(enc, &m2); err != nil {
			t.Fatalf("re-encoded message fails: %v", err)
		}
		if !reflect.DeepEqual(m, m2) && !hasNaN(m) {
			t.Fatalf("round trip: %+v != %+v", m, m2)
		}
		// Forward compatibility: one more trailing field (up to 16
		// elements) changes nothing.
		// (HELLO's look, progress key and staff ticket are optional: a
		// shorter HELLO gets no extra field, which would be read as one
		// of them.)
		if n := int(b[0] & 0x0f); b[0]&0xf0 == 0x90 && n < 15 && len(b)+6 <= MaxClientMessage && (m.Type != TypeHello || n >= 7) {
			longer := append([]byte{0x90 | byte(n+1)}, b[1:]...)
			longer = append(longer, 0xa5, 'l', 'a', 't', 'e', 'r')
			var m3 ClientMessage
			if err := DecodeClient(longer, &m3); err != nil {
				t.Fatalf("with a trailing field: %v", err)
			}
			if !reflect.DeepEqual(m, m3) && !hasNaN(m) {
				t.Fatalf("with a trailing field: %+v != %+v", m, m3)
			}
		}
	})
}

func hasNaN(m ClientMessage) bool {
	return m.Move.DX != m.Move.DX || m.Move.DY != m.Move.DY || m.Goto.X != m.Goto.X || m.Goto.Y != m.Goto.Y
}

// FuzzDecodeServer: the client-side decoder never panics and applies only
// consistent updates to its view.
func FuzzDecodeServer(f *testing.F) {
	seedVectors(f, "s2c")
	f.Fuzz(func(t *testing.T, b []byte) {
		v := NewView()
		v.set(5, 2000, 1000)
		v.set(9, 1900, 1100)
		v.set(300, 100, 100)
		var m ServerMessage
		err := DecodeServer(b, &m, v)
		if err != nil {
			var de *DecodeError
			if !errors.As(err, &de) && !errors.Is(err, ErrUnknownMessage) {
				t.Fatalf("untyped error %v", err)
			}
		}
	})
}
