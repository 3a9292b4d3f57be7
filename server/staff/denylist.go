package staff

import (
	"context"
	"time"
)

// Denylist holds the revoked token ids (jti), shared by every node of a
// fair. Implementations: MemoryDenylist, RedisDenylist. Safe for
// concurrent use.
type Denylist interface {
	// Revoke adds jti until the given time (the token's expiry, or
	// later: after it the token is refused anyway).
	Revoke(ctx context.Context, jti string, until time.Time) error
	// Revoked reports whether jti is on the list.
	Revoked(ctx context.Context, jti string) (bool, error)
}
