// Package client is the Go client of the world server's wire protocol
// (docs/PROTOCOL.md): it dials /ws, says HELLO, waits for WELCOME, then keeps
// a local view of the avatars around it from the UPDATEs it reads, and sends
// intents (MOVE, GOTO, OPEN_HOTSPOT, CLOSE_HOTSPOT).
//
// It is used by tests and by the load tool (package loadtest), so it is
// written to be cheap per connection: one read goroutine per Client and no
// other; writes happen on the caller's goroutine, serialised by a mutex; a
// decoded message reuses the previous one's memory.
//
// It imports protocol only: it knows nothing of the server's internals.
//
// A Client is safe for concurrent use. A refused connection (pseudonym
// taken, server full, ...) and the end of a connection are reported as a
// *CloseError carrying the close code of docs/PROTOCOL.md §6.
package client
