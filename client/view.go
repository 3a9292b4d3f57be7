package client

import (
	"cmp"
	"slices"

	"github.com/usine-extraordinaire/fairworld/protocol"
)

// Avatar is one avatar the client sees, as of the last UPDATE read.
type Avatar struct {
	ID        uint32
	Pseudonym string
	Role      protocol.Role
	// Colour and Shape are the avatar's look (see Options).
	Colour, Shape uint8
	X, Y          float64 // metres
}

// world is what one connection knows: its decoded message buffer, the
// positions of the avatars around it (protocol.View, which DecodeServer
// updates) and what the wire sends only once per avatar (pseudonym, role).
// It is not safe for concurrent use: Client guards it with its mutex.
type world struct {
	msg   protocol.ServerMessage
	view  *protocol.View
	names map[uint32]avatarMeta

	welcome      protocol.Welcome
	tick, ack    uint32
	selfX, selfY uint16
	crowd        uint32
	online       uint32
}

type avatarMeta struct {
	pseudonym     string
	role          protocol.Role
	colour, shape uint8
}

func newWorld() *world {
	return &world{view: protocol.NewView(), names: make(map[uint32]avatarMeta)}
}

// decode decodes one server message, applies it and returns it. The
// returned message is reused by the next call.
func (w *world) decode(b []byte) (*protocol.ServerMessage, error) {
	if err := protocol.DecodeServer(b, &w.msg, w.view); err != nil {
		return nil, err
	}
	switch w.msg.Type {
	case protocol.TypeWelcome:
		w.welcome = w.msg.Welcome
	case protocol.TypeUpdate:
		u := &w.msg.Update
		// DecodeServer applied leaves, enters and moves to the view in that
		// order; do the same for the names.
		for _, id := range u.Leaves {
			delete(w.names, id)
		}
		for _, e := range u.Enters {
			w.names[e.ID] = avatarMeta{pseudonym: e.Pseudonym, role: e.Role, colour: e.Colour, shape: e.Shape}
		}
		w.tick, w.ack = u.Tick, u.Ack
		w.selfX, w.selfY = u.SelfX, u.SelfY
		w.crowd, w.online = u.Crowd, u.Online
	}
	return &w.msg, nil
}

// avatars appends the avatars in view, sorted by id.
func (w *world) avatars(dst []Avatar) []Avatar {
	for id, m := range w.names {
		x, y, _ := w.view.Position(id)
		dst = append(dst, Avatar{ID: id, Pseudonym: m.pseudonym, Role: m.role, Colour: m.colour, Shape: m.shape,
			X: protocol.Dequantise(x), Y: protocol.Dequantise(y)})
	}
	slices.SortFunc(dst, func(a, b Avatar) int { return cmp.Compare(a.ID, b.ID) })
	return dst
}
