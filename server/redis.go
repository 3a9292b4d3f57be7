package server

import (
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"

	"github.com/usine-extraordinaire/fairworld/server/admit"
	"github.com/usine-extraordinaire/fairworld/server/chat"
	"github.com/usine-extraordinaire/fairworld/server/class"
	"github.com/usine-extraordinaire/fairworld/server/feed"
	"github.com/usine-extraordinaire/fairworld/server/presence"
	"github.com/usine-extraordinaire/fairworld/server/progress"
	"github.com/usine-extraordinaire/fairworld/server/staff"
)

// RedisOptions say how a node joins a fair over Redis (what -redis sets up).
type RedisOptions struct {
	URL    string // a URL of feed.NewRedisClient: redis://, rediss://, unix://, redis+cluster://
	Node   string // the node's name, Config.NodeID; required
	Prefix string // of keys and channels; zero means "fair"

	ResumeWindow time.Duration // zero means 60 s
	HeartbeatTTL time.Duration // zero means 3 s (heartbeats every third of it)
	// Retention is how long progress is kept after a visitor's last
	// change (share links: after their creation); zero means 45 days.
	Retention time.Duration
	// ChatRetention is how long a class message is kept; zero means 24 h.
	ChatRetention time.Duration
	// ClassRetention is how long classes and memberships are kept after
	// their last change; zero means 60 days (the whole event).
	ClassRetention time.Duration

	Registerer prometheus.Registerer // the server's
	Logger     *slog.Logger
	Now        func() time.Time // presence's clock; nil means time.Now
}

// RedisBackends are a node's presence store, cell feed and progress store
// over one Redis client: give them to Config (Configure), and Close them
// after Serve returned.
type RedisBackends struct {
	Client   redis.UniversalClient
	Presence *presence.RedisStore
	Feed     *feed.RedisFeed
	Progress *progress.RedisStore
	Chat     *chat.RedisStore
	ChatBus  *chat.RedisBus
	// Classes, the class bus, the staff denylist and tickets: the fair's.
	Classes  *class.RedisStore
	ClassBus *class.RedisBus
	Denylist *staff.RedisDenylist
	Tickets  *staff.RedisTickets
	Prefix   string

	reg prometheus.Registerer
	log *slog.Logger
}

// NewRedisBackends connects nothing yet: the store and the feed connect
// when the server runs them.
func NewRedisBackends(o RedisOptions) (*RedisBackends, error) {
	if o.Prefix == "" {
		o.Prefix = "fair"
	}
	client, err := feed.NewRedisClient(o.URL)
	if err != nil {
		return nil, err
	}
	pc := presence.RedisConfig{Node: o.Node, Prefix: o.Prefix, ResumeWindow: o.ResumeWindow, Now: o.Now}
	if o.HeartbeatTTL > 0 {
		pc.HeartbeatTTL, pc.Heartbeat = o.HeartbeatTTL, o.HeartbeatTTL/3
	}
	store, err := presence.NewRedis(client, pc, o.Registerer, o.Logger)
	if err != nil {
		_ = client.Close()
		return nil, err
	}
	f, err := feed.NewRedis(client, feed.RedisConfig{}, o.Registerer, o.Logger)
	if err != nil {
		_ = client.Close()
		return nil, fmt.Errorf("server: feed: %w", err)
	}
	prog, err := progress.NewRedis(client, progress.RedisConfig{Prefix: o.Prefix, Retention: o.Retention}, o.Registerer, o.Logger)
	if err != nil {
		_ = client.Close()
		return nil, fmt.Errorf("server: progress: %w", err)
	}
	cs, err := chat.NewRedisStore(client, chat.RedisConfig{Prefix: o.Prefix, Retention: o.ChatRetention})
	if err != nil {
		_ = client.Close()
		return nil, fmt.Errorf("server: chat: %w", err)
	}
	bus, err := chat.NewRedisBus(client, chat.RedisBusConfig{Prefix: o.Prefix, Node: FeedNode(o.Node)}, o.Registerer, o.Logger)
	if err != nil {
		_ = client.Close()
		return nil, fmt.Errorf("server: chat: %w", err)
	}
	classes, err := class.NewRedis(client, class.RedisConfig{Prefix: o.Prefix, Retention: o.ClassRetention})
	if err != nil {
		_ = client.Close()
		return nil, fmt.Errorf("server: classes: %w", err)
	}
	return &RedisBackends{Client: client, Presence: store, Feed: f, Progress: prog, Chat: cs, ChatBus: bus, Prefix: o.Prefix, reg: o.Registerer, log: o.Logger,
		Classes: classes, ClassBus: class.NewRedisBus(client, o.Prefix, o.Logger),
		Denylist: staff.NewRedisDenylist(client, o.Prefix, 0), Tickets: staff.NewRedisTickets(client, o.Prefix, 0)}, nil
}

// Configure puts the backends in cfg, and a join limiter shared by the
// fair's nodes at cfg's JoinRate and JoinBurst (call it after setting
// them): the join rate holds fair-wide however many nodes there are.
func (b *RedisBackends) Configure(cfg *Config) {
	cfg.Presence, cfg.Feed, cfg.Progress = b.Presence, b.Feed, b.Progress
	cfg.Chat.Store, cfg.Chat.Bus = b.Chat, b.ChatBus
	cfg.Classes.Store, cfg.Classes.Bus, cfg.Classes.Denylist, cfg.Classes.Tickets = b.Classes, b.ClassBus, b.Denylist, b.Tickets
	cfg.FeedConfig.Prefix = b.Prefix
	// A bad rate is New's error to report; the node's own limiter then.
	if l, err := admit.NewRedis(b.Client, admit.RedisConfig{Key: b.Prefix + ":joins", PerSecond: cfg.JoinRate, Burst: cfg.JoinBurst}, b.reg, b.log); err == nil {
		cfg.JoinLimiter = l
	}
}

// Close closes the feed and the chat bus, then the client.
func (b *RedisBackends) Close() error {
	return errors.Join(b.Feed.Close(), b.ChatBus.Close(), b.Client.Close())
}
