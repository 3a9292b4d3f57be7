package netpoll

import "sync"

// Handler is told that its socket may be read. Ready must not block for
// long: it runs on the poller's goroutine, before the other ready sockets.
// buf is the poller's scratch buffer, the handler's to read into until Ready
// returns (a handler that keeps reading on another goroutine needs its own).
type Handler interface{ Ready(buf []byte) }

// BufSize is the size of the scratch buffer handed to Ready.
const BufSize = 16 << 10

// table maps the keys registered in the kernel to handlers. A key is a
// slot and its generation, so that an event still in flight for a socket
// that was removed never reaches the handler that took its slot. Safe for
// concurrent use.
type table struct {
	mu    sync.Mutex
	slots []entry // guarded by mu
	free  []uint32
}

type entry struct {
	h   Handler
	gen uint32
}

func (t *table) add(h Handler) uint64 {
	t.mu.Lock()
	defer t.mu.Unlock()
	var i uint32
	if n := len(t.free); n > 0 {
		i = t.free[n-1]
		t.free = t.free[:n-1]
	} else {
		i = uint32(len(t.slots))
		t.slots = append(t.slots, entry{})
	}
	e := &t.slots[i]
	e.h, e.gen = h, e.gen+1
	return uint64(e.gen)<<32 | uint64(i)
}

func (t *table) remove(key uint64) {
	t.mu.Lock()
	defer t.mu.Unlock()
	i := uint32(key)
	if e := &t.slots[i]; e.gen == uint32(key>>32) && e.h != nil {
		e.h = nil
		t.free = append(t.free, i)
	}
}

// resolve replaces each key by its handler (nil when removed).
func (t *table) resolve(keys []uint64, out []Handler) []Handler {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, k := range keys {
		var h Handler
		if i := uint32(k); int(i) < len(t.slots) && t.slots[i].gen == uint32(k>>32) {
			h = t.slots[i].h
		}
		out = append(out, h)
	}
	return out
}

// Registration is a socket's place in a Poller.
type Registration struct {
	p   *Poller
	key uint64
}

// Remove forgets the socket: no Ready after it returns, except one already
// under way. Call it when the socket is closed (closing it also leaves the
// kernel's set). Safe to call twice.
func (r Registration) Remove() {
	if r.p != nil {
		r.p.t.remove(r.key)
	}
}
