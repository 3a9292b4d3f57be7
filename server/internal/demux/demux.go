package demux

import (
	"bufio"
	"cmp"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Config configures a Demux. Zero values mean the documented defaults.
type Config struct {
	Path         string        // the WebSocket path; zero means "/ws"
	HeadTimeout  time.Duration // bounds reading a request head and writing the upgrade answer; zero means 10 s
	MaxHeadBytes int           // longer request heads get 431; zero means 8 KiB
	ReadBuffer   int           // each connection's read buffer, kept by the WebSocket; zero means 1 KiB
	WriteBuffer  int           // each WebSocket's write buffer; zero means 1 KiB
	SendBuffer   int           // SO_SNDBUF of every accepted TCP connection; zero leaves the kernel's
	Logger       *slog.Logger  // handler panics; nil discards
}

// Demux reads each connection's first request head itself and runs
// WebSocket upgrades on that same goroutine with small buffers; everything
// else goes, head replayed, to an http.Server through HTTPListener. net/http
// would keep 8 KiB of bufio buffers, the request and a deep serve stack for
// the whole life of every hijacked connection, which is most of the memory
// of an idle client. Safe for concurrent use.
type Demux struct {
	ln    net.Listener
	ws    http.HandlerFunc
	cfg   Config
	conns chan net.Conn // to the http.Server
	quit  chan struct{} // closed by Close or a failed accept loop

	mu     sync.Mutex
	heads  map[net.Conn]struct{} // guarded by mu: reading their request head
	closed bool                  // guarded by mu
	err    error                 // guarded by mu: why accepting stopped

	// One per connection not yet hijacked, handed over or closed, so that Close
	// returns only when every WebSocket it let in is its handler's.
	inflight sync.WaitGroup
}

// New returns a demux of ln: WebSocket upgrades on cfg.Path go to ws, on
// the accepting connection's own goroutine; the rest to HTTPListener.
func New(ln net.Listener, ws http.HandlerFunc, cfg Config) *Demux {
	cfg.Path = cmp.Or(cfg.Path, "/ws")
	cfg.HeadTimeout = cmp.Or(cfg.HeadTimeout, 10*time.Second)
	cfg.MaxHeadBytes = cmp.Or(cfg.MaxHeadBytes, 8<<10)
	cfg.ReadBuffer = cmp.Or(cfg.ReadBuffer, 1<<10)
	cfg.WriteBuffer = cmp.Or(cfg.WriteBuffer, 1<<10)
	cfg.Logger = cmp.Or(cfg.Logger, slog.New(slog.DiscardHandler))
	return &Demux{ln: ln, ws: ws, cfg: cfg, conns: make(chan net.Conn), quit: make(chan struct{}), heads: make(map[net.Conn]struct{})}
}

// Serve accepts connections until Close, then returns nil, or until the
// listener fails, then returns (and HTTPListener's Accept returns) its error.
func (d *Demux) Serve() error {
	var delay time.Duration
	for {
		c, err := d.ln.Accept()
		if err != nil {
			if te, ok := err.(interface{ Temporary() bool }); ok && te.Temporary() {
				// Out of descriptors, say: back off as net/http does.
				delay = min(max(2*delay, 5*time.Millisecond), time.Second)
				select {
				case <-time.After(delay):
					continue
				case <-d.quit:
				}
			}
			return d.stop(err)
		}
		delay = 0
		d.mu.Lock()
		if d.closed {
			d.mu.Unlock()
			_ = c.Close()
			return nil
		}
		d.heads[c] = struct{}{}
		d.inflight.Add(1) // under mu, before Close can Wait
		d.mu.Unlock()
		go d.serveConn(c)
	}
}

// stop ends accepting because of err; it returns nil if Close came first.
func (d *Demux) stop(err error) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		return nil
	}
	d.closed, d.err = true, fmt.Errorf("demux: accept: %w", err)
	close(d.quit)
	return d.err
}

// Close stops accepting, drops connections still sending their head and
// waits for those past it to be hijacked or handed over. Hijacked
// connections are their handler's to close. Safe to call twice.
func (d *Demux) Close() error {
	d.mu.Lock()
	if !d.closed {
		d.closed = true
		close(d.quit)
	}
	for c := range d.heads {
		_ = c.SetReadDeadline(time.Now()) // ends its ReadRequest
	}
	d.mu.Unlock()
	err := d.ln.Close()
	d.inflight.Wait()
	if errors.Is(err, net.ErrClosed) {
		err = nil
	}
	return err
}

// HTTPListener returns the listener to give to http.Server.Serve: it yields
// the connections whose first request is not a WebSocket upgrade. Closing it
// closes the demux.
func (d *Demux) HTTPListener() net.Listener { return httpListener{d} }

type httpListener struct{ d *Demux }

func (l httpListener) Accept() (net.Conn, error) {
	select {
	case c := <-l.d.conns:
		return c, nil
	case <-l.d.quit:
		l.d.mu.Lock()
		defer l.d.mu.Unlock()
		if l.d.err != nil {
			return nil, l.d.err
		}
		return nil, net.ErrClosed
	}
}

func (l httpListener) Close() error   { return l.d.Close() }
func (l httpListener) Addr() net.Addr { return l.d.ln.Addr() }

var errHeadTooBig = errors.New("request head too big")

func (d *Demux) serveConn(c net.Conn) {
	if tc, ok := c.(*net.TCPConn); ok && d.cfg.SendBuffer > 0 {
		_ = tc.SetWriteBuffer(d.cfg.SendBuffer)
	}
	hr := &headReader{c: c, limit: d.cfg.MaxHeadBytes, rec: make([]byte, 0, d.cfg.ReadBuffer)}
	br := bufio.NewReaderSize(hr, d.cfg.ReadBuffer)
	_ = c.SetReadDeadline(time.Now().Add(d.cfg.HeadTimeout)) // slowloris
	req, err := http.ReadRequest(br)
	d.mu.Lock()
	delete(d.heads, c)
	closed := d.closed
	d.mu.Unlock()
	if closed {
		_ = c.Close()
		d.inflight.Done()
		return
	}
	_ = c.SetReadDeadline(time.Time{})
	switch {
	case err == nil && d.isUpgrade(req):
		hr.rec, hr.limit = nil, -1 // stop recording: the WebSocket reads through br
		d.serveWS(c, br, req)
	case err == nil, hr.err == nil:
		// Malformed heads too: the http.Server answers them as it always has.
		d.handOver(&replayConn{Conn: c, head: hr.rec})
	case hr.err == errHeadTooBig:
		const msg = "431 Request Header Fields Too Large"
		_ = c.SetWriteDeadline(time.Now().Add(d.cfg.HeadTimeout))
		_, _ = io.WriteString(c, "HTTP/1.1 "+msg+"\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n"+msg)
		fallthrough
	default: // timeout, reset or EOF (which ReadRequest may report as a malformed head): nobody to answer
		_ = c.Close()
		d.inflight.Done()
	}
}

func (d *Demux) handOver(c net.Conn) {
	defer d.inflight.Done()
	select {
	case d.conns <- c:
	case <-d.quit:
		_ = c.Close()
	}
}

// isUpgrade says whether the request is one the demux serves itself. Anything
// net/http might refuse before its handler (no Host header or a bad one, a
// body, HTTP/1.0) goes to the http.Server for the same answer as ever.
// ReadRequest has moved the Host header to r.Host, from where a URL with no
// host of its own (origin form) must have taken it.
func (d *Demux) isUpgrade(r *http.Request) bool {
	return r.Method == http.MethodGet && r.URL.Path == d.cfg.Path && r.URL.Host == "" && r.ProtoAtLeast(1, 1) &&
		validHost(r.Host) && r.ContentLength == 0 && len(r.TransferEncoding) == 0 &&
		// A hint only: /ws is served by the same handler either way, whose
		// websocket.Accept checks the headers strictly.
		strings.Contains(strings.ToLower(strings.Join(r.Header.Values("Upgrade"), ",")), "websocket")
}

// validHost is net/http's Host check (httpguts.ValidHostHeader): bytes that
// can appear in a host, port or IPv6 literal.
func validHost(h string) bool {
	return h != "" && !strings.ContainsFunc(h, func(r rune) bool {
		return !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' || strings.ContainsRune("!$%&'()*+,-.:;=[]_~", r))
	})
}

// serveWS runs the WebSocket handler on this goroutine, which becomes the
// connection's reader. Like net/http, it recovers a handler's panic.
func (d *Demux) serveWS(c net.Conn, br *bufio.Reader, req *http.Request) {
	req.RemoteAddr = c.RemoteAddr().String()
	w := &wsResponse{d: d, c: c, br: br, header: make(http.Header)}
	_ = c.SetWriteDeadline(time.Now().Add(d.cfg.HeadTimeout)) // the answer to a stalled client
	defer func() {
		if v := recover(); v != nil {
			if v != http.ErrAbortHandler {
				buf := make([]byte, 16<<10)
				d.cfg.Logger.Error("panic serving WebSocket", "panic", v, "stack", string(buf[:runtime.Stack(buf, false)]))
			}
			_ = c.Close()
			if !w.hijacked {
				d.inflight.Done()
			}
			return
		}
		if !w.hijacked {
			w.finish()
		}
	}()
	d.ws(w, req) // req is not used after this: the GC may take it while the handler runs
}

// wsResponse is the ResponseWriter of an upgrade: websocket.Accept writes
// refusals through it and hijacks it to upgrade. Used by one goroutine.
type wsResponse struct {
	d        *Demux
	c        net.Conn
	br       *bufio.Reader
	header   http.Header // nil once hijacked: the WebSocket keeps w alive
	proto    []string    // the negotiated subprotocol, for Accept's read after Hijack
	status   int
	body     []byte // a refusal's text, at most maxRefusal bytes
	hijacked bool
}

var _ http.Hijacker = (*wsResponse)(nil)

const maxRefusal = 4 << 10

func (w *wsResponse) Header() http.Header {
	if w.header == nil {
		return http.Header{"Sec-Websocket-Protocol": w.proto}
	}
	return w.header
}

func (w *wsResponse) WriteHeader(code int) {
	if w.status == 0 && !w.hijacked {
		w.status = code
	}
}

func (w *wsResponse) Write(p []byte) (int, error) {
	if w.hijacked {
		return 0, http.ErrHijacked
	}
	w.WriteHeader(http.StatusOK)
	w.body = append(w.body, p[:min(len(p), maxRefusal-len(w.body))]...)
	return len(p), nil
}

// Hijack writes the status and headers written so far (the 101) and hands
// the connection over with the small read buffer, which may hold bytes the
// client sent after its head, and a small write buffer: frames larger than
// it go to the socket without a copy.
func (w *wsResponse) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	if w.hijacked {
		return nil, nil, http.ErrHijacked
	}
	w.hijacked = true
	defer w.d.inflight.Done()
	bw := bufio.NewWriterSize(w.c, w.d.cfg.WriteBuffer)
	if w.status != 0 {
		w.writeHead(bw, w.status)
	}
	if err := bw.Flush(); err != nil {
		_ = w.c.Close()
		return nil, nil, fmt.Errorf("demux: writing the upgrade: %w", err)
	}
	_ = w.c.SetDeadline(time.Time{}) // the WebSocket's own timeouts rule from here
	rw := bufio.NewReadWriter(w.br, bw)
	w.proto, w.header, w.br, w.body = w.header["Sec-Websocket-Protocol"], nil, nil, nil
	return w.c, rw, nil
}

func (w *wsResponse) writeHead(bw *bufio.Writer, code int) {
	if w.header.Get("Date") == "" {
		w.header.Set("Date", time.Now().UTC().Format(http.TimeFormat))
	}
	_, _ = bw.WriteString("HTTP/1.1 " + strconv.Itoa(code) + " " + http.StatusText(code) + "\r\n")
	_ = w.header.Write(bw)
	_, _ = bw.WriteString("\r\n")
}

// finish answers a refused upgrade as net/http would, then closes the
// connection: a client whose upgrade failed does not send more requests.
func (w *wsResponse) finish() {
	defer w.d.inflight.Done()
	defer w.c.Close()
	if w.status == 0 {
		w.status = http.StatusOK
	}
	w.header.Set("Content-Length", strconv.Itoa(len(w.body)))
	w.header.Add("Connection", "close") // beside Accept's "Upgrade" on a 426
	bw := bufio.NewWriterSize(w.c, w.d.cfg.WriteBuffer)
	w.writeHead(bw, w.status)
	_, _ = bw.Write(w.body)
	_ = bw.Flush()
}

// headReader records what it reads until the head is parsed, so that a
// connection handed to the http.Server can be replayed from its first byte,
// and refuses to read more than limit bytes before that.
type headReader struct {
	c     net.Conn
	rec   []byte
	limit int   // negative: not recording
	err   error // the first read error while recording
}

func (h *headReader) Read(p []byte) (int, error) {
	if h.limit < 0 {
		return h.c.Read(p)
	}
	if len(h.rec) >= h.limit {
		h.err = errHeadTooBig
		return 0, h.err
	}
	n, err := h.c.Read(p[:min(len(p), h.limit-len(h.rec))])
	h.rec = append(h.rec, p[:n]...)
	if h.err == nil {
		h.err = err
	}
	return n, err
}

// replayConn is a connection whose first bytes were already read: it returns
// them again before reading the socket.
type replayConn struct {
	net.Conn
	head []byte // owned by the reading goroutine (net/http reads from one at a time)
}

func (c *replayConn) Read(p []byte) (int, error) {
	if len(c.head) == 0 {
		return c.Conn.Read(p)
	}
	n := copy(p, c.head)
	if c.head = c.head[n:]; len(c.head) == 0 {
		c.head = nil // do not keep the head's array for the connection's life
	}
	return n, nil
}

// ReadFrom and CloseWrite keep net/http's sendfile and lingering close,
// which look for them on the connection.
func (c *replayConn) ReadFrom(r io.Reader) (int64, error) {
	if rf, ok := c.Conn.(io.ReaderFrom); ok {
		return rf.ReadFrom(r)
	}
	return io.Copy(struct{ io.Writer }{c.Conn}, r)
}

func (c *replayConn) CloseWrite() error {
	if cw, ok := c.Conn.(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return nil
}
