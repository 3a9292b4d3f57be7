package clienttest

import (
	"context"
	"math"
	"time"

	"github.com/coder/websocket"

	"github.com/usine-extraordinaire/fairworld/protocol"
)

// avatar is one connection's avatar. All fields but out and gone are guarded by Server.mu.
type avatar struct {
	id   uint32
	name string
	conn *websocket.Conn
	view *protocol.View      // what this connection holds of the others
	held map[uint32]struct{} // the ids in view

	x, y           float64
	dx, dy         float64 // MOVE direction, or zero
	going          bool    // walking to (tx, ty)
	tx, ty         float64
	ack            uint32
	events         []protocol.Event
	dirty          bool // self position, ack or events changed since the last update
	lastX, lastY   uint16
	lastOnline     uint32
	out            chan []byte   // to writeLoop; bounded: a full queue closes the connection
	gone           chan struct{} // closed when the connection's handler returns
	pendingIntents []protocol.ClientMessage
}

// intent queues a client message; intents apply at the next tick.
func (s *Server) intent(a *avatar, m *protocol.ClientMessage) {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch m.Type {
	case protocol.TypeMove, protocol.TypeGoto, protocol.TypeOpenHotspot:
		a.pendingIntents = append(a.pendingIntents, *m)
	case protocol.TypeCloseHotspot:
	default:
		a.events = append(a.events, protocol.Event{Kind: protocol.EventError, Code: protocol.ErrNotReady, Message: "HELLO twice"})
	}
}

func (s *Server) run(ctx context.Context) {
	defer close(s.done)
	t := time.NewTicker(time.Second / time.Duration(s.cfg.TickHz))
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			s.step()
		}
	}
}

// step applies intents, moves avatars and sends each connection its update.
func (s *Server) step() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tick++
	dt := 1 / float64(s.cfg.TickHz)
	for _, a := range s.avatars {
		for _, m := range a.pendingIntents {
			s.apply(a, &m)
		}
		a.pendingIntents = a.pendingIntents[:0]
		step := s.cfg.Speed * dt
		switch {
		case a.going:
			ddx, ddy := a.tx-a.x, a.ty-a.y
			d := math.Hypot(ddx, ddy)
			if d <= step {
				a.x, a.y, a.going = a.tx, a.ty, false
			} else {
				a.x, a.y = a.x+ddx/d*step, a.y+ddy/d*step
			}
		case a.dx != 0 || a.dy != 0:
			a.x = math.Min(math.Max(a.x+a.dx*step, 0), s.cfg.Width)
			a.y = math.Min(math.Max(a.y+a.dy*step, 0), s.cfg.Height)
		}
	}
	online := uint32(len(s.avatars))
	r2 := s.cfg.ViewRadius * s.cfg.ViewRadius
	for _, a := range s.avatars {
		u := protocol.Update{Tick: s.tick, Ack: a.ack, SelfX: protocol.Quantise(a.x), SelfY: protocol.Quantise(a.y),
			Online: online, Events: a.events}
		changed := a.dirty || u.SelfX != a.lastX || u.SelfY != a.lastY || online != a.lastOnline
		for _, o := range s.avatars {
			if o == a || (o.x-a.x)*(o.x-a.x)+(o.y-a.y)*(o.y-a.y) > r2 {
				continue
			}
			qx, qy := protocol.Quantise(o.x), protocol.Quantise(o.y)
			hx, hy, held := a.view.Position(o.id)
			switch {
			case !held:
				u.Enters = append(u.Enters, protocol.Enter{ID: o.id, Pseudonym: o.name, X: qx, Y: qy})
				a.held[o.id] = struct{}{}
			case hx != qx || hy != qy:
				u.Moves = append(u.Moves, protocol.MoveRec{ID: o.id, X: qx, Y: qy})
			default:
				continue
			}
			changed = true
		}
		for id := range a.held { // out of range, or gone from the server
			if o, ok := s.avatars[id]; !ok || (o.x-a.x)*(o.x-a.x)+(o.y-a.y)*(o.y-a.y) > r2 {
				u.Leaves = append(u.Leaves, id)
				delete(a.held, id)
				changed = true
			}
		}
		if !changed {
			continue
		}
		b := a.view.AppendUpdate(nil, &u)
		a.events, a.dirty = nil, false
		a.lastX, a.lastY, a.lastOnline = u.SelfX, u.SelfY, online
		select {
		case a.out <- b:
		default:
			go a.conn.Close(websocket.StatusCode(protocol.CloseSlowConsumer), "slow consumer")
		}
	}
}

func (s *Server) apply(a *avatar, m *protocol.ClientMessage) {
	switch m.Type {
	case protocol.TypeMove:
		if _, ok := m.Move.Validate(); !ok {
			a.events = append(a.events, protocol.Event{Kind: protocol.EventError, Code: protocol.ErrBadIntent, Req: m.Move.Seq, Message: "bad direction"})
			return
		}
		a.dx, a.dy, a.going, a.ack = m.Move.DX, m.Move.DY, false, m.Move.Seq
	case protocol.TypeGoto:
		if _, ok := m.Goto.Validate(s.cfg.Width, s.cfg.Height); !ok {
			a.events = append(a.events, protocol.Event{Kind: protocol.EventError, Code: protocol.ErrBadIntent, Req: m.Goto.Seq, Message: "target outside the zone"})
			return
		}
		a.tx, a.ty, a.going, a.dx, a.dy, a.ack = m.Goto.X, m.Goto.Y, true, 0, 0, m.Goto.Seq
		a.events = append(a.events, protocol.Event{Kind: protocol.EventPath, Req: m.Goto.Seq,
			Path: []uint16{protocol.Quantise(m.Goto.X), protocol.Quantise(m.Goto.Y)}})
	case protocol.TypeOpenHotspot:
		req := m.OpenHotspot
		for _, h := range s.cfg.Hotspots {
			if h.ID != req.ID {
				continue
			}
			if math.Hypot(h.X-a.x, h.Y-a.y) > h.Range {
				a.events = append(a.events, protocol.Event{Kind: protocol.EventError, Code: protocol.ErrOutOfRange, Req: req.Req, Message: "too far from hotspot " + h.ID})
			} else {
				a.events = append(a.events, protocol.Event{Kind: protocol.EventHotspotContent, Req: req.Req, HotspotID: h.ID,
					Title: h.Title, Text: "Texte de test.", Challenge: "innovation", Viewers: 1})
			}
			a.dirty = true
			return
		}
		a.events = append(a.events, protocol.Event{Kind: protocol.EventError, Code: protocol.ErrUnknownHotspot, Req: req.Req, Message: "no hotspot " + req.ID})
	}
	a.dirty = true
}

// writeLoop is the connection's only writer.
func (a *avatar) writeLoop(ctx context.Context) {
	for {
		select {
		case <-a.gone:
			return
		case b := <-a.out:
			wctx, cancel := context.WithTimeout(ctx, 5*time.Second)
			err := a.conn.Write(wctx, websocket.MessageBinary, b)
			cancel()
			if err != nil {
				return
			}
		}
	}
}
