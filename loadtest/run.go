package loadtest

import (
	"context"
	"fmt"
	"maps"
	"math"
	"math/rand/v2"
	"net/http"
	"sync"
	"time"

	"github.com/usine-extraordinaire/fairworld/client"
	"github.com/usine-extraordinaire/fairworld/protocol"
	"github.com/usine-extraordinaire/fairworld/world/zone"
)

// Run connects the bots at cfg.Ramp per second, lets them walk until
// cfg.Duration has passed since the start (or ctx ends), closes every
// connection cleanly and returns the summary. It writes a line per second
// to cfg.Live. An error means the run could not start.
func Run(ctx context.Context, cfg Config) (*Summary, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	log := cfg.Logger
	hcs, err := httpClients(cfg.LocalAddrs)
	if err != nil {
		return nil, err
	}
	seed := cfg.Seed
	if seed == 0 {
		seed = rand.Uint64()
	}
	total := 0
	sum := &Summary{URL: cfg.URL, Echo: cfg.Echo, Pairs: cfg.Pairs, Density: cfg.Density, Kinds: map[string]int{}}
	for k, n := range cfg.counts() {
		total += n
		if n > 0 {
			sum.Kinds[kind(k).String()] = n
		}
	}
	sum.Bots = total

	var z *zone.Zone
	var plan *Plan
	if !cfg.Idle || cfg.Stand+cfg.Group+cfg.Agora+cfg.Probes+cfg.Echo+cfg.Pairs > 0 {
		zu, _ := ZoneURL(cfg.urls[0])
		zctx, cancel := context.WithTimeout(ctx, cfg.DialTimeout)
		z, err = FetchZone(zctx, hcs[0], zu) // the first URL's (every node of a fair has the same zone)
		cancel()
		switch {
		case err != nil && cfg.Density > 0:
			return nil, err
		case err != nil:
			log.Warn("no zone: bots will only MOVE", "err", err)
		default:
			log.Info("zone", "id", z.ID, "width", z.Width, "height", z.Height, "hotspots", len(z.Hotspots), "booths", len(z.Booths))
		}
		if cfg.Density > 0 && cfg.N > 0 {
			if plan, err = NewPlan(z, cfg.N, cfg.Density, cfg.ViewRadius); err != nil {
				return nil, err
			}
			sum.Plan = plan.String()
			log.Info("density plan", "plan", plan.String())
		}
	}
	agora, isAgora := agoraRect(z)
	if cfg.Agora > 0 {
		switch {
		case agora == nil:
			log.Warn("the zone has no area: the agora's crowd stands where it spawns")
		case !isAgora:
			log.Warn("the zone has no agora: its crowd stands in the largest area", "rect", *agora)
			sum.AgoraNote = "no agora in the zone: the largest area instead"
		}
	}

	start := time.Now()
	runCtx, stop := context.WithDeadline(ctx, start.Add(cfg.Duration))
	defer stop()
	col := newCollector()
	r := &runner{cfg: cfg, col: col, hcs: hcs, z: z, plan: plan, seed: seed, agora: agora,
		leaders: make([]*client.Client, (cfg.Group+cfg.GroupSize-1)/cfg.GroupSize), tracks: make(map[uint32]*track),
		byIndex: make(map[int]*client.Client)}
	for range cfg.Pairs {
		r.pairs = append(r.pairs, &pair{col: col})
	}

	rdb, err := redisClient(cfg.Redis)
	if err != nil {
		return nil, err
	}
	if rdb != nil {
		defer rdb.Close()
	}
	// The sampler prints the live line and keeps the samples the summary needs.
	rampDone := make(chan struct{})
	samplerDone := make(chan *sampler, 1)
	scrape := func() serverStats {
		st := scrapeServers(context.WithoutCancel(ctx), http.DefaultClient, cfg.serverMetrics)
		st.redis = scrapeRedis(context.WithoutCancel(ctx), rdb)
		return st
	}
	base := scrape() // before the first connection: the server's idle footprint
	go func() {
		samplerDone <- runSampler(runCtx, start, cfg.Warmup, total, col, cfg.Live, cfg.LiveJSON, rampDone, scrape)
	}()

	r.ramp(runCtx, total)
	close(rampDone)
	<-runCtx.Done()
	smp := <-samplerDone
	r.closeAll()

	sum.Elapsed = time.Since(start).Seconds()
	sum.Attempts = col.attempts.Load()
	sum.Welcomed = col.welcomed.Load()
	sum.Connected = col.peak.Load()
	sum.ConnAtEnd = smp.last.connected
	sum.Retries = col.retries.Load()
	col.mu.Lock()
	sum.RetriedBy = maps.Clone(col.retriedBy)
	col.mu.Unlock()
	col.mu.Lock()
	sum.Failed, sum.Ended = col.failed, col.ended
	col.mu.Unlock()
	smp.summarise(sum)
	sum.serverFigures(base, smp.srvA, smp.srvB, float64(col.tickHz.Load()))
	sum.events(col)
	sum.PairTimeouts, sum.PairSkipped = col.pairTimeouts.Load(), col.pairSkipped.Load()
	if cfg.Probes > 0 {
		ps := r.probeStats.summary(cfg.Probes)
		sum.Probe = &ps
	}
	return sum, nil
}

type runner struct {
	cfg  Config
	col  *collector
	hcs  []*http.Client
	z    *zone.Zone
	plan *Plan
	seed uint64

	pairs []*pair // Config.Pairs; each pair's clients are set under mu
	agora *zone.Rect

	bots    sync.WaitGroup // bot goroutines
	mu      sync.Mutex
	live    []*client.Client       // guarded by mu
	leaders []*client.Client       // guarded by mu: each group's leader, once connected
	byIndex map[int]*client.Client // guarded by mu: walkers and echo bots by bot index

	tmu        sync.RWMutex
	tracks     map[uint32]*track // guarded by tmu: walkers and echo bots by avatar id, for the probes
	probeStats probeStats
}

// trackOf returns the track of a walker of this process, or nil.
func (r *runner) trackOf(id uint32) *track {
	r.tmu.RLock()
	defer r.tmu.RUnlock()
	return r.tracks[id]
}

// allTracks is a copy of the tracks.
func (r *runner) allTracks() map[uint32]*track {
	r.tmu.RLock()
	defer r.tmu.RUnlock()
	return maps.Clone(r.tracks)
}

// followed is the track a probe stays near: the j-th probe's walker, among
// the walkers (or the echo bots when there are none), by the order they
// connected in.
func (r *runner) followed(j int) func() *track {
	pool, n := 0, r.cfg.N
	if n == 0 {
		pool, n = r.cfg.N, r.cfg.Echo
	}
	if n == 0 {
		return func() *track { return nil }
	}
	want := pool + j*max(1, n/max(1, r.cfg.Probes))%n
	return func() *track {
		r.mu.Lock()
		c := r.byIndex[want]
		r.mu.Unlock()
		if c == nil {
			return nil
		}
		return r.trackOf(c.SelfID())
	}
}

// urlOf is the game endpoint of bot i: the URLs in turn; a pair's walker
// on one and its watcher on the next.
func (r *runner) urlOf(i int) string {
	urls := r.cfg.urls
	if k, watcher, ok := r.pairOf(i); ok {
		if watcher {
			return urls[(k+1)%len(urls)]
		}
		return urls[k%len(urls)]
	}
	return urls[i%len(urls)]
}

// pairOf says whether bot i is in pair k, as its watcher or its walker.
func (r *runner) pairOf(i int) (k int, watcher, ok bool) {
	j := i - r.cfg.N - r.cfg.Echo
	if j < 0 || j >= 2*r.cfg.Pairs {
		return 0, false, false
	}
	return j / 2, j%2 == 1, true
}

// ramp starts the connections at cfg.Ramp per second, at most MaxDialing in
// flight, and returns when every attempt has ended (or ctx).
func (r *runner) ramp(ctx context.Context, total int) {
	tick := time.NewTicker(max(time.Duration(float64(time.Second)/r.cfg.Ramp), time.Microsecond))
	defer tick.Stop()
	sem := make(chan struct{}, r.cfg.MaxDialing)
	var dials sync.WaitGroup
	defer dials.Wait()
	for i := range total {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		select {
		case <-ctx.Done():
			return
		case sem <- struct{}{}:
		}
		dials.Go(func() {
			defer func() { <-sem }()
			r.start(ctx, i)
		})
	}
}

// retryAfter is when the protocol (docs/PROTOCOL.md §6) says to try again
// after a refusal: 4004 after 2-10 s, 4003 after 10-30 s, 4014 after 5-15 s;
// no retry for the others.
func retryAfter(code protocol.CloseCode) (lo, hi time.Duration, ok bool) {
	switch code {
	case protocol.CloseTooManyJoins:
		return 2 * time.Second, 10 * time.Second, true
	case protocol.CloseServerFull:
		return 10 * time.Second, 30 * time.Second, true
	case protocol.CloseServiceUnavailable:
		return 5 * time.Second, 15 * time.Second, true
	}
	return 0, 0, false
}

// start connects bot i (retrying refusals as the protocol asks, up to
// Config.Retries times) and starts its goroutine.
func (r *runner) start(ctx context.Context, i int) {
	rng := rand.New(rand.NewPCG(r.seed, uint64(i)))
	k, watcher, isPair := r.pairOf(i)
	kd, j := r.cfg.kindOf(i)
	opts := client.Options{
		Pseudonym:   Pseudonym(r.cfg.Prefix, i),
		HTTPClient:  r.hcs[i%len(r.hcs)],
		EventBuffer: -1, // events are counted by OnUpdate; nobody reads the channel
		OnUpdate:    r.col.onUpdate,
		OnEcho:      r.col.onEcho,
		Logger:      r.cfg.Logger,
	}
	if isPair {
		opts.OnEcho = nil // a pair's MOVEs are timed on the watcher, not as echoes
		if watcher {
			opts.OnUpdate = r.pairs[k].onUpdate
		}
	}
	var tr *track
	var pr *probe
	switch kd {
	case kindWalker, kindEcho:
		tr = &track{node: i % len(r.cfg.urls)}
		opts.OnUpdate = func(u *protocol.Update) { r.col.onUpdate(u); tr.record(u) }
	case kindProbe:
		pr = newProbe(r, i%len(r.cfg.urls), &r.probeStats)
		opts.OnUpdate = pr.onUpdate
	}
	var c *client.Client
	for attempt := 0; ; attempt++ {
		r.col.attempts.Add(1)
		dctx, cancel := context.WithTimeout(ctx, r.cfg.DialTimeout)
		var err error
		c, err = client.Dial(dctx, r.urlOf(i), opts)
		cancel()
		if err == nil {
			break
		}
		if ctx.Err() != nil {
			return // the run ended during the attempt: not a failure of the server
		}
		lo, hi, retry := retryAfter(client.CodeOf(err))
		if !retry || attempt == r.cfg.Retries {
			r.col.dialFailed(err)
			r.cfg.Logger.Debug("connection failed", "bot", opts.Pseudonym, "err", err)
			return
		}
		r.col.retried(err)
		t := time.NewTimer(lo + time.Duration(rng.Int64N(int64(hi-lo))))
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
	}
	r.col.connectedBot(c)
	if tr != nil {
		tr.mu.Lock()
		tr.c = c
		tr.step = c.MaxSpeed() / float64(max(c.Welcome().TickHz, 1))
		tr.mu.Unlock()
		r.tmu.Lock()
		r.tracks[c.SelfID()] = tr
		r.tmu.Unlock()
	}
	r.mu.Lock()
	r.live = append(r.live, c)
	if kd == kindWalker || kd == kindEcho {
		r.byIndex[i] = c
	}
	if kd == kindGroup && j%r.cfg.GroupSize == 0 {
		r.leaders[j/r.cfg.GroupSize] = c
	}
	var both *pair
	if isPair {
		p := r.pairs[k]
		if watcher {
			p.watcher = c
		} else {
			p.walker = c
			p.id.Store(c.SelfID())
		}
		if p.walker != nil && p.watcher != nil {
			both = p
		}
	}
	r.mu.Unlock()
	if isPair {
		r.bots.Go(func() {
			if both != nil {
				both.run(ctx) // on the goroutine of the second of the two
			}
			<-c.Done()
			r.col.botEnded(c.Err())
		})
		return
	}

	if pr != nil {
		pr.c = c
		r.bots.Go(func() {
			pr.run(ctx, r.followed(j))
			<-c.Done()
			r.col.botEnded(c.Err())
		})
		return
	}
	b := &bot{c: c, rng: rng, z: r.z, kind: kd, agora: r.agora}
	if kd != kindEcho && kd != kindIdle {
		b.chatEvery, b.chatSaid = r.cfg.ChatEvery, &r.col.chatSaid
	}
	if r.plan != nil && kd == kindWalker {
		box := r.plan.Box(i)
		b.box = &box
	}
	if kd == kindGroup && j%r.cfg.GroupSize != 0 {
		b.leader = r.leaderOf(j / r.cfg.GroupSize)
		a, d := rng.Float64()*2*math.Pi, 1+rng.Float64()*3
		b.offX, b.offY = d*math.Cos(a), d*math.Sin(a)
	}
	r.bots.Go(func() {
		if !(r.cfg.Idle && kd == kindWalker) && kd != kindIdle {
			b.run(ctx)
		}
		<-c.Done() // the server ended it, or closeAll did
		r.col.botEnded(c.Err())
	})
}

// closeAll closes every connection with 1000, many at once, and waits for
// the bots to record their ends.
func (r *runner) closeAll() {
	defer r.bots.Wait()
	r.mu.Lock()
	live := r.live
	r.mu.Unlock()
	work := make(chan *client.Client)
	var wg sync.WaitGroup
	for range min(256, len(live)) {
		wg.Go(func() {
			for c := range work {
				c.Close()
			}
		})
	}
	for _, c := range live {
		work <- c
	}
	close(work)
	wg.Wait()
}

func httpClients(addrs []string) ([]*http.Client, error) {
	if len(addrs) == 0 {
		addrs = []string{""}
	}
	out := make([]*http.Client, len(addrs))
	for i, a := range addrs {
		hc, err := client.NewHTTPClient(a)
		if err != nil {
			return nil, fmt.Errorf("loadtest: %w", err)
		}
		out[i] = hc
	}
	return out, nil
}
