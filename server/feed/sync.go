package feed

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/usine-extraordinaire/fairworld/protocol"
	"github.com/usine-extraordinaire/fairworld/world"
	"github.com/usine-extraordinaire/fairworld/world/nav"
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
		sub: make([]bool, n), lastWanted: make([]int64, n), desired: make([]bool, n),
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

// Publish exports what the local avatars did since the last Publish, one
// record per channel, and hands them to the publisher goroutine; then it
// updates the subscriptions from the local viewers' interest. Call it
// after each Step.
func (s *Sync) Publish(w *world.World, now time.Time) {
	t := now.UnixNano()
	var b *pubBatch
	select {
	case b = <-s.free:
	default:
		s.stats.DroppedTicks++
		s.m.drop[dropPublishQueueFull].Inc()
	}
	tick := s.tickOf(t)
	w.Export(func(ex *world.ChannelExport) {
		ch := ex.Channel
		full := false
		switch nf := s.nextFull[ch]; {
		case nf == 0: // staggered over the period, so full records do not come all at once
			s.nextFull[ch] = t + int64(ch)%max(1, s.fullT/s.tickT)*s.tickT
		case t >= nf:
			full = true
			s.nextFull[ch] = max(nf+s.fullT, t+s.tickT)
		}
		s.moved, s.idents = s.moved[:0], s.idents[:0]
		for _, a := range ex.Avatars {
			switch {
			case full || a.New || a.Ident:
				s.idents = append(s.idents, a)
			case a.Moved:
				s.moved = append(s.moved, a)
			}
		}
		if !full && len(s.moved)+len(s.idents)+len(ex.Gone)+len(ex.Discovered) == 0 &&
			!slices.ContainsFunc(ex.Hotspots, func(h world.HotspotCount) bool { return h.Changed }) {
			return // nothing new: the next full record is the keepalive
		}
		s.seq[ch]++ // also when dropped: receivers see the gap
		if b == nil {
			return
		}
		slices.SortFunc(s.moved, func(x, y world.ExportAvatar) int { return cmp.Compare(x.ID, y.ID) })
		b.offs = append(b.offs, len(b.buf))
		b.chs = append(b.chs, int32(ch))
		s.enc.b = b.buf
		s.enc.begin(Header{Node: s.cfg.Node, Channel: uint32(ch), Seq: s.seq[ch], Tick: tick, Full: full})
		s.enc.positions(s.moved)
		s.enc.identities(s.idents)
		s.enc.gone(ex.Gone)
		s.enc.discovered(ex.Discovered)
		s.enc.hotspots(ex.Hotspots, full)
		b.buf = s.enc.b
	})
	if b != nil {
		b.offs = append(b.offs, len(b.buf))
		for i, ch := range b.chs {
			b.msgs = append(b.msgs, Message{Channel: s.names[ch], Data: b.buf[b.offs[i]:b.offs[i+1]]})
		}
		if len(b.msgs) == 0 {
			b.reset()
			s.free <- b
		} else {
			s.stats.Published += uint64(len(b.msgs))
			s.inflight.Add(1)
			s.work <- b // never blocks: as many places as batches
		}
	}
	s.subscriptions(w, t)
}

// subscriptions subscribes the channels the local viewers need now and
// unsubscribes those no one needed for Linger.
func (s *Sync) subscriptions(w *world.World, t int64) {
	s.bits = w.Interest(s.cfg.Margin, s.bits)
	changed := false
	linger := int64(s.cfg.Linger)
	for ch := range s.sub {
		if s.bits[ch/64]&(1<<(ch%64)) != 0 {
			s.lastWanted[ch] = t
			if !s.sub[ch] {
				s.sub[ch], changed = true, true
			}
		} else if s.sub[ch] && t-s.lastWanted[ch] > linger {
			s.sub[ch], changed = false, true
		}
	}
	if !changed {
		return
	}
	s.subMu.Lock()
	copy(s.desired, s.sub)
	s.subGen++
	s.subMu.Unlock()
	select {
	case s.subNote <- struct{}{}:
	default:
	}
}

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

// Apply replays what other nodes published since the last Apply: remote
// avatars enter, move and leave the world, hotspot discoveries reach the
// local viewers, remote hotspot counts add to the local ones. It removes
// the remote avatars that no record mentioned for Expiry. Call it before
// each Step, with the time of the tick.
func (s *Sync) Apply(w *world.World, now time.Time) {
	t := now.UnixNano()
	s.round++
	s.inbox = s.feed.Drain(s.inbox[:0])
	for i := range s.inbox {
		s.apply(w, s.inbox[i].Data, t)
	}
	for _, d := range s.discs {
		w.DiscoveredRemote(d.avatar, string(d.hotspot))
	}
	clear(s.discs)
	s.discs = s.discs[:0]
	clear(s.inbox) // the messages' data can go
	s.sweep(w, t)
	s.sweepHotspots(w, t)
	if s.round%uint64(s.cfg.TickRate) == 0 {
		s.sweepStreams(t)
		s.m.remote.Set(float64(len(s.remotes)))
	}
}

func (s *Sync) apply(w *world.World, data []byte, t int64) {
	r := &s.rec
	if err := r.Decode(data); err != nil {
		s.stats.DroppedRecord++
		if errors.Is(err, ErrVersion) {
			s.m.drop[dropVersion].Inc()
		} else {
			s.m.drop[dropMalformed].Inc()
		}
		return
	}
	if r.Node == s.cfg.Node {
		return // our own, back from the channel
	}
	if int(r.Channel) >= len(s.names) {
		s.stats.DroppedRecord++
		s.m.drop[dropMalformed].Inc()
		return
	}
	key := streamKey{r.Node, r.Channel}
	si, ok := s.streams[key]
	if !ok {
		si = s.newStream(key, r.Seq-1)
	}
	st := &s.st[si]
	switch d := r.Seq - st.lastSeq; {
	case d == 0 || d > 1<<31:
		s.stats.DroppedRecord++
		s.m.drop[dropDuplicate].Inc()
		return
	case d > 1:
		s.stats.Gaps += uint64(d - 1)
		s.m.gaps.Add(float64(d - 1))
		st.gapped = true
	}
	st.lastSeq, st.seen = r.Seq, t
	if tick := s.tickOf(t); tick > r.Tick && tick-r.Tick > uint64(s.cfg.Stale/time.Duration(s.tickT)) {
		s.stats.DroppedRecord++
		s.m.drop[dropStale].Inc()
		return
	}
	s.stats.Received++
	if r.Full {
		st.fullGen++
		if st.gapped {
			st.gapped = false
			s.stats.Resyncs++
			s.m.resyncs.Inc()
		}
	}
	r.Identities(func(id Ident) { s.ident(w, si, &id, t) })
	r.Positions(func(p Position) { s.position(w, si, p, t) })
	r.Gone(func(id world.ID) {
		if ri, ok := s.remotes[id]; ok && s.rs[ri].stream == si {
			s.rs[ri].goneRound = s.round
		}
	})
	r.Discoveries(func(d Discovered) { s.discs = append(s.discs, pendingDisc{avatar: d.Avatar, hotspot: d.Hotspot}) })
	node := r.Node
	r.Hotspots(func(h HotspotViewers) { s.hotspot(node, &h, t) })
}

func (s *Sync) ident(w *world.World, si int32, id *Ident, t int64) {
	s.stats.Identities++
	p := nav.Point{X: protocol.Dequantise(id.X), Y: protocol.Dequantise(id.Y)}
	who := world.Identity{Role: protocol.Role(id.Role), Group: id.Group, Colour: id.Colour, Shape: id.Shape}
	ri, ok := s.remotes[id.ID]
	if !ok {
		who.Name = string(id.Name)
		if err := w.JoinRemote(id.ID, who, p); err != nil {
			return // a local avatar has the id (resumed here): it wins
		}
		s.stats.Joined++
		ri = s.newRemote(id.ID)
	} else {
		cur, _ := w.Identity(id.ID)
		who.Name = cur.Name
		if cur.Name != string(id.Name) {
			who.Name = string(id.Name)
		}
		if who != cur {
			w.SetRemoteIdentity(id.ID, who)
		}
		w.MoveRemote(id.ID, p)
	}
	s.mention(ri, si, t)
}

func (s *Sync) position(w *world.World, si int32, p Position, t int64) {
	ri, ok := s.remotes[p.ID]
	if !ok {
		s.stats.Unknown++
		return
	}
	s.stats.Positions++
	w.MoveRemote(p.ID, nav.Point{X: protocol.Dequantise(p.X), Y: protocol.Dequantise(p.Y)})
	s.mention(ri, si, t)
}

// mention records that stream si's latest record names remote ri.
func (s *Sync) mention(ri, si int32, t int64) {
	r := &s.rs[ri]
	if r.stream != si {
		if r.stream >= 0 {
			s.st[r.stream].members--
		}
		s.st[si].members++
		r.stream = si
	}
	r.fullGen, r.seen, r.goneRound = s.st[si].fullGen, t, 0
}

// sweep removes the remote avatars said gone, or missing from a full
// record of their stream, at the Apply before (one Apply of grace, so that
// an avatar that walked into another channel, whose record may come a
// little later, does not leave and enter again), and those not mentioned
// for Expiry.
func (s *Sync) sweep(w *world.World, t int64) {
	exp := int64(s.cfg.Expiry)
	for i := range s.rs {
		r := &s.rs[i]
		if r.id == 0 {
			continue
		}
		switch {
		case t-r.seen > exp:
			s.stats.Expired++
			s.m.expired.Inc()
			s.removeRemote(w, int32(i))
		case r.goneRound == 0 && s.st[r.stream].fullGen != r.fullGen:
			r.goneRound = s.round
		case r.goneRound != 0 && r.goneRound < s.round:
			s.removeRemote(w, int32(i))
		}
	}
}

func (s *Sync) newRemote(id world.ID) int32 {
	var ri int32
	if n := len(s.rsFree); n > 0 {
		ri = s.rsFree[n-1]
		s.rsFree = s.rsFree[:n-1]
	} else {
		ri = int32(len(s.rs))
		s.rs = append(s.rs, remoteAv{})
	}
	s.rs[ri] = remoteAv{id: id, stream: -1}
	s.remotes[id] = ri
	return ri
}

func (s *Sync) removeRemote(w *world.World, ri int32) {
	r := &s.rs[ri]
	w.LeaveRemote(r.id)
	delete(s.remotes, r.id)
	s.st[r.stream].members--
	*r = remoteAv{}
	s.rsFree = append(s.rsFree, ri)
	s.stats.Left++
}

func (s *Sync) newStream(key streamKey, lastSeq uint32) int32 {
	var si int32
	if n := len(s.stFree); n > 0 {
		si = s.stFree[n-1]
		s.stFree = s.stFree[:n-1]
	} else {
		si = int32(len(s.st))
		s.st = append(s.st, stream{})
	}
	s.st[si] = stream{key: key, lastSeq: lastSeq}
	s.streams[key] = si
	return si
}

// sweepStreams forgets the streams that sent nothing for 10 Expiry and
// have no avatar left, so that nodes that come and go leave nothing.
func (s *Sync) sweepStreams(t int64) {
	for i := range s.st {
		st := &s.st[i]
		if st.key != (streamKey{}) && st.members == 0 && t-st.seen > 10*int64(s.cfg.Expiry) {
			delete(s.streams, st.key)
			*st = stream{}
			s.stFree = append(s.stFree, int32(i))
		}
	}
}

func (s *Sync) hotspot(node uint64, h *HotspotViewers, t int64) {
	counts := s.nodes[node]
	if counts == nil {
		counts = make(map[string]*hotCount)
		s.nodes[node] = counts
	}
	c, ok := counts[string(h.Hotspot)]
	if !ok {
		if h.Viewers == 0 {
			return
		}
		c = &hotCount{}
		counts[string(h.Hotspot)] = c
	}
	if c.n != h.Viewers {
		c.n = h.Viewers
		s.markHot(string(h.Hotspot))
	}
	c.seen = t
}

func (s *Sync) markHot(id string) {
	if !slices.Contains(s.hotDirty, id) {
		s.hotDirty = append(s.hotDirty, id)
	}
}

// sweepHotspots expires the counts not refreshed for Expiry and tells the
// world the new sums of the counts that changed.
func (s *Sync) sweepHotspots(w *world.World, t int64) {
	exp := int64(s.cfg.Expiry)
	for node, counts := range s.nodes {
		for id, c := range counts {
			if c.n == 0 || t-c.seen > exp {
				if c.n != 0 {
					s.markHot(id)
				}
				delete(counts, id)
			}
		}
		if len(counts) == 0 {
			delete(s.nodes, node)
		}
	}
	for _, id := range s.hotDirty {
		total := uint32(0)
		for _, counts := range s.nodes {
			if c := counts[id]; c != nil {
				total += c.n
			}
		}
		if s.hotTotal[id] != total {
			w.SetRemoteViewers(id, total)
			if total == 0 {
				delete(s.hotTotal, id)
			} else {
				s.hotTotal[id] = total
			}
		}
	}
	s.hotDirty = s.hotDirty[:0]
}

// syncMetrics are the synchroniser's counters.
type syncMetrics struct {
	drops   *prometheus.CounterVec
	drop    [nDrops]prometheus.Counter // drops by reason, resolved once
	gaps    prometheus.Counter
	resyncs prometheus.Counter
	expired prometheus.Counter
	remote  prometheus.Gauge
}

func newSyncMetrics(reg prometheus.Registerer) (*syncMetrics, error) {
	m := &syncMetrics{
		drops: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "fair", Subsystem: "feed", Name: "drops_total",
			Help: "Feed records not published or not applied, by reason (publish_queue_full, malformed, version, stale, duplicate).",
		}, []string{"reason"}),
		gaps: prometheus.NewCounter(prometheus.CounterOpts{Namespace: "fair", Subsystem: "feed", Name: "gaps_total",
			Help: "Records of other nodes missed, found by sequence gaps."}),
		resyncs: prometheus.NewCounter(prometheus.CounterOpts{Namespace: "fair", Subsystem: "feed", Name: "resyncs_total",
			Help: "Streams (a node's records on a channel) back in sync after a gap, at a full record."}),
		expired: prometheus.NewCounter(prometheus.CounterOpts{Namespace: "fair", Subsystem: "feed", Name: "remote_expired_total",
			Help: "Remote avatars removed because no record mentioned them for the expiry time (their node stopped, or the feed was cut)."}),
		remote: prometheus.NewGauge(prometheus.GaugeOpts{Namespace: "fair", Subsystem: "feed", Name: "remote_avatars",
			Help: "Remote avatars in this node's world, refreshed once a second."}),
	}
	if reg != nil {
		for _, c := range []prometheus.Collector{m.drops, m.gaps, m.resyncs, m.expired, m.remote} {
			if err := reg.Register(c); err != nil {
				return nil, err
			}
		}
	}
	for i, r := range [nDrops]string{"publish_queue_full", "malformed", "version", "stale", "duplicate"} {
		m.drop[i] = m.drops.WithLabelValues(r)
	}
	return m, nil
}

// Drop reasons, indexes of syncMetrics.drop.
const (
	dropPublishQueueFull = iota
	dropMalformed
	dropVersion
	dropStale
	dropDuplicate
	nDrops
)
