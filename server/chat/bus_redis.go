package chat

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/redis/go-redis/v9"
)

var _ Bus = (*RedisBus)(nil)

// RedisBusConfig tunes a RedisBus.
type RedisBusConfig struct {
	Prefix    string // the channel is <Prefix>:chat; zero means "fair"
	Node      uint64 // this node's id (records it published come back and are skipped); required
	QueueSize int    // records received and not drained yet; zero means 4096
}

// RedisBus is a Bus over one Redis pub/sub channel (on a Cluster, sharded
// pub/sub: SPUBLISH and SSUBSCRIBE). Its reader goroutine receives with
// Receive's loop into the bounded queue (never PubSub.Channel, whose full
// buffer would block the subscription) and reconnects with a backoff;
// what is published while it is away is lost (the nodes read mutes, bans
// and class settings from the store again every 10 s). Safe for
// concurrent use.
type RedisBus struct {
	c       redis.UniversalClient
	cluster bool
	channel string
	node    uint64
	q       *queue
	log     *slog.Logger
	m       busMetrics
	ps      *redis.PubSub
	subbed  chan struct{} // closed when the subscription is first taken
	cancel  context.CancelFunc
	wg      sync.WaitGroup
	once    sync.Once
}

type busMetrics struct {
	published, received prometheus.Counter
	drops               *prometheus.CounterVec
	errors              *prometheus.CounterVec
}

// NewRedisBus subscribes to the fair's chat channel over c (the caller
// closes c after the bus); metrics go to reg (nil: none), logs to log.
func NewRedisBus(c redis.UniversalClient, cfg RedisBusConfig, reg prometheus.Registerer, log *slog.Logger) (*RedisBus, error) {
	if c == nil {
		return nil, errors.New("chat: nil redis client")
	}
	if cfg.Node == 0 {
		return nil, errors.New("chat: bus without a node id")
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	m := busMetrics{
		published: prometheus.NewCounter(prometheus.CounterOpts{Namespace: "fair", Subsystem: "chat", Name: "bus_published_total",
			Help: "Chat records this node published to the other nodes."}),
		received: prometheus.NewCounter(prometheus.CounterOpts{Namespace: "fair", Subsystem: "chat", Name: "bus_received_total",
			Help: "Chat records received from the other nodes."}),
		drops: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: "fair", Subsystem: "chat", Name: "bus_drops_total",
			Help: "Chat records received and dropped, by reason (queue_full: the hub did not drain them in time; malformed)."}, []string{"reason"}),
		errors: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: "fair", Subsystem: "chat", Name: "bus_errors_total",
			Help: "Chat bus transport errors by operation (publish, receive)."}, []string{"op"}),
	}
	if reg != nil {
		for _, col := range []prometheus.Collector{m.published, m.received, m.drops, m.errors} {
			if err := reg.Register(col); err != nil {
				return nil, fmt.Errorf("chat: registering metrics: %w", err)
			}
		}
	}
	b := &RedisBus{c: c, channel: cmp.Or(cfg.Prefix, "fair") + ":chat", node: cfg.Node, log: log, m: m, subbed: make(chan struct{})}
	full := m.drops.WithLabelValues("queue_full")
	b.q = &queue{max: cmp.Or(cfg.QueueSize, 4096), drop: full.Inc}
	ctx, cancel := context.WithCancel(context.Background())
	b.cancel = cancel
	if cc, ok := c.(*redis.ClusterClient); ok {
		b.cluster = true
		b.ps = cc.SSubscribe(ctx, b.channel)
	} else {
		b.ps = c.Subscribe(ctx, b.channel)
	}
	b.wg.Add(1)
	go b.read(ctx)
	return b, nil
}

// Publish implements Bus: one pipeline for the batch.
func (b *RedisBus) Publish(ctx context.Context, recs []Record) error {
	if len(recs) == 0 {
		return nil
	}
	pipe := b.c.Pipeline()
	for i := range recs {
		recs[i].Node = b.node
		data, err := json.Marshal(&recs[i])
		if err != nil {
			return fmt.Errorf("chat: encoding a record: %w", err)
		}
		if b.cluster {
			pipe.SPublish(ctx, b.channel, data)
		} else {
			pipe.Publish(ctx, b.channel, data)
		}
	}
	if _, err := pipe.Exec(ctx); err != nil {
		b.m.errors.WithLabelValues("publish").Inc()
		return fmt.Errorf("chat: publishing %d records: %w", len(recs), err)
	}
	b.m.published.Add(float64(len(recs)))
	return nil
}

func (b *RedisBus) read(ctx context.Context) {
	defer b.wg.Done()
	const minBackoff, maxBackoff = 50 * time.Millisecond, time.Second
	backoff := minBackoff
	subbed := false
	for {
		msg, err := b.ps.Receive(ctx)
		if err != nil {
			if ctx.Err() != nil || errors.Is(err, redis.ErrClosed) {
				return
			}
			b.m.errors.WithLabelValues("receive").Inc()
			select {
			case <-ctx.Done():
				return
			case <-time.After(backoff):
			}
			backoff = min(2*backoff, maxBackoff)
			continue
		}
		backoff = minBackoff
		if _, ok := msg.(*redis.Subscription); ok && !subbed {
			subbed = true
			close(b.subbed)
		}
		m, ok := msg.(*redis.Message)
		if !ok {
			continue
		}
		var r Record
		if err := json.Unmarshal([]byte(m.Payload), &r); err != nil {
			b.m.drops.WithLabelValues("malformed").Inc()
			continue
		}
		if r.Node == b.node {
			continue // our own
		}
		b.m.received.Inc()
		b.q.push(r)
	}
}

// Drain implements Bus.
func (b *RedisBus) Drain(dst []Record) []Record { return b.q.drain(dst) }

// Ready waits until the subscription is taken: what is published from
// then on is received.
func (b *RedisBus) Ready(ctx context.Context) error {
	select {
	case <-b.subbed:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Close implements Bus: it ends the subscription and waits for the reader.
// Calling it twice is safe.
func (b *RedisBus) Close() error {
	var err error
	b.once.Do(func() {
		b.cancel()
		if e := b.ps.Close(); e != nil && !errors.Is(e, redis.ErrClosed) {
			err = e
		}
		b.wg.Wait()
	})
	return err
}
