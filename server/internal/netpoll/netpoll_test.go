package netpoll

import (
	"context"
	"net"
	"runtime"
	"sync/atomic"
	"testing"
	"time"
)

type counter struct{ n atomic.Int64 }

func (c *counter) Ready([]byte) { c.n.Add(1) }

func pair(t *testing.T) (server, client *net.TCPConn) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	cc, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	sc, err := ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cc.Close(); _ = sc.Close() })
	return sc.(*net.TCPConn), cc.(*net.TCPConn)
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !cond(); time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("waited 10 s for %s", what)
		}
	}
}

// Many idle sockets cost no goroutine; each is reported when bytes arrive,
// and when its peer closes; a removed one is not reported any more.
func TestReadyWithoutAGoroutinePerSocket(t *testing.T) {
	t.Parallel()
	p, err := New()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- p.Run(ctx) }()
	const n = 50
	before := runtime.NumGoroutine()
	servers, clients := make([]*net.TCPConn, n), make([]*net.TCPConn, n)
	hs := make([]*counter, n)
	regs := make([]Registration, n)
	for i := range n {
		servers[i], clients[i] = pair(t)
		rc, err := servers[i].SyscallConn()
		if err != nil {
			t.Fatal(err)
		}
		hs[i] = &counter{}
		if regs[i], err = p.Add(rc, hs[i]); err != nil {
			t.Fatal(err)
		}
	}
	if runtime.GOOS == "linux" {
		if g := runtime.NumGoroutine(); g > before+5 {
			t.Fatalf("%d goroutines for %d idle sockets", g-before, n)
		}
	}
	for i := range n {
		if hs[i].n.Load() != 0 {
			t.Fatalf("socket %d reported with nothing to read", i)
		}
	}
	_, _ = clients[7].Write([]byte("x"))
	waitFor(t, "socket 7 reported", func() bool { return hs[7].n.Load() == 1 })
	buf := make([]byte, 8)
	if _, err := servers[7].Read(buf); err != nil {
		t.Fatal(err)
	}
	_, _ = clients[7].Write([]byte("y"))
	waitFor(t, "socket 7 reported again", func() bool { return hs[7].n.Load() == 2 })
	_ = clients[9].Close()
	waitFor(t, "socket 9's end of stream reported", func() bool { return hs[9].n.Load() >= 1 })
	regs[3].Remove()
	regs[3].Remove()
	_, _ = clients[3].Write([]byte("z"))
	_, _ = clients[4].Write([]byte("z"))
	waitFor(t, "socket 4 reported", func() bool { return hs[4].n.Load() == 1 })
	time.Sleep(50 * time.Millisecond)
	if hs[3].n.Load() != 0 {
		t.Fatal("a removed socket was reported")
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("Run: %v", err)
	}
}
