package server

import (
	"context"
	"time"

	"github.com/usine-extraordinaire/fairworld/protocol"
	"github.com/usine-extraordinaire/fairworld/server/chat"
)

// The chat worker runs what waits on the store and the bus, in the order
// the hub asked (a mute reaches the store before the bus tells the other
// nodes), and reads the fair's mutes, bans and class settings again every
// ChatConfig.StateEvery. One goroutine, started by Serve, ending with the
// hub's context.
func (s *Server) chatWorker(ctx context.Context) {
	ch := s.hub.chat
	t := time.NewTicker(ch.cfg.StateEvery)
	defer t.Stop()
	s.loadChatState(ctx)
	s.loadReports(ctx)
	for {
		select {
		case <-ctx.Done():
			return
		case j := <-ch.work:
			j(ctx, s)
		case <-t.C:
			s.loadChatState(ctx)
		}
	}
}

func (s *Server) loadChatState(ctx context.Context) {
	ch := s.hub.chat
	at := time.Now()
	st, err := ch.cfg.Store.State(ctx, at)
	if err != nil {
		ch.m.failed.WithLabelValues("state").Inc()
		return
	}
	s.hub.send(ctx, chatStateCmd{st: st, readAt: at})
}

// loadReports gives the hub the open reports at the start (a moderator
// can remove a message of their evidence).
func (s *Server) loadReports(ctx context.Context) {
	ch := s.hub.chat
	rs, err := ch.cfg.Store.OpenReports(ctx, maxKnownReports)
	if err != nil {
		ch.m.failed.WithLabelValues("reports").Inc()
		return
	}
	s.hub.send(ctx, chatReportsCmd{rs: rs})
}

type chatReportsCmd struct{ rs []chat.Report }

func (r chatReportsCmd) run(h *hub) {
	for _, rp := range r.rs {
		if _, ok := h.chat.reports[rp.ID]; !ok {
			h.chat.reports[rp.ID] = rp
		}
	}
}

// sendHistory sends a class's history to a member who just joined it.
func (s *Server) sendHistory(ctx context.Context, avatar, group uint32) {
	ch := s.hub.chat
	msgs, err := ch.cfg.Store.ClassHistory(ctx, group, time.Now())
	if err != nil {
		ch.m.failed.WithLabelValues("history").Inc()
		return
	}
	if len(msgs) == 0 {
		return
	}
	evs := make([]protocol.Event, len(msgs))
	for i := range msgs {
		evs[i] = msgs[i].Event(true)
	}
	s.hub.send(ctx, chatEventsCmd{avatar: avatar, group: group, evs: evs})
}

// sendOpenReports sends a moderator who just joined the open reports.
func (s *Server) sendOpenReports(ctx context.Context, avatar uint32) {
	ch := s.hub.chat
	rs, err := ch.cfg.Store.OpenReports(ctx, chat.OpenReportsN)
	if err != nil {
		ch.m.failed.WithLabelValues("reports").Inc()
		return
	}
	if len(rs) == 0 {
		return
	}
	evs := make([]protocol.Event, 0, len(rs))
	for i := len(rs) - 1; i >= 0; i-- { // oldest first
		evs = append(evs, rs[i].Event())
	}
	s.hub.send(ctx, chatEventsCmd{avatar: avatar, evs: evs})
}

// chatErase removes a visitor's messages from the class histories and
// from every node's memory (ERASE); open reports keep their evidence.
// Called by the progress worker that erases the rest.
func (s *Server) chatErase(ctx context.Context, who string) error {
	s.hub.send(ctx, chatEraseCmd{who: who})
	return s.hub.chat.cfg.Store.EraseWho(ctx, who)
}
