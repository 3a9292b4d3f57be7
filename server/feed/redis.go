package feed

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"
)

var _ Feed = (*RedisFeed)(nil)

// NewRedisClient returns a go-redis client for a URL:
//
//	redis://[user:password@]host:port[/db]          one server over TCP
//	rediss://…                                       the same over TLS
//	unix:///path/to/redis.sock[?db=N&password=…]     one server over a unix socket
//	redis+cluster://[user:password@]h1:p1,h2:p2,…    a Redis Cluster (any of its nodes; the rest are discovered)
//	rediss+cluster://…                               a Cluster over TLS
//
// Query parameters are go-redis's (dial_timeout=2s, pool_size=20, …).
// Unless the URL says otherwise, commands are not retried (a record is
// published again at the next tick anyway), dials time out after 1 s, and
// contexts' deadlines bound every command. The caller closes the client.
func NewRedisClient(rawURL string) (redis.UniversalClient, error) {
	scheme, rest, ok := strings.Cut(rawURL, "://")
	if !ok {
		return nil, fmt.Errorf("feed: redis URL %q has no scheme", rawURL)
	}
	switch scheme {
	case "redis", "rediss", "unix":
		opt, err := redis.ParseURL(rawURL)
		if err != nil {
			return nil, fmt.Errorf("feed: redis URL: %w", err)
		}
		q := queryOf(rest)
		if !q.Has("max_retries") {
			opt.MaxRetries = -1
		}
		if !q.Has("dial_timeout") {
			opt.DialTimeout = time.Second
		}
		opt.ContextTimeoutEnabled = true
		return redis.NewClient(opt), nil
	case "redis+cluster", "rediss+cluster":
		// go-redis's form: the first address in the host, the others as addr=.
		auth, hostsAndPath, hasAuth := strings.Cut(rest, "@")
		if !hasAuth {
			auth, hostsAndPath = "", rest
		}
		hosts, query, _ := strings.Cut(hostsAndPath, "?")
		hosts = strings.TrimSuffix(hosts, "/")
		addrs := strings.Split(hosts, ",")
		if len(addrs) == 0 || addrs[0] == "" {
			return nil, fmt.Errorf("feed: redis cluster URL %q has no address", rawURL)
		}
		u := strings.TrimSuffix(scheme, "+cluster") + "://"
		if hasAuth {
			u += auth + "@"
		}
		u += addrs[0] + "?" + query
		for _, a := range addrs[1:] {
			u += "&addr=" + url.QueryEscape(a)
		}
		opt, err := redis.ParseClusterURL(u)
		if err != nil {
			return nil, fmt.Errorf("feed: redis cluster URL: %w", err)
		}
		q, _ := url.ParseQuery(query)
		if !q.Has("max_retries") {
			opt.MaxRetries = -1
		}
		if !q.Has("dial_timeout") {
			opt.DialTimeout = time.Second
		}
		opt.ContextTimeoutEnabled = true
		return redis.NewClusterClient(opt), nil
	}
	return nil, fmt.Errorf("feed: redis URL scheme %q: want redis, rediss, unix, redis+cluster or rediss+cluster", scheme)
}

func queryOf(rest string) url.Values {
	_, q, _ := strings.Cut(rest, "?")
	v, _ := url.ParseQuery(q)
	return v
}

// RedisConfig tunes a RedisFeed.
type RedisConfig struct {
	QueueSize int // received messages queued for Drain; zero means DefaultQueueSize
}

// RedisFeed is a Feed over Redis pub/sub. On one server it uses PUBLISH
// and one SUBSCRIBE connection. On a Cluster it uses sharded pub/sub
// (SPUBLISH, SSUBSCRIBE): one SSUBSCRIBE holds channels of one slot only,
// so channels are grouped by hash tag (ChannelName puts one in every name)
// and each group has its own connection, to the master of its slot.
//
// Every subscription connection has a reader goroutine that receives with
// ReceiveMessage's loop (never PubSub.Channel, whose full buffer blocks the
// whole subscription: go-redis issue 2267) into the bounded queue, and a
// pinger. When Redis goes away the reader retries with a backoff (50 ms to
// 1 s); go-redis reconnects and resubscribes every channel. Safe for
// concurrent use.
type RedisFeed struct {
	client  redis.UniversalClient
	cluster *redis.ClusterClient // nil on one server
	q       *queue
	m       *transportMetrics
	log     *slog.Logger
	ctx     context.Context
	cancel  context.CancelFunc
	wg      sync.WaitGroup

	mu     sync.Mutex
	groups map[string]*redis.PubSub // guarded by mu: hash tag ("" on one server) -> its connection
	chans  map[string]bool          // guarded by mu
	closed bool                     // guarded by mu
}

// NewRedis returns a feed over client (from NewRedisClient; the caller
// closes it after the feed). Metrics go to reg (nil: none), logs to log
// (nil: discarded).
func NewRedis(client redis.UniversalClient, cfg RedisConfig, reg prometheus.Registerer, log *slog.Logger) (*RedisFeed, error) {
	if client == nil {
		return nil, errors.New("feed: nil redis client")
	}
	m, err := newTransportMetrics(reg)
	if err != nil {
		return nil, err
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	cc, _ := client.(*redis.ClusterClient)
	ctx, cancel := context.WithCancel(context.Background())
	return &RedisFeed{
		client: client, cluster: cc, q: newQueue(cfg.QueueSize, m.queueDrops), m: m, log: log,
		ctx: ctx, cancel: cancel, groups: make(map[string]*redis.PubSub), chans: make(map[string]bool),
	}, nil
}

// Publish implements Feed: one pipeline for the whole batch.
func (f *RedisFeed) Publish(ctx context.Context, msgs []Message) error {
	if len(msgs) == 0 {
		return nil
	}
	pipe := f.client.Pipeline()
	n := 0
	for _, m := range msgs {
		if f.cluster != nil {
			pipe.SPublish(ctx, m.Channel, m.Data)
		} else {
			pipe.Publish(ctx, m.Channel, m.Data)
		}
		n += len(m.Data)
	}
	if _, err := pipe.Exec(ctx); err != nil {
		f.m.errors.WithLabelValues("publish").Inc()
		return fmt.Errorf("feed: publish %d messages: %w", len(msgs), err)
	}
	f.m.pubMsgs.Add(float64(len(msgs)))
	f.m.pubBytes.Add(float64(n))
	return nil
}

// Subscribe implements Feed.
func (f *RedisFeed) Subscribe(ctx context.Context, channels ...string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.closed {
		return ErrClosed
	}
	var errs []error
	for tag, chans := range f.byGroup(channels, true) {
		ps := f.groups[tag]
		fresh := ps == nil
		if fresh {
			if f.cluster != nil {
				ps = f.cluster.SSubscribe(f.ctx)
			} else {
				ps = f.client.Subscribe(f.ctx)
			}
			f.groups[tag] = ps
		}
		// go-redis records the channels even when the call fails, and
		// subscribes them again at its next connection.
		var err error
		if f.cluster != nil {
			err = ps.SSubscribe(ctx, chans...)
		} else {
			err = ps.Subscribe(ctx, chans...)
		}
		if err != nil {
			f.m.errors.WithLabelValues("subscribe").Inc()
			errs = append(errs, err)
		}
		for _, c := range chans {
			f.chans[c] = true
		}
		if fresh { // only now: a connection made before knows no slot
			f.wg.Add(2)
			go f.read(tag, ps)
			go f.ping(ps)
		}
	}
	f.m.subscriptions.Set(float64(len(f.chans)))
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("feed: subscribe: %w", err)
	}
	return nil
}

// Unsubscribe implements Feed.
func (f *RedisFeed) Unsubscribe(ctx context.Context, channels ...string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.closed {
		return ErrClosed
	}
	var errs []error
	for tag, chans := range f.byGroup(channels, false) {
		ps := f.groups[tag]
		var err error
		if f.cluster != nil {
			err = ps.SUnsubscribe(ctx, chans...)
		} else {
			err = ps.Unsubscribe(ctx, chans...)
		}
		if err != nil {
			f.m.errors.WithLabelValues("unsubscribe").Inc()
			errs = append(errs, err)
		}
		for _, c := range chans {
			delete(f.chans, c)
		}
	}
	f.m.subscriptions.Set(float64(len(f.chans)))
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("feed: unsubscribe: %w", err)
	}
	return nil
}

// byGroup groups the channels that change (not subscribed yet when on, or
// subscribed when off) by subscription connection. Called with mu held.
func (f *RedisFeed) byGroup(channels []string, on bool) map[string][]string {
	out := make(map[string][]string)
	for _, c := range channels {
		if f.chans[c] == on {
			continue
		}
		tag := ""
		if f.cluster != nil {
			tag = hashTag(c)
		}
		out[tag] = append(out[tag], c)
	}
	return out
}

// read moves the messages of one subscription connection into the queue.
func (f *RedisFeed) read(tag string, ps *redis.PubSub) {
	defer f.wg.Done()
	const minBackoff, maxBackoff = 50 * time.Millisecond, time.Second
	backoff := minBackoff
	failing := false
	for {
		msg, err := ps.Receive(f.ctx)
		if err != nil {
			if f.ctx.Err() != nil || errors.Is(err, redis.ErrClosed) {
				return
			}
			f.m.errors.WithLabelValues("receive").Inc()
			if !failing {
				failing = true
				f.log.Warn("feed subscription lost; reconnecting", "group", tag, "err", err)
			}
			select {
			case <-f.ctx.Done():
				return
			case <-time.After(backoff):
			}
			backoff = min(2*backoff, maxBackoff)
			continue
		}
		backoff = minBackoff
		switch m := msg.(type) {
		case *redis.Message:
			f.m.recvMsgs.Inc()
			f.m.recvBytes.Add(float64(len(m.Payload)))
			f.q.push(Message{Channel: m.Channel, Data: []byte(m.Payload)})
		case *redis.Subscription:
			if failing {
				failing = false
				f.log.Info("feed subscription back", "group", tag)
			}
		}
	}
}

// ping writes a PING every second on a subscription connection: a write
// that fails makes go-redis drop the connection, and the reader's next
// Receive reconnects.
func (f *RedisFeed) ping(ps *redis.PubSub) {
	defer f.wg.Done()
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		select {
		case <-f.ctx.Done():
			return
		case <-t.C:
			ctx, cancel := context.WithTimeout(f.ctx, time.Second)
			_ = ps.Ping(ctx)
			cancel()
		}
	}
}

// Drain implements Feed.
func (f *RedisFeed) Drain(dst []Message) []Message { return f.q.drain(dst) }

// Close implements Feed: it closes the subscription connections and waits
// for their goroutines. The client stays open (its owner closes it).
func (f *RedisFeed) Close() error {
	f.mu.Lock()
	if f.closed {
		f.mu.Unlock()
		return nil
	}
	f.closed = true
	f.cancel()
	var errs []error
	for _, ps := range f.groups {
		if err := ps.Close(); err != nil && !errors.Is(err, redis.ErrClosed) {
			errs = append(errs, err)
		}
	}
	f.mu.Unlock()
	f.wg.Wait()
	return errors.Join(errs...)
}
