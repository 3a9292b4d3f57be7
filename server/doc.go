// Package server is the world server of one node: the WebSocket gateway,
// the hub that owns the world, the page, the zone and the media, and the
// admin endpoints (/metrics, /healthz, /readyz).
//
// A node is authoritative for the avatars of its own connections. With a
// presence.RedisStore (Config.Presence) and a feed (Config.Feed), any
// number of nodes behave as one fair: pseudonyms are unique fair-wide,
// sessions resume on any node, and each node's world holds the other
// nodes' avatars near its viewers as remote avatars (docs/ARCHITECTURE.md).
// Without them, it is one node with its sessions in memory.
//
// # Files
//
// config.go (Config and its defaults), server.go (New), serve.go (Serve
// and the shutdown), gateway.go (upgrade, admission, HELLO, presence,
// join), conn.go (a connection's state), read.go (reading: pollers,
// frames, intents), write.go and outbox.go (writing: the writers' pool),
// close.go (the close handshake), hub.go (the world's goroutine and its clock),
// commands.go (one command type per kind of input), sessions.go (this
// node's attachments: join, leave, take-over, position writes), paths.go
// (GOTO path finding), keepalive.go, watchdog.go, inputrate.go,
// lateness.go (the overload policy), http.go, metrics.go, registry.go;
// the chat (docs/PROTOCOL.md §9): chat_config.go, chat_cmds.go (the read
// loop's hook and the chat rate), chat_hub.go (channels, delivery),
// chat_remote.go (the other nodes' records), chat_mod.go (reports, moderation), chat_work.go
// (the chat worker), over server/chat.
// staff sign-in (staff_http.go: the ticket endpoint, staff_hello.go:
// HELLO's ticket and the revocation sweep) and classes (class_hub.go: the
// live classes on the hub, class_orders.go, class_routes.go,
// class_cmds.go, class_work.go: the class workers, class_server.go).
// The public listener is internal/demux.
//
// # Ways into a client's UPDATE
//
// The world produces one update per client per tick (World.Updates, the
// hub pushes it into the connection's outbox). Events that are not the
// world's (the path of a GOTO, an error the reader found, and later
// chat, class groups, progress: packages of their own) go through
// Server.Deliver or a hub command to conn.deliver: they are held in the
// outbox and ride on the next update, so a client still gets at most one
// UPDATE a tick.
//
// # Goroutines
//
// Started by Serve, each with its owner and how it ends:
//
//   - the hub (hub.run): owns the world and the sessions; selects on its
//     ticker and its bounded inbox; ends with the hub context;
//   - PathWorkers path workers (one core at most); end with the hub context;
//   - the feed's synchroniser (feed.Sync.Run: a publisher and a
//     subscriber goroutine; with a RedisFeed, its readers); end with the
//     hub context;
//   - the presence store (Store.Run: with Redis a heartbeat, a writer and
//     a control channel reader); ends after the hub, when its last writes
//     are out;
//   - the lateness sampler (lateness.run); ends with the hub context;
//   - the chat worker (chatWorker: store writes, bus publishes, history
//     reads, the state read every 10 s); ends with the hub context; with
//     a chat.RedisBus, its reader (ends when RedisBackends closes it);
//   - ClassConfig.Workers class workers (the class store's I/O), the class
//     bus (Bus.Run: with Redis a subscriber and a publisher) and the staff
//     revocation sweep; end with the hub context;
//   - keepalive and the watchdog; end with the connections' context;
//   - the demux accept loop, the public http.Server and the admin one;
//   - the readers: one netpoll.Poller per core (read.go), which read
//     every connection whose socket has bytes; and the writers: one per
//     core (write.go), which write every connection with output pending;
//     both end with the connections' context;
//   - per connection, none while it is idle: a goroutine for the upgrade,
//     one for the handshake (from its HELLO until the join), one while the
//     hub's inbox is full or the client keeps its socket full (then the
//     reading goes back to the poller), one while a write waits for a full
//     socket (bounded by the watchdog's WriteTimeout and the close's 5 s);
//     the close's timer.
//
// # Shutdown order
//
// When Serve's context ends: /readyz fails (DrainDelay, so the load
// balancer stops sending visitors); the listeners stop accepting; every
// client is closed with 1012, spread over DrainSpread; their readers tell
// the hub (each session is detached: resumable on another node); Serve
// waits for them (DrainTimeout); keepalive, the watchdog and the readers'
// context end; the hub, the path workers, the feed's synchroniser and the
// lateness sampler stop; then the presence store writes what is pending and
// leaves the fair (its node key and count go); last, the admin server
// stops.
package server
