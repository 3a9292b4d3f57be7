package admit

import (
	"context"

	"golang.org/x/time/rate"
)

// Limiter decides whether a new session may start now. Implementations
// are safe for concurrent use.
type Limiter interface {
	// Allow takes one token if there is one; false means refuse (4004).
	Allow(ctx context.Context) bool
}

// Memory is a Limiter of this process only.
type Memory struct{ l *rate.Limiter }

var _ Limiter = (*Memory)(nil)

// NewMemory allows perSecond on average and burst at once. Zero perSecond
// allows nothing beyond the burst.
func NewMemory(perSecond float64, burst int) *Memory {
	return &Memory{l: rate.NewLimiter(rate.Limit(perSecond), burst)}
}

// Allow implements Limiter.
func (m *Memory) Allow(context.Context) bool { return m.l.Allow() }
