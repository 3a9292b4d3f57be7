// Package protocol is the wire format between the world server and its
// clients: message type codes, typed messages, a bounded msgpack codec,
// position quantisation, limits, error codes and close codes.
//
// It knows nothing of the network. docs/PROTOCOL.md is the normative
// description; protocol/testdata/vectors.json holds the examples of that
// document as test vectors shared with the web page's tests.
//
// Every message is one binary WebSocket message holding one msgpack array
// whose first element is the message type code. Fields are positional.
//
// Decoding never trusts a length: every array, string and binary length is
// checked against the bytes that remain and against the limits below before
// anything is allocated, so a 5-byte message cannot allocate gigabytes.
//
// Decoders are forward compatible as the document says: type codes up to
// MaxType that this version does not know are reported (ErrUnknownMessage),
// not fatal; client arrays hold up to MaxClientFields elements; fields a
// later version appends are skipped; a field that later versions made
// optional takes its default when missing (WELCOME's max_speed). The rules
// live in one place, the fields reader (fields.go): adding an optional
// trailing field to a message is one line in its decoder.
//
// Encoders refuse what a client could not decode (AppendUpdate returns an
// error wrapping ErrTooLarge) rather than write a corrupt message.
//
// All functions are safe for concurrent use; View values are not.
package protocol
