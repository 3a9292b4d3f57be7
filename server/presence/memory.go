package presence

import (
	"context"
	"sync"
	"time"

	"github.com/usine-extraordinaire/fairworld/world/nav"
)

var _ Store = (*MemoryStore)(nil)

// MemoryConfig configures a MemoryStore. Zero values mean the defaults.
type MemoryConfig struct {
	ResumeWindow time.Duration    // how long a detached session stays resumable; zero means 60 s
	Now          func() time.Time // clock of the resume window and token grace; nil means time.Now
}

// MemoryStore is the presence of a single node: sessions live in its
// memory, so a restart of the process loses them (resumes then get
// ReasonRestarted). Avatar ids count from 1. Safe for concurrent use.
type MemoryStore struct {
	cfg   MemoryConfig
	epoch epoch

	mu     sync.Mutex
	t      table             // guarded by mu
	byKey  map[string]*entry // guarded by mu: pseudonym key -> its session (online or resumable)
	nextID uint32            // guarded by mu
}

// NewMemory returns an empty store.
func NewMemory(cfg MemoryConfig) *MemoryStore {
	if cfg.ResumeWindow == 0 {
		cfg.ResumeWindow = DefaultResumeWindow
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &MemoryStore{cfg: cfg, epoch: newEpoch(), t: newTable(), byKey: make(map[string]*entry)}
}

// Create implements Store.
func (m *MemoryStore) Create(_ context.Context, display, key string, t Traits) (Session, error) {
	now := m.cfg.Now()
	m.mu.Lock()
	defer m.mu.Unlock()
	if other := m.byKey[key]; other != nil {
		if other.resumable(now) {
			return Session{}, ErrTaken
		}
		m.forget(other)
	}
	m.nextID++
	if m.nextID == 0 { // after 4 billion sessions
		m.nextID = 1
	}
	e := &entry{sid: newSID(), tag: tagOf(key), display: display, key: key, avatar: m.nextID, traits: t, gen: 1, attached: true}
	e.id = sidString(e.sid)
	tok := mint(m.epoch, e.tag, e.sid)
	e.cur = tok.hash()
	m.t.byID[e.id] = e
	m.byKey[key] = e
	return e.session(tok, false), nil
}

// Resume implements Store.
func (m *MemoryStore) Resume(_ context.Context, raw string) (Session, error) {
	tok, ok := parseToken(raw)
	if !ok {
		return Session{}, &ResumeError{Reason: ReasonExpired}
	}
	if tok.epoch != m.epoch {
		return Session{}, &ResumeError{Reason: ReasonRestarted} // sessions live in memory: an earlier run's
	}
	now := m.cfg.Now()
	m.mu.Lock()
	defer m.mu.Unlock()
	e := m.t.byID[sidString(tok.sid)]
	if e == nil {
		return Session{}, &ResumeError{Reason: ReasonExpired}
	}
	if !e.resumable(now) {
		m.forget(e)
		return Session{}, &ResumeError{Reason: ReasonExpired}
	}
	h := tok.hash()
	if !e.accepts(h, now) {
		return Session{}, &ResumeError{Reason: ReasonExpired}
	}
	nt := e.rotate(h, m.epoch, now)
	return e.session(nt, true), nil
}

// Confirm implements Store.
func (m *MemoryStore) Confirm(ref SessionRef) {
	m.mu.Lock()
	if e := m.t.find(ref); e != nil {
		e.prev = ""
	}
	m.mu.Unlock()
}

// Moved implements Store.
func (m *MemoryStore) Moved(ref SessionRef, p nav.Point) {
	m.mu.Lock()
	if e := m.t.find(ref); e != nil {
		e.setPos(p)
	}
	m.mu.Unlock()
}

// Detach implements Store.
func (m *MemoryStore) Detach(ref SessionRef, p nav.Point) {
	now := m.cfg.Now()
	m.mu.Lock()
	if e := m.t.find(ref); e != nil && e.attached {
		e.setPos(p)
		e.attached = false
		e.expires = now.Add(m.cfg.ResumeWindow)
	}
	m.mu.Unlock()
}

// End implements Store.
func (m *MemoryStore) End(ref SessionRef) {
	m.mu.Lock()
	if e := m.t.find(ref); e != nil {
		m.forget(e)
	}
	m.mu.Unlock()
}

// TakenOver implements Store: one node, so never.
func (m *MemoryStore) TakenOver(dst []SessionRef) []SessionRef { return dst }

// Online implements Store: the local count is the fair's.
func (m *MemoryStore) Online(local int) uint32 { return uint32(max(local, 0)) }

// Sessions implements Store.
func (m *MemoryStore) Sessions() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.t.byID)
}

// Ready implements Store: always.
func (m *MemoryStore) Ready() error { return nil }

// Run implements Store: it forgets expired sessions once a second.
func (m *MemoryStore) Run(ctx context.Context) {
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			m.sweep(m.cfg.Now())
		}
	}
}

// sweep forgets the detached sessions past their window and voids the
// previous tokens past their grace: nothing of a session is kept after it.
func (m *MemoryStore) sweep(now time.Time) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, e := range m.t.byID {
		switch {
		case !e.resumable(now):
			m.forget(e)
		case e.prev != "" && now.After(e.prevUntil):
			e.prev = ""
		}
	}
}

func (m *MemoryStore) forget(e *entry) {
	delete(m.t.byID, e.id)
	if m.byKey[e.key] == e {
		delete(m.byKey, e.key)
	}
}
