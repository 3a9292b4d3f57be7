package zone

import (
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"
)

// FuzzLoad feeds arbitrary bytes to Load as a map beside a valid external
// tileset. Whatever the input, Load must return a zone or an error, never
// panic, and a zone it returns must be consistent.
func FuzzLoad(f *testing.F) {
	seeds, err := filepath.Glob(filepath.Join("testdata", "*.tmx"))
	if err != nil || len(seeds) == 0 {
		f.Fatalf("no seed maps in testdata: %v", err)
	}
	for _, s := range seeds {
		b, err := os.ReadFile(s)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`<map orientation="orthogonal" width="2" height="1" tilewidth="32" tileheight="32"><layer name="ground"><data encoding="base64">AQAAAA==</data></layer></map>`))
	tsx, err := os.ReadFile(filepath.Join("testdata", "t.tsx"))
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		fsys := fstest.MapFS{"m.tmx": {Data: data}, "t.tsx": {Data: tsx}}
		z, err := Load(fsys, "m.tmx")
		if err != nil {
			if z != nil {
				t.Fatal("zone and error both returned")
			}
			if len(Problems(err)) == 0 {
				t.Fatalf("error without a *zone.Error: %v", err)
			}
			return
		}
		g := z.Grid
		if len(g.Blocked) != g.Cols*g.Rows || len(g.Terrain) != len(g.Blocked) {
			t.Fatalf("inconsistent grid %dx%d with %d tiles", g.Cols, g.Rows, len(g.Blocked))
		}
		for _, k := range g.Terrain {
			if int(k) >= len(g.TerrainKinds) {
				t.Fatalf("terrain index %d out of %d kinds", k, len(g.TerrainKinds))
			}
		}
		for _, h := range z.Hotspots {
			if _, ok := z.Hotspot(h.ID); !ok {
				t.Fatalf("hotspot %s not indexed", h.ID)
			}
		}
	})
}
