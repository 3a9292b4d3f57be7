package zone

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"
)

// smallMap returns a valid 10 x 8 tile map (20 x 16 m): ground with a row of
// water at the bottom, a factory, a booth with one hotspot, a spawn area.
func smallMap() string {
	return mapOf(10, 8, "2")
}

func mapOf(w, h int, mpt string) string {
	ground := make([]string, w*h)
	collision := make([]string, w*h)
	for i := range ground {
		ground[i] = "1"
		if i/w == h-1 {
			ground[i] = "2"
		}
		collision[i] = "0"
	}
	r := strings.NewReplacer(
		"WIDTH", fmt.Sprint(w), "HEIGHT", fmt.Sprint(h), "MPT", mpt,
		"GROUND", strings.Join(ground, ","), "COLLISION", strings.Join(collision, ","),
	)
	return r.Replace(`<?xml version="1.0" encoding="UTF-8"?>
<map version="1.10" orientation="orthogonal" renderorder="right-down" width="WIDTH" height="HEIGHT" tilewidth="32" tileheight="32" infinite="0">
 <properties>
  <property name="metres_per_tile" type="float" value="MPT"/>
  <property name="name" value="Petite zone d'essai"/>
 </properties>
 <tileset firstgid="1" name="t" tilewidth="32" tileheight="32" tilecount="2" columns="2">
  <image source="t.png" width="64" height="32"/>
  <tile id="0"><properties><property name="terrain" value="ground"/><property name="walkable" type="bool" value="true"/></properties></tile>
  <tile id="1"><properties><property name="terrain" value="water"/><property name="walkable" type="bool" value="false"/></properties></tile>
 </tileset>
 <layer id="1" name="ground" width="WIDTH" height="HEIGHT"><data encoding="csv">GROUND</data></layer>
 <layer id="2" name="collision" width="WIDTH" height="HEIGHT"><data encoding="csv">COLLISION</data></layer>
 <objectgroup id="3" name="buildings">
  <object id="1" name="Usine" x="64" y="64" width="64" height="64"><properties><property name="id" value="bat-1"/><property name="kind" value="factory"/><property name="height" type="float" value="20"/></properties></object>
 </objectgroup>
 <objectgroup id="4" name="booths">
  <object id="2" name="Chimie" x="192" y="32" width="96" height="96"><properties><property name="id" value="b-01"/><property name="sector" value="chimie"/></properties></object>
 </objectgroup>
 <objectgroup id="5" name="hotspots">
  <object id="3" name="Le jumeau numérique" x="208" y="48"><properties><property name="id" value="h-001"/><property name="challenge" value="industrie-4.0"/><property name="booth" value="b-01"/><property name="range" type="float" value="6"/></properties><point/></object>
 </objectgroup>
 <objectgroup id="6" name="areas">
  <object id="4" name="Accueil" x="0" y="0" width="64" height="64"><properties><property name="id" value="accueil"/><property name="kind" value="spawn"/></properties></object>
 </objectgroup>
</map>
`)
}

func loadString(t *testing.T, tmx string, extra fstest.MapFS) (*Zone, error) {
	t.Helper()
	fsys := fstest.MapFS{"m.tmx": {Data: []byte(tmx)}}
	for k, v := range extra {
		fsys[k] = v
	}
	return Load(fsys, "m.tmx")
}

func TestLoadSmallMap(t *testing.T) {
	t.Parallel()
	z, err := loadString(t, smallMap(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if z.Width != 20 || z.Height != 16 || z.Grid.Cols != 10 || z.Grid.Rows != 8 || z.Grid.Tile != 2 {
		t.Fatalf("size %vx%v grid %+v", z.Width, z.Height, z.Grid.Cols)
	}
	if !regexp.MustCompile(`^petite-zone-d-essai@[0-9a-f]{12}$`).MatchString(z.ID) {
		t.Errorf("ID = %q", z.ID)
	}
	if z.Spawn != (Rect{0, 0, 4, 4}) {
		t.Errorf("Spawn = %+v", z.Spawn)
	}
	if b := z.Buildings[0]; b.Rect != (Rect{4, 4, 4, 4}) || b.Height != 20 || b.Kind != "factory" || b.ID != "bat-1" {
		t.Errorf("building = %+v", b)
	}
	blocked := func(c, r int) bool { return z.Grid.Blocked[r*z.Grid.Cols+c] != 0 }
	if !blocked(2, 2) || !blocked(3, 3) || blocked(1, 1) || blocked(4, 4) {
		t.Error("building footprint not rasterised to tiles 2..3")
	}
	if !blocked(0, 7) || z.Grid.TerrainKinds[z.Grid.Terrain[7*10]] != "water" {
		t.Error("water row should be blocked water")
	}
	h, ok := z.Hotspot("h-001")
	if !ok || h.X != 13 || h.Y != 3 || h.Range != 6 || h.Booth != "b-01" || h.Challenge != ChallengeIndustry40 {
		t.Errorf("hotspot = %+v, %v", h, ok)
	}
	if _, ok := z.Hotspot("h-404"); ok {
		t.Error("found a hotspot that does not exist")
	}
	if _, ok := z.Booth("b-01"); !ok {
		t.Error("booth b-01 missing")
	}
	// The same bytes give the same id; other bytes another one.
	z2, err := loadString(t, smallMap()+"\n", nil)
	if err != nil {
		t.Fatal(err)
	}
	if z2.ID == z.ID || strings.Split(z2.ID, "@")[0] != strings.Split(z.ID, "@")[0] {
		t.Errorf("ids %q and %q", z.ID, z2.ID)
	}
}

func TestErrorFormat(t *testing.T) {
	t.Parallel()
	e := &Error{Object: "hotspot h-042", Problem: "outside the map"}
	if e.Error() != "hotspot h-042: outside the map" {
		t.Fatal(e.Error())
	}
}

// prop replaces one property value of the small map.
func prop(name, old, new string) func(string) string {
	re := regexp.MustCompile(`name="` + name + `"( type="[a-z]+")? value="` + regexp.QuoteMeta(old) + `"`)
	return func(s string) string {
		done := false
		return re.ReplaceAllStringFunc(s, func(m string) string {
			if done {
				return m
			}
			done = true
			return strings.Replace(m, `value="`+old+`"`, `value="`+new+`"`, 1)
		})
	}
}

func TestLoadBadMaps(t *testing.T) {
	t.Parallel()
	hotspot := `<object id="3" name="Le jumeau numérique" x="208" y="48">`
	cases := []struct {
		name   string
		edit   func(string) string
		object string
		want   string // a substring of the problem
	}{
		{"missing collision layer", func(s string) string {
			return regexp.MustCompile(`(?s) <layer id="2".*?</layer>\n`).ReplaceAllString(s, "")
		}, "layer collision", "missing tile layer"},
		{"missing hotspots layer", func(s string) string { return strings.Replace(s, `name="hotspots"`, `name="points"`, 1) }, "layer hotspots", "missing object layer"},
		{"unknown challenge", prop("challenge", "industrie-4.0", "robots"), "hotspot h-001", `unknown challenge "robots"`},
		{"duplicate hotspot id", func(s string) string {
			return strings.Replace(s, "</objectgroup>\n <objectgroup id=\"6\"", `<object id="9" name="Bis" x="240" y="48"><properties><property name="id" value="h-001"/><property name="challenge" value="inclusion"/></properties><point/></object></objectgroup>
 <objectgroup id="6"`, 1)
		}, "hotspot h-001", "duplicate id"},
		{"hotspot outside the map", func(s string) string {
			return strings.Replace(s, hotspot, `<object id="3" name="Le jumeau numérique" x="5000" y="48">`, 1)
		}, "hotspot h-001", "outside the map"},
		{"hotspot in a building", func(s string) string {
			return strings.Replace(s, hotspot, `<object id="3" name="Le jumeau numérique" x="80" y="80">`, 1)
		}, "hotspot h-001", "on a blocked tile"},
		{"hotspot on water", func(s string) string {
			return strings.Replace(s, hotspot, `<object id="3" name="Le jumeau numérique" x="16" y="240">`, 1)
		}, "hotspot h-001", "on a blocked tile"},
		{"hotspot not a point", func(s string) string {
			return strings.Replace(s, hotspot, `<object id="3" name="Le jumeau numérique" x="208" y="48" width="32" height="32">`, 1)
		}, "hotspot h-001", "not a point object"},
		{"missing booth", prop("booth", "b-01", "b-99"), "hotspot h-001", `booth "b-99" does not exist`},
		{"label too long", func(s string) string {
			return strings.Replace(s, `name="Le jumeau numérique"`, `name="`+strings.Repeat("é", 61)+`"`, 1)
		}, "hotspot h-001", "name longer than 120 bytes"},
		{"range too small", prop("range", "6", "0.5"), "hotspot h-001", "range 0.5 out of [1, 50]"},
		{"range too large", prop("range", "6", "60"), "hotspot h-001", "range 60 out of [1, 50]"},
		{"range not a number", prop("range", "6", "loin"), "hotspot h-001", `range "loin" is not a number`},
		{"building height missing", func(s string) string {
			return strings.Replace(s, `<property name="height" type="float" value="20"/>`, "", 1)
		}, "building bat-1", "height missing"},
		{"building height negative", prop("height", "20", "-3"), "building bat-1", "height missing or not in (0, 1000]"},
		{"building is an ellipse", func(s string) string {
			return strings.Replace(s, `value="20"/></properties></object>`, `value="20"/></properties><ellipse/></object>`, 1)
		}, "building bat-1", "not a rectangle"},
		{"booth is a polygon", func(s string) string {
			return strings.Replace(s, `value="chimie"/></properties></object>`, `value="chimie"/></properties><polygon points="0,0 10,0 0,10"/></object>`, 1)
		}, "booth b-01", "not a rectangle"},
		{"no spawn", prop("kind", "spawn", "agora"), "layer areas", "no area of kind spawn"},
		{"two spawns", func(s string) string {
			return strings.Replace(s, "</objectgroup>\n</map>", `<object id="8" name="Bis" x="0" y="128" width="64" height="64"><properties><property name="id" value="accueil-2"/><property name="kind" value="spawn"/></properties></object></objectgroup>
</map>`, 1)
		}, "layer areas", "2 areas of kind spawn"},
		{"spawn blocked", func(s string) string {
			return strings.Replace(s, `name="Accueil" x="0" y="0"`, `name="Accueil" x="64" y="64"`, 1)
		}, "area accueil", "spawn area is fully blocked"},
		{"booth without id", prop("id", "b-01", ""), "booth #2", "missing string property id"},
		{"tile without terrain", func(s string) string {
			return strings.Replace(s, `<property name="terrain" value="ground"/>`, "", 1)
		}, "tileset t tile 0", "terrain"},
		{"map without name", prop("name", "Petite zone d'essai", ""), "map", "missing string property name"},
		{"bad metres per tile", prop("metres_per_tile", "2", "0"), "map", "metres_per_tile"},
		{"isometric", func(s string) string { return strings.Replace(s, "orthogonal", "isometric", 1) }, "map", "want orthogonal"},
		{"compressed data", func(s string) string {
			return strings.Replace(s, `<data encoding="csv">`, `<data encoding="base64" compression="zlib">`, 1)
		}, "map", "compressed layer data"},
		{"malformed XML", func(s string) string { return s[:len(s)/2] }, "map", "invalid XML"},
		{"not a TMX file", func(string) string { return "<svg></svg>" }, "map", "no map element"},
		{"too many tiles", func(s string) string {
			return strings.Replace(s, `width="10" height="8"`, `width="2000" height="2000"`, 1)
		}, "map", "more than 1048576"},
		{"wrong tile count", func(s string) string {
			return strings.Replace(s, "<data encoding=\"csv\">1,", "<data encoding=\"csv\">", 1)
		}, "map", "invalid TMX"},
		{"missing external tileset", func(s string) string {
			return regexp.MustCompile(`(?s)<tileset firstgid="1".*?</tileset>`).ReplaceAllString(s, `<tileset firstgid="1" source="absent.tsx"/>`)
		}, "map", "invalid TMX"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			tmx := c.edit(smallMap())
			if tmx == smallMap() {
				t.Fatal("the edit changed nothing")
			}
			z, err := loadString(t, tmx, nil)
			if err == nil {
				t.Fatalf("loaded without error: %+v", z)
			}
			if z != nil {
				t.Error("a zone came back with an error")
			}
			for _, p := range Problems(err) {
				if p.Object == c.object && strings.Contains(p.Problem, c.want) {
					return
				}
			}
			t.Errorf("no problem %q: %q among:\n%v", c.object, c.want, err)
		})
	}
}

func TestLoadReportsEveryProblem(t *testing.T) {
	t.Parallel()
	tmx := prop("range", "6", "99")(prop("challenge", "industrie-4.0", "robots")(prop("height", "20", "0")(smallMap())))
	_, err := loadString(t, tmx, nil)
	ps := Problems(err)
	if len(ps) != 3 {
		t.Fatalf("want 3 problems, got %d:\n%v", len(ps), err)
	}
	var e *Error
	if !errors.As(err, &e) {
		t.Fatal("errors.As does not find a *zone.Error")
	}
}

func TestMapTooLargeInMetres(t *testing.T) {
	t.Parallel()
	_, err := loadString(t, mapOf(50, 8, "100"), nil)
	for _, p := range Problems(err) {
		if p.Object == "map" && strings.Contains(p.Problem, "larger than 4096 m") {
			return
		}
	}
	t.Fatalf("no size problem in %v", err)
}

// A map of the first stage, with hotspot texts and media, still loads:
// those properties are ignored with a warning (contents are in the
// contents file), and no problem.
func TestOldTextAndMediaIgnored(t *testing.T) {
	t.Parallel()
	tmx := strings.Replace(smallMap(), `<property name="range"`, `<property name="text" value="Un texte."/><property name="media" value="/media/x.svg"/><property name="range"`, 1)
	z, err := loadString(t, tmx, nil)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, w := range z.Warnings() {
		got = append(got, w.Error())
	}
	want := []string{
		"hotspot h-001: property text is ignored: what a hotspot shows is in the contents file (docs/CONTENTS.md)",
		"hotspot h-001: property media is ignored: what a hotspot shows is in the contents file (docs/CONTENTS.md)",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("warnings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if w, _ := loadString(t, smallMap(), nil); len(w.Warnings()) != 0 {
		t.Fatalf("the small map has warnings: %v", w.Warnings())
	}
}

func TestLoadFileWithExternalTileset(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	tmx := regexp.MustCompile(`(?s)<tileset firstgid="1".*?</tileset>`).ReplaceAllString(smallMap(), `<tileset firstgid="1" source="t.tsx"/>`)
	tsx := `<?xml version="1.0" encoding="UTF-8"?>
<tileset name="t" tilewidth="32" tileheight="32" tilecount="2" columns="2">
 <image source="t.png" width="64" height="32"/>
 <tile id="0"><properties><property name="terrain" value="road"/></properties></tile>
 <tile id="1"><properties><property name="terrain" value="water"/></properties></tile>
</tileset>`
	for name, data := range map[string]string{"m.tmx": tmx, "t.tsx": tsx} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	z, err := LoadFile(filepath.Join(dir, "m.tmx"))
	if err != nil {
		t.Fatal(err)
	}
	// walkable defaults to true, except for water.
	if z.Grid.Blocked[0] != 0 || z.Grid.Blocked[7*10] != 1 || z.Grid.TerrainKinds[z.Grid.Terrain[0]] != "road" {
		t.Fatal("defaults of walkable or terrain not applied")
	}
	if _, err := LoadFile(filepath.Join(dir, "absent.tmx")); err == nil {
		t.Fatal("loading a missing file succeeded")
	}
}

func TestDefaultZone(t *testing.T) {
	t.Parallel()
	z, err := Default()
	if err != nil {
		t.Fatalf("default zone: %v", err)
	}
	if len(z.Booths) < 40 {
		t.Errorf("%d booths, want >= 40", len(z.Booths))
	}
	if len(z.Hotspots) < 200 {
		t.Errorf("%d hotspots, want >= 200", len(z.Hotspots))
	}
	per := map[string]int{}
	for _, h := range z.Hotspots {
		per[h.Challenge]++
	}
	if w := z.Warnings(); len(w) != 0 {
		t.Errorf("the default map has warnings: %v", w)
	}
	for _, c := range Challenges() {
		if per[c] < 30 {
			t.Errorf("challenge %s has %d hotspots", c, per[c])
		}
	}
	kinds := map[string]int{}
	for _, b := range z.Buildings {
		kinds[b.Kind]++
	}
	for _, k := range []string{"tidal_plant", "power_plant", "info_centre", "agora_stage", "factory", "warehouse", "crane", "port_office", "ship", "wind_turbine"} {
		if kinds[k] == 0 {
			t.Errorf("no building of kind %s", k)
		}
	}
	areas := map[string]Area{}
	for _, a := range z.Areas {
		areas[a.Kind] = a
	}
	for _, k := range []string{"port", "agora", "info_centre", "spawn", "energy", "factories"} {
		if _, ok := areas[k]; !ok {
			t.Errorf("no area of kind %s", k)
		}
	}
	if a := areas["agora"]; a.Rect.W*a.Rect.H < 2000 {
		t.Errorf("agora is only %v m²", a.Rect.W*a.Rect.H)
	}
	// The port has water.
	g := z.Grid
	port := areas["port"].Rect
	water := 0
	for r := int(port.Y / g.Tile); r < int((port.Y+port.H)/g.Tile); r++ {
		for c := int(port.X / g.Tile); c < int((port.X+port.W)/g.Tile); c++ {
			if g.TerrainKinds[g.Terrain[r*g.Cols+c]] == TerrainWater && g.Blocked[r*g.Cols+c] == 1 {
				water++
			}
		}
	}
	if water < 100 {
		t.Errorf("port has %d water tiles", water)
	}
}

func TestSlug(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"Zone industrielle de l'Usine": "zone-industrielle-de-l-usine",
		"  Énergie — Côte d'Opale  ":   "energie-cote-d-opale",
		"":                             "zone",
		"日本":                           "zone",
	} {
		if got := slug(in); got != want {
			t.Errorf("slug(%q) = %q, want %q", in, got, want)
		}
	}
}
