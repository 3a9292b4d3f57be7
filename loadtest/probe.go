package loadtest

import (
	"context"
	"fmt"
	"log/slog"
	"math"
	"sync"
	"sync/atomic"
	"time"

	"github.com/usine-extraordinaire/fairworld/client"
	"github.com/usine-extraordinaire/fairworld/protocol"
)

// Probes check that what a client receives is what the walkers near it
// really did. Every walker and echo bot of the process keeps a track: the
// positions its own node told it, by tick (ticks mean the same on every
// node). A probe stays near one walker and, for every move or enter of a
// tracked avatar it receives at tick T, checks that the walker was at that
// position at some tick in [T-k, T], k being the send interval for that
// distance (1 within Config.NearRadius, Config.FarEvery beyond) plus one
// tick when the walker is on another node (the cell feed); the tolerance
// is probeTolerance (quantisation). A position exactly one tick older than
// that is counted apart (LateOneTick: the machine was late), not as an
// error, and so are older ones (Late, a node starved of CPU); a position
// the walker never had is wrong (an error). It also checks that enters and leaves
// come exactly once (no enter of an avatar in view, no leave of one not
// in view), that a tracked walker well inside the view radius is in view
// (when the probe's crowd count is zero: nobody is summarised), and that
// one well outside is not.
const (
	histLen        = 256 // ticks of a track's history (12.8 s at 20 Hz)
	probeTolerance = 0.2 // metres: 3 quanta
	probeDelay     = 500 * time.Millisecond
	probeEvery     = 250 * time.Millisecond
	maxPending     = 1 << 14
	// A walker inside probeInside×ViewRadius (or outside probeOutside×)
	// for probeStreak checks in a row, but not in view (or still in view),
	// is a missing enter (a missing leave).
	probeInside, probeOutside = 0.75, 1.5
	probeStreak               = 3
)

// track is a walker's own positions by tick. record runs on the walker's
// read goroutine; the probes read it.
type track struct {
	node int // index of the walker's URL
	c    *client.Client
	step float64 // the farthest an avatar goes in a tick, metres (set before the first record)

	mu   sync.Mutex
	hist [histLen]histEntry // guarded by mu; by tick modulo histLen
	last uint32             // guarded by mu; newest tick recorded
	gaps uint64             // guarded by mu; matches between two records
}

type histEntry struct {
	tick uint32
	x, y uint16
}

func (t *track) record(u *protocol.Update) {
	t.mu.Lock()
	t.hist[u.Tick%histLen] = histEntry{tick: u.Tick, x: u.SelfX, y: u.SelfY}
	t.last = max(t.last, u.Tick)
	t.mu.Unlock()
}

// match reports whether the walker can have been within tol metres of
// (x, y) at a tick in [from, to]. At a recorded tick, the record says
// where it was; between two records (ticks whose UPDATE the walker never
// got: merged, or replaced by a newer one while its socket was full), it
// was within step metres a tick of both. known is false while the history
// does not reach to yet.
func (t *track) match(from, to uint32, x, y uint16, tol float64) (ok, known bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.last < to {
		return false, false
	}
	if to-from >= histLen-1 {
		from = to - (histLen - 2)
	}
	dist := func(e histEntry) float64 {
		return math.Hypot(float64(e.x)-float64(x), float64(e.y)-float64(y)) / protocol.QuantaPerMetre
	}
	for tick := from; tick <= to; tick++ {
		var before, after histEntry // the newest record at or before tick, the oldest after it
		for i := range t.hist {
			e := t.hist[i]
			if e.tick == 0 || t.last-e.tick >= histLen {
				continue
			}
			if e.tick <= tick && e.tick > before.tick {
				before = e
			}
			if e.tick > tick && (after.tick == 0 || e.tick < after.tick) {
				after = e
			}
		}
		switch {
		case before.tick == 0:
		case before.tick == tick || after.tick == 0:
			// Recorded, or held since (a walker standing still gets no UPDATE).
			if dist(before) <= tol {
				return true, true
			}
		case dist(before) <= tol+t.step*float64(tick-before.tick) && dist(after) <= tol+t.step*float64(after.tick-tick):
			if after.tick-before.tick > 1 && dist(before) > tol {
				// A position the records do not show; inside what the speed allows.
				t.gaps++
			}
			return true, true
		}
	}
	return false, true
}

// latest is the newest recorded position (metres) and its tick.
func (t *track) latest() (x, y float64, tick uint32) {
	t.mu.Lock()
	defer t.mu.Unlock()
	e := t.hist[t.last%histLen]
	return float64(e.x) / protocol.QuantaPerMetre, float64(e.y) / protocol.QuantaPerMetre, e.tick
}

// probeStats are the probes' findings, summed over the process.
type probeStats struct {
	checks, skipped, badPos   atomic.Uint64
	late1, late               atomic.Uint64
	dupEnters, badLeaves      atomic.Uint64
	missing, stale, worstLagT atomic.Uint64
}

// probe is one checking bot. onUpdate runs on its read goroutine, run on
// its own.
type probe struct {
	r    *runner
	node int
	c    *client.Client
	st   *probeStats

	mu      sync.Mutex
	view    map[uint32]bool // guarded by mu: avatars in view, from enters and leaves
	pending []check         // guarded by mu
	tick    uint32          // guarded by mu: the probe's newest tick
	selfX   float64         // guarded by mu
	selfY   float64         // guarded by mu

	inStreak, outStreak map[uint32]int // owned by run
}

type check struct {
	id   uint32
	tick uint32
	upTo uint32 // the wall clock's tick when the UPDATE was read (a late node's tick is older)
	x, y uint16
	dist float64 // from the probe, metres
	at   time.Time
}

func newProbe(r *runner, node int, st *probeStats) *probe {
	return &probe{r: r, node: node, st: st, view: make(map[uint32]bool),
		inStreak: make(map[uint32]int), outStreak: make(map[uint32]int)}
}

// onUpdate applies the UPDATE as the protocol says (leaves, then enters,
// then moves) and queues a check of every tracked avatar's position.
func (p *probe) onUpdate(u *protocol.Update) {
	p.r.col.onUpdate(u)
	now := time.Now()
	// A node late on the wall clock shows remote avatars where their
	// (on-time) node last published them: up to the wall clock's tick.
	upTo := u.Tick
	if hz := p.r.col.tickHz.Load(); hz > 0 {
		upTo = max(upTo, uint32(now.UnixMilli()*int64(hz)/1000))
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.tick = u.Tick
	p.selfX, p.selfY = float64(u.SelfX)/protocol.QuantaPerMetre, float64(u.SelfY)/protocol.QuantaPerMetre
	for _, id := range u.Leaves {
		if !p.view[id] {
			p.st.badLeaves.Add(1)
		}
		delete(p.view, id)
	}
	for i := range u.Enters {
		e := &u.Enters[i]
		if p.view[e.ID] {
			p.st.dupEnters.Add(1)
		}
		p.view[e.ID] = true
		p.queue(e.ID, u.Tick, upTo, e.X, e.Y, now)
	}
	for i := range u.Moves {
		m := &u.Moves[i]
		p.queue(m.ID, u.Tick, upTo, m.X, m.Y, now)
	}
}

// queue notes a check of a tracked avatar (under mu).
func (p *probe) queue(id, tick, upTo uint32, x, y uint16, now time.Time) {
	if p.r.trackOf(id) == nil {
		return
	}
	if len(p.pending) >= maxPending {
		p.st.skipped.Add(1)
		return
	}
	d := math.Hypot(float64(x)/protocol.QuantaPerMetre-p.selfX, float64(y)/protocol.QuantaPerMetre-p.selfY)
	p.pending = append(p.pending, check{id: id, tick: tick, upTo: upTo, x: x, y: y, dist: d, at: now})
}

// run keeps the probe near its walker and evaluates the checks, until ctx
// or the connection ends.
func (p *probe) run(ctx context.Context, follow func() *track) {
	t := time.NewTicker(probeEvery)
	defer t.Stop()
	n := 0
	for {
		select {
		case <-ctx.Done():
			return
		case <-p.c.Done():
			return
		case now := <-t.C:
			p.evaluate(now)
			if n++; n%4 == 0 { // once a second
				p.follow(follow())
				p.presence()
			}
		}
	}
}

// follow walks to about 8 m from the walker when farther than 15 m.
func (p *probe) follow(w *track) {
	if w == nil {
		return
	}
	wx, wy, _ := w.latest()
	x, y := p.c.Self()
	if d := math.Hypot(wx-x, wy-y); d > 15 {
		p.c.Goto(wx+(x-wx)*8/d, wy+(y-wy)*8/d)
	}
}

// evaluate checks the queued positions old enough for the walkers' own
// histories to have caught up.
func (p *probe) evaluate(now time.Time) {
	p.mu.Lock()
	var ready []check
	keep := p.pending[:0]
	for _, c := range p.pending {
		if now.Sub(c.at) >= probeDelay {
			ready = append(ready, c)
		} else {
			keep = append(keep, c)
		}
	}
	p.pending = keep
	p.mu.Unlock()
	cfg := &p.r.cfg
	for _, c := range ready {
		tr := p.r.trackOf(c.id)
		if tr == nil {
			continue
		}
		k := uint32(1)
		if c.dist > cfg.NearRadius {
			k = uint32(cfg.FarEvery)
		}
		if tr.node != p.node {
			k++
		}
		ok, known := tr.match(c.tick-min(c.tick, k), c.upTo, c.x, c.y, probeTolerance)
		switch {
		case !known:
			p.st.skipped.Add(1) // the walker's history never reached that tick (it ended)
		case ok:
			p.st.checks.Add(1)
		default:
			p.st.checks.Add(1)
			// How stale was it? The smallest lag that matches, for the report.
			lag := k + 1
			for ; lag < histLen-1; lag++ {
				if ok, _ := tr.match(c.tick-min(c.tick, lag), c.upTo, c.x, c.y, probeTolerance); ok {
					break
				}
			}
			switch {
			case lag == k+1:
				p.st.late1.Add(1) // one tick late: a node's tick (or its feed message) was late
			case lag < histLen-1:
				p.st.late.Add(1) // stale: where the walker was, longer ago than allowed
			default:
				p.st.badPos.Add(1) // nowhere the walker was in its whole history
				lag = 0
				if p.r.cfg.Logger.Enabled(context.Background(), slog.LevelDebug) {
					wx, wy, wt := tr.latest()
					p.r.cfg.Logger.Debug("probe: a wrong position", "avatar", c.id, "tick", c.tick, "x", float64(c.x)/protocol.QuantaPerMetre,
						"y", float64(c.y)/protocol.QuantaPerMetre, "dist", c.dist, "cross_node", tr.node != p.node,
						"walker_x", wx, "walker_y", wy, "walker_tick", wt, "history", tr.around(c.tick))
				}
			}
			for {
				w := p.st.worstLagT.Load()
				if uint64(lag) <= w || p.st.worstLagT.CompareAndSwap(w, uint64(lag)) {
					break
				}
			}
		}
	}
}

// presence checks that tracked walkers well inside the view are in view,
// and those well outside are not, over probeStreak checks in a row.
func (p *probe) presence() {
	if p.c.Crowd() > 0 {
		clear(p.inStreak) // some avatars are summarised: no claim on who is shown
		return
	}
	R := p.r.cfg.ViewRadius
	p.mu.Lock()
	sx, sy, stick := p.selfX, p.selfY, p.tick
	inView := func(id uint32) bool { return p.view[id] }
	tracks := p.r.allTracks()
	for id, tr := range tracks {
		wx, wy, wt := tr.latest()
		if wt+2 < stick || wt > stick+2 {
			continue // not the same instant: no claim
		}
		d := math.Hypot(wx-sx, wy-sy)
		switch {
		case d < probeInside*R && !inView(id):
			if p.inStreak[id]++; p.inStreak[id] == probeStreak {
				p.st.missing.Add(1)
			}
		case d > probeOutside*R && inView(id):
			if p.outStreak[id]++; p.outStreak[id] == probeStreak {
				p.st.stale.Add(1)
			}
		default:
			delete(p.inStreak, id)
			delete(p.outStreak, id)
		}
	}
	p.mu.Unlock()
}

// ProbeSummary is what the probes found.
type ProbeSummary struct {
	Probes  int    `json:"probes"`
	Checks  uint64 `json:"position_checks"`  // positions of tracked walkers checked
	Skipped uint64 `json:"position_skipped"` // not checkable (the walker ended, or too many queued)
	// LateOneTick are positions one tick older than allowed: a node's
	// tick, or the cell feed's message, was late (a loaded machine); they
	// are reported, not counted as errors.
	LateOneTick uint64 `json:"position_late_one_tick"`
	// Late are positions where the walker was, but more than one tick
	// older than allowed: a node starved of CPU (its ticks late), a
	// performance finding reported apart from errors.
	Late uint64 `json:"position_late"`
	// BadPos are positions the walker never had in its history (12.8 s):
	// wrong, an error.
	BadPos uint64 `json:"position_wrong"`
	// WorstLag is the largest lag, in ticks, of a late position.
	WorstLag  uint64 `json:"worst_lag_ticks"`
	DupEnters uint64 `json:"duplicate_enters"` // an enter of an avatar already in view
	BadLeaves uint64 `json:"spurious_leaves"`  // a leave of an avatar not in view
	Missing   uint64 `json:"missing_enters"`   // a walker well inside the view, not in view for 3 s
	Stale     uint64 `json:"missing_leaves"`   // a walker well outside the view, still in view for 3 s
}

// Errors is the number of wrong things the probes saw.
func (s *ProbeSummary) Errors() uint64 {
	return s.BadPos + s.DupEnters + s.BadLeaves + s.Missing + s.Stale
}

func (st *probeStats) summary(probes int) ProbeSummary {
	return ProbeSummary{
		Probes: probes, Checks: st.checks.Load(), Skipped: st.skipped.Load(), BadPos: st.badPos.Load(), LateOneTick: st.late1.Load(), Late: st.late.Load(),
		WorstLag: st.worstLagT.Load(), DupEnters: st.dupEnters.Load(), BadLeaves: st.badLeaves.Load(),
		Missing: st.missing.Load(), Stale: st.stale.Load(),
	}
}

// around formats the history near tick, for a debug log.
func (t *track) around(tick uint32) string {
	t.mu.Lock()
	defer t.mu.Unlock()
	out := ""
	for d := uint32(0); d < 8 && d <= tick; d++ {
		e := t.hist[(tick-d)%histLen]
		if e.tick == tick-d {
			out += fmt.Sprintf(" %d:(%.2f,%.2f)", e.tick, float64(e.x)/protocol.QuantaPerMetre, float64(e.y)/protocol.QuantaPerMetre)
		}
	}
	return out
}
