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
