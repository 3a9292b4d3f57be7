package server

import (
	"context"
	"time"
)

// watchdog closes connections whose current write has been stuck for
// WriteTimeout of awake time with bytes waiting in the socket's send queue:
// their client stopped reading. A write that is only slow because the
// server was late (its send queue empty) is left alone.
func (s *Server) watchdog(ctx context.Context) {
	t := time.NewTicker(max(s.cfg.WriteTimeout/4, 50*time.Millisecond))
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		cutoff := int64(s.late.judge(time.Now()) - s.cfg.WriteTimeout)
		for _, c := range s.conns.snapshot() {
			if since := c.writeSince.Load(); since != 0 && since < cutoff {
				if n, ok := unsentBytes(c.raw); ok && n == 0 {
					continue
				}
				c.closeStuck()
			}
		}
	}
}
