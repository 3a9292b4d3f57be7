// Package progress counts what visitors earn at the fair: points for the
// contents they read (granted by the server, never claimed by a client),
// quiz answers checked on the server, badges, progress per challenge,
// leaderboards, share links for badges, and the progress key that gives
// a visitor their progress back on another day.
//
// The rules are pure and live here: Catalogue (the contents in a fixed
// order, their points, reading times and public forms, the badges), State
// (one session's progress as bitsets, what the hub decides with), Words
// and KeyHash (progress keys of three French words). Storage is a Store,
// with MemoryStore (one node) and RedisStore (every node of a fair)
// beside it: the hub hands changes to Store.Apply, which never blocks, and
// the store writes them from its own goroutine; lookups, leaderboards,
// share links and erasure wait on the store and are called from other
// goroutines (the gateway, the server's progress workers).
//
// How the server uses it (server/progress*.go) and the Redis keys are in
// docs/ARCHITECTURE.md, "Progress"; the messages in docs/PROTOCOL.md.
package progress
