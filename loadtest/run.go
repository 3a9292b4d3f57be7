package loadtest

import (
	"context"
	"fmt"
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
	total := cfg.N + cfg.Echo + 2*cfg.Pairs
	sum := &Summary{URL: cfg.URL, Bots: total, Echo: cfg.Echo, Pairs: cfg.Pairs, Density: cfg.Density}

	var z *zone.Zone
	var plan *Plan
	if !cfg.Idle {
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

	start := time.Now()
	runCtx, stop := context.WithDeadline(ctx, start.Add(cfg.Duration))
	defer stop()
	col := newCollector()
	r := &runner{cfg: cfg, col: col, hcs: hcs, z: z, plan: plan, seed: seed}
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
	go func() { samplerDone <- runSampler(runCtx, start, cfg.Warmup, total, col, cfg.Live, rampDone, scrape) }()

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
	sum.Failed, sum.Ended = col.failed, col.ended
	col.mu.Unlock()
	smp.summarise(sum)
	sum.serverFigures(base, smp.srvA, smp.srvB, float64(col.tickHz.Load()))
	sum.events(col)
	sum.PairTimeouts, sum.PairSkipped = col.pairTimeouts.Load(), col.pairSkipped.Load()
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

	bots sync.WaitGroup // bot goroutines
	mu   sync.Mutex
	live []*client.Client // guarded by mu
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
	if j < 0 {
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

// start connects bot i (retrying a few times on too_many_joins, as the
// protocol asks) and starts its goroutine.
func (r *runner) start(ctx context.Context, i int) {
	rng := rand.New(rand.NewPCG(r.seed, uint64(i)))
	k, watcher, isPair := r.pairOf(i)
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
		if client.CodeOf(err) != protocol.CloseTooManyJoins || attempt == 2 {
			r.col.dialFailed(err)
			r.cfg.Logger.Debug("connection failed", "bot", opts.Pseudonym, "err", err)
			return
		}
		r.col.retries.Add(1)
		t := time.NewTimer(2*time.Second + time.Duration(rng.Int64N(int64(8*time.Second))))
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
	}
	r.col.connectedBot(c)
	r.mu.Lock()
	r.live = append(r.live, c)
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

	b := &bot{c: c, rng: rng, z: r.z, echo: i >= r.cfg.N}
	if r.plan != nil && !b.echo {
		box := r.plan.Box(i)
		b.box = &box
	}
	r.bots.Go(func() {
		if !r.cfg.Idle {
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
