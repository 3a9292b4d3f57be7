package staff

import (
	"context"
	"time"
)

// TicketTTL is how long a ticket is good for one HELLO.
const TicketTTL = 60 * time.Second

// ticketBytes is a ticket's random bytes: 24, 32 characters of base64url.
const ticketBytes = 24

// Tickets stores the short tickets a page exchanges its token for, so
// that HELLO carries a ticket instead of the token (docs/PROTOCOL.md §3,
// "Staff sign-in"). A ticket is good once, for TicketTTL, on any node.
// Implementations: MemoryTickets, RedisTickets. Safe for concurrent use.
type Tickets interface {
	// Issue stores s under a new ticket and returns the ticket.
	Issue(ctx context.Context, s Staff) (string, error)
	// Redeem returns the Staff of a ticket and voids it: ErrBadTicket
	// when it is unknown, used or expired; ErrUnavailable when the store
	// cannot be reached.
	Redeem(ctx context.Context, ticket string) (Staff, error)
}
