package zone

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/lafriks/go-tiled"
)

// builder turns a parsed Tiled map into a Zone, collecting every problem.
type builder struct {
	m     *tiled.Map
	z     *Zone
	probs problems

	// metres per pixel on each axis
	sx, sy float64

	tileLayers   map[string]*tiled.Layer
	objectLayers map[string]*tiled.ObjectGroup
}

func (b *builder) build() {
	m, z := b.m, b.z
	props := propsOf(m.Properties)
	z.Name = props.GetString("name")
	if z.Name == "" {
		b.probs.add("map", "missing string property name")
	}
	b.checkText("map", "name", z.Name, MaxTitleBytes)

	mpt := DefaultMetresPerTile
	if p := props.Get("metres_per_tile"); p != nil {
		v, err := strconv.ParseFloat(p.Value, 64)
		if err != nil || !(v >= 0.25 && v <= 100) {
			b.probs.add("map", fmt.Sprintf("metres_per_tile %q, want a number in [0.25, 100]", p.Value))
		} else {
			mpt = v
		}
	}
	z.Grid.Cols, z.Grid.Rows, z.Grid.Tile = m.Width, m.Height, mpt
	z.Width, z.Height = float64(m.Width)*mpt, float64(m.Height)*mpt
	if z.Width > MaxMetres || z.Height > MaxMetres {
		b.probs.add("map", fmt.Sprintf("%gx%g m, larger than %d m", z.Width, z.Height, MaxMetres))
	}
	b.sx, b.sy = mpt/float64(m.TileWidth), mpt/float64(m.TileHeight)

	b.collectLayers()
	b.buildGrid()
	b.buildBuildings()
	b.buildBooths()
	b.buildAreas()
	b.buildHotspots()
}

// propsOf dereferences the map's optional property list.
func propsOf(p *tiled.Properties) tiled.Properties {
	if p == nil {
		return nil
	}
	return *p
}

// collectLayers indexes the layers by name, descending into group layers.
func (b *builder) collectLayers() {
	b.tileLayers = map[string]*tiled.Layer{}
	b.objectLayers = map[string]*tiled.ObjectGroup{}
	seen := map[string]bool{}
	var walk func(layers []*tiled.Layer, groups []*tiled.ObjectGroup, sub []*tiled.Group)
	// admit checks a layer's name and offset; false for a duplicate name.
	admit := func(name string, dx, dy float64) bool {
		if seen[name] {
			b.probs.add("layer "+name, "duplicate layer name")
			return false
		}
		seen[name] = true
		if dx != 0 || dy != 0 {
			b.probs.add("layer "+name, "layer offset must be 0")
		}
		return true
	}
	walk = func(layers []*tiled.Layer, groups []*tiled.ObjectGroup, sub []*tiled.Group) {
		for _, l := range layers {
			if admit(l.Name, l.OffsetX, l.OffsetY) {
				b.tileLayers[l.Name] = l
			}
		}
		for _, g := range groups {
			if admit(g.Name, g.OffsetX, g.OffsetY) {
				b.objectLayers[g.Name] = g
			}
		}
		for _, g := range sub {
			if g.OffsetX != 0 || g.OffsetY != 0 {
				b.probs.add("layer "+g.Name, "group layer offset must be 0")
			}
			walk(g.Layers, g.ObjectGroups, g.Groups)
		}
	}
	walk(b.m.Layers, b.m.ObjectGroups, b.m.Groups)
	for _, n := range []string{LayerGround, LayerCollision} {
		if b.tileLayers[n] == nil {
			b.probs.add("layer "+n, "missing tile layer")
		}
	}
	for _, n := range []string{LayerBuildings, LayerBooths, LayerHotspots, LayerAreas} {
		if b.objectLayers[n] == nil {
			b.probs.add("layer "+n, "missing object layer")
		} else if len(b.objectLayers[n].Objects) > MaxObjects {
			b.probs.add("layer "+n, fmt.Sprintf("%d objects, more than %d", len(b.objectLayers[n].Objects), MaxObjects))
			delete(b.objectLayers, n)
		}
	}
}

type tileKey struct {
	ts *tiled.Tileset
	id uint32
}

type tileInfo struct {
	terrain  byte
	walkable bool
}

// buildGrid fills Terrain and Blocked from the ground and collision layers.
func (b *builder) buildGrid() {
	g := &b.z.Grid
	n := g.Cols * g.Rows
	g.Terrain = make([]byte, n)
	g.Blocked = make([]byte, n)
	g.TerrainKinds = baseTerrains()
	kinds := map[string]byte{}
	for i, k := range g.TerrainKinds {
		kinds[k] = byte(i)
	}
	cache := map[tileKey]tileInfo{}
	bad := map[tileKey]bool{}
	if l := b.tileLayers[LayerGround]; l != nil && len(l.Tiles) == n {
		empty, firstEmpty := 0, 0
		for i, t := range l.Tiles {
			if t == nil || t.Nil || t.Tileset == nil {
				if empty == 0 {
					firstEmpty = i
				}
				empty++
				g.Blocked[i] = 1
				continue
			}
			key := tileKey{t.Tileset, t.ID}
			info, ok := cache[key]
			if !ok {
				var good bool
				info, good = b.tileInfo(t, kinds, &g.TerrainKinds)
				if !good {
					bad[key] = true
				}
				cache[key] = info
			}
			g.Terrain[i] = info.terrain
			if !info.walkable || bad[key] {
				g.Blocked[i] = 1
			}
		}
		if empty > 0 {
			b.probs.add("layer ground", fmt.Sprintf("%d empty tiles, the first at column %d, row %d: every tile needs a terrain", empty, firstEmpty%g.Cols, firstEmpty/g.Cols))
		}
	} else if l != nil {
		b.probs.add("layer ground", "tile data does not match the map size")
	}
	if l := b.tileLayers[LayerCollision]; l != nil && len(l.Tiles) == n {
		for i, t := range l.Tiles {
			if t != nil && !t.Nil {
				g.Blocked[i] = 1
			}
		}
	} else if l != nil {
		b.probs.add("layer collision", "tile data does not match the map size")
	}
}

// tileInfo reads the terrain and walkable properties of a ground tile.
func (b *builder) tileInfo(t *tiled.LayerTile, kinds map[string]byte, list *[]string) (tileInfo, bool) {
	obj := fmt.Sprintf("tileset %s tile %d", t.Tileset.Name, t.ID)
	tt, err := t.Tileset.GetTilesetTile(t.ID)
	if err != nil {
		b.probs.add(obj, "used on layer ground but has no terrain property")
		return tileInfo{walkable: false}, false
	}
	terrain := tt.Properties.GetString("terrain")
	if terrain == "" || len(terrain) > MaxIDBytes {
		b.probs.add(obj, "missing or too long string property terrain")
		return tileInfo{walkable: false}, false
	}
	k, ok := kinds[terrain]
	if !ok {
		if len(*list) >= 255 {
			b.probs.add(obj, "more than 255 terrain kinds")
			return tileInfo{}, false
		}
		k = byte(len(*list))
		kinds[terrain] = k
		*list = append(*list, terrain)
	}
	walkable := terrain != TerrainWater
	if p := tt.Properties.Get("walkable"); p != nil {
		switch p.Value {
		case "true":
			walkable = true
		case "false":
			walkable = false
		default:
			b.probs.add(obj, fmt.Sprintf("walkable %q, want true or false", p.Value))
		}
	}
	return tileInfo{terrain: k, walkable: walkable}, true
}

// objName names an object for problems: by its id property, else by its
// Tiled object id.
func objName(kind, id string, o *tiled.Object) string {
	if id != "" && len(id) <= MaxIDBytes && utf8.ValidString(id) {
		return kind + " " + id
	}
	return fmt.Sprintf("%s #%d", kind, o.ID)
}

// rect converts a rectangle object to metres, reporting objects that are not
// plain, unrotated rectangles of positive size inside the map.
func (b *builder) rect(obj string, o *tiled.Object) (Rect, bool) {
	if len(o.Ellipses) > 0 || len(o.Polygons) > 0 || len(o.PolyLines) > 0 || o.Text != nil || o.GID != 0 {
		b.probs.add(obj, "not a rectangle")
		return Rect{}, false
	}
	if o.Rotation != 0 {
		b.probs.add(obj, "rotated rectangles are not accepted")
		return Rect{}, false
	}
	if !(o.Width > 0 && o.Height > 0) {
		b.probs.add(obj, "not a rectangle (width and height must be > 0)")
		return Rect{}, false
	}
	r := Rect{X: o.X * b.sx, Y: o.Y * b.sy, W: o.Width * b.sx, H: o.Height * b.sy}
	if !(r.X >= 0 && r.Y >= 0 && r.X+r.W <= b.z.Width+1e-9 && r.Y+r.H <= b.z.Height+1e-9) {
		b.probs.add(obj, "outside the map")
		return Rect{}, false
	}
	return r, true
}

// tilesIn calls fn with the index of every tile whose centre lies inside r.
func (b *builder) tilesIn(r Rect, fn func(i int)) {
	g := &b.z.Grid
	c0 := int(math.Ceil(r.X/g.Tile - 0.5))
	c1 := int(math.Ceil((r.X+r.W)/g.Tile-0.5)) - 1
	r0 := int(math.Ceil(r.Y/g.Tile - 0.5))
	r1 := int(math.Ceil((r.Y+r.H)/g.Tile-0.5)) - 1
	c0, r0 = max(c0, 0), max(r0, 0)
	c1, r1 = min(c1, g.Cols-1), min(r1, g.Rows-1)
	for rr := r0; rr <= r1; rr++ {
		for cc := c0; cc <= c1; cc++ {
			fn(rr*g.Cols + cc)
		}
	}
}

// walkableIn reports whether some tile with its centre in r is free.
func (b *builder) walkableIn(r Rect) bool {
	if len(b.z.Grid.Blocked) == 0 {
		return true // the grid already failed; do not pile up problems
	}
	ok := false
	b.tilesIn(r, func(i int) {
		if b.z.Grid.Blocked[i] == 0 {
			ok = true
		}
	})
	return ok
}

// warn records something the map holds that Load accepts but ignores
// (Zone.Warnings returns it).
func (b *builder) warn(obj, problem string) {
	b.z.warnings = append(b.z.warnings, &Error{Object: obj, Problem: problem})
}

// checkText reports a string property that is too long or not UTF-8.
// requiredKey reads a short string property that must be present (a kind or
// sector key), reporting it when missing or too long.
func (b *builder) requiredKey(obj string, o *tiled.Object, name string) string {
	v := o.Properties.GetString(name)
	if v == "" {
		b.probs.add(obj, "missing string property "+name)
	}
	b.checkText(obj, name, v, MaxIDBytes)
	return v
}

func (b *builder) checkText(obj, field, s string, limit int) bool {
	if !utf8.ValidString(s) {
		b.probs.add(obj, field+" is not valid UTF-8")
		return false
	}
	if len(s) > limit {
		b.probs.add(obj, fmt.Sprintf("%s longer than %d bytes", field, limit))
		return false
	}
	return true
}

// checkID reports an id that is missing, too long or already used.
func (b *builder) checkID(obj, id string, seen map[string]bool) {
	switch {
	case id == "":
		b.probs.add(obj, "missing string property id")
	case len(id) > MaxIDBytes || !utf8.ValidString(id) || strings.ContainsAny(id, " \t\r\n"):
		b.probs.add(obj, fmt.Sprintf("id must be at most %d bytes without spaces", MaxIDBytes))
	case seen[id]:
		b.probs.add(obj, "duplicate id")
	default:
		seen[id] = true
	}
}

func (b *builder) objects(layer string) []*tiled.Object {
	if g := b.objectLayers[layer]; g != nil {
		return g.Objects
	}
	return nil
}

func (b *builder) buildBuildings() {
	seen := map[string]bool{}
	for _, o := range b.objects(LayerBuildings) {
		id := o.Properties.GetString("id")
		if id == "" {
			id = fmt.Sprintf("building-%d", o.ID)
		}
		obj := objName("building", id, o)
		b.checkID(obj, id, seen)
		kind := b.requiredKey(obj, o, "kind")
		b.checkText(obj, "name", o.Name, MaxTitleBytes)
		h := b.float(obj, o, "height", 0)
		if !(h > 0 && h <= 1000) {
			b.probs.add(obj, "height missing or not in (0, 1000] metres")
		}
		r, ok := b.rect(obj, o)
		if !ok {
			continue
		}
		if len(b.z.Grid.Blocked) > 0 {
			b.tilesIn(r, func(i int) { b.z.Grid.Blocked[i] = 1 })
		}
		b.z.Buildings = append(b.z.Buildings, Building{ID: id, Name: o.Name, Kind: kind, Rect: r, Height: h})
	}
}

// float reads a numeric property; def when absent, NaN when not a number.
func (b *builder) float(obj string, o *tiled.Object, name string, def float64) float64 {
	p := o.Properties.Get(name)
	if p == nil {
		return def
	}
	v, err := strconv.ParseFloat(strings.TrimSpace(p.Value), 64)
	if err != nil || math.IsInf(v, 0) {
		b.probs.add(obj, fmt.Sprintf("%s %q is not a number", name, p.Value))
		return math.NaN()
	}
	return v
}

func (b *builder) buildBooths() {
	seen := map[string]bool{}
	for _, o := range b.objects(LayerBooths) {
		id := o.Properties.GetString("id")
		obj := objName("booth", id, o)
		b.checkID(obj, id, seen)
		sector := b.requiredKey(obj, o, "sector")
		b.checkText(obj, "name", o.Name, MaxTitleBytes)
		r, ok := b.rect(obj, o)
		if !ok {
			continue
		}
		if !b.walkableIn(r) {
			b.probs.add(obj, "no walkable tile inside")
		}
		b.z.Booths = append(b.z.Booths, Booth{ID: id, Name: o.Name, Sector: sector, Rect: r})
	}
}

func (b *builder) buildAreas() {
	seen := map[string]bool{}
	spawns := 0
	for _, o := range b.objects(LayerAreas) {
		id := o.Properties.GetString("id")
		obj := objName("area", id, o)
		b.checkID(obj, id, seen)
		kind := b.requiredKey(obj, o, "kind")
		b.checkText(obj, "name", o.Name, MaxTitleBytes)
		r, ok := b.rect(obj, o)
		if !ok {
			if kind == AreaSpawn {
				spawns++
			}
			continue
		}
		if kind == AreaSpawn {
			spawns++
			b.z.Spawn = r
			if !b.walkableIn(r) {
				b.probs.add(obj, "spawn area is fully blocked")
			}
		}
		b.z.Areas = append(b.z.Areas, Area{ID: id, Name: o.Name, Kind: kind, Rect: r})
	}
	switch {
	case spawns == 0 && b.objectLayers[LayerAreas] != nil:
		b.probs.add("layer areas", "no area of kind spawn")
	case spawns > 1:
		b.probs.add("layer areas", fmt.Sprintf("%d areas of kind spawn, want exactly one", spawns))
	}
}

func (b *builder) buildHotspots() {
	seen := map[string]bool{}
	booths := map[string]bool{}
	for _, bo := range b.z.Booths {
		booths[bo.ID] = true
	}
	valid := map[string]bool{}
	for _, c := range Challenges() {
		valid[c] = true
	}
	b.z.hotspots = map[string]int{}
	for _, o := range b.objects(LayerHotspots) {
		id := o.Properties.GetString("id")
		obj := objName("hotspot", id, o)
		b.checkID(obj, id, seen)
		h := Hotspot{
			ID:        id,
			Challenge: o.Properties.GetString("challenge"),
			Booth:     o.Properties.GetString("booth"),
			X:         o.X * b.sx,
			Y:         o.Y * b.sy,
			Range:     b.float(obj, o, "range", DefaultRange),
		}
		b.checkText(obj, "name", o.Name, MaxTitleBytes)
		for _, old := range [...]string{"text", "media"} {
			if o.Properties.Get(old) != nil {
				b.warn(obj, fmt.Sprintf("property %s is ignored: what a hotspot shows is in the contents file (docs/CONTENTS.md)", old))
			}
		}
		switch {
		case h.Challenge == "":
			b.probs.add(obj, "missing string property challenge")
		case !valid[h.Challenge]:
			b.probs.add(obj, fmt.Sprintf("unknown challenge %q", h.Challenge))
		}
		if h.Booth != "" && !booths[h.Booth] {
			b.probs.add(obj, fmt.Sprintf("booth %q does not exist", h.Booth))
		}
		if !math.IsNaN(h.Range) && !(h.Range >= MinRange && h.Range <= MaxRange) {
			b.probs.add(obj, fmt.Sprintf("range %g out of [%g, %g] metres", h.Range, MinRange, MaxRange))
		}
		if len(o.Ellipses) > 0 || len(o.Polygons) > 0 || len(o.PolyLines) > 0 || o.Text != nil || o.GID != 0 || o.Width != 0 || o.Height != 0 {
			b.probs.add(obj, "not a point object")
			continue
		}
		if !(h.X >= 0 && h.Y >= 0 && h.X < b.z.Width && h.Y < b.z.Height) {
			b.probs.add(obj, "outside the map")
			continue
		}
		g := &b.z.Grid
		c, r := min(int(h.X/g.Tile), g.Cols-1), min(int(h.Y/g.Tile), g.Rows-1)
		if len(g.Blocked) > 0 && g.Blocked[r*g.Cols+c] != 0 {
			b.probs.add(obj, "on a blocked tile")
		}
		b.z.hotspots[id] = len(b.z.Hotspots)
		b.z.Hotspots = append(b.z.Hotspots, h)
	}
}
