package server_test

import (
	"context"
	"testing"
	"time"

	"github.com/usine-extraordinaire/fairworld/client"
	"github.com/usine-extraordinaire/fairworld/protocol"
	"github.com/usine-extraordinaire/fairworld/server"
	"github.com/usine-extraordinaire/fairworld/server/servertest"
)

// closeBound is how soon after the server decides to close a connection the
// TCP connection must be over, whatever the peer does (the server waits
// 5 s for the peer's close frame).
const closeBound = 6 * time.Second

// Every way the server closes a connection ends the TCP connection within
// closeBound of its decision, with the documented close frame, although each
// peer here stops reading and sending right after its last byte. Its
// admission slot is free again afterwards.
func TestEveryCloseEndsTheTCPConnection(t *testing.T) {
	t.Parallel()
	type peerCase struct {
		name    string
		code    protocol.CloseCode // the server's close code
		noFrame bool               // no close frame can arrive (the peer's buffers are full)
		conns   int                // connections other than the peer (for MaxConns)
		config  func(*server.Config)
		// run makes the peer misbehave on in; it returns what stops the
		// server's other connections, if any.
		run func(t *testing.T, in *servertest.Instance, p *rawPeer)
		// proto and rcvbuf of the peer's upgrade.
		proto  string
		rcvbuf int
	}
	sp := protocol.Subprotocol
	hello := func(t *testing.T, p *rawPeer) { p.hello(name(), "") }
	cases := []peerCase{
		{name: "1009 frame cut in the middle", code: protocol.CloseTooBig, run: func(t *testing.T, _ *servertest.Instance, p *rawPeer) {
			hello(t, p)
			// A header announcing 1,000 bytes, 600 of them, then silence.
			_ = p.write(append(p.header(true, opBinary, 1000, true), make([]byte, 600)...))
		}},
		{name: "1009 whole frame", code: protocol.CloseTooBig, run: func(t *testing.T, _ *servertest.Instance, p *rawPeer) {
			hello(t, p)
			_ = p.frame(opBinary, make([]byte, 4096))
		}},
		{name: "4002 malformed", code: protocol.CloseMalformed, run: func(t *testing.T, _ *servertest.Instance, p *rawPeer) {
			hello(t, p)
			_ = p.frame(opBinary, []byte{0xc1})
		}},
		{name: "4002 text frame", code: protocol.CloseMalformed, run: func(t *testing.T, _ *servertest.Instance, p *rawPeer) {
			hello(t, p)
			_ = p.frame(opText, []byte(`{"type":"move"}`))
		}},
		{name: "1002 unmasked frame", code: protocol.CloseProtocolError, run: func(t *testing.T, _ *servertest.Instance, p *rawPeer) {
			hello(t, p)
			msg := protocol.AppendMove(nil, protocol.Move{Seq: 1, DX: 1})
			_ = p.write(append(p.header(true, opBinary, len(msg), false), msg...))
		}},
		{name: "4008 flood", code: protocol.CloseFlood, run: func(t *testing.T, _ *servertest.Instance, p *rawPeer) {
			hello(t, p)
			var b []byte
			for i := range 1000 {
				msg := protocol.AppendMove(nil, protocol.Move{Seq: uint32(i + 1)})
				b = append(append(b, p.header(true, opBinary, len(msg), true)...), msg...)
			}
			_ = p.write(b)
		}},
		{name: "4013 idle", code: protocol.CloseIdle, config: func(c *server.Config) {
			c.PingInterval, c.PingTimeout = 300*time.Millisecond, 300*time.Millisecond
		}, run: func(t *testing.T, _ *servertest.Instance, p *rawPeer) { hello(t, p) }},
		{name: "4005 stopped reading", code: protocol.CloseSlowConsumer, noFrame: true, conns: 20, rcvbuf: 1024, config: func(c *server.Config) {
			c.WriteTimeout, c.SendBuffer = 300*time.Millisecond, 4096
		}, run: func(t *testing.T, in *servertest.Instance, p *rawPeer) {
			hello(t, p)
			// Walkers around it give it updates to read.
			for i := range 20 {
				w := dial(t, in, client.Options{EventBuffer: -1})
				_, _ = w.Move(dirs[i%4][0], dirs[i%4][1])
			}
		}},
		{name: "4006 taken over", code: protocol.CloseTakenOver, conns: 1, run: func(t *testing.T, in *servertest.Instance, p *rawPeer) {
			w := p.hello(name(), "")
			dial(t, in, client.Options{ResumeToken: w.ResumeToken})
		}},
		{name: "4000 no HELLO", code: protocol.CloseBadHandshake, config: func(c *server.Config) {
			c.HelloTimeout = 300 * time.Millisecond
		}, run: func(*testing.T, *servertest.Instance, *rawPeer) {}},
		{name: "4000 not a HELLO", code: protocol.CloseBadHandshake, run: func(t *testing.T, _ *servertest.Instance, p *rawPeer) {
			_ = p.frame(opBinary, protocol.AppendMove(nil, protocol.Move{Seq: 1}))
		}},
		{name: "4001 bad version", code: protocol.CloseBadVersion, proto: "usine.v0", run: func(*testing.T, *servertest.Instance, *rawPeer) {}},
		{name: "4010 pseudonym invalid", code: protocol.ClosePseudoInvalid, run: func(t *testing.T, _ *servertest.Instance, p *rawPeer) {
			_ = p.frame(opBinary, protocol.AppendHello(nil, protocol.Hello{Pseudonym: "ab"}))
		}},
		{name: "4011 pseudonym taken", code: protocol.ClosePseudoTaken, conns: 1, run: func(t *testing.T, in *servertest.Instance, p *rawPeer) {
			dial(t, in, client.Options{Pseudonym: "Capucine"})
			_ = p.frame(opBinary, protocol.AppendHello(nil, protocol.Hello{Pseudonym: "CAPUCINE"}))
		}},
		{name: "4012 pseudonym refused", code: protocol.ClosePseudoRefused, run: func(t *testing.T, _ *servertest.Instance, p *rawPeer) {
			_ = p.frame(opBinary, protocol.AppendHello(nil, protocol.Hello{Pseudonym: "admin"}))
		}},
		{name: "4007 unknown token", code: protocol.CloseResumeExpired, run: func(t *testing.T, _ *servertest.Instance, p *rawPeer) {
			_ = p.frame(opBinary, protocol.AppendHello(nil, protocol.Hello{ResumeToken: "nope"}))
		}},
		{name: "4003 server full", code: protocol.CloseServerFull, conns: 1, config: func(c *server.Config) { c.MaxConns = 1 },
			run: func(*testing.T, *servertest.Instance, *rawPeer) {}},
		{name: "4004 too many joins", code: protocol.CloseTooManyJoins, conns: 1, config: func(c *server.Config) {
			c.JoinRate, c.JoinBurst = 0.01, 1
		}, run: func(t *testing.T, _ *servertest.Instance, p *rawPeer) { // the rate applies to HELLOs
			_ = p.frame(opBinary, protocol.AppendHello(nil, protocol.Hello{Pseudonym: name()}))
		}},
		{name: "1012 shutdown", code: protocol.CloseServiceRestart, run: func(t *testing.T, in *servertest.Instance, p *rawPeer) {
			hello(t, p)
			go in.Stop()
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			in := servertest.Start(t, func(c *server.Config) {
				c.MaxConns = tc.conns + 1
				if tc.config != nil {
					tc.config(c)
				}
			})
			if tc.code == protocol.CloseServerFull || tc.code == protocol.CloseTooManyJoins {
				dial(t, in, client.Options{}) // takes the only slot, or the only join
			}
			proto := tc.proto
			if proto == "" {
				proto = sp
			}
			p := dialRaw(t, in, proto, tc.rcvbuf)
			tc.run(t, in, p)
			// The server's decision: its close counter for the code moves.
			var decided time.Time
			mustWait(t, 30*time.Second, "the server to close the peer", func() bool {
				decided = time.Now()
				return counter(t, in, "fair_gateway_closes_total", "code="+tc.code.String()) > 0
			})
			if !waitUntil(time.Until(decided.Add(closeBound)), p.ended) {
				t.Fatalf("the TCP connection still open %v after the server's decision (state %d, %d bytes unread)",
					closeBound, p.tcpState(), p.unread())
			}
			if !tc.noFrame {
				if got := p.closeCode(); got != tc.code {
					t.Errorf("close frame %d, want %d", got, tc.code)
				}
			}
			if tc.code == protocol.CloseServiceRestart {
				return // the server is gone
			}
			// The slot is free: with MaxConns the connections the case needs
			// plus the peer, one more client gets in.
			mustWait(t, 5*time.Second, "gateway_connections back to the others' count", func() bool {
				return gauge(t, in, "fair_gateway_connections") <= float64(tc.conns)
			})
			if tc.code != protocol.CloseTooManyJoins && tc.code != protocol.CloseServerFull {
				ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
				defer cancel()
				c, err := client.Dial(ctx, in.URL, client.Options{Pseudonym: name()})
				if err != nil {
					t.Fatalf("no slot after the close: %v", err)
				}
				_ = c.Close()
			}
		})
	}
}
