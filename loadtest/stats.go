package loadtest

import (
	"context"
	"errors"
	"net"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/usine-extraordinaire/fairworld/client"
	"github.com/usine-extraordinaire/fairworld/protocol"
)

// collector gathers what every bot sees. Safe for concurrent use.
type collector struct {
	latency     Histogram
	pairLatency Histogram // pairs: a walker's MOVE to its watcher's UPDATE

	pairSkipped, pairTimeouts atomic.Uint64
	tickHz                    atomic.Uint32 // the server's, from the first WELCOME

	attempts  atomic.Int64
	welcomed  atomic.Int64 // handshakes that succeeded
	connected atomic.Int64 // now
	peak      atomic.Int64
	retries   atomic.Int64

	events   [32]atomic.Uint64 // by protocol.EventKind (unknown kinds in 0)
	chatSaid atomic.Uint64     // quick phrases the bots said (Config.ChatEvery)
	errCodes [32]atomic.Uint64 // ERROR events by protocol.ErrorCode (others in 0)

	mu        sync.Mutex
	clients   []*client.Client // guarded by mu: every client ever connected, for their counters
	failed    map[string]int   // guarded by mu: connection attempts that failed, by reason
	ended     map[string]int   // guarded by mu: connections the server (or network) ended, by reason
	retriedBy map[string]int   // guarded by mu: refusals retried, by reason
}

func newCollector() *collector {
	return &collector{failed: make(map[string]int), ended: make(map[string]int), retriedBy: make(map[string]int)}
}

func (c *collector) retried(err error) {
	c.retries.Add(1)
	c.mu.Lock()
	c.retriedBy[reasonOf(err)]++
	c.mu.Unlock()
}

func (c *collector) connectedBot(cl *client.Client) {
	c.tickHz.CompareAndSwap(0, cl.Welcome().TickHz)
	c.welcomed.Add(1)
	n := c.connected.Add(1)
	for {
		p := c.peak.Load()
		if n <= p || c.peak.CompareAndSwap(p, n) {
			break
		}
	}
	c.mu.Lock()
	c.clients = append(c.clients, cl)
	c.mu.Unlock()
}

func (c *collector) dialFailed(err error) {
	c.mu.Lock()
	c.failed[reasonOf(err)]++
	c.mu.Unlock()
}

// botEnded records a connection's end; err nil means this process closed it.
func (c *collector) botEnded(err error) {
	c.connected.Add(-1)
	if err == nil {
		return
	}
	c.mu.Lock()
	c.ended[reasonOf(err)]++
	c.mu.Unlock()
}

// onUpdate counts an UPDATE's events; it runs on the clients' read goroutines.
func (c *collector) onUpdate(u *protocol.Update) {
	for _, e := range u.Events {
		k := int(e.Kind())
		if k >= len(c.events) {
			k = 0
		}
		c.events[k].Add(1)
		if e, ok := e.(protocol.ErrorEvent); ok {
			k := int(e.Code)
			if k >= len(c.errCodes) {
				k = 0
			}
			c.errCodes[k].Add(1)
		}
	}
}

func (c *collector) onEcho(_ uint32, d time.Duration) { c.latency.Record(d) }

// reasonOf names why a connection failed or ended: the close code's name,
// or a class of network error.
func reasonOf(err error) string {
	if code := client.CodeOf(err); code != 0 {
		if code == client.CloseAbnormal {
			return "dropped"
		}
		return code.String()
	}
	var ne net.Error
	switch {
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &ne) && ne.Timeout():
		return "timeout"
	case errors.Is(err, syscall.ECONNREFUSED):
		return "conn_refused"
	case errors.Is(err, syscall.EADDRNOTAVAIL):
		return "no_ports" // ephemeral ports exhausted: add -local-addrs
	case errors.Is(err, syscall.EMFILE), errors.Is(err, syscall.ENFILE):
		return "too_many_files"
	case errors.Is(err, syscall.ECONNRESET):
		return "reset"
	}
	return "error"
}

// sample is the sum of every client's counters at one instant.
type sample struct {
	at                   time.Time
	connected            int64
	visible              int64 // avatars in view, summed over connected clients
	crowd                int64
	msgs, bytes, updates uint64
	moves, enters, sent  uint64
	eventsDropped        uint64
	latency, pairLatency HistSnapshot
}

func (c *collector) sample(now time.Time) sample {
	s := sample{at: now, connected: c.connected.Load(), latency: c.latency.Snapshot(), pairLatency: c.pairLatency.Snapshot()}
	c.mu.Lock()
	clients := c.clients
	c.mu.Unlock()
	for _, cl := range clients { // a prefix of the slice: appends do not touch it
		st := cl.Stats()
		s.msgs += st.MessagesReceived
		s.bytes += st.BytesReceived
		s.updates += st.Updates
		s.moves += st.Moves
		s.enters += st.Enters
		s.sent += st.MessagesSent
		s.eventsDropped += st.EventsDropped
		select {
		case <-cl.Done():
		default:
			s.visible += int64(cl.Visible())
			s.crowd += int64(cl.Crowd())
		}
	}
	return s
}
