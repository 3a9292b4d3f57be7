package staff

import (
	"context"
	"sync"
	"time"
)

var _ Denylist = (*MemoryDenylist)(nil)

// MemoryDenylist is the Denylist of a single node.
type MemoryDenylist struct {
	now func() time.Time
	mu  sync.Mutex
	ids map[string]time.Time // guarded by mu
}

// NewMemoryDenylist returns an empty list; now is the clock (nil:
// time.Now).
func NewMemoryDenylist(now func() time.Time) *MemoryDenylist {
	if now == nil {
		now = time.Now
	}
	return &MemoryDenylist{now: now, ids: make(map[string]time.Time)}
}

// Revoke implements Denylist.
func (d *MemoryDenylist) Revoke(_ context.Context, jti string, until time.Time) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	now := d.now()
	for id, u := range d.ids {
		if !u.After(now) {
			delete(d.ids, id)
		}
	}
	if u, ok := d.ids[jti]; !ok || until.After(u) {
		d.ids[jti] = until
	}
	return nil
}

// Revoked implements Denylist.
func (d *MemoryDenylist) Revoked(_ context.Context, jti string) (bool, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	u, ok := d.ids[jti]
	return ok && u.After(d.now()), nil
}
