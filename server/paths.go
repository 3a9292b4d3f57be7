package server

import (
	"context"
	"errors"
	"time"

	"github.com/usine-extraordinaire/fairworld/protocol"
	"github.com/usine-extraordinaire/fairworld/world/nav"
)

// pathRequest asks a path worker for a route; the answer goes back to the
// hub's inbox as a cmdPath command. Path finding never runs on the hub.
type pathRequest struct {
	c        *conn
	avatar   uint32
	seq      uint32
	from, to nav.Point
}

// pathWorker computes routes with its own Finder (A* buffers are not shared)
// until ctx ends.
func (h *hub) pathWorker(ctx context.Context, grid *nav.Grid, radius float64) {
	f := nav.NewFinder(grid)
	for {
		var req pathRequest
		select {
		case <-ctx.Done():
			return
		case req = <-h.paths:
		}
		start := time.Now()
		path, err := f.Path(nil, req.from, req.to, radius)
		h.srv.metrics.pathDuration.Observe(time.Since(start).Seconds())
		cmd := command{kind: cmdPath, c: req.c, seq: req.seq, path: path}
		if err != nil {
			cmd.err = protocol.ErrUnreachable
			if !errors.Is(err, nav.ErrNoPath) {
				h.srv.log.Warn("path finding failed", "err", err)
			}
		}
		if !h.send(ctx, cmd) {
			return
		}
	}
}
