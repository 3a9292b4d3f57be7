package server

import (
	"container/heap"
	"context"
	"fmt"
	"time"

	"github.com/usine-extraordinaire/fairworld/protocol"
	"github.com/usine-extraordinaire/fairworld/server/feed"
	"github.com/usine-extraordinaire/fairworld/server/progress"
	"github.com/usine-extraordinaire/fairworld/world/content"
)

// Points, badges and progress on the hub (docs/PROTOCOL.md §5, "Points").
// The hub decides: a content's points come when it has been open for its
// reading time with the avatar within twice its range (the world closes a
// hotspot beyond that: World.HotspotOpen), one content at a time (a
// visitor reads one thing at a time: opening another restarts the clock);
// quiz answers are checked here, one scored attempt each; no client
// message claims points. Every change goes to the progress store
// (Store.Apply: memory only, never waits) and to the client as events.
// What waits on the store (leaderboards, share links, erasure) runs on the
// progress workers (progress_work.go).

// progressHub is the hub's part of progress. Owned by the hub goroutine.
type progressHub struct {
	cat    *progress.Catalogue
	store  progress.Store
	cfg    ProgressConfig
	work   chan progressJob // to the workers, bounded
	due    dueHeap
	parked map[string]parkedProgress // session id -> the progress of a session detached here
	m      *progressMetrics
}

// sessProgress is an attached session's progress and the hub's clocks for
// it. Owned by the hub goroutine.
type sessProgress struct {
	st         *progress.State
	reading    int32 // the content whose reading clock runs, -1: none
	readSince  time.Time
	opened     int32 // the content opened last, -1: none
	openedAt   time.Time
	lastAnswer time.Time
	opens      bucket // OPEN_HOTSPOT
	requests   bucket // GET_PROGRESS, GET_LEADERBOARD, SHARE, UNSHARE, ERASE
	keyShown   bool   // the key went out in a PROGRESS
}

// parkedProgress is a detached session's progress, kept for a resume here
// within the resume window: a resume while the store is away, or before
// the last changes reached it, loses nothing.
type parkedProgress struct {
	sp *sessProgress
	at time.Time
}

// bucket is a small token bucket (golang.org/x/time/rate costs more
// memory per session, and the hub's clock is the one to use).
type bucket struct {
	tokens float64
	at     time.Time
}

// take reports whether one more action is allowed at now.
func (b *bucket) take(now time.Time, rate float64, burst int) bool {
	if b.at.IsZero() {
		b.tokens = float64(burst)
	} else {
		b.tokens = min(float64(burst), b.tokens+now.Sub(b.at).Seconds()*rate)
	}
	b.at = now
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}

func newProgressHub(cat *progress.Catalogue, store progress.Store, cfg ProgressConfig, m *progressMetrics) *progressHub {
	return &progressHub{cat: cat, store: store, cfg: cfg, m: m, work: make(chan progressJob, cfg.WorkQueue), parked: map[string]parkedProgress{}}
}

func newSessProgress(st *progress.State) *sessProgress {
	return &sessProgress{st: st, reading: -1, opened: -1}
}

// reading is how long the i-th content must stay open.
func (p *progressHub) reading(i int) time.Duration {
	return time.Duration(float64(p.cat.Reading(i)) * p.cfg.ReadingScale)
}

// dueEntry is a reading clock that ends at at.
type dueEntry struct {
	at     time.Time
	avatar uint32
	i      int32
	since  time.Time // the clock's start: a later opening makes this entry stale
}

type dueHeap []dueEntry

func (d dueHeap) Len() int           { return len(d) }
func (d dueHeap) Less(i, j int) bool { return d[i].at.Before(d[j].at) }
func (d dueHeap) Swap(i, j int)      { d[i], d[j] = d[j], d[i] }
func (d *dueHeap) Push(x any)        { *d = append(*d, x.(dueEntry)) }
func (d *dueHeap) Pop() any {
	old := *d
	e := old[len(old)-1]
	*d = old[:len(old)-1]
	return e
}

func (h *hub) progErr(c *conn, code protocol.ErrorCode, ref uint32, format string, args ...any) {
	h.prog.m.refusals.WithLabelValues(code.String()).Inc()
	h.deliverTo(c, protocol.ErrorEvent{Code: code, Ref: ref, Message: fmt.Sprintf(format, args...)})
}

// openHotspot opens a hotspot for c (OPEN_HOTSPOT) and sends its content:
// unknown hotspots, openings too far away and too fast are refused with
// their typed errors and change nothing.
func (h *hub) openHotspot(c *conn, req uint32, id string) {
	p := h.prog
	i, ok := p.cat.Index(id)
	if !ok {
		h.progErr(c, protocol.ErrUnknownHotspot, req, "no hotspot %q", id)
		return
	}
	sp := c.sess.prog
	now := time.Now()
	// The bucket is only taken from once the opening is known to work, so
	// a visitor told to walk closer loses nothing.
	probe := sp.opens
	if !probe.take(now, p.cfg.OpenRate, p.cfg.OpenBurst) {
		h.progErr(c, protocol.ErrTooFast, req, "opening contents faster than %g a second", p.cfg.OpenRate)
		return
	}
	if code := h.world.OpenHotspot(c.avatar, id); code != 0 {
		h.progErr(c, code, req, "cannot open hotspot %q", id)
		return
	}
	sp.opens = probe
	viewers, _ := h.world.HotspotViewers(id)
	ev := p.cat.HotspotContent(i, sp.st, req, viewers)
	ev.ReadingMs = uint32(p.reading(i) / time.Millisecond) // the clock this server runs
	h.deliverTo(c, ev)
	h.classOpened(c, id) // a route step done
	sp.opened, sp.openedAt = int32(i), now
	if sp.st.Seen(i) {
		return
	}
	sp.reading, sp.readSince = int32(i), now
	heap.Push(&p.due, dueEntry{at: now.Add(p.reading(i)), avatar: c.avatar, i: int32(i), since: now})
}

// progressRound grants the points of the readings that ended (the avatar
// kept the content open and stayed near it) and delivers the other nodes'
// badge notices. The hub calls it every round, after the steps.
func (h *hub) progressRound(now time.Time) {
	p := h.prog
	for p.due.Len() > 0 && !p.due[0].at.After(now) {
		e := heap.Pop(&p.due).(dueEntry)
		c := h.conns[e.avatar]
		if c == nil || c.sess == nil || c.sess.prog == nil {
			p.m.readings.WithLabelValues("gone").Inc()
			continue
		}
		sp := c.sess.prog
		if sp.reading != e.i || !sp.readSince.Equal(e.since) {
			p.m.readings.WithLabelValues("replaced").Inc()
			continue // another content was opened since
		}
		sp.reading = -1
		hid := p.cat.Content(int(e.i)).Hotspot
		if !h.world.HotspotOpen(c.avatar, hid) {
			h.prog.m.readings.WithLabelValues("closed").Inc()
			continue // closed, or the avatar walked away
		}
		if pts := sp.st.MarkSeen(p.cat, int(e.i)); pts > 0 {
			h.prog.m.readings.WithLabelValues("granted").Inc()
			h.progressChanged(c, now, []string{hid}, progress.Op{Kind: progress.OpSeen, Hotspot: hid, Points: pts})
		}
	}
	if h.sync != nil {
		h.sync.Notices(func(n feed.ReceivedNotice) { h.remoteNotice(n) })
	}
	if h.world.Tick()%uint32(h.cfg.tickRate) == 0 {
		for sid, pk := range p.parked {
			if now.Sub(pk.at) > h.cfg.resumeWindow {
				delete(p.parked, sid)
			}
		}
	}
}

// progressChanged stores changes of c's progress, tells the client
// (PROGRESS; BADGE for a new badge) and the visitors around (a badge
// notice). The first points create the progress key.
func (h *hub) progressChanged(c *conn, now time.Time, seen []string, ops ...progress.Op) {
	p := h.prog
	sp := c.sess.prog
	st := sp.st
	if st.KeyHash == "" {
		words := p.cat.Words().New()
		norm, _ := p.cat.Words().Normalise(words) // its own words: always valid
		st.KeyHash, st.Key, st.Created = progress.KeyHash(st.Who, norm), words, now.Unix()
		h.prog.m.keys.Inc()
	}
	at := uint32(now.Unix())
	newBadges := st.NewBadges(p.cat, at)
	for _, b := range newBadges {
		ops = append(ops, progress.Op{Kind: progress.OpBadge, Badge: p.cat.Badges()[b].ID, At: at})
	}
	p.store.Apply(st.Write(ops...))
	ev := st.Progress(p.cat, false, seen...)
	if sp.keyShown {
		ev.Key = ""
	}
	sp.keyShown = true
	h.deliverTo(c, ev)
	for _, b := range newBadges {
		h.prog.m.badges.Inc()
		badge := st.BadgeEvent(p.cat, b)
		h.deliverTo(c, protocol.BadgeEarned{Badge: badge})
		h.announce(c.avatar, st.Name, badge.ID, badge.Title)
		if h.sync != nil {
			if pos, ok := h.world.Position(c.avatar); ok {
				h.sync.Notice(h.world.ChannelOf(pos), c.avatar, noticeBadge, badge.ID)
			}
		}
	}
}

// noticeBadge is the feed notice kind of a badge earned; its text is the
// badge id.
const noticeBadge = 1

// announce tells this node's visitors who see avatar that it earned a
// badge.
func (h *hub) announce(avatar uint32, name, badge, title string) {
	var ev protocol.Event // boxed once, shared by the viewers
	h.world.Viewers(avatar, func(v uint32) {
		if vc := h.conns[v]; vc != nil {
			if ev == nil {
				ev = protocol.BadgeNotice{AvatarID: avatar, Pseudonym: name, Badge: badge, Title: title}
			}
			h.deliverTo(vc, ev)
			h.prog.m.notices.Inc()
		}
	})
}

// remoteNotice delivers another node's notice to this node's viewers of
// its avatar.
func (h *hub) remoteNotice(n feed.ReceivedNotice) {
	if n.Kind != noticeBadge {
		return
	}
	b, _, ok := h.prog.cat.Badge(n.Text)
	who, known := h.world.Identity(n.Avatar)
	if !ok || !known {
		return
	}
	h.announce(n.Avatar, who.Name, b.ID, b.Title)
}

// answer checks a quiz answer (ANSWER) and sends the result: the content
// must be a quiz the visitor has open, the question not yet answered, and
// the answer not too fast.
func (h *hub) answer(c *conn, a *protocol.Answer) {
	p := h.prog
	i, ok := p.cat.Index(a.HotspotID)
	if !ok {
		h.progErr(c, protocol.ErrUnknownHotspot, a.Req, "no hotspot %q", a.HotspotID)
		return
	}
	ct := p.cat.Content(i)
	q := int(a.Question)
	if ct.Kind != content.KindQuiz || q >= len(ct.Questions) {
		h.progErr(c, protocol.ErrBadAnswer, a.Req, "hotspot %q has no quiz question %d", a.HotspotID, q+1)
		return
	}
	if !h.world.HotspotOpen(c.avatar, a.HotspotID) {
		h.progErr(c, protocol.ErrNotOpen, a.Req, "hotspot %q is not open", a.HotspotID)
		return
	}
	sp := c.sess.prog
	if done, _ := sp.st.Answered(p.cat, i, q); done {
		h.progErr(c, protocol.ErrAlreadyAnswered, a.Req, "question %d of %s already answered", q+1, a.HotspotID)
		return
	}
	right, rights, expl, err := p.cat.Check(i, q, a.Picked())
	if err != nil {
		h.progErr(c, protocol.ErrBadAnswer, a.Req, "%v", err)
		return
	}
	now := time.Now()
	if h.tooSoon(sp, i, now, p.scaled(p.cfg.AnswerGap)) {
		h.progErr(c, protocol.ErrTooFast, a.Req, "answer to %s came too soon", a.HotspotID)
		return
	}
	sp.lastAnswer = now
	pts := sp.st.MarkAnswer(p.cat, i, q, right)
	h.prog.m.answers.WithLabelValues(fmt.Sprint(right)).Inc()
	h.deliverTo(c, protocol.AnswerResult{Req: a.Req, HotspotID: a.HotspotID, Question: a.Question, Right: right, RightChoices: rights, Explanation: expl, Points: pts})
	h.progressChanged(c, now, nil, progress.Op{Kind: progress.OpAnswer, Hotspot: a.HotspotID, Question: q, Right: right, Points: uint32(ct.Questions[q].Points)})
}

func (p *progressHub) scaled(d time.Duration) time.Duration {
	return time.Duration(float64(d) * p.cfg.ReadingScale)
}

// tooSoon reports an answer to the i-th content that comes less than gap
// after its opening or the visitor's previous answer.
func (h *hub) tooSoon(sp *sessProgress, i int, now time.Time, gap time.Duration) bool {
	if sp.opened == int32(i) && now.Sub(sp.openedAt) < gap {
		return true
	}
	return now.Sub(sp.lastAnswer) < gap
}

// questionnaire scores the questionnaire (QUESTIONNAIRE) on the server and
// sends the jobs that match.
func (h *hub) questionnaire(c *conn, a *protocol.QuestionnaireAnswers) {
	p := h.prog
	i, ok := p.cat.Index(a.HotspotID)
	if !ok {
		h.progErr(c, protocol.ErrUnknownHotspot, a.Req, "no hotspot %q", a.HotspotID)
		return
	}
	ct := p.cat.Content(i)
	if ct.Kind != content.KindQuestionnaire {
		h.progErr(c, protocol.ErrBadAnswer, a.Req, "hotspot %q is not the questionnaire", a.HotspotID)
		return
	}
	if !h.world.HotspotOpen(c.avatar, a.HotspotID) {
		h.progErr(c, protocol.ErrNotOpen, a.Req, "hotspot %q is not open", a.HotspotID)
		return
	}
	sp := c.sess.prog
	jobs, err := p.cat.Match(i, a.Picked())
	if err != nil {
		h.progErr(c, protocol.ErrBadAnswer, a.Req, "%v", err)
		return
	}
	now := time.Now()
	// A second a question at least, from the opening: nobody reads faster.
	if sp.opened != int32(i) || now.Sub(sp.openedAt) < p.scaled(time.Duration(len(ct.Questionnaire.Questions))*time.Second) {
		h.progErr(c, protocol.ErrTooFast, a.Req, "questionnaire %s answered too soon", a.HotspotID)
		return
	}
	h.deliverTo(c, protocol.QuestionnaireResult{Req: a.Req, HotspotID: a.HotspotID, Jobs: jobs})
	if len(jobs) > 0 && !sp.st.Questionnaire() {
		sp.st.MarkQuestionnaire()
		h.progressChanged(c, now, nil)
	}
}

// sendProgress sends c its whole progress (after a join, GET_PROGRESS).
// The key goes with it while this node holds the session (a reload of the
// tab does not lose it before it was noted); it is never stored.
func (h *hub) sendProgress(c *conn) {
	sp := c.sess.prog
	h.deliverTo(c, sp.st.Progress(h.prog.cat, true))
	if sp.st.Key != "" {
		sp.keyShown = true
	}
}

// SetGroup puts a local avatar in a class group (0: none): the world gives
// class mates priority in each other's view, and its progress counts on
// the group's leaderboard (GET_LEADERBOARD scope 1). It is how the class
// groups feature plugs in; false when the hub's inbox stayed full until
// ctx ended. An avatar that is not this node's is ignored.
func (s *Server) SetGroup(ctx context.Context, avatar, group uint32) bool {
	return s.hub.send(ctx, groupCmd{avatar: avatar, group: group})
}

type groupCmd struct{ avatar, group uint32 }

func (g groupCmd) run(h *hub) {
	c := h.conns[g.avatar]
	if c == nil || c.sess == nil || c.sess.prog == nil {
		return
	}
	h.world.SetGroup(g.avatar, g.group)
	st := c.sess.prog.st
	if st.Group == g.group {
		return
	}
	old := st.Group
	st.Group = g.group
	// The class channel (chat_hub.go).
	h.chatGroup(c, old, g.group)
	if st.KeyHash != "" { // on the boards only once it has points
		h.prog.store.Apply(st.Write())
	}
}
