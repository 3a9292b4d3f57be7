// Package class keeps the fair's classes and their members for the whole
// event (docs/PROTOCOL.md §3, "Classes"): a class has a name, a level, its
// teacher (the staff id of a signed token), a join code, a route and
// whether it is closed; a member is a pupil's progress id (their progress
// key's record, server/progress) with a number in the class and the route
// steps they did.
//
// Store has a memory implementation (one node, tests) and a Redis one
// (every node of a fair), like server/presence and server/progress; Bus
// carries what the nodes tell each other about classes once a second (who
// is where) and at once (a teacher's order). The world's part (who sees
// whom, the orders applied to avatars) is the server's: server/class*.go.
//
// Join codes are 8 letters of an alphabet of 20 (Alphabet) that leaves out
// the letters read as digits or as each other. Everything here is safe for
// concurrent use.
package class
