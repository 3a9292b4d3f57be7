package server_test

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// BenchmarkFloor is the floor of the server's CPU per WebSocket message
// (docs/PERFORMANCE.md, "CPU per visitor"): N loopback connections, one
// small binary frame (32 bytes) written to each per tick (20 Hz), and 10
// small masked frames per connection per second read from them, nothing
// else: no game, no encoding, no framing beyond a fixed header. Each op is
// one tick. The clients run in a child process (this test binary again,
// TestFloorClient), so that the CPU reported (cpu-µs/msg: this process's
// user + system time over the messages written and read) is the serving
// side's alone. Reads are one goroutine per connection blocked in Read,
// writes one loop per core over its share of the connections: the plain Go
// way, what any server here pays at the least.
//
//	go test -run '^$' -bench Floor -benchtime 200x -count 10 ./server/
func BenchmarkFloor(b *testing.B) {
	for _, n := range []int{2000} {
		b.Run(fmt.Sprintf("conns=%d", n), func(b *testing.B) { floor(b, n) })
	}
}

const (
	floorOut    = 32 // bytes of each server frame, header included
	floorIn     = 16 // bytes of each client frame: 6 of header and mask, 10 of payload
	floorInHz   = 10
	floorTickHz = 20
)

func floor(b *testing.B, n int) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	defer ln.Close()
	exe, err := os.Executable()
	if err != nil {
		b.Fatal(err)
	}
	child := exec.Command(exe, "-test.run", "^TestFloorClient$")
	child.Env = append(os.Environ(), "FAIRWORLD_FLOOR_CLIENT="+ln.Addr().String(), "FAIRWORLD_FLOOR_N="+strconv.Itoa(n))
	stdin, err := child.StdinPipe()
	if err != nil {
		b.Fatal(err)
	}
	child.Stderr = os.Stderr
	if err := child.Start(); err != nil {
		b.Fatal(err)
	}
	defer func() { _ = stdin.Close(); _ = child.Wait() }() // the child ends when its stdin does

	conns := make([]net.Conn, n)
	for i := range conns {
		if conns[i], err = ln.Accept(); err != nil {
			b.Fatal(err)
		}
	}
	var in atomic.Int64 // bytes read
	var rg sync.WaitGroup
	for _, c := range conns {
		rg.Go(func() {
			buf := make([]byte, 512)
			for {
				m, err := c.Read(buf)
				in.Add(int64(m))
				if err != nil {
					return
				}
			}
		})
	}
	defer func() {
		for _, c := range conns {
			_ = c.Close()
		}
		rg.Wait()
	}()
	frame := make([]byte, floorOut)
	frame[0], frame[1] = 0x82, floorOut-2
	writers := runtime.GOMAXPROCS(0)
	// Let the clients' first second of staggered sends settle.
	time.Sleep(time.Second)
	tick := time.NewTicker(time.Second / floorTickHz)
	defer tick.Stop()
	in0, cpu0, t0 := in.Load(), cpuTime(b), time.Now()
	b.ResetTimer()
	for range b.N {
		<-tick.C
		var wg sync.WaitGroup
		for w := range writers {
			wg.Go(func() {
				for i := w; i < n; i += writers {
					if _, err := conns[i].Write(frame); err != nil {
						b.Error(err)
						return
					}
				}
			})
		}
		wg.Wait()
	}
	b.StopTimer()
	secs := time.Since(t0).Seconds()
	cpu := cpuTime(b) - cpu0
	msgsIn := float64(in.Load()-in0) / floorIn
	msgsOut := float64(b.N * n)
	b.ReportMetric(cpu.Seconds()/secs, "cpu-s/s")
	b.ReportMetric(float64(cpu.Microseconds())/(msgsIn+msgsOut), "cpu-µs/msg")
	b.ReportMetric(msgsIn/secs/float64(n), "in/s/conn")
}

// cpuTime is this process's user + system time.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// TestFloorClient is BenchmarkFloor's client side, run in a child process:
// it dials FAIRWORLD_FLOOR_N connections, reads and drops everything, sends
// 10 masked 10-byte binary frames per connection per second (spread over
// the second) and ends when its stdin ends.
func TestFloorClient(t *testing.T) {
	addr := os.Getenv("FAIRWORLD_FLOOR_CLIENT")
	if addr == "" {
		t.Skip("the client side of BenchmarkFloor")
	}
	n, err := strconv.Atoi(os.Getenv("FAIRWORLD_FLOOR_N"))
	if err != nil {
		t.Fatal(err)
	}
	frame := make([]byte, floorIn)
	frame[0], frame[1] = 0x82, 0x80|(floorIn-6)
	binary.BigEndian.PutUint32(frame[2:], 0x5a5a5a5a)
	done := make(chan struct{})
	go func() { _, _ = io.Copy(io.Discard, bufio.NewReader(os.Stdin)); close(done) }()
	var wg sync.WaitGroup
	for i := range n {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		wg.Go(func() { _, _ = io.Copy(io.Discard, c) })
		wg.Go(func() {
			defer c.Close()
			// Staggered over the second, so the reads are spread as a
			// crowd's inputs are.
			time.Sleep(time.Duration(i) * time.Second / time.Duration(n))
			tick := time.NewTicker(time.Second / floorInHz)
			defer tick.Stop()
			for {
				select {
				case <-done:
					return
				case <-tick.C:
					if _, err := c.Write(frame); err != nil {
						return
					}
				}
			}
		})
	}
	<-done
	wg.Wait()
}
