package clienttest

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/usine-extraordinaire/fairworld/protocol"
)

// Config configures a Server. The zero value is usable.
type Config struct {
	TickHz     int     // zero means 20
	Speed      float64 // metres per second; zero means 4
	ViewRadius float64 // metres; zero means 40
	Width      float64 // metres; zero means 200
	Height     float64 // metres; zero means 200
	Hotspots   []Hotspot
	// Refuse, if set, is asked about every HELLO; a non-zero code closes
	// the connection with it and the reason instead of answering WELCOME.
	Refuse func(pseudonym string) (protocol.CloseCode, string)
	// Joined, if set, is called after each WELCOME is queued, with the
	// number of avatars now online. It must not block.
	Joined func(pseudonym string, online int)
	Logger *slog.Logger // nil discards
}

// Hotspot is a hotspot of the stand-in zone.
type Hotspot struct {
	ID    string  `json:"id"`
	Title string  `json:"title"`
	X     float64 `json:"x"`
	Y     float64 `json:"y"`
	Range float64 `json:"range"`
}

// Server is a running stand-in. URL is its WebSocket endpoint, HTTPURL its base.
type Server struct {
	URL     string
	HTTPURL string

	cfg    Config
	zoneID string
	hs     *httptest.Server
	stop   context.CancelFunc
	done   chan struct{}

	mu      sync.Mutex
	avatars map[uint32]*avatar // guarded by mu
	nextID  uint32             // guarded by mu
	tick    uint32             // guarded by mu
}

// Start runs a Server until the test ends.
func Start(tb testing.TB, cfg Config) *Server {
	tb.Helper()
	if cfg.TickHz == 0 {
		cfg.TickHz = 20
	}
	if cfg.Speed == 0 {
		cfg.Speed = 4
	}
	if cfg.ViewRadius == 0 {
		cfg.ViewRadius = 40
	}
	if cfg.Width == 0 {
		cfg.Width = 200
	}
	if cfg.Height == 0 {
		cfg.Height = 200
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	s := &Server{cfg: cfg, zoneID: "clienttest@000000000000", avatars: make(map[uint32]*avatar), done: make(chan struct{})}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /ws", s.serveWS)
	mux.HandleFunc("GET /api/zone", s.serveZone)
	s.hs = httptest.NewServer(mux)
	s.HTTPURL = s.hs.URL
	s.URL = "ws" + strings.TrimPrefix(s.hs.URL, "http") + "/ws"
	ctx, cancel := context.WithCancel(context.Background())
	s.stop = cancel
	go s.run(ctx)
	tb.Cleanup(s.Close)
	return s
}

// Close stops the server and drops every connection. Calling it twice is safe.
func (s *Server) Close() {
	s.stop()
	<-s.done
	// Accepted WebSockets are hijacked: httptest no longer tracks them.
	s.mu.Lock()
	for _, a := range s.avatars {
		a.conn.CloseNow()
	}
	s.mu.Unlock()
	s.hs.CloseClientConnections()
	s.hs.Close()
}

// CloseAll closes every connection with code and reason.
func (s *Server) CloseAll(code protocol.CloseCode, reason string) {
	s.mu.Lock()
	conns := make([]*websocket.Conn, 0, len(s.avatars))
	for _, a := range s.avatars {
		conns = append(conns, a.conn)
	}
	s.mu.Unlock()
	for _, c := range conns {
		go c.Close(websocket.StatusCode(code), reason)
	}
}

// Online is the number of connected avatars.
func (s *Server) Online() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.avatars)
}

func (s *Server) serveZone(w http.ResponseWriter, r *http.Request) {
	cols, rows := int(math.Ceil(s.cfg.Width/2)), int(math.Ceil(s.cfg.Height/2))
	z := map[string]any{ // the JSON shape of docs/PROTOCOL.md §7
		"id": s.zoneID, "name": "Zone de test", "width": s.cfg.Width, "height": s.cfg.Height,
		"grid": map[string]any{"cols": cols, "rows": rows, "tile": 2,
			"terrain": make([]byte, cols*rows), "terrain_kinds": []string{"ground"}, "blocked": make([]byte, cols*rows)},
		"buildings": []any{}, "booths": []any{}, "areas": []any{},
		"hotspots": s.cfg.Hotspots,
		"spawn":    map[string]float64{"x": s.cfg.Width/2 - 5, "y": s.cfg.Height/2 - 5, "w": 10, "h": 10},
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("ETag", `"`+s.zoneID+`"`)
	json.NewEncoder(w).Encode(z)
}

func (s *Server) serveWS(w http.ResponseWriter, r *http.Request) {
	conn, err := websocket.Accept(w, r, &websocket.AcceptOptions{Subprotocols: []string{protocol.Subprotocol}})
	if err != nil {
		return
	}
	defer conn.CloseNow()
	conn.SetReadLimit(protocol.MaxClientMessage)
	ctx := r.Context()
	if conn.Subprotocol() != protocol.Subprotocol {
		conn.Close(websocket.StatusCode(protocol.CloseBadVersion), "bad version")
		return
	}
	var m protocol.ClientMessage
	hctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	_, b, err := conn.Read(hctx)
	cancel()
	if err != nil {
		return
	}
	if err := protocol.DecodeClient(b, &m); err != nil || m.Type != protocol.TypeHello {
		conn.Close(websocket.StatusCode(protocol.CloseBadHandshake), "HELLO expected")
		return
	}
	if s.cfg.Refuse != nil {
		if code, reason := s.cfg.Refuse(m.Hello.Pseudonym); code != 0 {
			conn.Close(websocket.StatusCode(code), reason)
			return
		}
	}
	a, refusal := s.join(conn, m.Hello.Pseudonym)
	if a == nil {
		conn.Close(websocket.StatusCode(protocol.ClosePseudoTaken), refusal)
		return
	}
	defer s.leave(a)
	if s.cfg.Joined != nil {
		s.cfg.Joined(m.Hello.Pseudonym, s.Online())
	}
	go a.writeLoop(ctx)
	for {
		_, b, err := conn.Read(ctx)
		if err != nil {
			return
		}
		if err := protocol.DecodeClient(b, &m); err != nil {
			if de, ok := err.(*protocol.DecodeError); ok {
				conn.Close(websocket.StatusCode(de.Code), "malformed")
				return
			}
			continue
		}
		s.intent(a, &m)
	}
}

func (s *Server) join(conn *websocket.Conn, pseudonym string) (*avatar, string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, o := range s.avatars {
		if strings.EqualFold(o.name, pseudonym) {
			return nil, "Ce pseudonyme est déjà utilisé."
		}
	}
	s.nextID++
	a := &avatar{id: s.nextID, name: pseudonym, conn: conn, view: protocol.NewView(), held: make(map[uint32]struct{}),
		x: s.cfg.Width / 2, y: s.cfg.Height / 2, out: make(chan []byte, 256), gone: make(chan struct{})}
	s.avatars[a.id] = a
	w := protocol.Welcome{SessionID: fmt.Sprintf("s-%d", a.id), ResumeToken: fmt.Sprintf("tok%d", a.id), SelfID: a.id,
		TickHz: uint32(s.cfg.TickHz), ZoneID: s.zoneID, Build: "clienttest", Pseudonym: pseudonym}
	a.out <- protocol.AppendWelcome(nil, &w)
	a.dirty = true
	return a, ""
}

func (s *Server) leave(a *avatar) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.avatars, a.id)
	close(a.gone)
}
