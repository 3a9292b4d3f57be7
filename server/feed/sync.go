package feed

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/usine-extraordinaire/fairworld/world"
)

// SyncConfig tunes a Sync. Zero values take the defaults their comments
// give; every node of a fair must use the same Prefix, Groups and TickRate
// (and the same world ChannelCells and zone).
type SyncConfig struct {
	Channels int    // the world's feed channels, World.Channels(); required
	Node     uint64 // this node's id in records; zero means a random one
	Prefix   string // channel names' prefix; zero means "fair"
	Groups   int    // hash tag groups of channel names (Redis Cluster slots); zero means 16
	TickRate int    // Hz, the records' tick is unix time / (1 s / TickRate); zero means 20

	// FullEvery is how often each channel's record is full (every avatar
	// with its identity: what a new subscriber, or one that lost a record,
	// needs). Zero means 500 ms.
	FullEvery time.Duration
	// Expiry: a remote avatar that no record mentioned for this long is
	// removed (its node stopped, or the feed is cut). Zero means 1.5 s;
	// at least 2 FullEvery.
	Expiry time.Duration
	// Linger is how long a channel that no local viewer needs any more
	// stays subscribed (hysteresis). Zero means 5 s.
	Linger time.Duration
	// Margin is added to the view radius for the channels to subscribe:
	// what an avatar walks while its channel's first full record comes.
	// Zero means 8 m.
	Margin float64
	// Stale: a record whose tick is older than this is not applied (a
	// backlog delivered after a Redis pause). Zero means 2 s.
	Stale time.Duration
	// PublishQueue is how many ticks of records may wait for the publisher
	// goroutine; when they are all taken, a tick's records are dropped and
	// counted. Zero means 4.
	PublishQueue int
	// PublishTimeout bounds one Feed.Publish. Zero means 1 s.
	PublishTimeout time.Duration
}

func (c SyncConfig) withDefaults() (SyncConfig, error) {
	if c.Node == 0 {
		var b [8]byte
		_, _ = rand.Read(b[:]) // never fails (crypto/rand documents it)
		c.Node = binary.LittleEndian.Uint64(b[:]) | 1
	}
	if c.Prefix == "" {
		c.Prefix = "fair"
	}
	if c.Groups == 0 {
		c.Groups = 16
	}
	if c.TickRate == 0 {
		c.TickRate = 20
	}
	if c.FullEvery == 0 {
		c.FullEvery = 500 * time.Millisecond
	}
	if c.Expiry == 0 {
		c.Expiry = 1500 * time.Millisecond
	}
	if c.Linger == 0 {
		c.Linger = 5 * time.Second
	}
	if c.Margin == 0 {
		c.Margin = 8
	}
	if c.Stale == 0 {
		c.Stale = 2 * time.Second
	}
	if c.PublishQueue == 0 {
		c.PublishQueue = 4
	}
	if c.PublishTimeout == 0 {
		c.PublishTimeout = time.Second
	}
	switch {
	case c.Channels < 1:
		return c, fmt.Errorf("feed: Channels %d, want World.Channels()", c.Channels)
	case c.Groups < 1 || c.Groups > 16384:
		return c, fmt.Errorf("feed: Groups %d out of [1, 16384]", c.Groups)
	case c.TickRate < 1 || c.TickRate > 1000:
		return c, fmt.Errorf("feed: TickRate %d out of [1, 1000]", c.TickRate)
	case c.FullEvery < 0 || c.Expiry < 2*c.FullEvery:
		return c, fmt.Errorf("feed: Expiry %v under 2 FullEvery (%v)", c.Expiry, c.FullEvery)
	case c.Linger < 0 || c.Stale <= 0 || c.PublishQueue < 1 || c.PublishTimeout <= 0 || !(c.Margin >= 0):
		return c, errors.New("feed: negative Linger, Stale, PublishQueue, PublishTimeout or Margin")
	}
	return c, nil
}

// ChannelName is the feed channel name of channel ch: prefix:{g}:ch, with
// the hash tag g = ch mod groups, so that on a Redis Cluster the channels
// spread over groups slots and one sharded subscription holds a group.
func ChannelName(prefix string, groups, ch int) string {
	return fmt.Sprintf("%s:{%d}:%d", prefix, ch%groups, ch)
}

// Sync is a node's synchroniser between its World and the Feed. The hub
// goroutine owns it and calls, every tick:
//
//	sync.Apply(w, now)   // before Step: what other nodes published
//	w.Step(dt)
//	sync.Publish(w, now) // after Step: what this node's avatars did
//	w.Updates(...)
//
// and once, before the first tick, go sync.Run(ctx). Apply and Publish
// never block and do not allocate in steady state: publishing and
// subscribing happen in Run's goroutines, received records wait in the
// feed's bounded queue. Apply, Publish and Stats must be called by one
// goroutine with one World; Run and Flush may be called from any.
type Sync struct {
	feed  Feed
	cfg   SyncConfig
	log   *slog.Logger
	m     *syncMetrics
	names []string
	fullT int64 // FullEvery, ns
	tickT int64 // tick period, ns

	// Publishing, owned by the hub goroutine.
	seq      []uint32
	nextFull []int64 // per channel: when its next record is full, unix ns
	enc      encoder
	moved    []world.ExportAvatar
	idents   []world.ExportAvatar
	outNote  map[int32][]Notice // notices to publish, by channel (Notice)

	// Receiving, owned by the hub goroutine.
	round    uint64 // Applies so far
	inbox    []Message
	rec      Record
	streams  map[streamKey]int32
	st       []stream
	stFree   []int32
	remotes  map[world.ID]int32
	rs       []remoteAv
	rsFree   []int32
	discs    []pendingDisc
	inNote   []ReceivedNotice                // notices received (Notices)
	nodes    map[uint64]map[string]*hotCount // node -> hotspot -> its local count there
	hotTotal map[string]uint32               // what the world was told
	hotDirty []string
	stats    SyncStats

	// Subscriptions: the hub's view, then what it hands to the subscriber
	// goroutine.
	bits       []uint64
	sub        []bool
	lastWanted []int64
	subMu      sync.Mutex
	desired    []bool // guarded by subMu
	subGen     uint64 // guarded by subMu
	subNote    chan struct{}
	applied    atomic.Uint64 // subGen the subscriber goroutine has applied

	free, work chan *pubBatch
	inflight   atomic.Int64
}

// SyncStats are counters since NewSync (read by the hub goroutine).
type SyncStats struct {
	Published     uint64 // records handed to the publisher
	Received      uint64 // records received from other nodes and applied
	Positions     uint64 // position records applied
	Identities    uint64 // identity records applied
	Unknown       uint64 // position records of avatars not known yet (their identity comes with the next full record)
	Gaps          uint64 // records missed (sequence gaps)
	Resyncs       uint64 // streams back in sync after a gap (a full record)
	Joined        uint64 // remote avatars added
	Left          uint64 // remote avatars removed (gone, missing from a full record, expired)
	Expired       uint64 // of Left: removed because no record mentioned them for Expiry
	DroppedTicks  uint64 // ticks whose records were dropped: the publisher was behind
	DroppedRecord uint64 // records received but not applied (malformed, version, stale, duplicate)
}

type streamKey struct {
	node uint64
	ch   uint32
}

// stream is what a node publishes on one channel, as received.
type stream struct {
	key     streamKey
	lastSeq uint32
	seen    int64  // unix ns
	fullGen uint32 // full records received
	gapped  bool   // a gap since the last full record
	members int    // remote avatars attributed to it
}

type remoteAv struct {
	id        world.ID // 0: free
	stream    int32    // the stream that last mentioned it
	fullGen   uint32   // its stream's fullGen then
	seen      int64    // unix ns
	goneRound uint64   // Apply at which it was said gone (or missed from a full record); 0: none
}

// ReceivedNotice is another node's notice about one of its avatars.
type ReceivedNotice struct {
	Avatar world.ID
	Kind   uint8
	Text   string
}

type pendingDisc struct {
	avatar  world.ID
	hotspot []byte // in a message of this Apply
}

type hotCount struct {
	n    uint32
	seen int64
}

// pubBatch is one tick's records, handed to the publisher goroutine.
type pubBatch struct {
	buf  []byte
	offs []int // record i is buf[offs[i]:offs[i+1]]
	chs  []int32
	msgs []Message
}

func (b *pubBatch) reset() {
	clear(b.msgs)
	b.buf, b.offs, b.chs, b.msgs = b.buf[:0], b.offs[:0], b.chs[:0], b.msgs[:0]
}

// NewSync returns a synchroniser over f. Metrics go to reg (nil: none),
// logs to log (nil: discarded).
func NewSync(f Feed, cfg SyncConfig, reg prometheus.Registerer, log *slog.Logger) (*Sync, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	m, err := newSyncMetrics(reg)
	if err != nil {
		return nil, err
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	n := cfg.Channels
	s := &Sync{
		feed: f, cfg: cfg, m: m, log: log.With("node", fmt.Sprintf("%016x", cfg.Node)),
		names: make([]string, n),
		fullT: int64(cfg.FullEvery), tickT: int64(time.Second) / int64(cfg.TickRate),
		seq: make([]uint32, n), nextFull: make([]int64, n),
		streams: make(map[streamKey]int32), remotes: make(map[world.ID]int32),
		nodes: make(map[uint64]map[string]*hotCount), hotTotal: make(map[string]uint32),
		outNote: make(map[int32][]Notice),
		sub:     make([]bool, n), lastWanted: make([]int64, n), desired: make([]bool, n),
		subNote: make(chan struct{}, 1),
		free:    make(chan *pubBatch, cfg.PublishQueue), work: make(chan *pubBatch, cfg.PublishQueue),
	}
	for ch := range n {
		s.names[ch] = ChannelName(cfg.Prefix, cfg.Groups, ch)
	}
	for range cfg.PublishQueue {
		s.free <- &pubBatch{}
	}
	return s, nil
}

// Node returns the node id this Sync writes in its records.
func (s *Sync) Node() uint64 { return s.cfg.Node }

// Channel returns the name of channel ch.
func (s *Sync) Channel(ch int) string { return s.names[ch] }

// Stats returns the counters.
func (s *Sync) Stats() SyncStats { return s.stats }

func (s *Sync) tickOf(now int64) uint64 { return uint64(now / s.tickT) }

// Run publishes and subscribes until ctx ends. Call it once.
func (s *Sync) Run(ctx context.Context) {
	var wg sync.WaitGroup
	wg.Go(func() { s.publisher(ctx) })
	wg.Go(func() { s.subscriber(ctx) })
	wg.Wait()
}

func (s *Sync) publisher(ctx context.Context) {
	failing := false
	for {
		select {
		case <-ctx.Done():
			return
		case b := <-s.work:
			pctx, cancel := context.WithTimeout(ctx, s.cfg.PublishTimeout)
			err := s.feed.Publish(pctx, b.msgs)
			cancel()
			switch {
			case err != nil && !failing:
				failing = true
				s.log.Warn("feed publishing fails; records are lost until it works again", "err", err)
			case err == nil && failing:
				failing = false
				s.log.Info("feed publishing works again")
			}
			b.reset()
			s.free <- b
			s.inflight.Add(-1)
		}
	}
}

func (s *Sync) subscriber(ctx context.Context) {
	cur := make([]bool, len(s.sub))
	want := make([]bool, len(s.sub))
	var add, del []string
	for {
		select {
		case <-ctx.Done():
			return
		case <-s.subNote:
		}
		s.subMu.Lock()
		copy(want, s.desired)
		gen := s.subGen
		s.subMu.Unlock()
		add, del = add[:0], del[:0]
		for ch := range want {
			switch {
			case want[ch] && !cur[ch]:
				add = append(add, s.names[ch])
			case !want[ch] && cur[ch]:
				del = append(del, s.names[ch])
			}
		}
		// A transport keeps what it was asked even when the call fails (it
		// resubscribes at its next connection), so cur follows want.
		if len(add) > 0 {
			if err := s.feed.Subscribe(ctx, add...); err != nil {
				s.log.Warn("feed subscribe failed; retried at the next connection", "channels", len(add), "err", err)
			}
		}
		if len(del) > 0 {
			if err := s.feed.Unsubscribe(ctx, del...); err != nil {
				s.log.Warn("feed unsubscribe failed", "channels", len(del), "err", err)
			}
		}
		copy(cur, want)
		s.applied.Store(gen)
	}
}

// Flush waits until the records handed over so far are published and the
// subscriptions are what the last Publish asked, or ctx ends. Run must be
// running. For tests and for a drain before shutdown.
func (s *Sync) Flush(ctx context.Context) error {
	t := time.NewTicker(time.Millisecond)
	defer t.Stop()
	for {
		s.subMu.Lock()
		gen := s.subGen
		s.subMu.Unlock()
		if s.inflight.Load() == 0 && s.applied.Load() == gen {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
	}
}
