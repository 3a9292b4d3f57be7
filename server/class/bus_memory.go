package class

import (
	"context"
	"sync"
)

var _ Bus = (*MemoryBus)(nil)

// MemoryBus connects the nodes of one process: every node's Bus (from
// Node) receives what any of them publishes, itself included.
type MemoryBus struct {
	mu   sync.Mutex
	subs []chan Message // guarded by mu
}

// NewMemoryBus returns a bus with no node yet.
func NewMemoryBus() *MemoryBus { return &MemoryBus{} }

// Node returns one node's end of the bus.
func (b *MemoryBus) Node() Bus {
	ch := make(chan Message, 1024)
	b.mu.Lock()
	b.subs = append(b.subs, ch)
	b.mu.Unlock()
	return &memoryNode{bus: b, ch: ch}
}

// Publish sends m to every node (dropped for a node whose queue is full).
func (b *MemoryBus) Publish(m Message) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	ok := true
	for _, ch := range b.subs {
		select {
		case ch <- m:
		default:
			ok = false
		}
	}
	return ok
}

// Run is a MemoryBus's own Run: it has no node of its own and delivers
// nothing; use Node.
func (b *MemoryBus) Run(ctx context.Context, _ func(Message)) { <-ctx.Done() }

type memoryNode struct {
	bus *MemoryBus
	ch  chan Message
}

func (n *memoryNode) Publish(m Message) bool { return n.bus.Publish(m) }

func (n *memoryNode) Run(ctx context.Context, deliver func(Message)) {
	for {
		select {
		case <-ctx.Done():
			return
		case m := <-n.ch:
			deliver(m)
		}
	}
}
