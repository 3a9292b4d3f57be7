package server

import (
	"testing"
	"time"
)

// A gap in the observations is late time: the awake clock stops for it, and
// lateIn sees it in its window.
func TestLatenessGaps(t *testing.T) {
	t0 := time.Now()
	l := newLateness(t0)
	l.begin(t0)
	at := func(d time.Duration) time.Time { return t0.Add(d) }
	for d := lateInterval; d <= time.Second; d += lateInterval {
		l.observe(at(d)) // on time
	}
	if got := l.total(); got != 0 {
		t.Fatalf("late %v while observed every interval", got)
	}
	l.observe(at(4 * time.Second)) // 3 s without running
	if got, want := l.total(), 3*time.Second-lateInterval; got != want {
		t.Errorf("late %v after a 3 s gap, want %v", got, want)
	}
	if got, want := l.awake(at(4*time.Second)), time.Second+lateInterval; got != want {
		t.Errorf("awake clock %v, want %v", got, want)
	}
	if got := l.lateIn(at(4*time.Second), 5*time.Second); got != l.total() {
		t.Errorf("lateIn(5 s) = %v, want %v", got, l.total())
	}
	if got := l.lateIn(at(10*time.Second), 5*time.Second); got != 0 {
		t.Errorf("lateIn(5 s) 6 s after the gap = %v, want 0", got)
	}
	l.observe(at(3 * time.Second)) // an older observation changes nothing
	if got, want := l.total(), 3*time.Second-lateInterval; got != want {
		t.Errorf("late %v after a stale observation, want %v", got, want)
	}
}
