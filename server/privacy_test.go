package server_test

import (
	"context"
	"fmt"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/usine-extraordinaire/fairworld/client"
	"github.com/usine-extraordinaire/fairworld/internal/redistest"
	"github.com/usine-extraordinaire/fairworld/protocol"
	"github.com/usine-extraordinaire/fairworld/server"
	"github.com/usine-extraordinaire/fairworld/server/feed"
	"github.com/usine-extraordinaire/fairworld/server/servertest"
	"github.com/usine-extraordinaire/fairworld/server/staff"
	"github.com/usine-extraordinaire/fairworld/world/content"
)

// TestPrivacyKeys checks docs/PRIVACY.md's table of Redis keys against the
// keys real nodes write. It runs a scenario that uses every feature that
// writes to Redis (privacyScenario), over three nodes and a redis-server
// of its own, and watches every key written, two ways: keyspace
// notifications (every write, even of a key deleted right after) and a
// SCAN with each key's TTL after each step. It fails on a key that matches
// no row of the table (or more than one), on a row no step wrote (unless
// privacyNotExercised says why), and on a TTL that breaks its row's rule.
//
// To add a key: add its row to docs/PRIVACY.md, and a step that writes it
// to privacyScenario (a function of your own file; privacyRun gives the
// nodes, clients, a Redis client and the prefix). One redis-server, not a
// Cluster: SCAN and keyspace notifications are per server, and the key
// names are the same on a Cluster.
func TestPrivacyKeys(t *testing.T) {
	t.Parallel()
	srv := redistest.Start(t, redistest.Options{})
	rc, err := feed.NewRedisClient(srv.URL())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = rc.Close() })
	ctx := context.Background()
	if err := rc.ConfigSet(ctx, "notify-keyspace-events", "KA").Err(); err != nil {
		t.Fatal(err)
	}
	p := &privacyRun{
		t: t, rc: rc, url: srv.URL(), prefix: prefixOf(t),
		resume: 30 * time.Second, heartbeat: time.Second, retention: 2 * time.Hour,
		classRetention: 3 * time.Hour, keys: newStaffKeys(t),
		joinRate: 1, joinBurst: 100,
		nodes: map[string]*deathNode{}, clients: map[string]*client.Client{}, logs: map[string]*evlog{},
		touched: map[string]bool{},
	}
	p.env = map[string]time.Duration{
		"resume window": p.resume, "heartbeat TTL": p.heartbeat, "retention": p.retention,
		"class retention": p.classRetention, "ticket TTL": staff.TicketTTL,
		"join window": time.Duration(float64(p.joinBurst) / p.joinRate * float64(time.Second)),
	}
	p.rules = privacyRules(t, p.prefix)
	p.watch(ctx)

	for _, step := range privacyScenario() {
		p.step = step.name
		step.run(p)
		p.scan()
		if t.Failed() {
			t.Fatalf("step %q failed", step.name)
		}
	}
	p.stopWatching()

	seen := map[string]int{}
	for k := range p.keysTouched() {
		if r := p.ruleOf(k); r != nil {
			seen[r.pattern]++
		}
	}
	for k, n := range p.scanned {
		seen[k] += n
	}
	notExercised := privacyNotExercised()
	for _, r := range p.rules {
		why, marked := notExercised[r.pattern]
		switch {
		case seen[r.pattern] == 0 && !marked:
			t.Errorf("docs/PRIVACY.md lists %s, which no step of the scenario wrote: add a step, or say why in privacyNotExercised", r.pattern)
		case seen[r.pattern] == 0:
			t.Logf("%s not exercised: %s", r.pattern, why)
		default:
			t.Logf("%s: seen %d times (notifications and scans)", r.pattern, seen[r.pattern])
		}
	}
	for pat := range notExercised {
		if !slices.ContainsFunc(p.rules, func(r keyRule) bool { return r.pattern == pat }) {
			t.Errorf("privacyNotExercised names %s, which docs/PRIVACY.md does not list", pat)
		}
	}
}

// privacyNotExercised lists the rows of docs/PRIVACY.md that the scenario
// cannot write, and why. Empty today: every key is written.
func privacyNotExercised() map[string]string {
	return map[string]string{}
}

// privacyStep is one step of the scenario: it does something a visitor or
// an operator does, and the test then scans the keys.
type privacyStep struct {
	name string
	run  func(p *privacyRun)
}

// privacyScenario is the scenario's steps, in order. Add yours here.
func privacyScenario() []privacyStep {
	return []privacyStep{
		{"three nodes start", privacyStart},
		{"visitors join on each node", privacyJoin},
		{"a class group", privacyGroup},
		{"chat: class settings, a message, a report, a mute, a ban", privacyChat}, // chat_privacy_test.go
		{"walk and open contents", privacyRead},
		{"a quiz answer and its badge", privacyQuiz},
		{"leaderboards", privacyBoards},
		{"a share link, its page, deleted, shared again", privacyShare},
		{"a wrong progress key", privacyWrongKey},
		{"a class: staff sign-in, creation, route, a pupil, an order; a token revoked", privacyClass}, // class_privacy_test.go
		{"a drop, then a resume on another node", privacyResume},
		{"leave, then come back with the progress key", privacyKeyBack},
		{"erasure", privacyErase},
		{"erasure left no class membership", privacyClassErased}, // class_privacy_test.go
		{"a node dies and is evicted", privacyDeath},
		{"a node drains", privacyDrain},
	}
}

// privacyRun is the state of the scenario. Steps add the nodes and clients
// they start under a name; the test closes them all at the end.
type privacyRun struct {
	t      *testing.T
	rc     redis.UniversalClient
	url    string
	prefix string
	step   string // the current step, for messages

	resume, heartbeat, retention time.Duration
	classRetention               time.Duration
	keys                         staffKeys // the fair's staff key pair (the class step's teacher)
	joinRate                     float64
	joinBurst                    int
	env                          map[string]time.Duration // the names of the TTL rules

	nodes   map[string]*deathNode
	clients map[string]*client.Client
	logs    map[string]*evlog
	link    protocol.ShareLink // the share link of a's badge
	key     string             // b's progress key
	bname   string             // b's pseudonym

	rules   []keyRule
	scanned map[string]int // pattern -> keys seen by the scans

	mu      sync.Mutex
	touched map[string]bool // guarded by mu: every key a notification named
	sub     *redis.PubSub
	subDone chan struct{}
}

// node starts a node of the fair named n, with its own Redis backends (so
// that a step can cut them: deathNode.die).
func (p *privacyRun) node(n string) *deathNode {
	p.t.Helper()
	var b *server.RedisBackends
	in := servertest.Start(p.t, func(cfg *server.Config) {
		progressFast(cfg)
		cfg.ProgressConfig.AnswerGap = 100 * time.Second // 0.5 s
		cfg.NodeID, cfg.ResumeWindow = n, p.resume
		cfg.TestRoles = true // the chat step's teacher and moderator (prof:, mod:)
		cfg.JoinRate, cfg.JoinBurst = p.joinRate, p.joinBurst
		cfg.Classes.StaffKey = p.keys.pub
		cfg.Classes.RequestRate, cfg.Classes.RequestBurst = 100, 100
		var err error
		b, err = server.NewRedisBackends(server.RedisOptions{
			URL: p.url, Node: n, Prefix: p.prefix, ResumeWindow: p.resume, HeartbeatTTL: p.heartbeat,
			Retention: p.retention, ClassRetention: p.classRetention, Registerer: cfg.Registerer, Logger: cfg.Logger.With("node", n),
		})
		if err != nil {
			p.t.Fatal(err)
		}
		p.t.Cleanup(func() { _ = b.Close() })
		b.Configure(cfg)
	})
	waitReady(p.t, in)
	d := &deathNode{Instance: in, b: b}
	p.nodes[n] = d
	return d
}

// dial connects a client named c to node n and collects its events.
func (p *privacyRun) dial(c, n string, opts client.Options) *client.Client {
	p.t.Helper()
	opts.EventBuffer = 4096
	cl := dial(p.t, p.nodes[n].Instance, opts)
	p.clients[c], p.logs[c] = cl, collect(p.t, cl)
	return cl
}

func privacyStart(p *privacyRun) {
	for _, n := range []string{"n0", "n1", "n2"} {
		p.node(n)
	}
}

func privacyJoin(p *privacyRun) {
	p.dial("a", "n0", client.Options{})
	p.bname = name()
	p.dial("b", "n1", client.Options{Pseudonym: p.bname})
	p.dial("c", "n2", client.Options{})
}

func privacyGroup(p *privacyRun) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if !p.nodes["n0"].SetGroup(ctx, p.clients["a"].SelfID(), 7) {
		p.t.Fatal("SetGroup")
	}
}

func privacyRead(p *privacyRun) {
	for _, c := range []string{"a", "b"} {
		cl, in := p.clients[c], p.nodes[map[string]string{"a": "n0", "b": "n1"}[c]].Instance
		x, y := cl.Self()
		h := hotspotsNear(in, x, y, isKind(content.KindArticle))[0]
		walkTo(p.t, cl, in, h)
		pr := read(p.t, cl, p.logs[c], h)
		if c == "b" {
			p.key = pr.Key
		}
	}
	if p.key == "" {
		p.key = fullProgress(p.t, p.clients["b"], p.logs["b"]).Key
	}
}

func privacyQuiz(p *privacyRun) {
	c, l, in := p.clients["a"], p.logs["a"], p.nodes["n0"].Instance
	x, y := c.Self()
	h := hotspotsNear(in, x, y, isKind(content.KindQuiz))[0]
	walkTo(p.t, c, in, h)
	from := l.len()
	req, _ := c.OpenHotspot(h.ID)
	waitEv(p.t, l, from, "the quiz", func(e protocol.HotspotContent) bool { return e.Req == req })
	answerWhenAllowed(p.t, c, l, h.ID, 0, rightOf(&contentOf(p.t, in, h.ID).Questions[0])...)
	waitEv(p.t, l, 0, "the badge", func(e protocol.BadgeEarned) bool { return e.Badge.ID == "quiz-1" })
}

func privacyBoards(p *privacyRun) {
	c, l := p.clients["a"], p.logs["a"]
	mustWait(p.t, 15*time.Second, "both on the fair's board", func() bool {
		return leaderboard(p.t, c, l, protocol.ScopeFair).Players == 2
	})
	mustWait(p.t, 15*time.Second, "a on the group's board", func() bool {
		return leaderboard(p.t, c, l, protocol.ScopeGroup).Players == 1
	})
}

func privacyShare(p *privacyRun) {
	c, l := p.clients["a"], p.logs["a"]
	req, _ := c.Share("quiz-1")
	p.link = waitEv(p.t, l, 0, "the share link", func(e protocol.ShareLink) bool { return e.Req == req })
	resp, err := http.Get(p.nodes["n1"].HTTP + p.link.Path)
	if err != nil {
		p.t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		p.t.Fatalf("share page: %d", resp.StatusCode)
	}
	// Deleted, then shared again: a new token.
	p.scan()
	if _, err := c.Unshare("quiz-1"); err != nil {
		p.t.Fatal(err)
	}
	mustWait(p.t, 10*time.Second, "the share page gone", func() bool {
		resp, err := http.Get(p.nodes["n1"].HTTP + p.link.Path)
		if err != nil {
			p.t.Fatal(err)
		}
		_ = resp.Body.Close()
		return resp.StatusCode == http.StatusNotFound
	})
	from := l.len()
	req, _ = c.Share("quiz-1")
	p.link = waitEv(p.t, l, from, "the share link again", func(e protocol.ShareLink) bool { return e.Req == req })
}

func privacyWrongKey(p *privacyRun) {
	words := strings.Fields(p.key)
	other := words[0] + " " + words[0] + " " + words[0]
	if other == p.key {
		other = words[1] + " " + words[1] + " " + words[1]
	}
	err := dialErr(p.nodes["n0"].Instance, client.Options{Pseudonym: name(), ProgressKey: other})
	if closeCode(err) != protocol.CloseKeyRefused {
		p.t.Fatalf("a wrong key: %v, want 4016", err)
	}
}

func privacyResume(p *privacyRun) {
	c := p.clients["a"]
	token := c.Welcome().ResumeToken
	_ = c.CloseReconnect()
	<-c.Done()
	// Detached: its session and reservation now expire.
	mustWait(p.t, 10*time.Second, "a's session detached", func() bool {
		return p.anyTTL(p.prefix + ":{t*}:s:*")
	})
	p.scan()
	back := p.dial("a", "n1", client.Options{ResumeToken: token})
	if !back.Welcome().Resumed {
		p.t.Fatal("not resumed")
	}
}

// anyTTL reports whether a key matching pattern has an expiry.
func (p *privacyRun) anyTTL(pattern string) bool {
	ctx := context.Background()
	keys, err := p.rc.Keys(ctx, pattern).Result()
	if err != nil {
		p.t.Fatal(err)
	}
	for _, k := range keys {
		if d, err := p.rc.PTTL(ctx, k).Result(); err == nil && d > 0 {
			return true
		}
	}
	return false
}

func privacyKeyBack(p *privacyRun) {
	_ = p.clients["b"].Close()
	<-p.clients["b"].Done()
	var back *client.Client
	mustWait(p.t, 10*time.Second, "b's pseudonym free again", func() bool {
		c, err := tryDial(p.nodes["n0"].Instance, client.Options{Pseudonym: p.bname, ProgressKey: p.key, EventBuffer: 4096})
		if closeCode(err) == protocol.ClosePseudoTaken {
			return false
		}
		if err != nil {
			p.t.Fatal(err)
		}
		back = c
		return true
	})
	p.t.Cleanup(func() { _ = back.Close() })
	p.clients["b"], p.logs["b"] = back, collect(p.t, back)
	waitEv(p.t, p.logs["b"], 0, "b's progress back", func(e protocol.Progress) bool { return e.Full && e.Points > 0 })
}

func privacyErase(p *privacyRun) {
	c := p.clients["b"]
	if _, err := c.Erase(); err != nil {
		p.t.Fatal(err)
	}
	<-c.Done()
	if closeCode(c.Err()) != protocol.CloseErased {
		p.t.Fatalf("erase closed with %v", c.Err())
	}
}

func privacyDeath(p *privacyRun) {
	p.nodes["n2"].die()
	<-p.clients["c"].Done()
	mustWait(p.t, 20*time.Second, "n2 evicted", func() bool {
		n, err := p.rc.Exists(context.Background(), p.prefix+":evicted:n2").Result()
		return err == nil && n == 1
	})
}

func privacyDrain(p *privacyRun) {
	p.nodes["n1"].Stop()
	mustWait(p.t, 10*time.Second, "n1's heartbeat gone", func() bool {
		n, err := p.rc.Exists(context.Background(), p.prefix+":node:n1").Result()
		return err == nil && n == 0
	})
}

// keyRule is one row of docs/PRIVACY.md's key table.
type keyRule struct {
	pattern string         // as written: "<p>:p:{<id>}"
	re      *regexp.Regexp // the pattern for the test's prefix
	ttl     string         // the TTL rule: "none or ≤ resume window"
}

// privacyRules reads the key table of docs/PRIVACY.md, between its
// "<!-- keys" and "<!-- /keys -->" markers: the first code span of a row
// is the key pattern (<p> the prefix, <x> one part without ":"), the code
// span of the fifth column the TTL rule.
func privacyRules(t *testing.T, prefix string) []keyRule {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "docs", "PRIVACY.md"))
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	start, end := strings.Index(doc, "<!-- keys"), strings.Index(doc, "<!-- /keys -->")
	if start < 0 || end < start {
		t.Fatal("docs/PRIVACY.md has no <!-- keys --> table")
	}
	code := regexp.MustCompile("`([^`]+)`")
	part := regexp.MustCompile(`<[^>]+>`)
	var rules []keyRule
	for line := range strings.SplitSeq(doc[start:end], "\n") {
		cols := strings.Split(line, "|")
		if len(cols) < 8 || !strings.HasPrefix(strings.TrimSpace(cols[1]), "`") {
			continue
		}
		pat := code.FindStringSubmatch(cols[1])
		ttl := code.FindStringSubmatch(cols[5])
		if pat == nil || ttl == nil {
			t.Fatalf("docs/PRIVACY.md: row %q has no key or no TTL rule in code", line)
		}
		if !strings.HasPrefix(pat[1], "<p>:") {
			t.Fatalf("docs/PRIVACY.md: key %s does not start with the prefix <p>:", pat[1])
		}
		var re strings.Builder
		re.WriteString("^" + regexp.QuoteMeta(prefix))
		rest := strings.TrimPrefix(pat[1], "<p>")
		for rest != "" {
			loc := part.FindStringIndex(rest)
			if loc == nil {
				re.WriteString(regexp.QuoteMeta(rest))
				break
			}
			re.WriteString(regexp.QuoteMeta(rest[:loc[0]]) + "[^:]+")
			rest = rest[loc[1]:]
		}
		re.WriteString("$")
		if _, err := ttlAllows(ttl[1], nil, time.Second); err != nil && !strings.Contains(err.Error(), "unknown") {
			t.Fatalf("docs/PRIVACY.md: TTL rule of %s: %v", pat[1], err)
		}
		rules = append(rules, keyRule{pattern: pat[1], re: regexp.MustCompile(re.String()), ttl: ttl[1]})
	}
	if len(rules) < 10 {
		t.Fatalf("docs/PRIVACY.md: only %d key rows read", len(rules))
	}
	return rules
}

// ttlAllows says whether a key's PTTL (-1: no expiry) satisfies a TTL
// rule: alternatives joined by " or ", each "none" or "≤ x", x a duration
// ("1 h", "3 s"), a name of env, or "k × name".
func ttlAllows(rule string, env map[string]time.Duration, pttl time.Duration) (bool, error) {
	for alt := range strings.SplitSeq(rule, " or ") {
		alt = strings.TrimSpace(alt)
		if alt == "none" {
			if pttl < 0 {
				return true, nil
			}
			continue
		}
		bound, ok := strings.CutPrefix(alt, "≤ ")
		if !ok {
			return false, fmt.Errorf("%q is neither none nor ≤ x", alt)
		}
		max, err := ttlBound(bound, env)
		if err != nil {
			return false, err
		}
		// A second of slack: a key written with the bound as its TTL is
		// read a little later, or set by Redis's clock a little ahead.
		if pttl > 0 && pttl <= max+time.Second {
			return true, nil
		}
	}
	return false, nil
}

func ttlBound(s string, env map[string]time.Duration) (time.Duration, error) {
	mult := 1.0
	if k, rest, ok := strings.Cut(s, " × "); ok {
		f, err := strconv.ParseFloat(k, 64)
		if err != nil {
			return 0, fmt.Errorf("%q: bad factor", s)
		}
		mult, s = f, rest
	}
	if d, ok := env[s]; ok {
		return time.Duration(mult * float64(d)), nil
	}
	if n, unit, ok := strings.Cut(s, " "); ok {
		f, err := strconv.ParseFloat(n, 64)
		units := map[string]time.Duration{"ms": time.Millisecond, "s": time.Second, "min": time.Minute, "h": time.Hour, "d": 24 * time.Hour}
		if u, known := units[unit]; known && err == nil {
			return time.Duration(mult * f * float64(u)), nil
		}
	}
	if env == nil {
		return 0, fmt.Errorf("unknown name %q", s)
	}
	return 0, fmt.Errorf("%q is no duration and no name of %v", s, slices.Sorted(maps.Keys(env)))
}

// ruleOf returns the one rule a key matches, or reports the key and
// returns nil.
func (p *privacyRun) ruleOf(key string) *keyRule {
	var hit *keyRule
	for i := range p.rules {
		if p.rules[i].re.MatchString(key) {
			if hit != nil {
				p.t.Errorf("key %s matches two rows of docs/PRIVACY.md: %s and %s", key, hit.pattern, p.rules[i].pattern)
				return nil
			}
			hit = &p.rules[i]
		}
	}
	if hit == nil {
		p.t.Errorf("key %s (after step %q) matches no row of docs/PRIVACY.md: document it", key, p.step)
	}
	return hit
}

// scan reads every key with its TTL and checks each against its rule.
func (p *privacyRun) scan() {
	p.t.Helper()
	ctx := context.Background()
	if p.scanned == nil {
		p.scanned = map[string]int{}
	}
	iter := p.rc.Scan(ctx, 0, "*", 1000).Iterator()
	for iter.Next(ctx) {
		k := iter.Val()
		r := p.ruleOf(k)
		if r == nil {
			continue
		}
		pttl, err := p.rc.PTTL(ctx, k).Result()
		if err != nil || pttl == -2 { // gone since the SCAN (go-redis gives -1 and -2 as such)
			continue
		}
		p.scanned[r.pattern]++
		ok, err := ttlAllows(r.ttl, p.env, pttl)
		if err != nil {
			p.t.Fatalf("TTL rule of %s: %v", r.pattern, err)
		}
		if !ok {
			p.t.Errorf("after step %q, key %s has TTL %v; docs/PRIVACY.md says %s", p.step, k, pttl, r.ttl)
		}
	}
	if err := iter.Err(); err != nil {
		p.t.Fatal(err)
	}
}

// watch subscribes to the keyspace notifications of every key, so that a
// key written then deleted between two scans is still seen.
func (p *privacyRun) watch(ctx context.Context) {
	p.sub = p.rc.PSubscribe(ctx, "__keyspace@0__:*")
	if _, err := p.sub.Receive(ctx); err != nil { // the subscription's confirmation
		p.t.Fatal(err)
	}
	p.subDone = make(chan struct{})
	ch := p.sub.Channel(redis.WithChannelSize(10000))
	go func() {
		defer close(p.subDone)
		for m := range ch {
			k := strings.TrimPrefix(m.Channel, "__keyspace@0__:")
			p.mu.Lock()
			p.touched[k] = true
			p.mu.Unlock()
		}
	}()
}

// stopWatching ends the subscription after a last write is surely
// delivered: a key of the test's own, written after everything else.
func (p *privacyRun) stopWatching() {
	ctx := context.Background()
	mark := "privacytest:end"
	if err := p.rc.Set(ctx, mark, "1", time.Minute).Err(); err != nil {
		p.t.Fatal(err)
	}
	mustWait(p.t, 10*time.Second, "the last notification", func() bool {
		p.mu.Lock()
		defer p.mu.Unlock()
		return p.touched[mark]
	})
	_ = p.sub.Close()
	<-p.subDone
	p.mu.Lock()
	delete(p.touched, mark)
	p.mu.Unlock()
	_ = p.rc.Del(ctx, mark).Err()
}

func (p *privacyRun) keysTouched() map[string]bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return maps.Clone(p.touched)
}
