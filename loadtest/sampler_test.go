package loadtest

import (
	"testing"
	"time"
)

// Rates divide by connected client-seconds: clients that joined late or
// left early count for the time they were there.
func TestSamplerRates(t *testing.T) {
	t.Parallel()
	t0 := time.Unix(1000, 0)
	at := func(s int) time.Time { return t0.Add(time.Duration(s) * time.Second) }
	s := &sampler{first: sample{at: t0, connected: 10}}
	s.last = s.first
	// 10 clients for 2 s, then 20 for 2 s: 60 client-seconds at 20 msg/s each.
	s.add(&sample{at: at(1), connected: 10, msgs: 200, bytes: 2000, moves: 1000, visible: 50})
	s.add(&sample{at: at(2), connected: 10, msgs: 400, bytes: 4000, moves: 2000, visible: 50})
	s.last.connected = 20 // 10 joined at the 2 s mark
	s.add(&sample{at: at(3), connected: 20, msgs: 800, bytes: 8000, moves: 4000, visible: 200})
	s.add(&sample{at: at(4), connected: 20, msgs: 1200, bytes: 12000, moves: 6000, visible: 200})
	var sum Summary
	s.summarise(&sum)
	if sum.Window != 4 || sum.MsgsPerClientSec != 20 || sum.BytesPerClientSec != 200 || sum.MovesPerClientSec != 100 || sum.MovesPerSec != 1500 {
		t.Fatalf("summary = %+v", sum)
	}
	if sum.VisibleMean != 7.5 { // mean of 5, 5, 10, 10
		t.Fatalf("visible mean = %v", sum.VisibleMean)
	}
}
