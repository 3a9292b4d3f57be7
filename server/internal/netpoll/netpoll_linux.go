package netpoll

import (
	"context"
	"errors"
	"fmt"
	"os"
	"syscall"

	"golang.org/x/sys/unix"
)

// Poller is one epoll instance. Safe for concurrent use; Run is called once.
type Poller struct {
	t    table
	epfd int
	f    *os.File // the epoll instance, waited on by Go's runtime poller
	rc   syscall.RawConn
}

// New returns a Poller; Run serves it.
func New() (*Poller, error) {
	fd, err := unix.EpollCreate1(unix.EPOLL_CLOEXEC)
	if err != nil {
		return nil, fmt.Errorf("netpoll: epoll_create1: %w", err)
	}
	if err := unix.SetNonblock(fd, true); err != nil {
		_ = unix.Close(fd)
		return nil, fmt.Errorf("netpoll: nonblock: %w", err)
	}
	// A non-blocking descriptor given to os.NewFile is registered with the
	// runtime's poller: waiting on it parks the goroutine, not a thread.
	f := os.NewFile(uintptr(fd), "epoll")
	rc, err := f.SyscallConn()
	if err != nil {
		_ = f.Close()
		return nil, fmt.Errorf("netpoll: %w", err)
	}
	return &Poller{epfd: fd, f: f, rc: rc}, nil
}

// Add registers a socket; h.Ready is called when it has bytes to read (its
// owner reads them through the same RawConn), at once if it has some now.
func (p *Poller) Add(sock syscall.RawConn, h Handler) (Registration, error) {
	key := p.t.add(h)
	ev := unix.EpollEvent{Events: unix.EPOLLIN | unix.EPOLLRDHUP | unix.EPOLLET}
	ev.Fd, ev.Pad = int32(uint32(key)), int32(uint32(key>>32))
	var cerr error
	if err := sock.Control(func(fd uintptr) { cerr = unix.EpollCtl(p.epfd, unix.EPOLL_CTL_ADD, int(fd), &ev) }); err != nil || cerr != nil {
		p.t.remove(key)
		return Registration{}, fmt.Errorf("netpoll: add: %w", errors.Join(err, cerr))
	}
	return Registration{p: p, key: key}, nil
}

// Run calls the handlers of ready sockets until ctx ends, then closes the
// epoll instance.
func (p *Poller) Run(ctx context.Context) error {
	stop := context.AfterFunc(ctx, func() { _ = p.f.SetReadDeadline(aLongTimeAgo) })
	defer stop()
	defer p.f.Close()
	events := make([]unix.EpollEvent, 256)
	keys := make([]uint64, 0, len(events))
	hs := make([]Handler, 0, len(events))
	buf := make([]byte, BufSize)
	var n int
	var werr error
	wait := func(fd uintptr) bool {
		n, werr = unix.EpollWait(int(fd), events, 0)
		if werr == unix.EINTR {
			n, werr = 0, nil
		}
		return n > 0 || werr != nil // false: nothing ready, park until there is
	}
	for {
		if err := p.rc.Read(wait); err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return fmt.Errorf("netpoll: wait: %w", err)
		}
		if werr != nil {
			return fmt.Errorf("netpoll: epoll_wait: %w", werr)
		}
		keys = keys[:0]
		for _, ev := range events[:n] {
			keys = append(keys, uint64(uint32(ev.Fd))|uint64(uint32(ev.Pad))<<32)
		}
		hs = p.t.resolve(keys, hs[:0])
		for i, h := range hs {
			if h != nil {
				h.Ready(buf)
			}
			hs[i] = nil
		}
	}
}
