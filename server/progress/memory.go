package progress

import (
	"cmp"
	"context"
	"maps"
	"slices"
	"sync"
	"time"
)

var _ Store = (*MemoryStore)(nil)

// MemoryStore is the Store of a single node: progress in this process's
// memory, kept for the retention period but lost when the process stops.
// It is safe for concurrent use.
type MemoryStore struct {
	retention time.Duration
	now       func() time.Time

	mu     sync.Mutex
	recs   map[string]*memRecord  // guarded by mu: progress id -> record
	keys   map[string]string      // guarded by mu: key hash -> progress id
	shares map[string]*memShare   // guarded by mu: token -> share
	wrong  map[string][]time.Time // guarded by mu: who -> wrong keys in the window
	board  map[uint32]*memBoard   // guarded by mu: group -> sorted leaderboard, rebuilt when stale
	dirty  map[uint32]bool        // guarded by mu: boards changed since built
}

type memRecord struct {
	Record
	touched time.Time
}

type memShare struct {
	ShareRecord
	id      string
	created time.Time
}

type memBoard struct {
	entries []Entry // best first
	rank    map[string]int
}

// MemoryConfig configures a MemoryStore. Zero values mean the defaults.
type MemoryConfig struct {
	Retention time.Duration    // zero means DefaultRetention
	Now       func() time.Time // nil means time.Now
}

// NewMemory returns an empty MemoryStore.
func NewMemory(cfg MemoryConfig) *MemoryStore {
	if cfg.Retention <= 0 {
		cfg.Retention = DefaultRetention
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &MemoryStore{
		retention: cfg.Retention, now: cfg.Now,
		recs: map[string]*memRecord{}, keys: map[string]string{}, shares: map[string]*memShare{},
		wrong: map[string][]time.Time{}, board: map[uint32]*memBoard{}, dirty: map[uint32]bool{},
	}
}

// Lookup implements Store.
func (m *MemoryStore) Lookup(_ context.Context, keyHash string) (string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	id, ok := m.keys[keyHash]
	if !ok || m.expired(id) {
		return "", ErrNotFound
	}
	return id, nil
}

// expired drops an expired record (and what belongs to it); the caller
// holds mu.
func (m *MemoryStore) expired(id string) bool {
	r, ok := m.recs[id]
	if !ok {
		return true
	}
	if m.now().Sub(r.touched) <= m.retention {
		return false
	}
	m.eraseLocked(id, "")
	return true
}

// Load implements Store.
func (m *MemoryStore) Load(_ context.Context, id string) (*Record, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.expired(id) {
		return nil, ErrNotFound
	}
	r := m.recs[id].Record
	r.Seen = slices.Clone(r.Seen)
	r.Answers, r.Badges, r.Shares = maps.Clone(r.Answers), maps.Clone(r.Badges), maps.Clone(r.Shares)
	for b, tok := range r.Shares {
		if s, ok := m.shares[tok]; !ok || m.now().Sub(s.created) > m.retention {
			delete(r.Shares, b)
		}
	}
	return &r, nil
}

// Apply implements Store: in memory, at once.
func (m *MemoryStore) Apply(w Write) {
	m.mu.Lock()
	defer m.mu.Unlock()
	r, ok := m.recs[w.ID]
	if !ok {
		r = &memRecord{Record: Record{ID: w.ID, Answers: map[string]bool{}, Badges: map[string]uint32{}, Shares: map[string]string{}, Created: w.Created}}
		m.recs[w.ID] = r
	}
	r.touched = m.now()
	if w.KeyHash != "" {
		if r.KeyHash != "" && r.KeyHash != w.KeyHash {
			delete(m.keys, r.KeyHash)
		}
		r.KeyHash = w.KeyHash
		m.keys[w.KeyHash] = w.ID
	}
	if w.Name != "" {
		r.Name = w.Name
	}
	if r.Group != w.Group {
		m.dirty[r.Group], m.dirty[w.Group] = true, true
	}
	r.Group = w.Group
	before := r.Points
	for _, op := range w.Ops {
		switch op.Kind {
		case OpSeen:
			if !slices.Contains(r.Seen, op.Hotspot) {
				r.Seen = append(r.Seen, op.Hotspot)
				r.Points += op.Points
			}
		case OpAnswer:
			f := answerField(op.Hotspot, op.Question)
			if _, done := r.Answers[f]; !done {
				r.Answers[f] = op.Right
				if op.Right {
					r.Points += op.Points
				}
			}
		case OpBadge:
			if _, done := r.Badges[op.Badge]; !done {
				r.Badges[op.Badge] = op.At
			}
		}
	}
	if r.Points != before || !ok {
		m.dirty[0], m.dirty[r.Group] = true, true
	}
}

// Erase implements Store.
func (m *MemoryStore) Erase(_ context.Context, id, who string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.eraseLocked(id, who)
	return nil
}

func (m *MemoryStore) eraseLocked(id, who string) {
	if who != "" {
		delete(m.wrong, who)
	}
	r, ok := m.recs[id]
	if !ok {
		return
	}
	delete(m.keys, r.KeyHash)
	for _, tok := range r.Shares {
		delete(m.shares, tok)
	}
	delete(m.recs, id)
	m.dirty[0], m.dirty[r.Group] = true, true
}

// boardLocked returns a group's leaderboard, rebuilt if it changed.
func (m *MemoryStore) boardLocked(group uint32) *memBoard {
	b := m.board[group]
	if b != nil && !m.dirty[group] {
		return b
	}
	b = &memBoard{rank: map[string]int{}}
	now := m.now()
	for id, r := range m.recs {
		if r.Points == 0 || now.Sub(r.touched) > m.retention || group != 0 && r.Group != group {
			continue
		}
		b.entries = append(b.entries, Entry{ID: id, Name: r.Name, Points: r.Points})
	}
	slices.SortFunc(b.entries, func(x, y Entry) int {
		return cmp.Or(cmp.Compare(y.Points, x.Points), cmp.Compare(x.ID, y.ID))
	})
	for i := range b.entries {
		e := &b.entries[i]
		e.Rank = i + 1
		if i > 0 && e.Points == b.entries[i-1].Points {
			e.Rank = b.entries[i-1].Rank
		}
		b.rank[e.ID] = e.Rank
	}
	m.board[group], m.dirty[group] = b, false
	return b
}

// Top implements Store.
func (m *MemoryStore) Top(_ context.Context, group uint32, n int) ([]Entry, int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	b := m.boardLocked(group)
	return slices.Clone(b.entries[:min(n, len(b.entries))]), len(b.entries), nil
}

// Rank implements Store.
func (m *MemoryStore) Rank(_ context.Context, group uint32, id string) (int, uint32, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	b := m.boardLocked(group)
	r, ok := b.rank[id]
	if !ok {
		return 0, 0, nil
	}
	return r, b.entries[r-1].Points, nil
}

// Share implements Store.
func (m *MemoryStore) Share(_ context.Context, id string, sr ShareRecord) (string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.expired(id) {
		return "", ErrNotFound
	}
	r := m.recs[id]
	if tok, ok := r.Shares[sr.Badge]; ok {
		if s, ok := m.shares[tok]; ok && m.now().Sub(s.created) <= m.retention {
			return tok, nil
		}
	}
	tok := randomToken()
	m.shares[tok] = &memShare{ShareRecord: sr, id: id, created: m.now()}
	r.Shares[sr.Badge] = tok
	return tok, nil
}

// Unshare implements Store.
func (m *MemoryStore) Unshare(_ context.Context, id, badge string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	r, ok := m.recs[id]
	if !ok {
		return nil
	}
	if tok, ok := r.Shares[badge]; ok {
		delete(m.shares, tok)
		delete(r.Shares, badge)
	}
	return nil
}

// Shared implements Store.
func (m *MemoryStore) Shared(_ context.Context, token string) (ShareRecord, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	s, ok := m.shares[token]
	if !ok || m.now().Sub(s.created) > m.retention {
		return ShareRecord{}, ErrNotFound
	}
	return s.ShareRecord, nil
}

// WrongKeys implements Store.
func (m *MemoryStore) WrongKeys(_ context.Context, who string) (int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.recentWrong(who)), nil
}

func (m *MemoryStore) recentWrong(who string) []time.Time {
	ts := m.wrong[who]
	now := m.now()
	k := 0
	for _, t := range ts {
		if now.Sub(t) < KeyTriesWindow {
			ts[k] = t
			k++
		}
	}
	if k == 0 {
		delete(m.wrong, who)
		return nil
	}
	m.wrong[who] = ts[:k]
	return ts[:k]
}

// Failed implements Store.
func (m *MemoryStore) Failed(_ context.Context, who string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.wrong[who] = append(m.recentWrong(who), m.now())
	return nil
}

// Ready implements Store: memory always answers.
func (m *MemoryStore) Ready() error { return nil }

// Run implements Store: it drops expired records once a minute.
func (m *MemoryStore) Run(ctx context.Context) {
	t := time.NewTicker(time.Minute)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			m.sweep()
		}
	}
}

func (m *MemoryStore) sweep() {
	m.mu.Lock()
	defer m.mu.Unlock()
	for id := range m.recs {
		m.expired(id)
	}
	for tok, s := range m.shares {
		if m.now().Sub(s.created) > m.retention {
			delete(m.shares, tok)
		}
	}
	for who := range m.wrong {
		m.recentWrong(who)
	}
}

// Len is the number of records held (for tests and metrics).
func (m *MemoryStore) Len() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.recs)
}
