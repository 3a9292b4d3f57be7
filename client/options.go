package client

import (
	"context"
	"crypto/tls"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/usine-extraordinaire/fairworld/protocol"
)

// Options configures Dial. The zero value of every field is usable.
type Options struct {
	// Pseudonym is sent in HELLO; the server normalises it (see Welcome).
	Pseudonym string
	// Colour and Shape choose the avatar's look, indexes into the fixed sets
	// of protocol.Colours and protocol.Shapes (0 is the default; an index
	// outside its set is taken as 0). A resumed session keeps its look.
	Colour, Shape uint8
	// ResumeToken resumes a dropped session; empty starts a new one.
	ResumeToken string
	// ProgressKey is a progress key (three words a PROGRESS event gave an
	// earlier session of the same pseudonym), sent in HELLO to get that
	// progress back; empty for none. Ignored on a resume.
	ProgressKey string
	// StaffTicket signs a member of staff in: a ticket from
	// StaffTicket (POST /api/staff/ticket with a staff token). The
	// session gets the token's role and display name; Pseudonym is then
	// ignored. Empty for a visitor.
	StaffTicket string
	// Seq is the seq after which this connection numbers its intents. When
	// resuming, pass the previous connection's LastSeq: the server's ack
	// belongs to the session, so numbering must go on from there.
	Seq uint32

	// HTTPClient performs the WebSocket handshake. Nil means http.DefaultClient.
	// Load tools set one whose transport binds a source address (see
	// NewHTTPClient) to get past the ~28k ephemeral ports of one
	// source/destination pair.
	HTTPClient *http.Client
	// Header is added to the handshake request (e.g. Origin). May be nil.
	Header http.Header

	// ReadLimit bounds one server message, in bytes. Zero means
	// protocol.MaxServerMessage.
	ReadLimit int64
	// WriteTimeout bounds each write of an intent; when it expires the
	// connection is closed (the server is not reading). Zero means 10 s.
	WriteTimeout time.Duration

	// EventBuffer is the capacity of the Events channel. Zero means 16.
	// Negative disables the channel (it receives nothing and is closed at
	// the end; nothing counts as dropped): load tools that look at events
	// through OnUpdate use it to save memory.
	EventBuffer int

	// OnUpdate, if set, is called from the read goroutine with every decoded
	// UPDATE, after the local view has been updated. The Update (and its
	// slices) is reused for the next message: copy what you keep. It must not
	// block; it may call the Client's methods.
	OnUpdate func(*protocol.Update)
	// OnEcho, if set, is called from the read goroutine when an UPDATE's ack
	// first reaches the seq of an intent sent by Move or Goto: the intent was
	// applied and latency is the time since it was written. An intent
	// superseded before being applied is reported with the update that acked
	// a later one (its effect, the later intent, was then visible). It must
	// not block.
	OnEcho func(seq uint32, latency time.Duration)

	// Logger receives connection-level logs (dial, close). Nil discards them.
	Logger *slog.Logger
}

func (o *Options) withDefaults() Options {
	c := *o
	if c.HTTPClient == nil {
		c.HTTPClient = http.DefaultClient
	}
	if c.ReadLimit == 0 {
		c.ReadLimit = protocol.MaxServerMessage
	}
	if c.WriteTimeout == 0 {
		c.WriteTimeout = 10 * time.Second
	}
	if c.EventBuffer == 0 {
		c.EventBuffer = 16
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	return c
}

// NewHTTPClient returns an HTTP client for Options.HTTPClient whose
// connections leave from the source address localIP (e.g. "127.0.0.2";
// empty means any). It speaks HTTP/1.1 only, as the WebSocket handshake
// needs, and is safe to share between many Clients.
func NewHTTPClient(localIP string) (*http.Client, error) {
	d := &net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}
	if localIP != "" {
		ip := net.ParseIP(localIP)
		if ip == nil {
			return nil, fmt.Errorf("client: bad source address %q", localIP)
		}
		d.LocalAddr = &net.TCPAddr{IP: ip}
	}
	tr := &http.Transport{
		Proxy: http.ProxyFromEnvironment,
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			return d.DialContext(ctx, network, addr)
		},
		TLSHandshakeTimeout: 10 * time.Second,
		// A hijacked WebSocket connection never returns to the pool; HTTP/2
		// must not be negotiated for the upgrade.
		ForceAttemptHTTP2: false,
		TLSNextProto:      map[string]func(string, *tls.Conn) http.RoundTripper{},
	}
	return &http.Client{Transport: tr}, nil
}
