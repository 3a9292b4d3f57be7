package loadtest

import (
	"math"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
	"time"
)

func TestBucketsCoverAndOrder(t *testing.T) {
	t.Parallel()
	prev := -1
	for us := uint64(0); us < 1<<20; us++ {
		b := bucketOf(us)
		if b < prev || b > prev+1 {
			t.Fatalf("bucketOf(%d) = %d after %d", us, b, prev)
		}
		if us > bucketMax(b) || (b > 0 && us <= bucketMax(b-1)) {
			t.Fatalf("%d not within bucket %d (max %d)", us, b, bucketMax(b))
		}
		prev = b
	}
	if got := bucketOf(1 << 40); got != histBuckets-1 {
		t.Fatalf("huge value in bucket %d, want the last %d", got, histBuckets-1)
	}
	if histBuckets > 600 {
		t.Fatalf("%d buckets", histBuckets)
	}
}

func TestQuantilesWithinResolution(t *testing.T) {
	t.Parallel()
	var h Histogram
	r := rand.New(rand.NewPCG(1, 2))
	vals := make([]time.Duration, 100_000)
	for i := range vals {
		// log-uniform between 100 µs and 2 s
		vals[i] = time.Duration(100*float64(time.Microsecond)*math.Pow(20000, r.Float64())) / time.Microsecond * time.Microsecond
		h.Record(vals[i])
	}
	slices.Sort(vals)
	s := h.Snapshot()
	if s.N != uint64(len(vals)) {
		t.Fatalf("N = %d", s.N)
	}
	for _, q := range []float64{0.01, 0.5, 0.9, 0.99, 0.999, 1} {
		want := vals[int(q*float64(len(vals)-1))]
		got := s.Quantile(q)
		if got < want*99/100 || got > want*107/100 {
			t.Errorf("q%.3f = %v, want %v within 6.25%%", q, got, want)
		}
	}
	if got := s.Quantile(1); got != vals[len(vals)-1] {
		t.Errorf("max = %v, want %v", got, vals[len(vals)-1])
	}
}

func TestQuantileSmallExact(t *testing.T) {
	t.Parallel()
	var h Histogram
	for _, us := range []int{3, 1, 2, 5, 4} {
		h.Record(time.Duration(us) * time.Microsecond)
	}
	s := h.Snapshot()
	if got := s.Quantile(0.5); got != 3*time.Microsecond {
		t.Fatalf("median = %v", got)
	}
	if got := s.Mean(); got != 3*time.Microsecond {
		t.Fatalf("mean = %v", got)
	}
	var empty HistSnapshot
	if empty.Quantile(0.99) != 0 || empty.Mean() != 0 {
		t.Fatal("empty snapshot not zero")
	}
}

func TestSnapshotWindow(t *testing.T) {
	t.Parallel()
	var h Histogram
	for range 100 {
		h.Record(time.Millisecond)
	}
	a := h.Snapshot()
	for range 100 {
		h.Record(100 * time.Millisecond)
	}
	b := h.Snapshot()
	w := b.Sub(&a)
	if w.N != 100 || w.Quantile(0.01) < 90*time.Millisecond {
		t.Fatalf("window N=%d p1=%v", w.N, w.Quantile(0.01))
	}
}

func TestRecordConcurrentNoAlloc(t *testing.T) {
	var h Histogram
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for i := range 10_000 {
				h.Record(time.Duration(g*1000+i) * time.Microsecond)
			}
		})
	}
	wg.Wait()
	if s := h.Snapshot(); s.N != 40_000 || s.MaxUS != 3000+9999 {
		t.Fatalf("N=%d max=%d", s.N, s.MaxUS)
	}
	if a := testing.AllocsPerRun(100, func() { h.Record(42 * time.Millisecond) }); a != 0 {
		t.Fatalf("Record allocates %v", a)
	}
}
