// Package wsframe is the server side of the WebSocket framing (RFC 6455
// §5): it turns the bytes a client sends into control frames and whole
// data messages, and writes the server's frames. It knows no network: the
// server reads a socket into a buffer and hands it to a Reader.
//
// Decoding never trusts a length: a frame announcing more than the limits
// is refused from its header, before any of its payload is read, and
// nothing is allocated for it. Every violation is a *ProtocolError with
// the close code to send.
package wsframe
