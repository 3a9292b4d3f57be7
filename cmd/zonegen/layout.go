package main

import "fmt"

// Map geometry: 240 x 160 tiles of 2 m, 32 px each.
const (
	cols        = 240
	rows        = 160
	metresPerTl = 2
	tilePx      = 32
	mapName     = "Zone industrielle de l'Usine Extraordinaire"
)

// Tile ids of the tileset (local ids; gid = id + 1).
const (
	tGround = iota
	tRoad
	tQuay
	tGrass
	tPlaza
	tWater
	tWall
	tileCount
)

// rect is a tile-aligned rectangle in metres (all values even).
type rect struct{ x, y, w, h int }

type building struct {
	id, name, kind string
	r              rect
	height         float64
}

type booth struct {
	id, name, sector string
	r                rect
}

type hotspot struct {
	id, title, text, challenge, booth, media string
	x, y                                     float64 // metres
	rng                                      float64
}

type area struct {
	id, name, kind string
	r              rect
}

// plan is the whole fair map before it is written as TMX.
type plan struct {
	ground    []int // tile id per tile
	collision []bool
	buildings []building
	booths    []booth
	hotspots  []hotspot
	areas     []area
}

func (p *plan) paint(r rect, tile int) {
	for y := r.y / metresPerTl; y < (r.y+r.h)/metresPerTl; y++ {
		for x := r.x / metresPerTl; x < (r.x+r.w)/metresPerTl; x++ {
			if x >= 0 && y >= 0 && x < cols && y < rows {
				p.ground[y*cols+x] = tile
			}
		}
	}
}

func (p *plan) wall(r rect) {
	for y := r.y / metresPerTl; y < (r.y+r.h)/metresPerTl; y++ {
		for x := r.x / metresPerTl; x < (r.x+r.w)/metresPerTl; x++ {
			p.collision[y*cols+x] = true
		}
	}
}

func (p *plan) building(name, kind string, r rect, h float64) building {
	b := building{id: fmt.Sprintf("bat-%02d", len(p.buildings)+1), name: name, kind: kind, r: r, height: h}
	p.buildings = append(p.buildings, b)
	return b
}

func (p *plan) area(id, name, kind string, r rect) {
	p.areas = append(p.areas, area{id: id, name: name, kind: kind, r: r})
}

func (p *plan) hotspot(challenge, title, text, boothID string, x, y, rng float64) {
	p.hotspots = append(p.hotspots, hotspot{
		id:        fmt.Sprintf("h-%03d", len(p.hotspots)+1),
		title:     title,
		text:      text,
		challenge: challenge,
		booth:     boothID,
		media:     "/media/" + challenge + ".svg",
		x:         x, y: y, rng: rng,
	})
}

// Main roads (metres): three east-west, four north-south, 8 m wide.
var (
	roadsY = [...]int{70, 160, 244}
	roadsX = [...]int{90, 200, 310, 400}
)

// generate lays out the fair. The zone reads west to east: the spawn plaza
// and the information centre, the factory quarter with the booths, the
// agora in the north, the power plants in the north-east, and the port with
// the tidal power plant along the southern sea front.
func generate() *plan {
	p := &plan{ground: make([]int, cols*rows), collision: make([]bool, cols*rows)}
	const (
		quayY  = 252
		waterY = 276
		W      = cols * metresPerTl
		H      = rows * metresPerTl
	)
	// Terrain: ground everywhere, then roads, the sea front and the sea.
	for _, y := range roadsY {
		p.paint(rect{0, y, W, 8}, tRoad)
	}
	for _, x := range roadsX {
		p.paint(rect{x, 0, 8, quayY}, tRoad)
	}
	p.paint(rect{0, quayY, W, waterY - quayY}, tQuay)
	p.paint(rect{0, waterY, W, H - waterY}, tWater)

	// Spawn plaza and information centre (west).
	p.paint(rect{8, 86, 74, 66}, tPlaza)
	p.area("spawn", "Place d'accueil", "spawn", rect{24, 100, 44, 40})
	info := p.building("Centre d'information", "info_centre", rect{18, 16, 54, 36}, 12)
	p.paint(rect{8, 52, 74, 18}, tPlaza)
	p.area("centre-information", "Centre d'information", "info_centre", rect{8, 8, 76, 62})
	p.paint(rect{4, 174, 80, 62}, tGrass)
	silo1 := p.building("Silo à grains", "silo", rect{20, 184, 16, 16}, 30)
	p.building("Silo à grains", "silo", rect{48, 184, 16, 16}, 30)

	// Training hall and stores north of the factory quarter.
	p.building("Halle des apprentis", "training_centre", rect{112, 14, 40, 36}, 9)
	p.building("Entrepôt de pièces détachées", "warehouse", rect{162, 14, 30, 40}, 12)

	// Agora: a 60 x 40 m plaza with a small stage, for the evening talks.
	p.paint(rect{224, 14, 60, 40}, tPlaza)
	stage := p.building("Scène de l'agora", "agora_stage", rect{244, 14, 20, 6}, 4)
	p.area("agora", "Agora", "agora", rect{224, 14, 60, 40})

	// Energy: thermal plant behind a fence, solar plant, wind farm.
	p.paint(rect{410, 8, 66, 56}, tGrass)
	p.paint(rect{410, 80, 66, 76}, tGrass)
	thermal := p.building("Centrale thermique", "power_plant", rect{334, 16, 40, 36}, 40)
	// Fence around the thermal plant, with a gate to the south.
	p.wall(rect{322, 6, 64, 2})
	p.wall(rect{322, 6, 2, 58})
	p.wall(rect{384, 6, 2, 58})
	p.wall(rect{322, 62, 24, 2})
	p.wall(rect{362, 62, 24, 2})
	solar := p.building("Centrale solaire", "power_plant", rect{418, 16, 50, 40}, 3)
	var turbines []building
	for i, pos := range [][2]int{{422, 92}, {450, 92}, {422, 124}, {450, 124}} {
		turbines = append(turbines, p.building(fmt.Sprintf("Éolienne %d", i+1), "wind_turbine", rect{pos[0], pos[1], 4, 4}, 40))
	}
	p.area("energie", "Pôle énergie", "energy", rect{318, 0, 162, 160})
	p.area("parc-eolien", "Parc éolien", "energy", rect{410, 80, 66, 76})

	// Port: quays, cranes, port office, warehouses; the tidal power plant
	// stands on the sea front, half in the water.
	tidal := p.building("Centrale marémotrice", "tidal_plant", rect{96, 264, 64, 30}, 18)
	office := p.building("Capitainerie", "port_office", rect{250, 254, 20, 10}, 10)
	var cranes []building
	for i, x := range []int{300, 336, 372, 408, 444} {
		cranes = append(cranes, p.building(fmt.Sprintf("Grue portuaire %d", i+1), "crane", rect{x, 264, 6, 8}, 35))
	}
	p.building("Entrepôt frigorifique", "warehouse", rect{418, 176, 54, 24}, 14)
	p.building("Entrepôt logistique", "warehouse", rect{418, 212, 54, 26}, 16)
	p.area("port", "Port", "port", rect{240, 244, 240, 76})
	p.area("maremotrice", "Centrale marémotrice", "energy", rect{90, 252, 76, 68})

	// Factory quarter: six blocks between the roads, each with a factory in
	// the middle and eight booths around it; the booths east of a factory
	// are behind it as seen from the spawn.
	factories := []struct {
		name   string
		height float64
	}{
		{"Usine d'assemblage aéronautique", 24}, {"Usine chimique", 32}, {"Usine agroalimentaire", 14},
		{"Atelier de plasturgie", 10}, {"Fonderie", 28}, {"Usine de microélectronique", 18},
	}
	secs, jbs, tps := sectors(), jobs(), topics()
	challenges := []string{"innovation", "inclusion", "industrie-4.0", "developpement-durable"}
	blocks := []rect{
		{98, 78, 102, 82}, {208, 78, 102, 82}, {318, 78, 82, 82},
		{98, 168, 102, 76}, {208, 168, 102, 76}, {318, 168, 82, 76},
	}
	p.area("usines", "Quartier des usines", "factories", rect{98, 78, 302, 166})
	n := 0
	for bi, blk := range blocks {
		// Factory in the middle, leaving 24 m on each side for booths.
		fr := rect{blk.x + 26, blk.y + 22, blk.w - 52, blk.h - 44}
		p.building(factories[bi].name, "factory", fr, factories[bi].height)
		// Booth slots: two west, two east, two north, two south.
		cy1, cy2 := fr.y+2, fr.y+fr.h-14
		cx1, cx2 := fr.x+2, fr.x+fr.w-14
		slots := []rect{
			{blk.x + 6, cy1, 12, 12}, {blk.x + 6, cy2, 12, 12},
			{fr.x + fr.w + 6, cy1, 12, 12}, {fr.x + fr.w + 6, cy2, 12, 12},
			{cx1, blk.y + 4, 12, 12}, {cx2, blk.y + 4, 12, 12},
			{cx1, fr.y + fr.h + 6, 12, 12}, {cx2, fr.y + fr.h + 6, 12, 12},
		}
		for _, r := range slots {
			sec := secs[n%len(secs)]
			b := booth{id: fmt.Sprintf("b-%02d", n+1), name: sec.name, sector: sec.key, r: r}
			p.booths = append(p.booths, b)
			p.paint(r, tPlaza)
			// Five hotspots per booth, dice pattern, each challenge in turn.
			for k, off := range [][2]int{{3, 3}, {9, 3}, {6, 6}, {3, 9}, {9, 9}} {
				ch := challenges[(n+k)%len(challenges)]
				tp := tps[ch][(n/len(challenges)+k)%len(tps[ch])]
				j := jbs[(n*5+k*3)%len(jbs)]
				p.hotspot(ch, fill(tp.title, sec, j), fill(tp.text, sec, j), b.id,
					float64(r.x+off[0]), float64(r.y+off[1]), 4)
			}
			n++
		}
	}

	// Landmark hotspots, placed on free ground beside each landmark.
	south := func(b building, dx int) (float64, float64) { return float64(b.r.x + dx), float64(b.r.y + b.r.h + 3) }
	north := func(b building, dx int) (float64, float64) { return float64(b.r.x + dx), float64(b.r.y - 3) }
	west := func(b building, dy int) (float64, float64) { return float64(b.r.x - 3), float64(b.r.y + dy) }
	at := func(l landmark, x, y float64) { p.hotspot(l.challenge, l.title, l.text, "", x, y, 8) }
	for i, l := range landmarks("info") {
		x, y := south(info, 6+i*10)
		at(l, x, y)
	}
	for i, l := range landmarks("agora") {
		x, y := south(stage, -14+i*12)
		at(l, x, y+8)
	}
	for i, l := range landmarks("tidal") {
		x, y := north(tidal, 6+i*13)
		at(l, x, y)
	}
	for i, l := range landmarks("port") {
		if i < len(cranes) {
			x, y := north(cranes[i], 3)
			at(l, x, y)
			continue
		}
		x, y := south(office, 0)
		at(l, x-6, y-2)
	}
	for i, l := range landmarks("thermal") {
		x, y := south(thermal, 6+i*12)
		at(l, x, y+4)
	}
	for i, l := range landmarks("solar") {
		x, y := south(solar, 8+i*16)
		at(l, x, y+1)
	}
	for i, l := range landmarks("wind") {
		x, y := west(turbines[i%len(turbines)], 2)
		at(l, x, y)
	}
	for i, l := range landmarks("silo") {
		x, y := south(silo1, 4+i*24)
		at(l, x, y)
	}
	return p
}
