// Package clienttest runs an in-process stand-in for the world server, for
// tests of the client library and of the load tool that must run without
// the real server (cmd/fairserver), or must provoke what the real one does
// rarely (a refusal, a close code of one's choosing).
//
// It speaks the wire protocol of docs/PROTOCOL.md with the real encoder
// (protocol.View.AppendUpdate), serves /ws and /api/zone, and plays a
// deliberately trivial game: an empty rectangular zone, straight-line GOTO,
// a view radius and no budget, hotspots opened when in range. It is no
// model of the real server's behaviour beyond the wire contract; end-to-end
// tests use the real server.
//
// A Server is safe for concurrent use.
package clienttest
