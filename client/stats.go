package client

import "sync/atomic"

// Stats are a connection's counters since Dial.
type Stats struct {
	MessagesReceived uint64 // WebSocket messages, WELCOME included
	BytesReceived    uint64 // payload bytes of those messages
	Updates          uint64 // UPDATE messages
	Moves            uint64 // move records (one avatar's new position each)
	Enters           uint64
	Leaves           uint64
	Events           uint64 // events of every kind, delivered or not
	EventsDropped    uint64 // events not delivered because the Events channel was full (never with EventBuffer < 0)
	MessagesSent     uint64 // HELLO included
	BytesSent        uint64
}

// counters are updated with atomics: by the read goroutine, and by writers.
type counters struct {
	messagesReceived, bytesReceived atomic.Uint64
	updates, moves, enters, leaves  atomic.Uint64
	events, eventsDropped           atomic.Uint64
	messagesSent, bytesSent         atomic.Uint64
}

// Stats returns a snapshot of the counters (each read atomically, not all at once).
func (c *Client) Stats() Stats {
	s := &c.stats
	return Stats{
		MessagesReceived: s.messagesReceived.Load(),
		BytesReceived:    s.bytesReceived.Load(),
		Updates:          s.updates.Load(),
		Moves:            s.moves.Load(),
		Enters:           s.enters.Load(),
		Leaves:           s.leaves.Load(),
		Events:           s.events.Load(),
		EventsDropped:    s.eventsDropped.Load(),
		MessagesSent:     s.messagesSent.Load(),
		BytesSent:        s.bytesSent.Load(),
	}
}
