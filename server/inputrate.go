package server

import (
	"time"

	"github.com/usine-extraordinaire/fairworld/protocol"
)

// The input rate (docs/PROTOCOL.md §3, "Rate"): every frame a client sends,
// data messages and pings or pongs alike, takes a token from a bucket of
// InputBurst tokens refilled at InputRate a second. A message finding the
// bucket empty is dropped; the first dropped data message of a flood window (10 s
// from its first drop) is reported with ERROR rate_limited, and
// the drop that makes more than floodDrops in the window closes with 4008.
//
// The bucket is refilled on the server's clock, as messages are read. When
// the server is late (lateness.go) it reads a backlog in a burst: a client
// that sent at a compliant rate during the stall would find the bucket
// smaller than its backlog. So every second of the server's late time grants
// each connection InputRate extra messages (at most maxLateCredit's worth),
// spent only when the bucket is empty.

const (
	floodWindow   = 10 * time.Second
	maxLateCredit = 10 * time.Second
)

// allow applies the input rate to one frame read from c. Called by the
// reader only. report says whether a drop is reported to the client; the
// report, when there is one, is a command for the hub.
func (c *conn) allow(report bool) (bool, command) {
	s := c.env
	if lt := s.late.total(); lt > c.lateSeen {
		c.credit = min(c.credit+s.inputRate*(lt-c.lateSeen).Seconds(), s.inputRate*maxLateCredit.Seconds())
		c.lateSeen = lt
	}
	if c.limiter.Allow() {
		return true, nil
	}
	if c.credit >= 1 {
		c.credit--
		s.metrics.lateCredit.Inc()
		return true, nil
	}
	s.metrics.drops.WithLabelValues("rate_limited").Inc()
	now := time.Now()
	if now.Sub(c.floodAt) > floodWindow {
		c.floodAt, c.flood, c.floodReported = now, 0, false
	}
	c.flood++
	var rep command
	if report && !c.floodReported {
		c.floodReported = true
		rep = c.errorCmd(protocol.ErrRateLimited, 0, "too many messages; some were dropped")
	}
	if c.flood > s.floodDrops() {
		c.close(protocol.CloseFlood, "too many messages")
	}
	return false, rep
}
