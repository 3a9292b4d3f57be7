package server

import (
	"sync"
	"sync/atomic"

	"github.com/usine-extraordinaire/fairworld/protocol"
	"github.com/usine-extraordinaire/fairworld/server/internal/netpoll"
)

// registry is the set of open connections: the gateway adds and removes
// them, keepalive, the watchdog and the shutdown walk them. Safe for
// concurrent use.
type registry struct {
	m      *metrics
	active atomic.Int64
	wg     sync.WaitGroup // one per connection

	mu    sync.Mutex
	conns map[*conn]struct{} // guarded by mu
}

func newRegistry(m *metrics) *registry { return &registry{m: m, conns: make(map[*conn]struct{})} }

func (r *registry) add(c *conn) {
	r.wg.Add(1)
	r.active.Add(1)
	r.m.connections.Inc()
	r.mu.Lock()
	r.conns[c] = struct{}{}
	r.mu.Unlock()
}

func (r *registry) remove(c *conn) {
	r.mu.Lock()
	delete(r.conns, c)
	r.mu.Unlock()
	r.active.Add(-1)
	r.m.connections.Dec()
	r.wg.Done()
}

func (r *registry) len() int64 { return r.active.Load() }

func (r *registry) snapshot() []*conn {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]*conn, 0, len(r.conns))
	for c := range r.conns {
		out = append(out, c)
	}
	return out
}

// bufPool holds the buffers connections borrow only while they use them:
// the slices of a pending update (outbox), the read buffers of readers
// off the poller, the buffers of writers waiting for a socket. An idle
// connection holds none. Safe for concurrent use.
type bufPool struct {
	updates sync.Pool // *updateBufs
	reads   sync.Pool // *[]byte of netpoll.BufSize
	writers sync.Pool // *writerState
	boxes   sync.Pool // *updateBufs, empty: so that getting and putting slices allocates nothing
	rawOps  sync.Pool // *rawOp, for reads off a writer
}

type updateBufs struct {
	moves  []protocol.MoveRec
	enters []protocol.Enter
	leaves []uint32
	events []protocol.Event
}

// Beyond these capacities a buffer goes to the GC instead of the pool: a
// crowd's burst is not kept.
const (
	keepMoves  = 256
	keepEnters = 64
	keepLeaves = 64
	keepEvents = 32
)

// getUpdate gives u's record slices (empty, Moves never nil).
func (b *bufPool) getUpdate(u *protocol.Update) {
	ub, ok := b.updates.Get().(*updateBufs)
	if !ok {
		ub = &updateBufs{moves: make([]protocol.MoveRec, 0, 64)}
	}
	u.Moves, u.Enters, u.Leaves, u.Events = ub.moves[:0], ub.enters[:0], ub.leaves[:0], ub.events[:0]
	*ub = updateBufs{}
	b.boxes.Put(ub)
}

// putUpdate takes back u's record slices; u keeps none.
func (b *bufPool) putUpdate(u *protocol.Update) {
	if u.Moves == nil || cap(u.Moves) > keepMoves {
		u.Moves, u.Enters, u.Leaves, u.Events = nil, nil, nil, nil
		return
	}
	clear(u.Events) // references to strings and paths
	ub, _ := b.boxes.Get().(*updateBufs)
	if ub == nil {
		ub = &updateBufs{}
	}
	ub.moves = u.Moves[:0]
	ub.enters = trim(u.Enters, keepEnters)
	ub.leaves = trim(u.Leaves, keepLeaves)
	ub.events = trim(u.Events, keepEvents)
	b.updates.Put(ub)
	u.Moves, u.Enters, u.Leaves, u.Events = nil, nil, nil, nil
}

func trim[T any](s []T, keep int) []T {
	if cap(s) > keep {
		return nil
	}
	return s[:0]
}

func (b *bufPool) getRead() *[]byte {
	if v, ok := b.reads.Get().(*[]byte); ok {
		return v
	}
	v := make([]byte, netpoll.BufSize)
	return &v
}

func (b *bufPool) putRead(v *[]byte) { b.reads.Put(v) }

func (b *bufPool) getWriter() *writerState {
	if v, ok := b.writers.Get().(*writerState); ok {
		return v
	}
	return newWriterState()
}

func (b *bufPool) putWriter(w *writerState) { b.writers.Put(w) }

func (b *bufPool) getRawOp() *rawOp {
	if v, ok := b.rawOps.Get().(*rawOp); ok {
		return v
	}
	return newRawOp()
}

func (b *bufPool) putRawOp(op *rawOp) { b.rawOps.Put(op) }
