package feed

import (
	"context"
	"errors"
	"strings"
	"sync"

	"github.com/prometheus/client_golang/prometheus"
)

// Feed is the transport of the cell feed. Implementations: MemoryFeed
// (one process), RedisFeed (Redis pub/sub, one server or a Cluster).
//
// Publish, Subscribe and Unsubscribe may block on the network and are
// called from Sync's own goroutines, never from the hub's. Drain never
// blocks. All methods are safe for concurrent use.
type Feed interface {
	// Publish sends each message to its channel, in one round trip where
	// the transport allows (a Redis pipeline). The feed does not keep
	// msgs or their Data after it returns.
	Publish(ctx context.Context, msgs []Message) error
	// Subscribe adds channels: messages published to them from then on
	// reach the queue. A transport that reconnects keeps its
	// subscriptions, and resubscribes them, whatever Subscribe returned.
	Subscribe(ctx context.Context, channels ...string) error
	// Unsubscribe removes channels.
	Unsubscribe(ctx context.Context, channels ...string) error
	// Drain appends the messages waiting in the feed's bounded queue to
	// dst, oldest first, and returns it. A message that finds the queue
	// full is dropped and counted (fair_feed_queue_drops_total).
	Drain(dst []Message) []Message
	// Close releases the feed's connections; calling it twice is safe.
	Close() error
}

// Message is one batch on one channel. Data is the encoded Record.
type Message struct {
	Channel string
	Data    []byte
}

// ErrClosed is returned by a closed feed.
var ErrClosed = errors.New("feed: closed")

// DefaultQueueSize is the received messages a feed queues when its config
// says 0: at 20 Hz with 100 channels subscribed, a second of backlog.
const DefaultQueueSize = 2048

// queue is a feed's bounded queue of received messages.
type queue struct {
	mu    sync.Mutex
	buf   []Message // guarded by mu
	max   int
	drops prometheus.Counter
}

func newQueue(n int, drops prometheus.Counter) *queue {
	if n <= 0 {
		n = DefaultQueueSize
	}
	return &queue{buf: make([]Message, 0, n), max: n, drops: drops}
}

// push adds m unless the queue is full; it never blocks.
func (q *queue) push(m Message) bool {
	q.mu.Lock()
	ok := len(q.buf) < q.max
	if ok {
		q.buf = append(q.buf, m)
	}
	q.mu.Unlock()
	if !ok {
		q.drops.Inc()
	}
	return ok
}

func (q *queue) drain(dst []Message) []Message {
	q.mu.Lock()
	dst = append(dst, q.buf...)
	clear(q.buf)
	q.buf = q.buf[:0]
	q.mu.Unlock()
	return dst
}

// hashTag returns the part of a channel name that Redis Cluster hashes:
// the content of the first {...} when not empty, else the whole name.
// Channels with one tag share a slot, so one SSUBSCRIBE can hold them.
func hashTag(name string) string {
	if i := strings.IndexByte(name, '{'); i >= 0 {
		if j := strings.IndexByte(name[i+1:], '}'); j > 0 {
			return name[i+1 : i+1+j]
		}
	}
	return name
}

// transportMetrics are the counters every Feed implementation keeps.
type transportMetrics struct {
	pubMsgs, pubBytes   prometheus.Counter
	recvMsgs, recvBytes prometheus.Counter
	queueDropsVec       *prometheus.CounterVec
	queueDrops          prometheus.Counter
	errors              *prometheus.CounterVec
	subscriptions       prometheus.Gauge
}

func newTransportMetrics(reg prometheus.Registerer) (*transportMetrics, error) {
	c := func(name, help string) prometheus.Counter {
		return prometheus.NewCounter(prometheus.CounterOpts{Namespace: "fair", Subsystem: "feed", Name: name, Help: help})
	}
	m := &transportMetrics{
		pubMsgs:   c("published_messages_total", "Feed messages (one batch of one channel) published by this node."),
		pubBytes:  c("published_bytes_total", "Bytes of feed messages published by this node."),
		recvMsgs:  c("received_messages_total", "Feed messages received by this node's subscriptions."),
		recvBytes: c("received_bytes_total", "Bytes of feed messages received."),
		queueDropsVec: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "fair", Subsystem: "feed", Name: "queue_drops_total",
			Help: "Received feed messages dropped by the transport, by reason (queue_full: the node's receive queue was full); each shows as a sequence gap, then a resync.",
		}, []string{"reason"}),
		errors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "fair", Subsystem: "feed", Name: "transport_errors_total",
			Help: "Feed transport errors by operation (publish, subscribe, unsubscribe, receive).",
		}, []string{"op"}),
		subscriptions: prometheus.NewGauge(prometheus.GaugeOpts{
			Namespace: "fair", Subsystem: "feed", Name: "subscriptions", Help: "Feed channels this node is subscribed to.",
		}),
	}
	m.queueDrops = m.queueDropsVec.WithLabelValues("queue_full")
	if reg == nil {
		return m, nil
	}
	for _, col := range []prometheus.Collector{m.pubMsgs, m.pubBytes, m.recvMsgs, m.recvBytes, m.queueDropsVec, m.errors, m.subscriptions} {
		if err := reg.Register(col); err != nil {
			return nil, err
		}
	}
	return m, nil
}
