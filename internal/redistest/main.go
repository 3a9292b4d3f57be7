package redistest

import (
	"fmt"
	"os"
	"sync"
)

// Main is a TB for servers that a package's tests share: start them from
// TestMain (or lazily, once) with a Main and call Close when m.Run
// returned. A failure to start panics. Tests that kill, pause or restart
// a server must start their own.
type Main struct {
	mu       sync.Mutex
	cleanups []func() // guarded by mu
}

// Helper implements TB.
func (*Main) Helper() {}

// Fatal implements TB: it panics.
func (*Main) Fatal(args ...any) { panic("redistest: " + fmt.Sprint(args...)) }

// Fatalf implements TB: it panics.
func (*Main) Fatalf(format string, args ...any) { panic("redistest: " + fmt.Sprintf(format, args...)) }

// Errorf implements TB: it panics.
func (m *Main) Errorf(format string, args ...any) { m.Fatalf(format, args...) }

// TempDir implements TB: a directory removed by Close.
func (m *Main) TempDir() string {
	d, err := os.MkdirTemp("", "redistest")
	if err != nil {
		m.Fatal(err)
	}
	m.Cleanup(func() { _ = os.RemoveAll(d) })
	return d
}

// Cleanup implements TB: f runs at Close, the last added first.
func (m *Main) Cleanup(f func()) {
	m.mu.Lock()
	m.cleanups = append(m.cleanups, f)
	m.mu.Unlock()
}

// Close stops what was started with m; calling it twice is safe.
func (m *Main) Close() {
	m.mu.Lock()
	c := m.cleanups
	m.cleanups = nil
	m.mu.Unlock()
	for i := len(c) - 1; i >= 0; i-- {
		c[i]()
	}
}
