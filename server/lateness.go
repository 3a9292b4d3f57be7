package server

import (
	"context"
	rtmetrics "runtime/metrics"
	"sync"
	"sync/atomic"
	"time"
)

// lateness measures the time the server was too late to serve its clients:
// the process did not run (stopped, throttled by a CPU quota, its machine
// paused) or its goroutines waited long to be scheduled (CPU starvation).
//
// It is the basis of the overload policy (docs/PROTOCOL.md §6, "When the
// server is late"): the timeouts that judge a client (HELLO, keepalive,
// stuck writes, the join) run on the awake clock, which stops while the
// server is late, and the input rate credits each connection with the
// messages it may have sent while the server could not read them. A client
// is never punished for the server's delay.
//
// Two signals, sampled every lateInterval by run:
//   - gaps: when no observation happened for more than 2 lateInterval, the
//     process did not run; the gap minus one interval is late time;
//   - scheduling: when the 90th percentile of the time goroutines waited
//     runnable (runtime/metrics /sched/latencies:seconds) over an interval
//     reaches lateSchedP90, the whole interval is late time.
//
// Safe for concurrent use.
type lateness struct {
	start time.Time // holds a monotonic reading: every offset below is monotonic

	lastObs atomic.Int64 // ns after start of the latest observation
	late    atomic.Int64 // ns of late time since start

	mu     sync.Mutex
	recent [lateSlots]lateSlot // guarded by mu: late time per lateSlotLen, a ring

	// owned by run
	sample rtmetrics.Sample
	prev   []uint64
}

const (
	lateInterval = 50 * time.Millisecond
	lateSchedP90 = 50 * time.Millisecond
	// lateMinWakeups: fewer scheduling events than this in an interval say
	// nothing (an idle server).
	lateMinWakeups = 20
)

// The ring of recent late time: lateSlots slots of lateSlotLen.
const (
	lateSlotLen = 100 * time.Millisecond
	lateSlots   = 64
)

type lateSlot struct {
	slot int64 // offset / lateSlotLen this slot holds
	ns   int64
}

func newLateness(now time.Time) *lateness {
	return &lateness{start: now, sample: rtmetrics.Sample{Name: "/sched/latencies:seconds"}}
}

func (l *lateness) offset(t time.Time) int64 { return t.Sub(l.start).Nanoseconds() }

// begin marks when observations start (Serve): the time before is not a gap.
func (l *lateness) begin(now time.Time) { l.lastObs.Store(l.offset(now)) }

// observe records that the server runs at now; a gap since the previous
// observation longer than two intervals is added as late time. Judges call
// it before judging, so that a stall they are the first to see counts.
func (l *lateness) observe(now time.Time) {
	n := l.offset(now)
	for {
		old := l.lastObs.Load()
		if n <= old {
			return
		}
		if l.lastObs.CompareAndSwap(old, n) {
			if gap := n - old; gap > 2*int64(lateInterval) {
				l.addLate(n, gap-int64(lateInterval))
			}
			return
		}
	}
}

func (l *lateness) addLate(at, d int64) {
	l.late.Add(d)
	slot := at / int64(lateSlotLen)
	l.mu.Lock()
	r := &l.recent[slot%lateSlots]
	if r.slot != slot {
		r.slot, r.ns = slot, 0
	}
	r.ns += d
	l.mu.Unlock()
}

// total is the late time since the server started.
func (l *lateness) total() time.Duration { return time.Duration(l.late.Load()) }

// awake is the awake clock at now: the time since start minus the late
// time. It does not observe (readers call it for every message): a stall not
// yet counted makes it run ahead, which only makes a client look more recent.
func (l *lateness) awake(now time.Time) time.Duration {
	return time.Duration(l.offset(now) - l.late.Load())
}

// judge observes now and returns the awake clock, for a decision about a client.
func (l *lateness) judge(now time.Time) time.Duration {
	l.observe(now)
	return l.awake(now)
}

// lateIn is the late time added in the last d before now (d at most
// lateSlots*lateSlotLen, in whole slots).
func (l *lateness) lateIn(now time.Time, d time.Duration) time.Duration {
	cur := l.offset(now) / int64(lateSlotLen)
	from := cur - int64(d/lateSlotLen)
	var sum int64
	l.mu.Lock()
	for _, r := range l.recent {
		if r.slot > from && r.slot <= cur {
			sum += r.ns
		}
	}
	l.mu.Unlock()
	return time.Duration(sum)
}

// awakeTimer calls f once an awake duration has passed: the wall-clock
// timer is re-armed for what the server's late time took away. Safe for
// concurrent use.
type awakeTimer struct {
	mu   sync.Mutex
	t    *time.Timer // guarded by mu
	done bool        // guarded by mu: stopped or fired
}

// afterAwake starts an awakeTimer for d.
func (l *lateness) afterAwake(d time.Duration, f func()) *awakeTimer {
	at := &awakeTimer{}
	deadline := l.awake(time.Now()) + d
	var fire func()
	fire = func() {
		left := deadline - l.judge(time.Now())
		at.mu.Lock()
		if at.done {
			at.mu.Unlock()
			return
		}
		if left > 0 {
			at.t = time.AfterFunc(left, fire)
			at.mu.Unlock()
			return
		}
		at.done = true
		at.mu.Unlock()
		f()
	}
	at.mu.Lock()
	at.t = time.AfterFunc(d, fire)
	at.mu.Unlock()
	return at
}

// Stop stops the timer; it reports false if f was called (or is being called).
func (at *awakeTimer) Stop() bool {
	at.mu.Lock()
	defer at.mu.Unlock()
	if at.done {
		return false // fired, or stopped before
	}
	at.done = true
	at.t.Stop()
	return true
}

// run samples the signals until ctx ends.
func (l *lateness) run(ctx context.Context) {
	t := time.NewTicker(lateInterval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		now := time.Now()
		l.observe(now)
		if l.schedLate() {
			l.addLate(l.offset(now), int64(lateInterval))
		}
	}
}

// schedLate reads the scheduling latencies of the last interval and reports
// whether their 90th percentile reached lateSchedP90.
func (l *lateness) schedLate() bool {
	rtmetrics.Read([]rtmetrics.Sample{l.sample})
	if l.sample.Value.Kind() != rtmetrics.KindFloat64Histogram {
		return false
	}
	h := l.sample.Value.Float64Histogram()
	if len(l.prev) != len(h.Counts) {
		l.prev = append(l.prev[:0], h.Counts...)
		return false
	}
	var n uint64
	for i, c := range h.Counts {
		n += c - l.prev[i]
	}
	late := false
	if n >= lateMinWakeups {
		// Buckets[i] is the lower bound of Counts[i]: count the wake-ups at
		// or above the threshold.
		var slow uint64
		for i, c := range h.Counts {
			if h.Buckets[i] >= lateSchedP90.Seconds() {
				slow += c - l.prev[i]
			}
		}
		late = slow*10 >= n
	}
	copy(l.prev, h.Counts)
	return late
}
