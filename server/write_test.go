package server

import (
	"io"
	"net"
	"testing"

	"golang.org/x/sys/unix"
)

// BenchmarkRawWrite compares the two ways of a non-blocking write through
// a socket's RawConn (write.go): Control (a reference on the descriptor,
// what rawOp does) and Write (the write lock and the poller's reset as
// well). 32-byte writes to a loopback socket that a goroutine drains.
//
//	go test -run '^$' -bench RawWrite -count 10 ./server/ | tee raw.txt; benchstat -col /via raw.txt
func BenchmarkRawWrite(b *testing.B) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	defer ln.Close()
	cc, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		b.Fatal(err)
	}
	defer cc.Close()
	sc, err := ln.Accept()
	if err != nil {
		b.Fatal(err)
	}
	defer sc.Close()
	go func() { _, _ = io.Copy(io.Discard, cc) }()
	rc, err := sc.(*net.TCPConn).SyscallConn()
	if err != nil {
		b.Fatal(err)
	}
	buf := make([]byte, 32)
	write := func(fd uintptr) {
		for {
			if _, err := unix.Write(int(fd), buf); err != unix.EINTR {
				return
			}
		}
	}
	b.Run("via=control", func(b *testing.B) {
		op := newRawOp()
		for b.Loop() {
			if _, err := op.write(rc, buf); err != nil && err != unix.EAGAIN {
				b.Fatal(err)
			}
		}
	})
	b.Run("via=write", func(b *testing.B) {
		f := func(fd uintptr) bool { write(fd); return true }
		for b.Loop() {
			if err := rc.Write(f); err != nil {
				b.Fatal(err)
			}
		}
	})
}
