package server

import "context"

// BlockHub makes the hub goroutine wait until release is closed: a hub as
// late as a starved machine makes it, for tests of what the gateway does
// meanwhile.
func (s *Server) BlockHub(release <-chan struct{}) {
	s.hub.send(context.Background(), blockCmd(release))
}

type blockCmd <-chan struct{}

func (b blockCmd) run(*hub) { <-b }

// ChatEntries counts the chat's per-avatar entries on the hub (class
// members, moderators): what a connection that never chats must not cost.
func (s *Server) ChatEntries() int {
	done := make(chan int, 1)
	s.hub.send(context.Background(), chatCountCmd(done))
	return <-done
}

type chatCountCmd chan int

func (cc chatCountCmd) run(h *hub) {
	n := len(h.chat.mods)
	for _, ms := range h.chat.members {
		n += len(ms)
	}
	cc <- n
}
