// Package presence keeps who is in the fair: pseudonym reservations
// (unique fair-wide on their folded form), sessions (pseudonym, avatar id,
// last position, resume token) and the online count, for one node
// (MemoryStore) or for every node of a fair through Redis (RedisStore).
//
// The gateway calls Create or Resume on the connection's goroutine before
// the connection joins the hub, so the hub goroutine never waits on I/O;
// the hub's own calls (Moved, Detach, End, Confirm, TakenOver, Online) only
// touch memory, and RedisStore writes them to Redis from its own
// goroutine, pipelined once per tick.
//
// Resume tokens hold the session's id and a secret; a store keeps only a
// hash of the secret. Every resume rotates the token; the token it used
// stays valid until Confirm or PrevTokenGrace (docs/PROTOCOL.md §4).
//
// The Redis keys, their expiries and owners, and the join, resume and
// take-over sequences are in docs/ARCHITECTURE.md ("Presence").
//
// # Goroutines
//
// MemoryStore.Run sweeps expired sessions once a second. RedisStore.Run
// starts a heartbeat goroutine (node key, online count, dead nodes, lost
// data), a writer goroutine (the pending writes, one pipeline per tick)
// and a reader of the node's control channel (take-overs from other
// nodes); all end when Run's context ends, after a last bounded write.
package presence
