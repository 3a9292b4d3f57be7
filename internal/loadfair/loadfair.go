package loadfair

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/usine-extraordinaire/fairworld/internal/cluster"
	"github.com/usine-extraordinaire/fairworld/loadtest"
)

// Mix is how many bots of each behaviour the fair gets (loadtest.Config's
// kinds). Echo bots walk all the time and measure input-to-echo: they run
// in the probes' process with Probes.
type Mix struct {
	Walk, Stand, Group, Agora, Idle int
	GroupSize                       int // zero means 30
	Echo, Probes                    int
}

// Total is the number of bots.
func (m Mix) Total() int { return m.Walk + m.Stand + m.Group + m.Agora + m.Idle + m.Echo + m.Probes }

// bots is every bot of the run, the burst's included.
func (c *Config) bots() int { return c.Mix.Total() + c.Burst.N }

// Config says what Run runs. Zero values are documented per field.
type Config struct {
	Name  string // the run's name in the report; zero means "fair"
	Dir   string // logs, summaries, the cluster's files; zero means a new temporary directory, kept
	Nodes int    // zero means 3
	// Procs is the number of load processes (besides the probes' one);
	// zero means one per 14,000 bots (a process may hold 20,000 files).
	Procs int
	Mix   Mix
	// Ramp is new connections per second, all processes together; zero
	// means 200. Keep it under the fair's join rate (NodeArgs).
	Ramp float64
	Hold time.Duration // how long the run goes on once every bot had its turn to connect; zero means 30 s
	// Retries is each bot's attempts after a 4004 (loadtest.Config); zero means 2.
	Retries int

	NodeArgs []string // flags for every node (e.g. -join-rate 400)
	BotsArgs []string // more flags for every load process (e.g. -v)
	NodeEnv  []string // environment of the nodes (e.g. GOMEMLIMIT)
	// Fairserver and Bots are the binaries; zero means built into Dir
	// (go build, cached).
	Fairserver, Bots string

	// Burst, when N > 0, adds a load process of N standing visitors that
	// starts At after the first one and connects them all within Within
	// (Monday morning: more than the fair's join rate at once; the excess
	// is refused with 4004 and retried with jitter).
	Burst Burst

	// SpreadSpawn runs the nodes on a copy of the default zone whose spawn
	// area is the whole map: new visitors appear all over the zone (an
	// idle run spread out without walking everyone there).
	SpreadSpawn bool

	// Targets are judged in the report (zero fields are not judged).
	Targets Targets

	// OnReady, when set, runs once the nodes are ready and the load
	// processes started, with the cluster (e.g. to kill a node); Run waits
	// for it before it stops the cluster.
	OnReady func(ctx context.Context, c *cluster.Cluster)

	Live   io.Writer    // a progress line a second; nil for none
	Logger *slog.Logger // nil discards
}

// Burst is a wave of new visitors at once.
type Burst struct {
	N      int
	At     time.Duration // after the start
	Within time.Duration // zero means 10 s
}

// Targets are the figures a run must reach; a zero field is not judged.
type Targets struct {
	MaxTickOverShare float64 // on every node, the share of ticks above 25.6 ms (e.g. 0.01)
	MaxEchoP99ms     float64 // the walking probes' input-to-echo p99
	MaxKiBPerConn    float64 // the nodes' RSS over their connections at the end of the window, KiB
}

// procsFor is the default number of load processes.
func procsFor(bots int) int { return max(1, (bots+13_999)/14_000) }

// Run starts the cluster and the load, holds it, stops everything and
// returns the report. An error means the run could not be made (a build,
// a start); a run that went wrong is a report with Pass false.
func Run(ctx context.Context, cfg Config) (*Report, error) {
	if cfg.Name == "" {
		cfg.Name = "fair"
	}
	if cfg.Nodes == 0 {
		cfg.Nodes = 3
	}
	if cfg.Mix.GroupSize == 0 {
		cfg.Mix.GroupSize = 30
	}
	load := cfg.Mix.Total() - cfg.Mix.Echo - cfg.Mix.Probes
	if cfg.Procs == 0 {
		cfg.Procs = procsFor(load)
	}
	if cfg.Ramp == 0 {
		cfg.Ramp = 200
	}
	if cfg.Hold == 0 {
		cfg.Hold = 30 * time.Second
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Live == nil {
		cfg.Live = io.Discard
	}
	if cfg.Nodes < 1 || cfg.Procs < 1 || cfg.Mix.Total() < 1 || cfg.Ramp < 0 {
		return nil, fmt.Errorf("loadfair: want nodes, processes and bots (%d, %d, %d)", cfg.Nodes, cfg.Procs, cfg.Mix.Total())
	}
	if cfg.Procs*2+2 > 250 {
		return nil, fmt.Errorf("loadfair: %d processes: source addresses run out (127.0.0.2-254, two each)", cfg.Procs)
	}
	if cfg.Dir == "" {
		d, err := os.MkdirTemp("", "loadfair")
		if err != nil {
			return nil, fmt.Errorf("loadfair: %w", err)
		}
		cfg.Dir = d
	}
	log := cfg.Logger
	for _, b := range []*string{&cfg.Fairserver, &cfg.Bots} {
		if *b != "" {
			abs, err := filepath.Abs(*b) // the processes run in directories of their own
			if err != nil {
				return nil, fmt.Errorf("loadfair: %w", err)
			}
			*b = abs
		}
	}
	if cfg.Fairserver == "" || cfg.Bots == "" {
		t0 := time.Now()
		var wg sync.WaitGroup
		var errs [2]error
		if cfg.Fairserver == "" {
			cfg.Fairserver = filepath.Join(cfg.Dir, "fairserver")
			wg.Go(func() { errs[0] = cluster.Build(ctx, "./cmd/fairserver", cfg.Fairserver) })
		}
		if cfg.Bots == "" {
			cfg.Bots = filepath.Join(cfg.Dir, "bots")
			wg.Go(func() { errs[1] = cluster.Build(ctx, "./cmd/bots", cfg.Bots) })
		}
		wg.Wait()
		if err := errors.Join(errs[:]...); err != nil {
			return nil, err
		}
		log.Info("built", "fairserver", cfg.Fairserver, "bots", cfg.Bots, "took", time.Since(t0).Round(time.Millisecond))
	}

	if cfg.SpreadSpawn {
		tmx, err := writeSpreadZone(filepath.Join(cfg.Dir, "zone"))
		if err != nil {
			return nil, err
		}
		cfg.NodeArgs = append(slices.Clip(cfg.NodeArgs), "-zone", tmx)
	}
	c, err := cluster.Start(ctx, cluster.Config{
		Dir: filepath.Join(cfg.Dir, "cluster"), Nodes: cfg.Nodes, Fairserver: cfg.Fairserver,
		NodeArgs: cfg.NodeArgs, NodeEnv: cfg.NodeEnv, NoProxy: true, Logger: log,
	})
	if err != nil {
		return nil, err
	}
	defer c.Stop()
	rep := newReport(&cfg, c)
	log.Info("cluster ready", "nodes", cfg.Nodes, "redis", c.Redis.URL())

	var urls, metrics []string
	for _, n := range c.Nodes {
		urls = append(urls, n.WSURL())
		metrics = append(metrics, n.MetricsURL())
	}
	if cfg.Burst.N > 0 && cfg.Burst.Within == 0 {
		cfg.Burst.Within = 10 * time.Second
	}
	procs := plan(&cfg, load)
	rampTime := time.Duration(float64(cfg.Mix.Total()) / cfg.Ramp * float64(time.Second))
	dur := max(rampTime, cfg.Burst.At) + cfg.Hold
	if cfg.Burst.N > 0 {
		procs = append(procs, &proc{name: "burst", addrs: []string{"127.0.0.250", "127.0.0.251"}, dir: cfg.Dir, bots: cfg.Burst.N,
			delay: cfg.Burst.At, args: []string{"-n", "0", "-stand", strconv.Itoa(cfg.Burst.N),
				"-ramp", fmt.Sprintf("%.2f", float64(cfg.Burst.N)/cfg.Burst.Within.Seconds()), "-retries", "30"}})
	}
	base := make([]scrape, len(c.Nodes))
	for i, u := range metrics {
		base[i] = scrapeNode(ctx, u)
	}
	rep.Redis.before = redisInfo(ctx, c.Redis)
	start := time.Now()
	var delayed []*proc
	for _, p := range procs {
		if p.delay > 0 {
			delayed = append(delayed, p)
			continue
		}
		if err := p.start(ctx, &cfg, strings.Join(urls, ","), dur); err != nil {
			for _, q := range procs {
				q.kill()
			}
			return nil, err
		}
		log.Info("load process started", "name", p.name, "pid", p.pid(), "bots", p.bots)
	}
	for _, p := range delayed {
		p.done = make(chan struct{}) // waited for from now on
		started := make(chan struct{})
		p.started = started
		go func() {
			defer close(started)
			select {
			case <-time.After(time.Until(start.Add(p.delay))):
			case <-ctx.Done():
				close(p.done)
				return
			}
			if err := p.start(ctx, &cfg, strings.Join(urls, ","), dur-p.delay); err != nil {
				log.Error("load process did not start", "name", p.name, "err", err)
				p.err = err
				close(p.done)
				return
			}
			log.Info("load process started", "name", p.name, "pid", p.cmd.Process.Pid, "bots", p.bots)
		}()
	}
	readyDone := make(chan struct{})
	go func() {
		defer close(readyDone)
		if cfg.OnReady != nil {
			cfg.OnReady(ctx, c)
		}
	}()

	// Sample once a second until every load process has ended.
	s := &sampler{rep: rep, nodes: c.Nodes, metrics: metrics, procs: procs, start: start, base: base,
		windowFrom: start.Add(rampTime + min(10*time.Second, cfg.Hold/4)), live: cfg.Live,
		memAt: start.Add(rampTime + cfg.Hold - min(5*time.Second, cfg.Hold/4))}
	allDone := make(chan struct{})
	go func() {
		for _, p := range procs {
			p.wait(ctx, dur+90*time.Second)
		}
		close(allDone)
	}()
	s.loop(ctx, allDone)
	<-readyDone
	rep.Redis.after = redisInfo(ctx, c.Redis)
	rep.Redis.RSS = rep.Redis.after.rss
	for _, p := range procs {
		rep.addProc(p)
	}
	rep.PIDs = c.PIDs()
	for _, p := range procs {
		rep.PIDs["bots-"+p.name] = []int{p.pid()}
	}
	stopErr := c.Stop()
	rep.finish(&cfg, s, stopErr)
	return rep, nil
}

// proc is one cmd/bots process.
type proc struct {
	name  string
	args  []string
	bots  int
	echo  bool // the probes' process
	addrs []string
	dir   string

	delay   time.Duration // started this long after the others (a burst)
	started chan struct{} // closed once a delayed process was started (or not)

	cmd      *exec.Cmd
	done     chan struct{}
	mu       sync.Mutex
	lastLive loadtest.LiveSample // guarded by mu
	summary  *loadtest.Summary   // set once done
	err      error               // set once done
}

// plan splits the mix over the load processes, and gives the probes'
// process its bots.
func plan(cfg *Config, load int) []*proc {
	m := cfg.Mix
	split := func(n, i int) int { return n/cfg.Procs + btoi(i < n%cfg.Procs) }
	var out []*proc
	addr := 2
	next := func() []string {
		a := []string{fmt.Sprintf("127.0.0.%d", addr), fmt.Sprintf("127.0.0.%d", addr+1)}
		addr += 2
		return a
	}
	per := cfg.Ramp / float64(m.Total())
	for i := range cfg.Procs {
		counts := map[string]int{
			"-n": split(m.Walk, i), "-stand": split(m.Stand, i), "-agora": split(m.Agora, i),
			"-idle-tabs": split(m.Idle, i),
		}
		// Groups stay whole in one process (members follow a leader of their own process).
		groups := (m.Group + m.GroupSize - 1) / m.GroupSize
		g := 0
		for k := range groups {
			if k%cfg.Procs == i {
				g += min(m.GroupSize, m.Group-k*m.GroupSize)
			}
		}
		counts["-group"] = g
		p := &proc{name: "load" + letters(i), addrs: next(), dir: cfg.Dir}
		for _, k := range []string{"-n", "-stand", "-group", "-agora", "-idle-tabs"} {
			p.args = append(p.args, k, strconv.Itoa(counts[k]))
			p.bots += counts[k]
		}
		p.args = append(p.args, "-group-size", strconv.Itoa(m.GroupSize))
		if p.bots == 0 {
			continue
		}
		p.args = append(p.args, "-ramp", fmt.Sprintf("%.2f", per*float64(p.bots)))
		out = append(out, p)
	}
	if m.Echo+m.Probes > 0 {
		p := &proc{name: "probes", addrs: next(), dir: cfg.Dir, echo: true, bots: m.Echo + m.Probes}
		p.args = []string{"-n", "0", "-echo", strconv.Itoa(m.Echo), "-probes", strconv.Itoa(m.Probes),
			"-ramp", fmt.Sprintf("%.2f", max(per*float64(p.bots), 5))}
		out = append(out, p)
	}
	return out
}

// letters names process i in a pseudonym prefix (letters only): a, b, …, z, ba, bb, …
func letters(i int) string {
	s := string(rune('a' + i%26))
	for i /= 26; i > 0; i /= 26 {
		s = string(rune('a'+i%26)) + s
	}
	return s
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

func (p *proc) start(ctx context.Context, cfg *Config, urls string, dur time.Duration) error {
	args := append([]string{"-url", urls, "-prefix", p.name, "-duration", dur.String(), "-json", "-live-json",
		"-local-addrs", strings.Join(p.addrs, ","), "-retries", strconv.Itoa(max(cfg.Retries, 2))}, p.args...)
	args = append(args, cfg.BotsArgs...)
	out, err := os.Create(filepath.Join(p.dir, p.name+".json"))
	if err != nil {
		return fmt.Errorf("loadfair: %w", err)
	}
	logf, err := os.Create(filepath.Join(p.dir, p.name+".log"))
	if err != nil {
		out.Close()
		return fmt.Errorf("loadfair: %w", err)
	}
	cmd := exec.Command(cfg.Bots, args...)
	cmd.Stdout = out
	stderr, err := cmd.StderrPipe()
	if err != nil {
		out.Close()
		logf.Close()
		return fmt.Errorf("loadfair: %w", err)
	}
	if err := cmd.Start(); err != nil {
		out.Close()
		logf.Close()
		return fmt.Errorf("loadfair: starting %s: %w", p.name, err)
	}
	p.cmd = cmd
	if p.done == nil {
		p.done = make(chan struct{})
	}
	go func() {
		sc := bufio.NewScanner(stderr)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			line := sc.Bytes()
			var ls loadtest.LiveSample
			if len(line) > 0 && line[0] == '{' && json.Unmarshal(line, &ls) == nil {
				p.mu.Lock()
				p.lastLive = ls
				p.mu.Unlock()
				continue
			}
			logf.Write(append(line, '\n'))
		}
		err := cmd.Wait()
		out.Close()
		logf.Close()
		var sum loadtest.Summary
		b, rerr := os.ReadFile(filepath.Join(p.dir, p.name+".json"))
		p.mu.Lock()
		p.err = err
		if rerr == nil && json.Unmarshal(b, &sum) == nil {
			p.summary = &sum
		} else if p.err == nil {
			p.err = fmt.Errorf("no summary")
		}
		p.mu.Unlock()
		close(p.done)
	}()
	return nil
}

func (p *proc) pid() int {
	if p.started != nil {
		<-p.started
	}
	if p.cmd == nil || p.cmd.Process == nil {
		return 0
	}
	return p.cmd.Process.Pid
}

func (p *proc) live() loadtest.LiveSample {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.lastLive
}

// wait waits for the process to end on its own, then stops it by PID:
// SIGTERM (it closes its bots and prints its summary), SIGKILL 20 s later.
func (p *proc) wait(ctx context.Context, d time.Duration) {
	if p.done == nil {
		return
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-p.done:
		return
	case <-t.C:
	case <-ctx.Done():
	}
	if p.started != nil {
		<-p.started
	}
	if p.cmd == nil {
		<-p.done
		return
	}
	_ = p.cmd.Process.Signal(os.Interrupt)
	select {
	case <-p.done:
	case <-time.After(20 * time.Second):
		p.kill()
	}
}

func (p *proc) kill() {
	if p.done == nil || p.cmd == nil {
		return
	}
	select {
	case <-p.done:
	default:
		_ = p.cmd.Process.Kill() // ours until Wait returned, which closes done
		<-p.done
	}
}
