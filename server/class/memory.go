package class

import (
	"context"
	"slices"
	"sync"
	"time"
)

var _ Store = (*MemoryStore)(nil)

// MemoryStore is the Store of a single node: classes last as long as the
// process.
type MemoryStore struct {
	mu      sync.Mutex
	next    uint32                       // guarded by mu
	classes map[uint32]*Class            // guarded by mu
	codes   map[string]uint32            // guarded by mu
	members map[uint32]map[string]Member // class -> progress -> member; guarded by mu
	of      map[string]uint32            // progress -> class; guarded by mu
	numbers map[uint32]uint32            // class -> last member number; guarded by mu
	now     func() time.Time
}

// NewMemoryStore returns an empty store; now is the clock (nil: time.Now).
func NewMemoryStore(now func() time.Time) *MemoryStore {
	if now == nil {
		now = time.Now
	}
	return &MemoryStore{classes: map[uint32]*Class{}, codes: map[string]uint32{}, members: map[uint32]map[string]Member{},
		of: map[string]uint32{}, numbers: map[uint32]uint32{}, now: now}
}

func copyClass(c *Class) Class {
	out := *c
	out.Steps = slices.Clone(c.Steps)
	return out
}

// Create implements Store.
func (m *MemoryStore) Create(_ context.Context, c Class) (Class, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	n := 0
	for _, o := range m.classes {
		if o.Teacher == c.Teacher {
			n++
		}
	}
	if n >= MaxClasses {
		return Class{}, ErrTooMany
	}
	m.next++
	c.ID = m.next
	for {
		c.Code = NewCode()
		if _, taken := m.codes[c.Code]; !taken {
			break
		}
	}
	c.Created = m.now().Unix()
	m.classes[c.ID] = &c
	m.codes[c.Code] = c.ID
	return copyClass(&c), nil
}

// Get implements Store.
func (m *MemoryStore) Get(_ context.Context, id uint32) (Class, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	c, ok := m.classes[id]
	if !ok {
		return Class{}, ErrNotFound
	}
	return copyClass(c), nil
}

// ByCode implements Store.
func (m *MemoryStore) ByCode(ctx context.Context, code string) (Class, error) {
	m.mu.Lock()
	id, ok := m.codes[code]
	m.mu.Unlock()
	if !ok {
		return Class{}, ErrNotFound
	}
	return m.Get(ctx, id)
}

// Teacher implements Store.
func (m *MemoryStore) Teacher(_ context.Context, teacher string) ([]Class, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []Class
	for _, c := range m.classes {
		if c.Teacher == teacher {
			out = append(out, copyClass(c))
		}
	}
	slices.SortFunc(out, func(a, b Class) int { return int(a.ID) - int(b.ID) })
	return out, nil
}

// Update implements Store.
func (m *MemoryStore) Update(_ context.Context, c Class) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	o, ok := m.classes[c.ID]
	if !ok {
		return ErrNotFound
	}
	o.Closed, o.Route, o.Steps, o.RouteGen = c.Closed, c.Route, slices.Clone(c.Steps), c.RouteGen
	o.PausedUntil, o.Following = c.PausedUntil, c.Following
	return nil
}

// Join implements Store.
func (m *MemoryStore) Join(_ context.Context, id uint32, progress, name string) (Member, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.classes[id]; !ok {
		return Member{}, ErrNotFound
	}
	if in, ok := m.of[progress]; ok && in != id {
		return Member{}, ErrMember
	}
	ms := m.members[id]
	if ms == nil {
		ms = map[string]Member{}
		m.members[id] = ms
	}
	if mb, ok := ms[progress]; ok {
		mb.Name = name
		ms[progress] = mb
		return mb, nil
	}
	if len(ms) >= MaxPupils {
		return Member{}, ErrFull
	}
	m.numbers[id]++
	mb := Member{Class: id, Number: m.numbers[id], Progress: progress, Name: name}
	ms[progress] = mb
	m.of[progress] = id
	return mb, nil
}

// Leave implements Store.
func (m *MemoryStore) Leave(_ context.Context, id uint32, progress string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.of[progress] == id {
		delete(m.of, progress)
		delete(m.members[id], progress)
	}
	return nil
}

// Membership implements Store.
func (m *MemoryStore) Membership(_ context.Context, progress string) (Member, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	id, ok := m.of[progress]
	if !ok {
		return Member{}, ErrNotFound
	}
	return m.members[id][progress], nil
}

// Members implements Store.
func (m *MemoryStore) Members(_ context.Context, id uint32) ([]Member, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]Member, 0, len(m.members[id]))
	for _, mb := range m.members[id] {
		out = append(out, mb)
	}
	slices.SortFunc(out, func(a, b Member) int { return int(a.Number) - int(b.Number) })
	return out, nil
}

// SetSteps implements Store.
func (m *MemoryStore) SetSteps(_ context.Context, id uint32, progress string, gen uint32, steps uint64) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	mb, ok := m.members[id][progress]
	if !ok {
		return ErrNotFound
	}
	mb.RouteGen, mb.Steps = gen, steps
	m.members[id][progress] = mb
	return nil
}
