package server

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net/netip"
	"syscall"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/usine-extraordinaire/fairworld/server/admit"
	"github.com/usine-extraordinaire/fairworld/server/feed"
	"github.com/usine-extraordinaire/fairworld/server/presence"
	"github.com/usine-extraordinaire/fairworld/server/progress"
	"github.com/usine-extraordinaire/fairworld/world"
	"github.com/usine-extraordinaire/fairworld/world/content"
	"github.com/usine-extraordinaire/fairworld/world/zone"
)

// Config configures a Server. Zero values mean the documented defaults.
type Config struct {
	Zone *zone.Zone // required
	// Contents are what the hotspots show, checked against Zone (the one
	// source of truth for texts and media, served at /media/); nil means
	// the embedded default contents, which fit only the default zone.
	Contents *content.Set
	Page     fs.FS  // the built web page served at /; nil serves a notice
	Build    string // build id sent in WELCOME; zero means "dev"

	// Progress keeps the visitors' points, badges, keys, leaderboards and
	// share links; nil means a progress.MemoryStore (one node: progress
	// lives in this process, for ProgressConfig.Retention). The server
	// runs its Run.
	Progress progress.Store
	// ProgressConfig tunes how points are earned; zero values are the
	// documented defaults.
	ProgressConfig ProgressConfig
	// Chat configures the chat (chat_config.go).
	Chat ChatConfig
	// Classes configures staff sign-in and classes (class_config.go).
	Classes ClassConfig
	// PublicURL is the fair's public address (https://fair.example.org),
	// for the absolute og:image of share pages; zero means the address
	// the request came to.
	PublicURL string

	World world.Config

	// NodeID names this node in logs, feed records and presence keys: 1-64
	// of [A-Za-z0-9._-]. Zero means a random one (8 hex digits).
	NodeID string
	// Presence keeps pseudonyms, sessions and the online count; nil means
	// a presence.MemoryStore (one node: sessions live in this process).
	// The server runs its Run; the caller closes what it gave.
	Presence presence.Store
	// Feed connects this node to the other nodes of the fair (the cell
	// feed, docs/ARCHITECTURE.md); nil means none (a single node). The
	// server runs its synchroniser; the caller closes the feed after Serve.
	Feed feed.Feed
	// FeedConfig tunes the feed's synchroniser; its Channels, Node and
	// TickRate are the server's. Zero values are feed's defaults.
	FeedConfig feed.SyncConfig

	// MaxConns is the admission limit; zero derives it from the open-file
	// limit (soft RLIMIT_NOFILE minus 256 for listeners, files and Redis).
	MaxConns int
	// JoinRate is how many new sessions per second are admitted, for all
	// clients together (a whole school shares one address); zero means 200.
	JoinRate float64
	// JoinBurst is the burst above JoinRate; zero means 2 s worth of JoinRate.
	JoinBurst int
	// JoinLimiter, when set, applies JoinRate fair-wide instead of on this
	// node alone (RedisBackends.Configure sets one: server/admit); nil
	// means a limiter of this node at JoinRate and JoinBurst.
	JoinLimiter admit.Limiter
	// TestRoles is for tests only, never for a server pupils use: a HELLO
	// pseudonym prefixed "pro:" or "prof:" then joins as a professional or a
	// teacher (see testroles.go). New logs a warning when it is on. Zero
	// (false) means every visitor joins as a visitor.
	TestRoles bool
	// ResumeRate is how many resumes (HELLO with a token) per second are
	// admitted, outside JoinRate: a drained node's visitors all come back
	// at once. Zero means 2000.
	ResumeRate float64
	// ResumeBurst is the burst above ResumeRate; zero means 2 s worth.
	ResumeBurst int
	// ResumeWindow is how long a dropped session can be resumed; zero
	// means 60 s. It configures the default MemoryStore (a given Presence
	// has its own).
	ResumeWindow time.Duration
	// HelloTimeout bounds the wait for HELLO (awake time: the server's own
	// delays do not count); zero means 10 s.
	HelloTimeout time.Duration
	// JoinTimeout bounds the time from HELLO to the join taken by the hub,
	// presence included (wall-clock time: the client must get an answer);
	// beyond, the connection is closed with 4003. Zero means 5 s.
	JoinTimeout time.Duration
	// WriteTimeout closes a client whose socket accepts nothing for this long
	// (awake time, and only while bytes wait unsent); zero means 5 s.
	WriteTimeout time.Duration
	// MaxPendingEvents bounds a client's undroppable backlog (enters, leaves,
	// events) before it is closed as a slow consumer; zero means 4096.
	MaxPendingEvents int
	// PingInterval: connections from which no byte was read for this long
	// (awake time) are pinged; zero means 20 s.
	PingInterval time.Duration
	// PingTimeout: a connection silent for PingInterval+PingTimeout (awake
	// time), with nothing waiting unread in its socket, is closed with 4013;
	// zero means 10 s.
	PingTimeout time.Duration
	// InputRate and InputBurst limit each connection's messages; zero means 40/s and 80.
	InputRate  float64
	InputBurst int
	// AllowedOrigins are host patterns (path.Match syntax) allowed in the
	// Origin header besides the request's own host; empty means same host only.
	AllowedOrigins []string
	// TrustedProxies are the reverse proxies (TLS terminated there) whose
	// X-Forwarded-Host is believed for the Origin check, so that the page's
	// public host matches even when the proxy rewrites Host. Client
	// addresses (X-Forwarded-For) are never needed: limits are global and
	// no address is logged or stored. Empty trusts no one.
	TrustedProxies []netip.Prefix
	// InboxSize bounds the hub's command queue and the path queue; zero means 8192.
	InboxSize int
	// PathWorkers compute GOTO paths, each on at most one core; zero means 1
	// (path finding takes at most one core, whatever the load: see paths.go).
	PathWorkers int
	// DrainDelay is how long the server fails /readyz before it starts
	// closing its clients at shutdown, so that a load balancer stops
	// sending it visitors first; zero means none.
	DrainDelay time.Duration
	// DrainSpread spreads the shutdown's 1012 closes evenly over this
	// long, so that the visitors' resumes do not reach the other nodes all
	// at once; zero closes every client at once.
	DrainSpread time.Duration
	// DrainTimeout bounds the wait for the clients after the last close;
	// zero means 10 s.
	DrainTimeout time.Duration
	// SendBuffer is each connection's kernel send buffer (SO_SNDBUF) in bytes:
	// small, so a client that stops reading is detected within WriteTimeout
	// and cannot pin megabytes of kernel memory; zero means 32 KiB.
	SendBuffer int

	Logger     *slog.Logger          // nil discards logs
	Registerer prometheus.Registerer // nil: a private registry (see Gatherer)
	Gatherer   prometheus.Gatherer   // what /metrics serves; nil with a nil Registerer: the private registry
	// Now is the clock of the default MemoryStore's resume window and token
	// grace; nil means time.Now.
	Now func() time.Time
}

func (c *Config) setDefaults() error {
	if c.Zone == nil {
		return errors.New("server: Config.Zone is required")
	}
	if c.Build == "" {
		c.Build = "dev"
	}
	if c.NodeID == "" {
		var b [4]byte
		_, _ = rand.Read(b[:]) // never fails (crypto/rand documents it)
		c.NodeID = hex.EncodeToString(b[:])
	}
	if !validNodeID(c.NodeID) {
		return fmt.Errorf("server: NodeID %q: want 1-64 of A-Z a-z 0-9 . _ -", c.NodeID)
	}
	// c.World (the tick rate among it) is validated by world.New: one rule.
	if c.MaxConns == 0 {
		c.MaxConns = connLimitFromRlimit()
	}
	if c.MaxConns < 1 {
		return fmt.Errorf("server: MaxConns %d must be positive", c.MaxConns)
	}
	def := func(v *float64, d float64) {
		if *v == 0 {
			*v = d
		}
	}
	defInt := func(v *int, d int) {
		if *v == 0 {
			*v = d
		}
	}
	defDur := func(v *time.Duration, d time.Duration) {
		if *v == 0 {
			*v = d
		}
	}
	def(&c.JoinRate, 200)
	defInt(&c.JoinBurst, int(2*c.JoinRate))
	def(&c.ResumeRate, 2000)
	defInt(&c.ResumeBurst, int(2*c.ResumeRate))
	defDur(&c.ResumeWindow, presence.DefaultResumeWindow)
	defDur(&c.HelloTimeout, 10*time.Second)
	defDur(&c.JoinTimeout, 5*time.Second)
	defDur(&c.WriteTimeout, 5*time.Second)
	defInt(&c.MaxPendingEvents, 4096)
	defDur(&c.PingInterval, 20*time.Second)
	defDur(&c.PingTimeout, 10*time.Second)
	def(&c.InputRate, 40)
	defInt(&c.InputBurst, 80)
	defInt(&c.InboxSize, 8192)
	defInt(&c.PathWorkers, 1)
	defDur(&c.DrainTimeout, 10*time.Second)
	defInt(&c.SendBuffer, 32<<10)
	if c.JoinRate < 0 || c.JoinBurst < 1 || c.ResumeRate < 0 || c.ResumeBurst < 1 || c.InputRate < 0 || c.InputBurst < 1 {
		return errors.New("server: rates must be positive")
	}
	if c.PathWorkers < 1 {
		return fmt.Errorf("server: PathWorkers %d must be positive", c.PathWorkers)
	}
	if c.DrainDelay < 0 || c.DrainSpread < 0 {
		return errors.New("server: negative DrainDelay or DrainSpread")
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if c.Registerer == nil {
		reg := prometheus.NewRegistry()
		c.Registerer = reg
		if c.Gatherer == nil {
			c.Gatherer = reg
		}
	}
	if c.Gatherer == nil {
		c.Gatherer = prometheus.NewRegistry()
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Contents == nil {
		set, err := content.Default(c.Zone)
		if err != nil {
			return fmt.Errorf("server: Config.Contents is nil and the default contents do not fit the zone (give the zone's own contents): %w", err)
		}
		c.Contents = set
	}
	if err := c.ProgressConfig.setDefaults(); err != nil {
		return err
	}
	if c.Progress == nil {
		c.Progress = progress.NewMemory(progress.MemoryConfig{Retention: c.ProgressConfig.Retention, Now: c.Now})
	}
	if err := c.Chat.setDefaults(); err != nil {
		return err
	}
	return c.Classes.setDefaults(c.Now)
}

// ProgressConfig says how points are earned (docs/PROTOCOL.md §5,
// "Points"). Zero values mean the defaults.
type ProgressConfig struct {
	// Retention is how long the default MemoryStore keeps progress after
	// a visitor's last change; zero means 45 days. (A given Progress
	// store has its own.)
	Retention time.Duration
	// ReadingScale multiplies every content's reading time and answer
	// gap, for tests (0.01 makes a 20 s reading 200 ms); zero means 1.
	// Never below 1 for a real fair: it is what keeps a script to a
	// reader's pace.
	ReadingScale float64
	// AnswerGap is the least time between opening a quiz (or answering
	// one of its questions) and an answer; zero means 2 s.
	AnswerGap time.Duration
	// OpenRate and OpenBurst limit one visitor's openings of contents;
	// zero means 1 a second, bursts of 5. Beyond: ERROR too_fast.
	OpenRate  float64
	OpenBurst int
	// RequestRate and RequestBurst limit one visitor's GET_PROGRESS,
	// GET_LEADERBOARD, SHARE and UNSHARE; zero means 1 a second, bursts
	// of 5.
	RequestRate  float64
	RequestBurst int
	// WrongKeyRate and WrongKeyBurst limit the wrong progress keys this
	// node accepts to check, for everyone together; zero means 10 a
	// second, bursts of 50.
	WrongKeyRate  float64
	WrongKeyBurst int
	// Workers answer leaderboard, share and erase requests (they wait on
	// the store); zero means 2, with a queue of WorkQueue (zero: 1024).
	Workers   int
	WorkQueue int
}

func (p *ProgressConfig) setDefaults() error {
	if p.Retention == 0 {
		p.Retention = progress.DefaultRetention
	}
	if p.ReadingScale == 0 {
		p.ReadingScale = 1
	}
	if p.AnswerGap == 0 {
		p.AnswerGap = 2 * time.Second
	}
	if p.OpenRate == 0 {
		p.OpenRate = 1
	}
	if p.OpenBurst == 0 {
		p.OpenBurst = 5
	}
	if p.RequestRate == 0 {
		p.RequestRate = 1
	}
	if p.RequestBurst == 0 {
		p.RequestBurst = 5
	}
	if p.WrongKeyRate == 0 {
		p.WrongKeyRate = 10
	}
	if p.WrongKeyBurst == 0 {
		p.WrongKeyBurst = 50
	}
	if p.Workers == 0 {
		p.Workers = 2
	}
	if p.WorkQueue == 0 {
		p.WorkQueue = 1024
	}
	if p.Retention < time.Minute || !(p.ReadingScale > 0) || p.AnswerGap < 0 || p.OpenRate < 0 || p.OpenBurst < 1 ||
		p.RequestRate < 0 || p.RequestBurst < 1 || p.WrongKeyRate < 0 || p.WrongKeyBurst < 1 || p.Workers < 1 || p.WorkQueue < 1 {
		return errors.New("server: ProgressConfig: a retention under a minute, or a rate, burst, scale or worker count out of range")
	}
	return nil
}

func validNodeID(n string) bool {
	if n == "" || len(n) > 64 {
		return false
	}
	for _, r := range n {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.') {
			return false
		}
	}
	return true
}

// connLimitFromRlimit leaves 256 descriptors for listeners, files and Redis.
func connLimitFromRlimit() int {
	var rl syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &rl); err != nil || rl.Cur > 1<<24 {
		return 10000
	}
	return max(int(rl.Cur)-256, 16)
}
