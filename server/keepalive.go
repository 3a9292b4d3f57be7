package server

import (
	"context"
	"time"

	"github.com/usine-extraordinaire/fairworld/protocol"
	"github.com/usine-extraordinaire/fairworld/server/internal/wsframe"
)

// keepalive pings connections from which nothing was read for PingInterval
// and closes those silent for PingInterval+PingTimeout, all in awake time.
// Any byte read counts (read.go), and a connection whose socket holds bytes
// not yet read is not silent: the server is behind, not the client. A
// ping is a control frame queued like any output: no goroutine waits for
// its pong.
func (s *Server) keepalive(ctx context.Context) {
	t := time.NewTicker(max(min(s.cfg.PingInterval, s.cfg.PingTimeout)/2, 10*time.Millisecond))
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		now := s.late.judge(time.Now())
		for _, c := range s.conns.snapshot() {
			last := c.lastRead.Load()
			silent := now - time.Duration(last)
			if silent < s.cfg.PingInterval || c.isClosing() {
				continue
			}
			if silent >= s.cfg.PingInterval+s.cfg.PingTimeout {
				if n, ok := unreadBytes(c.raw); !ok || n == 0 {
					s.metrics.pings.WithLabelValues("failed").Inc()
					c.close(protocol.CloseIdle, "no answer to ping")
				}
				continue
			}
			// One ping per silence: none since the last byte read.
			if at := c.pingAt.Load(); at == 0 || at < last {
				c.pingAt.Store(max(int64(now), 1))
				c.control(wsframe.OpPing, nil)
			}
		}
	}
}
