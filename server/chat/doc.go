// Package chat holds the parts of the fair's chat that do not need the
// world (docs/PROTOCOL.md §9): messages and their checks, the per
// connection chat rate with its 30 s mute (Gate), the nodes' memory of
// recent messages for reports and removals (Ring), the evidence a report
// keeps, the store of class histories, reports, mutes, bans, class
// settings and the audit log (Store: MemoryStore, RedisStore), and the bus
// that carries chat between the nodes of a fair (Bus: MemoryBus,
// RedisBus).
//
// The server's hub decides who gets a message (it owns the world: groups,
// viewers, roles); this package never blocks the hub: the Ring and the
// Gate are memory only, and the Store and the Bus's Publish are called
// from the server's chat worker, never from the hub's goroutine.
//
// There is no private channel: no type here names a recipient.
package chat
