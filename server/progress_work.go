package server

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/usine-extraordinaire/fairworld/protocol"
	"github.com/usine-extraordinaire/fairworld/server/progress"
	"github.com/usine-extraordinaire/fairworld/server/pseudonym"
)

// The progress workers answer what waits on the store: leaderboards,
// share links, erasure. The hub hands them jobs through a bounded queue
// (full: ERROR rate_limited) and they hand the answers back as events
// (deliverCmd) or, for an erasure, erasedCmd. Config.ProgressConfig.Workers
// of them run from Serve, each ending with the hub's context.

type jobKind uint8

const (
	jobProgress jobKind = iota // GET_PROGRESS: answered by the hub
	jobLeaderboard
	jobShare
	jobUnshare
	jobErase
)

func (k jobKind) String() string {
	switch k {
	case jobProgress:
		return "get_progress"
	case jobLeaderboard:
		return "get_leaderboard"
	case jobShare:
		return "share"
	case jobUnshare:
		return "unshare"
	case jobErase:
		return "erase"
	}
	return "job"
}

// progressJob is one request for a worker, with what the hub knew of the
// session when it was made.
type progressJob struct {
	kind   jobKind
	c      *conn
	avatar uint32
	req    uint32
	id     string // progress id
	who    string // pseudonym key
	name   string
	group  uint32
	scope  protocol.Scope
	ranked bool // the progress has a record (points): it can be on a board
	badge  string
	at     uint32 // the badge's date
}

// topCache keeps each leaderboard's top entries for a moment: a class
// looking at it together makes one query a second, not thirty. It is safe
// for concurrent use.
type topCache struct {
	mu   sync.Mutex
	tops map[uint32]cachedTop // guarded by mu
}

type cachedTop struct {
	entries []protocol.LeaderEntry
	players int
	at      time.Time
}

// topFor is how long a leaderboard's top is reused.
const topFor = 2 * time.Second

// maxCachedTops bounds the boards kept (one per class group asked).
const maxCachedTops = 4096

// progressWorker answers jobs until ctx ends.
func (s *Server) progressWorker(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case j := <-s.hub.prog.work:
			s.doJob(ctx, j)
		}
	}
}

func (s *Server) doJob(ctx context.Context, j progressJob) {
	store := s.cfg.Progress
	m := s.hub.prog.m
	result := "ok"
	defer func() { m.jobs.WithLabelValues(j.kind.String(), result).Inc() }()
	fail := func(err error) {
		result = "failed"
		code := protocol.ErrUnavailable
		if errors.Is(err, progress.ErrNotFound) {
			code = protocol.ErrNotEarned
		}
		s.hub.send(ctx, deliverCmd{avatar: j.avatar, ev: protocol.ErrorEvent{Code: code, Ref: j.req, Message: j.kind.String() + ": " + err.Error()}})
	}
	switch j.kind {
	case jobLeaderboard:
		ev, err := s.leaderboard(ctx, j)
		if err != nil {
			fail(err)
			return
		}
		s.hub.send(ctx, deliverCmd{avatar: j.avatar, ev: ev})
	case jobShare:
		tok, err := store.Share(ctx, j.id, progress.ShareRecord{Name: j.name, Badge: j.badge, At: j.at})
		if err != nil {
			fail(err)
			return
		}
		s.hub.send(ctx, deliverCmd{avatar: j.avatar, ev: protocol.ShareLink{Req: j.req, Badge: j.badge, Path: "/p/" + tok}})
	case jobUnshare:
		if err := store.Unshare(ctx, j.id, j.badge); err != nil {
			fail(err)
			return
		}
		s.hub.send(ctx, deliverCmd{avatar: j.avatar, ev: protocol.ShareLink{Req: j.req, Badge: j.badge}})
	case jobErase:
		err := errors.Join(s.chatErase(ctx, j.who), s.classErase(ctx, j.id), store.Erase(ctx, j.id, progress.WhoHash(j.who)))
		if err != nil {
			result = "failed"
		}
		s.hub.send(ctx, erasedCmd{c: j.c, err: err, req: j.req})
	}
}

// leaderboard builds LEADERBOARD: the board's top (cached for topFor) and
// the visitor's own rank. Pseudonyms go through the pseudonym checker's
// rules again: one refused since (a deny-list grown by the organisers) is
// shown masked.
func (s *Server) leaderboard(ctx context.Context, j progressJob) (protocol.Leaderboard, error) {
	ev := protocol.Leaderboard{Req: j.req, Scope: j.scope}
	tc := &s.tops
	tc.mu.Lock()
	top, ok := tc.tops[j.group]
	tc.mu.Unlock()
	if !ok || time.Since(top.at) > topFor {
		entries, players, err := s.cfg.Progress.Top(ctx, j.group, progress.TopSize)
		if err != nil {
			return ev, err
		}
		top = cachedTop{players: players, at: time.Now()}
		for _, e := range entries {
			top.entries = append(top.entries, protocol.LeaderEntry{Rank: uint32(e.Rank), Pseudonym: shownName(s.pseudo, e.Name), Points: e.Points})
		}
		tc.mu.Lock()
		if tc.tops == nil || len(tc.tops) >= maxCachedTops {
			tc.tops = map[uint32]cachedTop{}
		}
		tc.tops[j.group] = top
		tc.mu.Unlock()
	}
	ev.Top, ev.Players = top.entries, uint32(top.players)
	if j.ranked {
		rank, pts, err := s.cfg.Progress.Rank(ctx, j.group, j.id)
		if err != nil {
			return ev, err
		}
		ev.Rank, ev.Points = uint32(rank), pts
	}
	return ev, nil
}

// maskedName stands for a pseudonym the checker now refuses.
const maskedName = "Pseudonyme masqué"

func shownName(pc *pseudonym.Checker, name string) string {
	display, _, err := pc.Check(name)
	if err != nil {
		return maskedName
	}
	return display
}
