package main

import (
	"testing"

	"github.com/usine-extraordinaire/fairworld/internal/loadfair"
)

func TestScaleMix(t *testing.T) {
	m := presets()["100k"].Mix
	got := scaleMix(m, 0.01)
	want := loadfair.Mix{Walk: 70, Group: 30, GroupSize: 30, Agora: 20, Stand: 880, Echo: 20, Probes: 20}
	if got != want {
		t.Fatalf("100k × 0.01 = %+v, want %+v", got, want)
	}
	// Groups stay whole, and one at least.
	if g := scaleMix(loadfair.Mix{Group: 90, GroupSize: 30}, 0.1); g.Group != 30 {
		t.Fatalf("90 in groups of 30 × 0.1: %d in groups, want one group of 30", g.Group)
	}
	if g := scaleMix(loadfair.Mix{Group: 600}, 0.5); g.Group != 300 {
		t.Fatalf("600 in groups of the default 30 × 0.5: %d, want 300", g.Group)
	}
}
