package staff

import (
	"context"
	"sync"
	"time"
)

var _ Tickets = (*MemoryTickets)(nil)

// MemoryTickets is the Tickets of a single node.
type MemoryTickets struct {
	now func() time.Time
	mu  sync.Mutex
	m   map[string]memTicket // guarded by mu
}

type memTicket struct {
	s     Staff
	until time.Time
}

// NewMemoryTickets returns an empty store; now is the clock (nil:
// time.Now).
func NewMemoryTickets(now func() time.Time) *MemoryTickets {
	if now == nil {
		now = time.Now
	}
	return &MemoryTickets{now: now, m: make(map[string]memTicket)}
}

// Issue implements Tickets.
func (t *MemoryTickets) Issue(_ context.Context, s Staff) (string, error) {
	tk := RandomID(ticketBytes)
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	for k, v := range t.m { // bounded: tickets live a minute
		if !v.until.After(now) {
			delete(t.m, k)
		}
	}
	t.m[tk] = memTicket{s: s, until: now.Add(TicketTTL)}
	return tk, nil
}

// Redeem implements Tickets.
func (t *MemoryTickets) Redeem(_ context.Context, ticket string) (Staff, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	v, ok := t.m[ticket]
	delete(t.m, ticket)
	if !ok || !v.until.After(t.now()) {
		return Staff{}, refuse(CodeBadTicket, nil, "ticket unknown, used or expired")
	}
	return v.s, nil
}
