package loadtest

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/usine-extraordinaire/fairworld/world/zone"
)

func defaultZone(t *testing.T) *zone.Zone {
	t.Helper()
	z, err := zone.Default()
	if err != nil {
		t.Fatal(err)
	}
	return z
}

func TestPlanIsolatedGroups(t *testing.T) {
	t.Parallel()
	z := defaultZone(t)
	const n, density, radius = 300, 20, 40.0
	p, err := NewPlan(z, n, density, radius)
	if err != nil {
		t.Fatal(err)
	}
	t.Log(p)
	if p.GroupSize != 21 || p.Groups != 15 || p.Side != 30 || len(p.Boxes) != 15 {
		t.Fatalf("plan = %+v", p)
	}
	if !p.Isolated {
		t.Fatalf("15 groups should fit apart in a %gx%g zone: %v", z.Width, z.Height, p)
	}
	for a, ba := range p.Boxes {
		if ba.X < 0 || ba.Y < 0 || ba.X+ba.W > z.Width || ba.Y+ba.H > z.Height {
			t.Errorf("box %d %+v outside the zone", a, ba)
		}
		if s := walkableShare(z, ba); s < minWalkable {
			t.Errorf("box %d is %.0f%% walkable", a, s*100)
		}
		for b := a + 1; b < len(p.Boxes); b++ {
			if d := rectGap(ba, p.Boxes[b]); d <= radius {
				t.Errorf("boxes %d and %d are %.1f m apart, within the view radius", a, b, d)
			}
		}
	}
	// 300 = 14 groups of 21 and one of 6.
	want := (14*21*20 + 6*5) / 300.0
	if math.Abs(p.Expected-want) > 1e-9 {
		t.Errorf("expected %v, want %v", p.Expected, want)
	}
	// Members of a group share a box; consecutive groups do not.
	if p.Box(0) != p.Box(20) || p.Box(20) == p.Box(21) {
		t.Errorf("group boundaries: %v %v %v", p.Box(0), p.Box(20), p.Box(21))
	}
	// Any point drawn in a box is inside it, and mostly walkable.
	rng := rand.New(rand.NewPCG(1, 1))
	bad := 0
	for i := range 1000 {
		b := p.Box(i % n)
		x, y := walkableIn(z, b, rng)
		if x < b.X || x > b.X+b.W || y < b.Y || y > b.Y+b.H {
			t.Fatalf("point (%v, %v) outside box %+v", x, y, b)
		}
		if !walkable(z, x, y) {
			bad++
		}
	}
	if bad > 10 {
		t.Errorf("%d of 1000 targets not walkable", bad)
	}
}

func TestPlanCrowdedZone(t *testing.T) {
	t.Parallel()
	z := defaultZone(t)
	p, err := NewPlan(z, 10_000, 20, 40)
	if err != nil {
		t.Fatal(err)
	}
	t.Log(p)
	if p.Isolated || p.Pitch != p.Side {
		t.Errorf("10,000 bots cannot be isolated: %v", p)
	}
	if p.Expected <= 20 {
		t.Errorf("expected %v, want more than asked", p.Expected)
	}
	counts := make(map[zone.Rect]int)
	for i := range 10_000 {
		counts[p.Box(i)]++
	}
	if len(counts) != len(p.Boxes) {
		t.Errorf("%d boxes used of %d", len(counts), len(p.Boxes))
	}
}

func TestPlanOpenZone(t *testing.T) {
	t.Parallel()
	z := &zone.Zone{ID: "open", Width: 200, Height: 100} // no grid: all walkable
	p, err := NewPlan(z, 40, 9, 40)
	if err != nil {
		t.Fatal(err)
	}
	// 4 groups; at pitch 72 only 2x1 boxes fit apart, so the pitch shrinks.
	if p.Groups != 4 || len(p.Boxes) != 4 || p.Isolated {
		t.Fatalf("plan = %v", p)
	}
	if _, err := NewPlan(&zone.Zone{ID: "tiny", Width: 10, Height: 10}, 10, 5, 40); err == nil {
		t.Fatal("a zone smaller than a box was accepted")
	}
	if _, err := NewPlan(z, 10, 0, 40); err == nil {
		t.Fatal("density 0 was accepted")
	}
}

// rectGap is the distance between two rectangles (0 if they overlap).
func rectGap(a, b zone.Rect) float64 {
	dx := max(0, max(a.X, b.X)-min(a.X+a.W, b.X+b.W))
	dy := max(0, max(a.Y, b.Y)-min(a.Y+a.H, b.Y+b.H))
	return math.Hypot(dx, dy)
}
