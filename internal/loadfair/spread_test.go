package loadfair

import (
	"testing"

	"github.com/usine-extraordinaire/fairworld/world/zone"
)

func TestSpreadZone(t *testing.T) {
	tmx, err := writeSpreadZone(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	z, err := zone.LoadFile(tmx)
	if err != nil {
		t.Fatal(err)
	}
	d, err := zone.Default()
	if err != nil {
		t.Fatal(err)
	}
	if z.Spawn != (zone.Rect{W: d.Width, H: d.Height}) {
		t.Fatalf("spawn area %+v, want the whole %g x %g m map", z.Spawn, d.Width, d.Height)
	}
	if d.Spawn == z.Spawn || len(z.Hotspots) != len(d.Hotspots) || len(z.Areas) != len(d.Areas) {
		t.Fatalf("the copy differs beyond its spawn area: default spawn %+v, %d/%d hotspots, %d/%d areas",
			d.Spawn, len(z.Hotspots), len(d.Hotspots), len(z.Areas), len(d.Areas))
	}
}
