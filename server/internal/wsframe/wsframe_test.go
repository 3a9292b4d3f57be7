package wsframe

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"testing"
)

const maxMsg = 512

// frameBytes builds a client frame: fin, opcode, masked with key (nil:
// unmasked), payload; rsv are the reserved bits to set (0x70 mask).
func frameBytes(fin bool, op Opcode, key []byte, payload []byte, rsv byte) []byte {
	b0 := byte(op) | rsv
	if fin {
		b0 |= 0x80
	}
	b := []byte{b0}
	var m byte
	if key != nil {
		m = 0x80
	}
	switch n := len(payload); {
	case n < 126:
		b = append(b, m|byte(n))
	case n <= 0xffff:
		b = append(b, m|126, byte(n>>8), byte(n))
	default:
		b = append(b, m|127)
		b = binary.BigEndian.AppendUint64(b, uint64(n))
	}
	if key == nil {
		return append(b, payload...)
	}
	b = append(b, key...)
	for i, c := range payload {
		b = append(b, c^key[i%4])
	}
	return b
}

var key = []byte{0x37, 0xfa, 0x21, 0x3d}

func masked(fin bool, op Opcode, payload []byte) []byte { return frameBytes(fin, op, key, payload, 0) }

func closePayload(code uint16, reason string) []byte {
	return append(binary.BigEndian.AppendUint16(nil, code), reason...)
}

// header64 is a masked frame header announcing n bytes in the 64-bit form.
func header64(op Opcode, n uint64) []byte {
	b := []byte{0x80 | byte(op), 0x80 | 127}
	b = binary.BigEndian.AppendUint64(b, n)
	return append(b, key...)
}

// got is what a Reader made of a stream: events (copied) and the error code.
type got struct {
	events []string
	code   uint16
}

func (g got) String() string { return fmt.Sprintf("%v code %d", g.events, g.code) }

func describe(ev Event) string {
	return fmt.Sprintf("%d/%d/%x", ev.Kind, ev.Op, ev.Payload)
}

// readAll parses the stream given in chunks of at most chunk bytes (0: all
// at once), as the server does with socket reads: the bytes Next did not
// use are kept and the next read is appended after them.
func readAll(t testing.TB, stream []byte, chunk int) got {
	in := bytes.Clone(stream)
	r := Reader{MaxMessage: maxMsg}
	var g got
	var buf []byte
	for off := 0; ; {
		if chunk == 0 {
			buf = append(buf, in[off:]...)
			off = len(in)
		} else {
			end := min(off+chunk, len(in))
			buf = append(buf, in[off:end]...)
			off = end
		}
		for {
			ev, n, err := r.Next(buf)
			if n < 0 || n > len(buf) {
				t.Fatalf("Next used %d of %d bytes", n, len(buf))
			}
			if err != nil {
				var pe *ProtocolError
				if !errors.As(err, &pe) {
					t.Fatalf("untyped error %v", err)
				}
				g.code = pe.Code
				return g
			}
			buf = buf[n:]
			if ev.Kind == 0 {
				break
			}
			switch {
			case ev.Kind == Message && len(ev.Payload) > maxMsg:
				t.Fatalf("message of %d bytes", len(ev.Payload))
			case ev.Kind != Message && len(ev.Payload) > MaxControlPayload:
				t.Fatalf("control frame of %d bytes", len(ev.Payload))
			}
			g.events = append(g.events, describe(ev))
		}
		buf = append([]byte(nil), buf...) // what a server keeps between reads
		if off == len(in) {
			return g
		}
	}
}

func TestReader(t *testing.T) {
	t.Parallel()
	hello := []byte{0x93, 0x01, 0xa3, 'L', 0xc3, 0xa9}
	big := bytes.Repeat([]byte{7}, maxMsg)
	cases := []struct {
		name   string
		stream []byte
		want   []string
		code   uint16
	}{
		{"binary", masked(true, OpBinary, hello), []string{describe(Event{Message, OpBinary, hello})}, 0},
		{"empty binary", masked(true, OpBinary, nil), []string{"1/2/"}, 0},
		{"text is reported as text", masked(true, OpText, []byte("hi")), []string{"1/1/6869"}, 0},
		{"a message of exactly the limit (16-bit length)", masked(true, OpBinary, big), []string{describe(Event{Message, OpBinary, big})}, 0},
		{"two frames in one read", append(masked(true, OpBinary, []byte{1}), masked(true, OpPing, []byte("p"))...),
			[]string{"1/2/01", "2/9/70"}, 0},
		{"fragmented with a ping and a pong inside", bytes.Join([][]byte{
			masked(false, OpBinary, []byte{1, 2}), masked(true, OpPing, []byte("a")),
			masked(false, OpContinuation, []byte{3}), masked(true, OpPong, nil),
			masked(true, OpContinuation, []byte{4}),
		}, nil), []string{"2/9/61", "3/10/", "1/2/01020304"}, 0},
		{"close with code and reason", masked(true, OpClose, closePayload(1000, "bye")), []string{"4/8/03e8627965"}, 0},
		{"unmasked", frameBytes(true, OpBinary, nil, hello, 0), nil, CodeProtocolError},
		{"reserved bit 1", frameBytes(true, OpBinary, key, hello, 0x40), nil, CodeProtocolError},
		{"reserved bit 3", frameBytes(true, OpBinary, key, hello, 0x10), nil, CodeProtocolError},
		{"unknown opcode 3", masked(true, 3, hello), nil, CodeProtocolError},
		{"unknown control opcode 0xb", masked(true, 0xb, nil), nil, CodeProtocolError},
		{"fragmented ping", masked(false, OpPing, []byte("x")), nil, CodeProtocolError},
		{"ping of 126 bytes", masked(true, OpPing, make([]byte, 126)), nil, CodeProtocolError},
		{"continuation first", masked(true, OpContinuation, []byte{1}), nil, CodeProtocolError},
		{"new message inside a fragmented one", append(masked(false, OpBinary, []byte{1}), masked(true, OpBinary, []byte{2})...),
			nil, CodeProtocolError},
		{"a message one over the limit", masked(true, OpBinary, append(big, 0)), nil, CodeTooBig},
		{"fragments over the limit", append(masked(false, OpBinary, big[:300]), masked(true, OpContinuation, big[:213])...), nil, CodeTooBig},
		{"a frame announcing 1,000 bytes, 600 sent: refused from its header",
			append(masked(true, OpBinary, make([]byte, 1000))[:8], make([]byte, 600)...), nil, CodeTooBig},
		{"64-bit length, small", append(header64(OpBinary, 3), 1^key[0], 2^key[1], 3^key[2]), []string{"1/2/010203"}, 0},
		{"64-bit length over the limit", header64(OpBinary, 1<<40), nil, CodeTooBig},
		{"64-bit length with its top bit set", header64(OpBinary, 1<<63|5), nil, CodeProtocolError},
		{"64-bit length of a ping", header64(OpPing, 200), nil, CodeProtocolError},
		{"incomplete header only: nothing yet", []byte{0x82}, nil, 0},
		{"incomplete 16-bit length: nothing yet", []byte{0x82, 0xfe, 0x01}, nil, 0},
		{"incomplete payload: nothing yet", masked(true, OpBinary, hello)[:8], nil, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			for _, chunk := range []int{0, 1, 3, 7} {
				g := readAll(t, tc.stream, chunk)
				if fmt.Sprint(g.events) != fmt.Sprint(tc.want) || g.code != tc.code {
					t.Fatalf("chunks of %d: got %v, want %v code %d", chunk, g, tc.want, tc.code)
				}
			}
		})
	}
}

func TestParseClose(t *testing.T) {
	t.Parallel()
	cases := []struct {
		payload []byte
		code    uint16
		reason  string
		err     uint16
	}{
		{nil, CodeNoStatus, "", 0},
		{closePayload(1000, ""), 1000, "", 0},
		{closePayload(4901, "reconnect"), 4901, "reconnect", 0},
		{closePayload(1001, "parti, à bientôt"), 1001, "parti, à bientôt", 0},
		{closePayload(3000, ""), 3000, "", 0},
		{[]byte{0x03}, 0, "", CodeProtocolError},
		{closePayload(999, ""), 0, "", CodeProtocolError},
		{closePayload(1004, ""), 0, "", CodeProtocolError},
		{closePayload(1005, ""), 0, "", CodeProtocolError},
		{closePayload(1006, ""), 0, "", CodeProtocolError},
		{closePayload(1015, ""), 0, "", CodeProtocolError},
		{closePayload(2999, ""), 0, "", CodeProtocolError},
		{closePayload(5000, ""), 0, "", CodeProtocolError},
		{closePayload(1000, "\xc3\x28"), 0, "", CodeInvalidPayload},
		{closePayload(1000, "\xed\xa0\x80"), 0, "", CodeInvalidPayload}, // a UTF-16 surrogate
		{closePayload(1000, "ab\xf4\x90\x80\x80"), 0, "", CodeInvalidPayload},
	}
	for _, tc := range cases {
		code, reason, err := ParseClose(tc.payload)
		var pe *ProtocolError
		switch {
		case tc.err != 0 && (!errors.As(err, &pe) || pe.Code != tc.err):
			t.Errorf("%x: error %v, want code %d", tc.payload, err, tc.err)
		case tc.err == 0 && (err != nil || code != tc.code || reason != tc.reason):
			t.Errorf("%x: %d %q %v, want %d %q", tc.payload, code, reason, err, tc.code, tc.reason)
		}
	}
}

func TestServerFrames(t *testing.T) {
	t.Parallel()
	for _, n := range []int{0, 1, 125, 126, 127, 65535, 65536, 70000} {
		p := bytes.Repeat([]byte{0xab}, n)
		b := AppendFrame(nil, OpBinary, p)
		if len(b) != HeaderLen(n)+n {
			t.Fatalf("%d: frame of %d bytes", n, len(b))
		}
		// PutHeader in front of a payload encoded after reserved space.
		buf := make([]byte, maxServerHeader+n)
		copy(buf[maxServerHeader:], p)
		PutHeader(buf[maxServerHeader-HeaderLen(n):maxServerHeader], OpBinary, n)
		if !bytes.Equal(buf[maxServerHeader-HeaderLen(n):], b) {
			t.Fatalf("%d: PutHeader differs from AppendFrame", n)
		}
		// What a client reads back: the same frame masked is accepted.
		if n <= maxMsg {
			g := readAll(t, masked(true, OpBinary, p), 0)
			if len(g.events) != 1 {
				t.Fatalf("%d: %v", n, g)
			}
		}
	}
	c := AppendClose(nil, 4013, "no answer to ping")
	if code, reason, err := ParseClose(c[2:]); err != nil || code != 4013 || reason != "no answer to ping" {
		t.Fatalf("close frame %x: %d %q %v", c, code, reason, err)
	}
	long := AppendClose(nil, 1000, string(bytes.Repeat([]byte("é"), 100))) // 200 bytes of reason
	if len(long)-2 > MaxControlPayload {
		t.Fatalf("close frame of %d bytes", len(long))
	}
	if _, _, err := ParseClose(long[2:]); err != nil {
		t.Fatalf("a cut reason is still UTF-8: %v", err)
	}
	if b := AppendClose(nil, CodeNoStatus, "x"); !bytes.Equal(b, []byte{0x88, 0}) {
		t.Fatalf("close without a code: %x", b)
	}
}

// FuzzReader: whatever a client sends, the Reader never panics, never uses
// more bytes than it was given, never returns a message over the limit or a
// control frame over 125 bytes, reports violations as typed errors, and
// finds the same events and the same error however the stream is cut into
// reads.
func FuzzReader(f *testing.F) {
	big := bytes.Repeat([]byte{1}, maxMsg)
	seeds := [][]byte{
		masked(true, OpBinary, []byte{0x91, 0x01}),
		frameBytes(true, OpBinary, nil, []byte{1, 2, 3}, 0),
		frameBytes(true, OpBinary, key, []byte{1}, 0x20),
		bytes.Join([][]byte{masked(false, OpBinary, []byte{1}), masked(true, OpPing, []byte("p")), masked(true, OpContinuation, []byte{2})}, nil),
		bytes.Join([][]byte{masked(false, OpText, []byte("a")), masked(false, OpContinuation, nil), masked(true, OpClose, closePayload(1000, ""))}, nil),
		append(masked(false, OpBinary, big[:400]), masked(true, OpContinuation, big[:200])...),
		masked(true, OpBinary, append(big, 1)),
		header64(OpBinary, 1<<62),
		header64(OpBinary, 1<<63),
		header64(OpBinary, 2),
		masked(true, OpClose, closePayload(1000, "\xff")),
		masked(true, OpClose, []byte{1}),
		masked(false, OpPong, nil),
		masked(true, OpPing, make([]byte, 126)),
		masked(true, OpContinuation, nil),
		{0x82, 0xfe, 0x00, 0x7e},
		{0x82, 0xff, 0, 0, 0, 0, 0, 0, 0, 3},
	}
	for _, s := range seeds {
		f.Add(s, uint8(0))
		f.Add(s, uint8(3))
	}
	f.Fuzz(func(t *testing.T, stream []byte, chunk uint8) {
		whole := readAll(t, stream, 0)
		if cut := readAll(t, stream, int(chunk%16)+1); fmt.Sprint(cut) != fmt.Sprint(whole) {
			t.Fatalf("in chunks of %d: %v; whole: %v", chunk%16+1, cut, whole)
		}
		for _, e := range whole.events {
			if e[0] == '4' { // close frames: their payload parses or is refused with a code
				var k, op int
				var p []byte
				if _, err := fmt.Sscanf(e, "%d/%d/%x", &k, &op, &p); err == nil {
					if _, _, err := ParseClose(p); err != nil {
						var pe *ProtocolError
						if !errors.As(err, &pe) || (pe.Code != CodeProtocolError && pe.Code != CodeInvalidPayload) {
							t.Fatalf("close payload %x: %v", p, err)
						}
					}
				}
			}
		}
	})
}
