package server_test

import (
	"bufio"
	"crypto/rand"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/usine-extraordinaire/fairworld/protocol"
	"github.com/usine-extraordinaire/fairworld/server/servertest"
)

// rawPeer is a WebSocket client written on a bare TCP socket, to misbehave
// at the frame level: frames cut in the middle, unmasked frames, floods of
// pings, and a peer that stops reading and sending at a chosen moment. Used
// by one goroutine.
type rawPeer struct {
	t  *testing.T
	c  *net.TCPConn
	br *bufio.Reader
}

// WebSocket opcodes (RFC 6455 §5.2).
const (
	opText   = 0x1
	opBinary = 0x2
	opClose  = 0x8
	opPing   = 0x9
	opPong   = 0xa
)

// dialRaw opens a TCP connection and upgrades it with the given
// subprotocol ("" offers none). rcvbuf > 0 sets a small receive buffer.
func dialRaw(t *testing.T, in *servertest.Instance, subprotocol string, rcvbuf int) *rawPeer {
	t.Helper()
	addr := strings.TrimPrefix(strings.TrimSuffix(in.URL, "/ws"), "ws://")
	d := net.Dialer{Timeout: 5 * time.Second}
	if rcvbuf > 0 {
		// Before connecting, so that the window the server sees is small.
		d.Control = func(_, _ string, c syscall.RawConn) error {
			var serr error
			err := c.Control(func(fd uintptr) { serr = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, rcvbuf) })
			return errors.Join(err, serr)
		}
	}
	nc, err := d.Dial("tcp", addr)
	if err != nil {
		t.Fatalf("raw dial: %v", err)
	}
	c := nc.(*net.TCPConn)
	t.Cleanup(func() { _ = c.Close() })
	key := make([]byte, 16)
	_, _ = rand.Read(key)
	req := "GET /ws HTTP/1.1\r\nHost: " + addr + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
		"Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: " + base64.StdEncoding.EncodeToString(key) + "\r\n"
	if subprotocol != "" {
		req += "Sec-WebSocket-Protocol: " + subprotocol + "\r\n"
	}
	_ = c.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.WriteString(c, req+"\r\n"); err != nil {
		t.Fatal(err)
	}
	p := &rawPeer{t: t, c: c, br: bufio.NewReader(c)}
	resp, err := http.ReadResponse(p.br, nil)
	if err != nil {
		t.Fatalf("raw upgrade: %v", err)
	}
	if resp.StatusCode != http.StatusSwitchingProtocols {
		t.Fatalf("raw upgrade: %s", resp.Status)
	}
	_ = c.SetDeadline(time.Time{})
	return p
}

// header writes a frame header announcing length payload bytes.
func (p *rawPeer) header(fin bool, op byte, length int, masked bool) []byte {
	b0 := op
	if fin {
		b0 |= 0x80
	}
	h := []byte{b0}
	var m byte
	if masked {
		m = 0x80
	}
	switch {
	case length < 126:
		h = append(h, m|byte(length))
	case length < 1<<16:
		h = append(h, m|126, byte(length>>8), byte(length))
	default:
		h = append(h, m|127)
		h = binary.BigEndian.AppendUint64(h, uint64(length))
	}
	if masked {
		h = append(h, 0, 0, 0, 0) // a zero mask key: the payload goes as is
	}
	return h
}

// write writes raw bytes; errors are the test's (the server may have closed).
func (p *rawPeer) write(b []byte) error {
	_ = p.c.SetWriteDeadline(time.Now().Add(5 * time.Second))
	_, err := p.c.Write(b)
	return err
}

// frame writes one whole masked frame.
func (p *rawPeer) frame(op byte, payload []byte) error {
	return p.write(append(p.header(true, op, len(payload), true), payload...))
}

// readFrame reads one frame (unmasked, as a server sends them).
func (p *rawPeer) readFrame(d time.Duration) (op byte, payload []byte, err error) {
	_ = p.c.SetReadDeadline(time.Now().Add(d))
	var h [2]byte
	if _, err := io.ReadFull(p.br, h[:]); err != nil {
		return 0, nil, err
	}
	n := int(h[1] & 0x7f)
	switch n {
	case 126:
		var b [2]byte
		if _, err := io.ReadFull(p.br, b[:]); err != nil {
			return 0, nil, err
		}
		n = int(binary.BigEndian.Uint16(b[:]))
	case 127:
		var b [8]byte
		if _, err := io.ReadFull(p.br, b[:]); err != nil {
			return 0, nil, err
		}
		n = int(binary.BigEndian.Uint64(b[:]))
	}
	payload = make([]byte, n)
	if _, err := io.ReadFull(p.br, payload); err != nil {
		return 0, nil, err
	}
	return h[0] & 0x0f, payload, nil
}

// hello sends HELLO and reads frames until the WELCOME.
func (p *rawPeer) hello(pseudonym, token string) protocol.Welcome {
	p.t.Helper()
	if err := p.frame(opBinary, protocol.AppendHello(nil, protocol.Hello{Pseudonym: pseudonym, ResumeToken: token})); err != nil {
		p.t.Fatal(err)
	}
	w, err := p.welcome()
	if err != nil {
		p.t.Fatal(err)
	}
	return w
}

// welcome reads frames until a WELCOME, or fails with the close code.
func (p *rawPeer) welcome() (protocol.Welcome, error) {
	for {
		op, b, err := p.readFrame(10 * time.Second)
		if err != nil {
			return protocol.Welcome{}, err
		}
		if op == opClose {
			return protocol.Welcome{}, &closeFrameError{code: closePayloadCode(b), reason: string(b[min(2, len(b)):])}
		}
		if op != opBinary {
			continue
		}
		var m protocol.ServerMessage
		if err := protocol.DecodeServer(b, &m, protocol.NewView()); err != nil {
			return protocol.Welcome{}, err
		}
		if m.Type == protocol.TypeWelcome {
			return m.Welcome, nil
		}
	}
}

type closeFrameError struct {
	code   protocol.CloseCode
	reason string
}

func (e *closeFrameError) Error() string { return fmt.Sprintf("closed with %d %q", e.code, e.reason) }

func closePayloadCode(b []byte) protocol.CloseCode {
	if len(b) < 2 {
		return 1005
	}
	return protocol.CloseCode(binary.BigEndian.Uint16(b))
}

// tcpState is the kernel's state of the socket (TCP_INFO): it changes when
// the server's FIN or reset arrives, without reading anything.
func (p *rawPeer) tcpState() uint8 {
	rc, err := p.c.SyscallConn()
	if err != nil {
		p.t.Fatal(err)
	}
	var st uint8
	var serr error
	if err := rc.Control(func(fd uintptr) {
		var info *unix.TCPInfo
		info, serr = unix.GetsockoptTCPInfo(int(fd), unix.IPPROTO_TCP, unix.TCP_INFO)
		if serr == nil {
			st = info.State
		}
	}); err != nil || serr != nil {
		p.t.Fatalf("TCP_INFO: %v %v", err, serr)
	}
	return st
}

// unread is how many bytes the server sent that this peer has not read.
func (p *rawPeer) unread() int {
	rc, err := p.c.SyscallConn()
	if err != nil {
		p.t.Fatal(err)
	}
	n := 0
	_ = rc.Control(func(fd uintptr) { n, _ = unix.IoctlGetInt(int(fd), unix.SIOCINQ) })
	return n + p.br.Buffered()
}

const tcpEstablished = 1 // linux/tcp_states.h

// ended reports whether the server ended the TCP connection (its FIN or
// reset arrived), without reading.
func (p *rawPeer) ended() bool { return p.tcpState() != tcpEstablished }

// closeCode reads what the server sent, after the end, and returns the code
// of its close frame (0 when none came).
func (p *rawPeer) closeCode() protocol.CloseCode {
	for {
		op, b, err := p.readFrame(2 * time.Second)
		if err != nil {
			return 0
		}
		if op == opClose {
			return closePayloadCode(b)
		}
	}
}

// waitUntil polls cond every 20 ms until it holds or d passes, and reports
// whether it held.
func waitUntil(d time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(d)
	for {
		if cond() {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// mustWait is waitUntil that fails the test.
func mustWait(t *testing.T, d time.Duration, what string, cond func() bool) {
	t.Helper()
	if !waitUntil(d, cond) {
		t.Fatalf("waited %v for %s", d, what)
	}
}
