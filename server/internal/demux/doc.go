// Package demux is the server's public listener: it reads each
// connection's first request head itself and runs WebSocket upgrades on
// that connection's goroutine with small buffers, and hands every other
// request, head replayed, to an http.Server (HTTPListener). net/http would
// keep 8 KiB of buffers, the request and a deep serve stack for the whole
// life of every hijacked connection, most of an idle client's memory.
//
// # Goroutines
//
// Serve is the accept loop (the caller's goroutine); each accepted
// connection gets one goroutine while its head is read and, for an
// upgrade, for the handler (which owns the connection once hijacked).
// Close stops accepting and waits for the connections past their head.
package demux
