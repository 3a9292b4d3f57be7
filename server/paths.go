package server

import (
	"context"
	"errors"
	"sync/atomic"
	"time"

	"github.com/usine-extraordinaire/fairworld/protocol"
	"github.com/usine-extraordinaire/fairworld/world/nav"
)

// Path finding budget (docs/PROTOCOL.md §3, GOTO). A* costs far more than
// any other intent, so:
//
//   - each avatar gets at most one path computation per pathInterval (4 a
//     second), and at most one queued or running at a time; a GOTO that
//     arrives meanwhile waits for its turn, and a later GOTO (or a MOVE)
//     replaces the waiting one, which is never computed;
//   - a queued request whose GOTO was replaced before a worker took it is
//     skipped, and a result that arrives after a newer intent is dropped;
//   - the workers are PathWorkers goroutines, one by default: path finding
//     takes at most one core whatever the load (GOMAXPROCS included), so the
//     hub, readers and writers always keep the others.
//
// Path finding never runs on the hub.
const pathInterval = 250 * time.Millisecond

// pathState is one avatar's GOTO state. Owned by the hub, except gen.
type pathState struct {
	// gen counts the avatar's MOVE and GOTO intents; a request or result of
	// an older generation is stale. Written by the hub, read by the workers.
	gen      atomic.Uint64
	inFlight bool      // a request is queued or being computed
	nextAt   time.Time // earliest start of the next computation
	want     *pathRequest
}

// pathRequest asks a path worker for a route; the answer goes back to the
// hub's inbox as a pathCmd.
type pathRequest struct {
	c        *conn
	st       *pathState
	gen      uint64
	seq      uint32
	from, to nav.Point
	// done, when set, makes the answer its command instead of a pathCmd:
	// a way to show, not to walk (a class route's next step).
	done func(path []nav.Point, err protocol.ErrorCode) command
}

// setGoal records a GOTO and starts its computation when its turn has come.
func (h *hub) setGoal(c *conn, seq uint32, to nav.Point) {
	st := h.goals[c.avatar]
	if st == nil {
		st = &pathState{}
		h.goals[c.avatar] = st
	}
	if st.want != nil {
		h.m.drops.WithLabelValues("path_replaced").Inc()
	}
	st.want = &pathRequest{c: c, st: st, gen: st.gen.Add(1), seq: seq, to: to}
	h.dispatch(c.avatar, st, time.Now())
}

// cancelGoal forgets a waiting GOTO and makes any computation stale (a
// MOVE replaces the path).
func (h *hub) cancelGoal(avatar uint32) {
	st := h.goals[avatar]
	if st == nil {
		return
	}
	st.gen.Add(1)
	if st.want != nil {
		h.m.drops.WithLabelValues("path_replaced").Inc()
		st.want = nil
	}
	delete(h.waiting, avatar)
}

// dropGoal forgets everything of an avatar that leaves.
func (h *hub) dropGoal(avatar uint32) {
	if st := h.goals[avatar]; st != nil {
		st.gen.Add(1)
	}
	delete(h.goals, avatar)
	delete(h.waiting, avatar)
}

// dispatch sends the waiting GOTO to the workers if its turn has come, else
// leaves it waiting.
func (h *hub) dispatch(avatar uint32, st *pathState, now time.Time) {
	if st.want == nil {
		delete(h.waiting, avatar)
		return
	}
	if st.inFlight || now.Before(st.nextAt) {
		h.waiting[avatar] = struct{}{}
		return
	}
	delete(h.waiting, avatar)
	req := st.want
	st.want = nil
	from, ok := h.world.Position(avatar)
	if !ok {
		return
	}
	req.from = from
	select {
	case h.paths <- *req:
		st.inFlight, st.nextAt = true, now.Add(pathInterval)
	default:
		h.m.drops.WithLabelValues("path_queue_full").Inc()
		h.world.Error(avatar, protocol.ErrRateLimited, req.seq, "path finder busy")
	}
}

// dispatchWaiting gives the waiting GOTOs whose turn has come to the
// workers; the hub calls it every round.
func (h *hub) dispatchWaiting(now time.Time) {
	for avatar := range h.waiting {
		if st := h.goals[avatar]; st != nil {
			h.dispatch(avatar, st, now)
		} else {
			delete(h.waiting, avatar)
		}
	}
}

// pathDone applies a worker's answer unless a newer intent replaced it.
func (h *hub) pathDone(cmd pathCmd) {
	if !h.owns(cmd.c) {
		return // the avatar left or was taken over
	}
	avatar := cmd.c.avatar
	st := h.goals[avatar]
	if st == nil {
		return
	}
	st.inFlight = false
	defer h.dispatch(avatar, st, time.Now())
	if cmd.gen != st.gen.Load() {
		return // stale: skipped, or a newer intent replaced this GOTO
	}
	if cmd.err != 0 {
		h.world.Error(avatar, cmd.err, cmd.seq, "no path to the target")
		return
	}
	h.world.SetPath(avatar, cmd.seq, cmd.path)
	q := make([]uint16, 0, 2*len(cmd.path))
	for _, p := range cmd.path {
		q = append(q, protocol.Quantise(p.X), protocol.Quantise(p.Y))
	}
	// Held for the next UPDATE, the one that carries the GOTO's ack.
	h.deliverTo(cmd.c, protocol.Path{Seq: cmd.seq, Points: q})
}

// pathWorker computes routes with its own Finder (A* buffers are not shared)
// until ctx ends.
func (h *hub) pathWorker(ctx context.Context, grid *nav.Grid) {
	f := nav.NewFinder(grid)
	radius := h.cfg.radius
	for {
		var req pathRequest
		select {
		case <-ctx.Done():
			return
		case req = <-h.paths:
		}
		cmd := pathCmd{c: req.c, seq: req.seq, gen: req.gen}
		if req.st.gen.Load() != req.gen {
			h.m.drops.WithLabelValues("path_superseded").Inc()
		} else {
			start := time.Now()
			path, err := f.Path(nil, req.from, req.to, radius)
			h.m.pathDuration.Observe(time.Since(start).Seconds())
			cmd.path = path
			if err != nil {
				cmd.err = protocol.ErrUnreachable
				if !errors.Is(err, nav.ErrNoPath) {
					h.log.Warn("path finding failed", "err", err)
				}
			}
		}
		var out command = cmd
		if req.done != nil {
			out = req.done(cmd.path, cmd.err)
		}
		if !h.send(ctx, out) {
			return
		}
	}
}
