// Package staff signs staff members in: the fair's teachers,
// professionals, moderators and organisers.
//
// The organisers issue staff tokens with the private key (cmd/stafftoken):
// JWTs signed with EdDSA (Ed25519) whose claims give a role, a display
// name, an expiry, an id for revocation (jti) and, for professionals, their
// booth. Nodes hold only the public key: a Verifier checks a token (the
// algorithm must be EdDSA, the expiry is required, the jti must not be on
// the Denylist) and returns the Staff it names. No node mints tokens.
//
// A token is too large for HELLO, so the page exchanges it at
// POST /api/staff/ticket for a short, single-use Ticket (Tickets), stored
// fair-wide, that HELLO carries (docs/PROTOCOL.md §3, "Staff sign-in").
//
// The Denylist and Tickets have a memory implementation (one node, tests)
// and a Redis one (every node of a fair), like server/presence and
// server/progress. Everything here is safe for concurrent use.
package staff
