package staff

import (
	"context"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"
)

var _ Denylist = (*RedisDenylist)(nil)

// RedisDenylist is the Denylist every node of a fair shares: one key per
// revoked jti, expiring with the token (prefix:staff:revoked:<jti>).
type RedisDenylist struct {
	rc      redis.UniversalClient
	prefix  string
	timeout time.Duration
}

// NewRedisDenylist returns the denylist in rc under prefix ("" means
// "fair"); every call is bounded by timeout (0 means 1 s).
func NewRedisDenylist(rc redis.UniversalClient, prefix string, timeout time.Duration) *RedisDenylist {
	if prefix == "" {
		prefix = "fair"
	}
	if timeout == 0 {
		timeout = time.Second
	}
	return &RedisDenylist{rc: rc, prefix: prefix, timeout: timeout}
}

func (d *RedisDenylist) key(jti string) string { return d.prefix + ":staff:revoked:" + jti }

// Revoke implements Denylist. The key lives until until, and at least a
// minute.
func (d *RedisDenylist) Revoke(ctx context.Context, jti string, until time.Time) error {
	ctx, cancel := context.WithTimeout(ctx, d.timeout)
	defer cancel()
	ttl := max(time.Until(until), time.Minute)
	if err := d.rc.Set(ctx, d.key(jti), until.Unix(), ttl).Err(); err != nil {
		return fmt.Errorf("staff: failed to revoke %s: %w", jti, err)
	}
	return nil
}

// Revoked implements Denylist.
func (d *RedisDenylist) Revoked(ctx context.Context, jti string) (bool, error) {
	ctx, cancel := context.WithTimeout(ctx, d.timeout)
	defer cancel()
	n, err := d.rc.Exists(ctx, d.key(jti)).Result()
	if err != nil {
		return false, fmt.Errorf("staff: failed to read the denylist: %w", err)
	}
	return n == 1, nil
}
