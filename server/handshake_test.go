package server_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/usine-extraordinaire/fairworld/protocol"
	"github.com/usine-extraordinaire/fairworld/server/servertest"
)

// A second HELLO on a connection is answered with ERROR not_ready and
// ignored: the session goes on. Before the WELCOME, a message that is not a
// HELLO closes with 4000, so not_ready never reaches a client then.
func TestSecondHelloIsAnError(t *testing.T) {
	t.Parallel()
	in := servertest.Start(t, nil)
	p := dialRaw(t, in, protocol.Subprotocol, 0) // no Origin header: a non-browser client is accepted
	w := p.hello(name(), "")
	_ = p.frame(opBinary, protocol.AppendHello(nil, protocol.Hello{Pseudonym: name()}))
	_ = p.frame(opBinary, protocol.AppendMove(nil, protocol.Move{Seq: 7, DX: 1}))
	view := protocol.NewView()
	gotErr, gotAck := false, false
	deadline := time.Now().Add(10 * time.Second)
	for !(gotErr && gotAck) && time.Now().Before(deadline) {
		op, b, err := p.readFrame(10 * time.Second)
		if err != nil {
			t.Fatalf("after a second HELLO: %v", err)
		}
		if op == opClose {
			t.Fatalf("closed with %d after a second HELLO", closePayloadCode(b))
		}
		if op != opBinary {
			continue
		}
		var m protocol.ServerMessage
		if err := protocol.DecodeServer(b, &m, view); err != nil {
			t.Fatal(err)
		}
		if m.Type != protocol.TypeUpdate {
			t.Fatalf("a second WELCOME (%v) after a second HELLO: first was %+v", m.Type, w)
		}
		for _, e := range m.Update.Events {
			if e, ok := e.(protocol.ErrorEvent); ok && e.Code == protocol.ErrNotReady {
				gotErr = true
			}
		}
		gotAck = gotAck || m.Update.Ack == 7
	}
	if !gotErr || !gotAck {
		t.Errorf("second HELLO: not_ready error %v, later MOVE applied %v", gotErr, gotAck)
	}
}

// A foreign Origin is refused before the upgrade (403); no Origin at all
// (a non-browser client: browsers always send one) is accepted, as every
// raw peer of these tests shows.
func TestForeignOriginRefused(t *testing.T) {
	t.Parallel()
	in := servertest.Start(t, nil)
	req, _ := http.NewRequest("GET", in.HTTP+"/ws", nil)
	req.Header.Set("Connection", "Upgrade")
	req.Header.Set("Upgrade", "websocket")
	req.Header.Set("Sec-WebSocket-Version", "13")
	req.Header.Set("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==")
	req.Header.Set("Sec-WebSocket-Protocol", protocol.Subprotocol)
	req.Header.Set("Origin", "https://elsewhere.example")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("foreign Origin: %s, want 403", resp.Status)
	}
}
