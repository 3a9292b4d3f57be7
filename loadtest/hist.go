package loadtest

import (
	"math/bits"
	"sync/atomic"
	"time"
)

// Histogram counts durations in fixed log-scale buckets: values below 16 µs
// exactly, then 16 linear sub-buckets per power of two, so any recorded
// value is reported within 1/16 (6.25 %) of itself, up to 2^31 µs (36 min).
// Recording is one atomic add and allocates nothing; it is safe for
// concurrent use.
type Histogram struct {
	counts [histBuckets]atomic.Uint64
	sum    atomic.Uint64 // microseconds
	max    atomic.Uint64 // microseconds
}

const (
	histSub     = 16 // sub-buckets per power of two; values below are exact
	histSubBits = 4
	histMaxBits = 31 // largest value 2^31-1 µs; larger values are clamped
	histBuckets = histSub + (histMaxBits-histSubBits)*histSub
)

// bucketOf returns the bucket of a value in microseconds.
func bucketOf(us uint64) int {
	if us >= 1<<histMaxBits {
		us = 1<<histMaxBits - 1
	}
	if us < histSub {
		return int(us)
	}
	shift := bits.Len64(us) - histSubBits - 1 // us>>shift is in [16, 32)
	return histSub + shift*histSub + int(us>>shift) - histSub
}

// bucketMax is the largest value (µs) that falls in bucket i.
func bucketMax(i int) uint64 {
	if i < histSub {
		return uint64(i)
	}
	shift := (i - histSub) / histSub
	sub := uint64((i-histSub)%histSub + histSub)
	return (sub+1)<<shift - 1
}

// Record adds one duration (negative counts as zero).
func (h *Histogram) Record(d time.Duration) {
	us := uint64(max(d.Microseconds(), 0))
	h.counts[bucketOf(us)].Add(1)
	h.sum.Add(us)
	for {
		m := h.max.Load()
		if us <= m || h.max.CompareAndSwap(m, us) {
			return
		}
	}
}

// Snapshot copies the counts. Counts recorded during the copy may be
// partly included; that is fine for monitoring.
func (h *Histogram) Snapshot() HistSnapshot {
	var s HistSnapshot
	for i := range h.counts {
		n := h.counts[i].Load()
		s.Counts[i] = n
		s.N += n
	}
	s.SumUS = h.sum.Load()
	s.MaxUS = h.max.Load()
	return s
}

// HistSnapshot is a copy of a Histogram's counts. It is a plain value.
type HistSnapshot struct {
	Counts [histBuckets]uint64
	N      uint64
	SumUS  uint64
	MaxUS  uint64 // the largest value ever recorded (not windowed by Sub)
}

// Sub returns the counts recorded between old and s (a window).
func (s *HistSnapshot) Sub(old *HistSnapshot) HistSnapshot {
	d := HistSnapshot{MaxUS: s.MaxUS}
	for i := range s.Counts {
		d.Counts[i] = s.Counts[i] - old.Counts[i]
		d.N += d.Counts[i]
	}
	d.SumUS = s.SumUS - old.SumUS
	return d
}

// Quantile returns the value at quantile q (0..1): the upper edge of the
// bucket holding it, so never below the true value. Zero when empty.
func (s *HistSnapshot) Quantile(q float64) time.Duration {
	if s.N == 0 {
		return 0
	}
	rank := uint64(q*float64(s.N) + 0.5)
	rank = min(max(rank, 1), s.N)
	var seen uint64
	for i, n := range s.Counts {
		seen += n
		if seen >= rank {
			return time.Duration(min(bucketMax(i), s.MaxUS)) * time.Microsecond
		}
	}
	return time.Duration(s.MaxUS) * time.Microsecond
}

// Mean is the mean recorded value.
func (s *HistSnapshot) Mean() time.Duration {
	if s.N == 0 {
		return 0
	}
	return time.Duration(s.SumUS/s.N) * time.Microsecond
}
