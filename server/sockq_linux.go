package server

import (
	"net"
	"syscall"

	"golang.org/x/sys/unix"
)

// unreadBytes is how many bytes wait in c's kernel receive queue, not yet
// read by the server; ok is false when it cannot tell.
func unreadBytes(c net.Conn) (n int, ok bool) { return sockQueue(c, unix.SIOCINQ) }

// unsentBytes is how many bytes wait in c's kernel send queue, not yet
// acknowledged by the peer; ok is false when it cannot tell.
func unsentBytes(c net.Conn) (n int, ok bool) { return sockQueue(c, unix.SIOCOUTQ) }

func sockQueue(c net.Conn, req uint) (int, bool) {
	sc, ok := c.(syscall.Conn)
	if !ok {
		return 0, false
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return 0, false
	}
	n, qerr := 0, error(nil)
	if err := rc.Control(func(fd uintptr) { n, qerr = unix.IoctlGetInt(int(fd), req) }); err != nil || qerr != nil {
		return 0, false
	}
	return n, true
}
