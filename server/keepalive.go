package server

import (
	"context"
	"time"

	"github.com/usine-extraordinaire/fairworld/protocol"
)

// keepalive pings connections from which nothing was read for PingInterval
// and closes those silent for PingInterval+PingTimeout, all in awake time.
// Any byte read counts (liveConn), and a connection whose socket holds bytes
// not yet read is not silent: the server is behind, not the client.
func (s *Server) keepalive(ctx context.Context) {
	t := time.NewTicker(max(min(s.cfg.PingInterval, s.cfg.PingTimeout)/2, 10*time.Millisecond))
	defer t.Stop()
	sem := make(chan struct{}, 256) // pings in flight
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		now := s.late.judge(time.Now())
		for _, c := range s.conns.snapshot() {
			silent := now - time.Duration(c.lastRead.Load())
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
			if !c.pinging.CompareAndSwap(false, true) {
				continue
			}
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
				return
			}
			go func() {
				defer func() { <-sem; c.pinging.Store(false) }()
				pctx, cancel := context.WithTimeout(ctx, s.cfg.PingTimeout)
				defer cancel()
				// The answer is any byte read (liveConn): Ping's own wait
				// for the pong only feeds the metric.
				if err := c.ws.Ping(pctx); err == nil {
					s.metrics.pings.WithLabelValues("ok").Inc()
				}
			}()
		}
	}
}
