package feed

import (
	"context"
	"slices"
	"sync"

	"github.com/prometheus/client_golang/prometheus"
)

var _ Feed = (*MemoryFeed)(nil)

// Bus connects the MemoryFeeds of several nodes in one process, like one
// Redis server. It is safe for concurrent use.
type Bus struct {
	mu   sync.Mutex
	subs map[string][]*MemoryFeed // guarded by mu
	lose map[string]int           // guarded by mu: messages still to lose per channel
}

// NewBus returns an empty bus.
func NewBus() *Bus {
	return &Bus{subs: make(map[string][]*MemoryFeed), lose: make(map[string]int)}
}

// LoseNext makes the bus lose the next n messages published on channel,
// for every subscriber: a fault for tests of the sequence gap and resync.
func (b *Bus) LoseNext(channel string, n int) {
	b.mu.Lock()
	b.lose[channel] += n
	b.mu.Unlock()
}

// MemoryFeed is one node's Feed on a Bus. Publish delivers at once to the
// queues of the feeds subscribed (a copy each); a full queue drops and
// counts. Safe for concurrent use.
type MemoryFeed struct {
	bus *Bus
	q   *queue
	m   *transportMetrics

	mu     sync.Mutex
	chans  map[string]bool // guarded by mu
	closed bool            // guarded by mu
}

// NewMemory returns a feed on bus whose receive queue holds queueSize
// messages (0 means DefaultQueueSize). Its metrics go to reg (nil: none).
func NewMemory(bus *Bus, queueSize int, reg prometheus.Registerer) (*MemoryFeed, error) {
	m, err := newTransportMetrics(reg)
	if err != nil {
		return nil, err
	}
	return &MemoryFeed{bus: bus, q: newQueue(queueSize, m.queueDrops), m: m, chans: make(map[string]bool)}, nil
}

// Publish implements Feed.
func (f *MemoryFeed) Publish(_ context.Context, msgs []Message) error {
	if f.isClosed() {
		return ErrClosed
	}
	b := f.bus
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, m := range msgs {
		f.m.pubMsgs.Inc()
		f.m.pubBytes.Add(float64(len(m.Data)))
		if n := b.lose[m.Channel]; n > 0 {
			b.lose[m.Channel] = n - 1
			continue
		}
		for _, to := range b.subs[m.Channel] {
			to.m.recvMsgs.Inc()
			to.m.recvBytes.Add(float64(len(m.Data)))
			to.q.push(Message{Channel: m.Channel, Data: slices.Clone(m.Data)})
		}
	}
	return nil
}

// Subscribe implements Feed.
func (f *MemoryFeed) Subscribe(_ context.Context, channels ...string) error {
	return f.change(channels, true)
}

// Unsubscribe implements Feed.
func (f *MemoryFeed) Unsubscribe(_ context.Context, channels ...string) error {
	return f.change(channels, false)
}

func (f *MemoryFeed) change(channels []string, on bool) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.closed {
		return ErrClosed
	}
	b := f.bus
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, ch := range channels {
		if f.chans[ch] == on {
			continue
		}
		if on {
			f.chans[ch] = true
			b.subs[ch] = append(b.subs[ch], f)
		} else {
			delete(f.chans, ch)
			b.subs[ch] = slices.DeleteFunc(b.subs[ch], func(x *MemoryFeed) bool { return x == f })
		}
	}
	f.m.subscriptions.Set(float64(len(f.chans)))
	return nil
}

// Drain implements Feed.
func (f *MemoryFeed) Drain(dst []Message) []Message { return f.q.drain(dst) }

// Close implements Feed: it unsubscribes everything.
func (f *MemoryFeed) Close() error {
	f.mu.Lock()
	chans := make([]string, 0, len(f.chans))
	for ch := range f.chans {
		chans = append(chans, ch)
	}
	f.mu.Unlock()
	_ = f.change(chans, false)
	f.mu.Lock()
	f.closed = true
	f.mu.Unlock()
	return nil
}

func (f *MemoryFeed) isClosed() bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.closed
}
