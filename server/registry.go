package server

import (
	"sync"
	"sync/atomic"
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

// bufPool holds encoding buffers: a writer takes one for its run, so an
// idle connection holds none. Safe for concurrent use.
type bufPool struct{ p sync.Pool }

func (b *bufPool) get() *[]byte {
	if v, ok := b.p.Get().(*[]byte); ok {
		return v
	}
	v := make([]byte, 0, 1024)
	return &v
}

func (b *bufPool) put(v *[]byte) {
	if cap(*v) <= 16<<10 { // a crowd-sized buffer is left to the GC
		b.p.Put(v)
	}
}
