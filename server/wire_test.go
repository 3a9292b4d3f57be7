package server_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/vmihailenco/msgpack/v5"

	"github.com/usine-extraordinaire/fairworld/client"
	"github.com/usine-extraordinaire/fairworld/protocol"
	"github.com/usine-extraordinaire/fairworld/server"
	"github.com/usine-extraordinaire/fairworld/server/servertest"
)

// The statements of docs/PROTOCOL.md that a third party writes a client
// from, checked on the real server through raw sockets.

// rawConn is a raw WebSocket after HELLO: it decodes what the server sends
// into its own view.
type rawConn struct {
	t    *testing.T
	ws   *websocket.Conn
	view *protocol.View
}

func rawJoin(t *testing.T, in *servertest.Instance, hello []byte) *rawConn {
	t.Helper()
	ws := rawDial(t, in, []string{protocol.Subprotocol}, 0)
	rc := &rawConn{t: t, ws: ws, view: protocol.NewView()}
	rc.send(hello)
	if m := rc.next(); m.Type != protocol.TypeWelcome {
		t.Fatalf("want WELCOME, got type %d", m.Type)
	}
	return rc
}

func mp(t *testing.T, v ...any) []byte {
	t.Helper()
	b, err := msgpack.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func (rc *rawConn) send(b []byte) {
	rc.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := rc.ws.Write(ctx, websocket.MessageBinary, b); err != nil {
		rc.t.Fatalf("write: %v", err)
	}
}

func (rc *rawConn) next() *protocol.ServerMessage {
	rc.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, b, err := rc.ws.Read(ctx)
	if err != nil {
		rc.t.Fatalf("read: %v", err)
	}
	var m protocol.ServerMessage
	if err := protocol.DecodeServer(b, &m, rc.view); err != nil {
		rc.t.Fatalf("decode: %v", err)
	}
	return &m
}

// until reads updates until cond holds for one of them.
func (rc *rawConn) until(what string, cond func(*protocol.Update) bool) *protocol.Update {
	rc.t.Helper()
	for range 400 { // 20 s of ticks at most
		if m := rc.next(); m.Type == protocol.TypeUpdate && cond(&m.Update) {
			return &m.Update
		}
	}
	rc.t.Fatalf("no update with %s", what)
	return nil
}

func hasError(code protocol.ErrorCode) func(*protocol.Update) bool {
	return func(u *protocol.Update) bool {
		for _, e := range u.Events {
			if e, ok := e.(protocol.ErrorEvent); ok && e.Code == code {
				return true
			}
		}
		return false
	}
}

// TestForwardCompatibleMessages: unknown type codes up to 65535 get ERROR
// unknown_type and the connection goes on; client arrays hold up to 16
// elements, whose extra trailing fields are ignored; more is 4002, as is a
// type code or a seq beyond its range.
func TestForwardCompatibleMessages(t *testing.T) {
	t.Parallel()
	in := servertest.Start(t, nil)
	// HELLO with fields a later version appends (colour, shape, the
	// progress key, the staff ticket, more).
	rc := rawJoin(t, in, mp(t, 1, name(), "", 2, 3, "", "", 0xff8800, "later", []any{1, 2}))
	for _, msg := range [][]byte{
		mp(t, 40),
		mp(t, 255, "x"),
		mp(t, 256),
		mp(t, 300, "x", 1, 2.5, nil),
		mp(t, 65535, []any{1, []any{2, []byte{3}}}, -1, true),
		mp(t, 1000, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0), // 16 elements
	} {
		rc.send(msg)
		rc.until("ERROR unknown_type", hasError(protocol.ErrUnknownType))
	}
	// A MOVE with 12 trailing fields (16 elements) is applied: its seq is acked.
	rc.send(mp(t, 2, 77, 0.0, 0.0, "later", 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, []any{11}))
	rc.until("ack 77", func(u *protocol.Update) bool { return u.Ack == 77 })

	for _, c := range []struct {
		name string
		msg  []byte
	}{
		{"type code over 65535", mp(t, 65536)},
		{"17 elements", mp(t, 2, 78, 0.0, 0.0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)},
		{"unknown type with 17 elements", mp(t, 300, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)},
		{"seq beyond uint32", mp(t, 2, uint64(1)<<32, 0.0, 0.0)},
		{"MOVE without dy", mp(t, 2, 79, 0.0)},
		{"extension type in a trailing field", []byte{0x95, 0x02, 0x50, 0x00, 0x00, 0xd4, 0x01, 0x00}},
		{"map in a trailing field", mp(t, 2, 81, 0.0, 0.0, map[string]any{"k": 1})},
	} {
		rc := rawJoin(t, in, protocol.AppendHello(nil, protocol.Hello{Pseudonym: name()}))
		rc.send(c.msg)
		if got := readClose(t, rc.ws); got != websocket.StatusCode(protocol.CloseMalformed) {
			t.Errorf("%s: closed with %d, want 4002", c.name, got)
		}
	}
	// Before WELCOME, an unknown type is not a HELLO: 4000.
	ws := rawDial(t, in, []string{protocol.Subprotocol}, 0)
	_ = ws.Write(context.Background(), websocket.MessageBinary, mp(t, 300, "x"))
	if got := readClose(t, ws); got != websocket.StatusCode(protocol.CloseBadHandshake) {
		t.Errorf("unknown type first: closed with %d, want 4000", got)
	}
}

// TestSubprotocolNegotiation: the server selects usine.v1 when it is among
// the offers, whatever their order; otherwise it echoes the first offer (or
// none) and closes with 4001.
func TestSubprotocolNegotiation(t *testing.T) {
	t.Parallel()
	in := servertest.Start(t, nil)
	for _, c := range []struct {
		offers []string // in one Sec-WebSocket-Protocol header
		want   string   // the selected subprotocol
		code   protocol.CloseCode
	}{
		{[]string{"usine.v2", "usine.v1"}, "usine.v1", 0},
		{[]string{"chat", "usine.v1", "usine.v0"}, "usine.v1", 0},
		{[]string{"usine.v2"}, "usine.v2", protocol.CloseBadVersion},
		{[]string{"usine.v0", "usine.v2"}, "usine.v0", protocol.CloseBadVersion},
		{nil, "", protocol.CloseBadVersion},
		{[]string{"USINE.V1"}, "USINE.V1", protocol.CloseBadVersion}, // names are compared exactly
	} {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		ws, _, err := websocket.Dial(ctx, in.URL, &websocket.DialOptions{Subprotocols: c.offers})
		cancel()
		if err != nil {
			t.Fatalf("%v: %v", c.offers, err)
		}
		if ws.Subprotocol() != c.want {
			t.Errorf("%v: selected %q, want %q", c.offers, ws.Subprotocol(), c.want)
		}
		if c.code != 0 {
			if got := readClose(t, ws); got != websocket.StatusCode(c.code) {
				t.Errorf("%v: closed with %d, want %d", c.offers, got, c.code)
			}
			continue
		}
		rc := &rawConn{t: t, ws: ws, view: protocol.NewView()}
		rc.send(protocol.AppendHello(nil, protocol.Hello{Pseudonym: name()}))
		if m := rc.next(); m.Type != protocol.TypeWelcome {
			t.Errorf("%v: want WELCOME, got %d", c.offers, m.Type)
		}
		_ = ws.Close(websocket.StatusNormalClosure, "")
	}
	// Offers split over several header lines count as one list.
	conn, err := net.Dial("tcp", strings.TrimPrefix(in.HTTP, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(5 * time.Second))
	fmt.Fprintf(conn, "GET /ws HTTP/1.1\r\nHost: %s\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"+
		"Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"+
		"Sec-WebSocket-Protocol: usine.v2\r\nSec-WebSocket-Protocol: usine.v1\r\n\r\n", strings.TrimPrefix(in.HTTP, "http://"))
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusSwitchingProtocols || resp.Header.Get("Sec-WebSocket-Protocol") != "usine.v1" {
		t.Errorf("two header lines: %s, selected %q; want 101 and usine.v1", resp.Status, resp.Header.Get("Sec-WebSocket-Protocol"))
	}
}

// TestPseudonymBytes: HELLO's pseudonym may take up to 400 bytes, which the
// server normalises before counting the 3 to 20 characters: a padded or
// decomposed valid pseudonym is welcomed, a long one gets 4010 with a
// French reason, and over 400 bytes the HELLO is malformed (4000).
func TestPseudonymBytes(t *testing.T) {
	t.Parallel()
	in := servertest.Start(t, nil)
	hangul := "\u1100\u1161\u11a8" // 각 as three jamo: 9 bytes
	for _, c := range []struct {
		name    string
		pseudo  string
		code    protocol.CloseCode
		display string
	}{
		{"padded", "Léa" + strings.Repeat(" ", 150) + "Rose", 0, "Léa Rose"},
		{"jamo", strings.Repeat(hangul, 12), 0, strings.Repeat("각", 12)},         // 108 bytes
		{"too long", strings.Repeat("Léa", 40), protocol.ClosePseudoInvalid, ""}, // 160 bytes
		{"over the checker's input", strings.Repeat("a", 390), protocol.ClosePseudoInvalid, ""},
		{"at 400 bytes", strings.Repeat("é", 200), protocol.ClosePseudoInvalid, ""},
		{"over 400 bytes", strings.Repeat("a", 401), protocol.CloseBadHandshake, ""},
	} {
		ws := rawDial(t, in, []string{protocol.Subprotocol}, 0)
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		_ = ws.Write(ctx, websocket.MessageBinary, protocol.AppendHello(nil, protocol.Hello{Pseudonym: c.pseudo}))
		typ, b, err := ws.Read(ctx)
		cancel()
		if c.code == 0 {
			var m protocol.ServerMessage
			if err != nil || typ != websocket.MessageBinary || protocol.DecodeServer(b, &m, protocol.NewView()) != nil || m.Welcome.Pseudonym != c.display {
				t.Errorf("%s (%d bytes): got %v, %+v; want WELCOME as %q", c.name, len(c.pseudo), err, m.Welcome, c.display)
			}
			_ = ws.Close(websocket.StatusNormalClosure, "")
			continue
		}
		var ce websocket.CloseError
		if !errors.As(err, &ce) || ce.Code != websocket.StatusCode(c.code) {
			t.Errorf("%s (%d bytes): got %v, want close %d", c.name, len(c.pseudo), err, c.code)
			continue
		}
		if c.code == protocol.ClosePseudoInvalid && !strings.Contains(ce.Reason, "trop long") {
			t.Errorf("%s: reason %q", c.name, ce.Reason)
		}
	}
}

// TestPseudonymTakenComparesFoldedForms: 4011 compares the key (case,
// accents, width, look-alikes, separators), and covers a session dropped
// without a close frame for as long as it can be resumed.
func TestPseudonymTakenComparesFoldedForms(t *testing.T) {
	t.Parallel()
	in := servertest.Start(t, func(c *server.Config) { c.ResumeWindow = time.Hour })
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	a := rawJoin(t, in, protocol.AppendHello(nil, protocol.Hello{Pseudonym: "Maëlle Rose"}))
	watcher := dial(t, in, client.Options{})
	waitFor(t, watcher, 10*time.Second, "two online", func(c *client.Client) bool { return c.Online() == 2 })
	for _, p := range []string{"MAELLE ROSE", "maelle_rose", "Ｍａëｌｌｅ Rose", "Mae11e.R0se", "MaeIIe-Rose", "M a e l l e Rose"} {
		if _, err := client.Dial(ctx, in.URL, client.Options{Pseudonym: p}); closeCode(err) != protocol.ClosePseudoTaken {
			t.Errorf("%q while Maëlle Rose is online: got %v, want 4011", p, err)
		}
	}
	// Dropped without a close frame: the session can be resumed, so the
	// pseudonym stays taken.
	_ = a.ws.CloseNow()
	waitFor(t, watcher, 10*time.Second, "the drop heard", func(c *client.Client) bool { return c.Online() == 1 })
	if _, err := client.Dial(ctx, in.URL, client.Options{Pseudonym: "maelle rose"}); closeCode(err) != protocol.ClosePseudoTaken {
		t.Errorf("within the resume window: got %v, want 4011", err)
	}
}

// TestSpawnSameOnEveryStart: spawn points are drawn from a generator with
// a fixed seed, so the n-th new visitor of a fresh server always starts at
// the same place.
func TestSpawnSameOnEveryStart(t *testing.T) {
	t.Parallel()
	var first [2][3][2]float64
	for i := range first {
		in := servertest.Start(t, nil)
		for j := range first[i] {
			c := dial(t, in, client.Options{})
			first[i][j][0], first[i][j][1] = c.Self()
		}
	}
	if first[0] != first[1] {
		t.Errorf("first spawns differ between starts: %v and %v", first[0], first[1])
	}
	if first[0][0] == first[0][1] && first[0][1] == first[0][2] {
		t.Errorf("three visitors spawned at one point %v", first[0][0])
	}
}

// TestIntentRules: a MOVE direction of length up to 1.001 is accepted (and
// walks at full speed), a longer one is refused with bad_intent naming its
// seq; seq 0 is applied like any other, and its ack is 0, as before any.
func TestIntentRules(t *testing.T) {
	t.Parallel()
	in := servertest.Start(t, nil)
	rc := rawJoin(t, in, protocol.AppendHello(nil, protocol.Hello{Pseudonym: name()}))
	first := rc.until("a first update", func(*protocol.Update) bool { return true })
	x0 := first.SelfX

	rc.send(protocol.AppendMove(nil, protocol.Move{Seq: 0, DX: 1}))
	rc.until("seq 0 applied: the avatar walks east", func(u *protocol.Update) bool { return u.Ack == 0 && u.SelfX > x0+8 })

	rc.send(protocol.AppendMove(nil, protocol.Move{Seq: 5, DX: 1.0009}))
	rc.until("ack 5", func(u *protocol.Update) bool { return u.Ack == 5 })
	rc.send(protocol.AppendMove(nil, protocol.Move{Seq: 6, DX: 1.0011}))
	u := rc.until("bad_intent", hasError(protocol.ErrBadIntent))
	for _, e := range u.Events {
		if e, ok := e.(protocol.ErrorEvent); ok && e.Ref != 6 {
			t.Errorf("bad_intent refers to %d, want 6", e.Ref)
		}
	}
	rc.send(protocol.AppendMove(nil, protocol.Move{Seq: 7}))
	rc.until("ack 7 after the refused 6", func(u *protocol.Update) bool { return u.Ack == 7 })
}
