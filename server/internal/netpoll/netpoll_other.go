//go:build !linux

package netpoll

import (
	"context"
	"syscall"
)

// Poller, outside Linux, waits for each socket on a goroutine of its own
// (through the runtime's poller): the same contract, a stack per socket.
type Poller struct {
	t   table
	ctx chan struct{}
}

// New returns a Poller; Run serves it.
func New() (*Poller, error) { return &Poller{ctx: make(chan struct{})}, nil }

// Add registers a socket; h.Ready is called when it has bytes to read.
func (p *Poller) Add(sock syscall.RawConn, h Handler) (Registration, error) {
	key := p.t.add(h)
	go func() {
		buf := make([]byte, BufSize)
		for {
			first := true
			// Read calls f again once the socket is readable.
			err := sock.Read(func(uintptr) bool {
				if first {
					first = false
					return false
				}
				return true
			})
			var hs []Handler
			if hs = p.t.resolve([]uint64{key}, hs); err != nil || hs[0] == nil {
				return
			}
			select {
			case <-p.ctx:
				return
			default:
			}
			hs[0].Ready(buf)
		}
	}()
	return Registration{p: p, key: key}, nil
}

// Run waits until ctx ends.
func (p *Poller) Run(ctx context.Context) error {
	<-ctx.Done()
	close(p.ctx)
	return nil
}
