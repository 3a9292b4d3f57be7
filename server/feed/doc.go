// Package feed is the cross-node cell feed: how the nodes of one fair see
// each other's avatars.
//
// Every node is authoritative for the avatars of its own connections. Once
// per tick it publishes, for each feed channel (a square of cells, see
// world.Config.ChannelCells) where it has avatars, one batch: a Record
// (record.go) of what they did. It subscribes to the channels that its own
// viewers' areas of interest touch, and replays what other nodes publish
// there as remote avatars of its world (world/remote.go). The design, with
// a drawing, is in docs/ARCHITECTURE.md.
//
// A Feed is the transport: publish batches, subscribe and unsubscribe
// channels, receive into the node's own bounded queue with counted drops.
// MemoryFeed connects several nodes in one process (tests, benchmarks);
// RedisFeed goes through Redis pub/sub, one server or a Cluster (sharded
// pub/sub). Sync is the node-side synchroniser that the hub goroutine calls
// every tick; it owns the encoding, the sequence numbers, the resyncs, the
// expiry of remote avatars and the subscriptions.
//
// # Goroutines
//
// Sync.Run starts two goroutines, one that publishes the batches the hub
// handed over and one that changes subscriptions; both end when Run's
// context ends. RedisFeed has one reader goroutine per subscription
// connection (one on a single server, one per hash tag group on a Cluster),
// started by the first Subscribe and ended by Close. MemoryFeed has none.
package feed
