// Package netpoll tells when registered sockets have bytes to read, without
// a goroutine per socket: an idle connection then costs no stack. The
// owner of a socket reads it itself when told (through syscall.RawConn, so
// that a concurrent Close never hands it another socket's descriptor).
//
// On Linux a Poller is one epoll instance, itself waited on through Go's
// runtime poller (so no thread is blocked in epoll_wait), and sockets are
// registered edge-triggered: Ready is called once for each arrival of
// bytes (and for the end of the stream or an error), and again only when
// more arrive, so the owner reads until the socket is empty (a short read
// says so). Elsewhere a goroutine per socket waits for it.
package netpoll
