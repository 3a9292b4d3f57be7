package chat

import (
	"context"
	"slices"
	"sync"
	"time"
)

var _ Store = (*MemoryStore)(nil)

// MemoryStore is a Store in the node's memory (one node without Redis).
// Safe for concurrent use.
type MemoryStore struct {
	retention time.Duration
	now       func() time.Time

	mu      sync.Mutex
	classes map[uint32][]Message // guarded by mu: oldest first
	reports map[uint64]Report    // guarded by mu
	state   State                // guarded by mu
	audit   []AuditEntry         // guarded by mu: oldest first
}

// NewMemoryStore returns an empty store keeping class messages for
// retention (zero means Retention); now is its clock (nil: time.Now).
func NewMemoryStore(retention time.Duration, now func() time.Time) *MemoryStore {
	if retention <= 0 {
		retention = Retention
	}
	if now == nil {
		now = time.Now
	}
	return &MemoryStore{
		retention: retention, now: now,
		classes: map[uint32][]Message{}, reports: map[uint64]Report{},
		state: State{Mutes: map[string]time.Time{}, Bans: map[string]time.Time{}, Classes: map[uint32]ClassSettings{}},
	}
}

func (s *MemoryStore) trim(h []Message, now time.Time) []Message {
	limit := now.Add(-s.retention).UnixMilli()
	i := 0
	for i < len(h) && h[i].AtMs <= limit {
		i++
	}
	h = h[i:]
	if len(h) > HistoryLen {
		h = h[len(h)-HistoryLen:]
	}
	return h
}

// AppendClass implements Store.
func (s *MemoryStore) AppendClass(_ context.Context, m Message) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	h := append(s.classes[m.Group], m)
	s.classes[m.Group] = slices.Clip(s.trim(h, s.now()))
	return nil
}

// ClassHistory implements Store.
func (s *MemoryStore) ClassHistory(_ context.Context, group uint32, now time.Time) ([]Message, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	h := s.trim(s.classes[group], now)
	if len(h) == 0 {
		delete(s.classes, group)
		return nil, nil
	}
	s.classes[group] = h
	return slices.Clone(h), nil
}

// RemoveClass implements Store.
func (s *MemoryStore) RemoveClass(_ context.Context, group uint32, id uint64) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.classes[group] = slices.DeleteFunc(s.classes[group], func(m Message) bool { return m.ID == id })
	return nil
}

// EraseWho implements Store.
func (s *MemoryStore) EraseWho(_ context.Context, who string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for g, h := range s.classes {
		s.classes[g] = slices.DeleteFunc(h, func(m Message) bool { return m.Who == who })
	}
	return nil
}

// SaveReport implements Store.
func (s *MemoryStore) SaveReport(_ context.Context, r Report) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.reports[r.ID] = r
	return nil
}

// CloseReport implements Store.
func (s *MemoryStore) CloseReport(_ context.Context, id uint64) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.reports, id)
	return nil
}

// OpenReports implements Store.
func (s *MemoryStore) OpenReports(_ context.Context, n int) ([]Report, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	limit := s.now().Add(-ReportTTL).UnixMilli()
	var out []Report
	for id, r := range s.reports {
		if r.AtMs < limit {
			delete(s.reports, id)
			continue
		}
		out = append(out, r)
	}
	slices.SortFunc(out, func(a, b Report) int { return int(b.AtMs - a.AtMs) })
	if len(out) > n {
		out = out[:n]
	}
	return out, nil
}

// SetMute implements Store.
func (s *MemoryStore) SetMute(_ context.Context, who string, until time.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if until.After(s.now()) {
		s.state.Mutes[WhoKey(who)] = until
	} else {
		delete(s.state.Mutes, WhoKey(who))
	}
	return nil
}

// SetBan implements Store.
func (s *MemoryStore) SetBan(_ context.Context, who, progress string, until time.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.state.Bans[WhoKey(who)] = until
	if progress != "" {
		s.state.Bans[ProgressKey(progress)] = until
	}
	return nil
}

// SetClass implements Store.
func (s *MemoryStore) SetClass(_ context.Context, group uint32, c ClassSettings) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.state.Classes[group] = c
	return nil
}

// State implements Store.
func (s *MemoryStore) State(_ context.Context, now time.Time) (State, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := State{Mutes: map[string]time.Time{}, Bans: map[string]time.Time{}, Classes: map[uint32]ClassSettings{}}
	for k, t := range s.state.Mutes {
		if t.After(now) {
			out.Mutes[k] = t
		}
	}
	for k, t := range s.state.Bans {
		if t.After(now) {
			out.Bans[k] = t
		}
	}
	for g, c := range s.state.Classes {
		out.Classes[g] = c
	}
	return out, nil
}

// Audit implements Store.
func (s *MemoryStore) Audit(_ context.Context, e AuditEntry) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.audit = append(s.audit, e)
	if len(s.audit) > AuditLen {
		s.audit = slices.Clone(s.audit[len(s.audit)-AuditLen:])
	}
	return nil
}

// AuditLog implements Store.
func (s *MemoryStore) AuditLog(_ context.Context, n int) ([]AuditEntry, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []AuditEntry
	for i := len(s.audit) - 1; i >= 0 && len(out) < n; i-- {
		out = append(out, s.audit[i])
	}
	return out, nil
}
