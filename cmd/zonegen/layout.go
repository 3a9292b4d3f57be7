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
	id, challenge, booth string
	x, y                 float64 // metres
	rng                  float64
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

func (p *plan) hotspot(challenge, boothID string, x, y, rng float64) {
	p.hotspots = append(p.hotspots, hotspot{
		id:        fmt.Sprintf("h-%03d", len(p.hotspots)+1),
		challenge: challenge,
		booth:     boothID,
		x:         x, y: y, rng: rng,
	})
}

// The zone reads from the centre out. The spawn plaza is the heart of the
// factory quarter: six factories, each with its eight booths around it, in
// two rows on either side of the plaza, so that every booth is at most
// about 120 m of walking from the spawn (24 s at 5 m/s; a test checks the
// farthest within 600 ticks). Around the quarter: the information centre
// in the west, the agora and the training hall in the north, the energy
// pole in the east (thermal plant with its chimney and cooling tower, the
// solar farm, the wind farm), and the port along the southern sea front
// (quays, cranes, container stacks, ships, warehouses, silos, the tidal
// power plant and a lighthouse).
const (
	mapW  = cols * metresPerTl
	mapH  = rows * metresPerTl
	quayY = 228 // the quay runs from here to the water
	seaY  = 258 // water from here to the south edge (and beyond, on the page)
)

// Factory quarter geometry: blocks of blockSide metres, each a factory with
// eight booths around it, three columns, two rows, the plaza in between.
const (
	blockSide = 56
	roadW     = 8
	quarterX  = 104 // west edge of the first column of blocks
	row1Y     = 56  // north edge of the first row
	plazaH    = 28  // the spawn plaza between the rows
)

func generate() *plan {
	p := &plan{ground: make([]int, cols*rows), collision: make([]bool, cols*rows)}
	row2Y := row1Y + blockSide + plazaH
	quarterE := quarterX + 3*blockSide + 2*roadW
	quarterS := row2Y + blockSide
	plazaY := row1Y + blockSide
	midX := quarterX + (quarterE-quarterX)/2

	// Terrain: ground, grass, roads, the quay and the sea.
	p.paint(rect{0, 0, mapW, quayY}, tGround)
	p.paint(rect{0, 152, 96, 44}, tGrass)   // park south-west of the information centre
	p.paint(rect{304, 0, 176, 196}, tGrass) // the energy pole's fields
	p.paint(rect{0, 0, 96, 4}, tGrass)
	// Ring road around the quarter, the two main east-west roads, the
	// streets between the blocks and the road into the energy pole.
	p.paint(rect{0, row1Y - roadW, 304, roadW}, tRoad)
	p.paint(rect{0, quarterS, mapW, roadW}, tRoad)
	p.paint(rect{quarterX - roadW, 0, roadW, quayY}, tRoad)
	p.paint(rect{quarterE, 0, roadW, quayY}, tRoad)
	for i := 1; i < 3; i++ {
		x := quarterX + i*blockSide + (i-1)*roadW
		p.paint(rect{x, row1Y, roadW, quarterS - row1Y}, tRoad)
	}
	p.paint(rect{quarterE, 104, mapW - quarterE, roadW}, tRoad)
	p.paint(rect{392, 56, roadW, quarterS - 56}, tRoad)
	p.paint(rect{0, quayY, mapW, seaY - quayY}, tQuay)
	p.paint(rect{0, seaY, mapW, mapH - seaY}, tWater)
	// A jetty out to the lighthouse.
	p.paint(rect{452, seaY, 8, 18}, tQuay)

	// The spawn plaza: the whole strip between the two rows of blocks,
	// opening west onto the information centre's forecourt.
	p.paint(rect{quarterX - roadW, plazaY, quarterE - quarterX + 2*roadW, plazaH}, tPlaza)
	p.paint(rect{8, 96, quarterX - roadW - 8, 56}, tPlaza)
	spawn := rect{midX - 12, plazaY + 6, 24, 20}
	p.area("spawn", "Place d'accueil", "spawn", spawn)
	// The welcome arch north of the spawn (the default camera looks north)
	// and the map board beside it.
	sign := p.building("Bienvenue à l'Usine Extraordinaire", "welcome_sign", rect{midX - 8, plazaY + 2, 16, 2}, 7)
	p.building("Plan de la zone", "map_board", rect{midX - 22, plazaY + 4, 6, 2}, 3)

	p.building("Centre d'information", "info_centre", rect{20, 60, 56, 32}, 12)
	p.area("centre-information", "Centre d'information", "info_centre", rect{8, 56, 88, 96})
	p.building("Bureaux de la zone", "office", rect{16, 160, 28, 22}, 18)

	// North: the training hall, the agora and the spare parts warehouse.
	p.building("Halle des apprentis", "training_centre", rect{12, 8, 44, 32}, 9)
	p.paint(rect{150, 4, 64, 40}, tPlaza)
	stage := p.building("Scène de l'agora", "agora_stage", rect{172, 4, 20, 6}, 5)
	p.area("agora", "Agora", "agora", rect{150, 4, 64, 40})
	p.building("Entrepôt de pièces détachées", "warehouse", rect{230, 6, 48, 30}, 12)

	// Energy pole: the thermal plant behind a fence (gate to the south) with
	// its chimney and cooling tower, the solar farm, the wind farm and the
	// gas tanks.
	p.paint(rect{314, 6, 74, 78}, tGround)
	thermal := p.building("Centrale thermique", "power_plant", rect{322, 12, 36, 28}, 26)
	p.building("Cheminée de la centrale", "chimney", rect{362, 14, 6, 6}, 70)
	p.building("Tour de refroidissement", "cooling_tower", rect{362, 48, 20, 20}, 38)
	p.wall(rect{314, 4, 74, 2})
	p.wall(rect{314, 4, 2, 80})
	p.wall(rect{386, 4, 2, 80})
	p.wall(rect{314, 82, 28, 2})
	p.wall(rect{358, 82, 30, 2})
	p.paint(rect{342, 84, 16, 20}, tRoad)
	solar := p.building("Centrale solaire", "solar_farm", rect{406, 8, 66, 40}, 3)
	var turbines []building
	for i, pos := range [][2]int{{412, 122}, {444, 122}, {412, 154}, {444, 154}} {
		turbines = append(turbines, p.building(fmt.Sprintf("Éolienne %d", i+1), "wind_turbine", rect{pos[0], pos[1], 4, 4}, 42))
	}
	for i, x := range []int{316, 334, 352} {
		p.building(fmt.Sprintf("Réservoir de gaz %d", i+1), "tank", rect{x, 150, 14, 14}, 12)
	}
	p.area("energie", "Pôle énergie", "energy", rect{304, 0, 176, 196})
	p.area("parc-eolien", "Parc éolien", "energy", rect{404, 114, 68, 68})

	// Port: backland (warehouses, silos, harbour office), the quay with its
	// cranes and container stacks, the ships, the lighthouse; the tidal
	// power plant stands on the sea front, half in the water.
	tidal := p.building("Centrale marémotrice", "tidal_plant", rect{16, 250, 64, 30}, 18)
	silo1 := p.building("Silo à grains", "silo", rect{112, 208, 14, 14}, 30)
	p.building("Silo à grains", "silo", rect{130, 208, 14, 14}, 30)
	p.building("Entrepôt frigorifique", "warehouse", rect{236, 206, 48, 18}, 12)
	p.building("Entrepôt logistique", "warehouse", rect{302, 206, 54, 18}, 14)
	office := p.building("Capitainerie", "port_office", rect{372, 206, 18, 14}, 10)
	var cranes []building
	for i, x := range []int{250, 290, 330, 370, 410} {
		cranes = append(cranes, p.building(fmt.Sprintf("Grue portuaire %d", i+1), "crane", rect{x, 246, 8, 10}, 36))
	}
	for i, r := range []rect{{238, 232, 16, 6}, {262, 232, 22, 6}, {302, 232, 22, 6}, {342, 232, 22, 6}, {382, 232, 22, 6}, {420, 232, 16, 6}} {
		p.building(fmt.Sprintf("Conteneurs %d", i+1), "container_stack", r, float64(5+(i%3)*2))
	}
	p.building("Porte-conteneurs", "ship", rect{244, 262, 76, 14}, 16)
	p.building("Cargo", "ship", rect{336, 262, 90, 16}, 18)
	p.building("Phare", "lighthouse", rect{452, 276, 8, 8}, 24)
	p.area("port", "Port", "port", rect{232, 204, 248, 116})
	p.area("maremotrice", "Centrale marémotrice", "energy", rect{8, 236, 88, 84})

	// Factory quarter.
	factories := []struct {
		name   string
		height float64
	}{
		// Row 2 faces the default camera at the spawn: its middle factory is low.
		{"Usine d'assemblage aéronautique", 22}, {"Usine chimique", 26}, {"Usine agroalimentaire", 14},
		{"Fonderie", 24}, {"Atelier de plasturgie", 10}, {"Usine de microélectronique", 16},
	}
	secs := sectors()
	challenges := []string{"innovation", "inclusion", "industrie-4.0", "developpement-durable"}
	p.area("usines", "Quartier des usines", "factories", rect{quarterX - roadW, row1Y - roadW, quarterE - quarterX + 2*roadW, quarterS - row1Y + 2*roadW})
	n := 0
	for bi := range factories {
		bx := quarterX + (bi%3)*(blockSide+roadW)
		by := row1Y
		if bi >= 3 {
			by = row2Y
		}
		// The factory in the middle, 4 m of walkway around it, and its
		// eight booths: corners and middles of the block's sides.
		const side, gap = 12, 4
		fr := rect{bx + side + gap, by + side + gap, blockSide - 2*(side+gap), blockSide - 2*(side+gap)}
		p.building(factories[bi].name, "factory", fr, factories[bi].height)
		lo, mid, hi := 0, (blockSide-side)/2, blockSide-side
		// Slots in the old map's order (two west, two east, two north, two
		// south), so booth and hotspot ids keep their sector and challenge.
		slots := []rect{
			{bx + lo, by + lo, side, side}, {bx + lo, by + hi, side, side},
			{bx + hi, by + lo, side, side}, {bx + hi, by + hi, side, side},
			{bx + mid, by + lo, side, side}, {bx + lo, by + mid, side, side},
			{bx + mid, by + hi, side, side}, {bx + hi, by + mid, side, side},
		}
		for _, r := range slots {
			sec := secs[n%len(secs)]
			b := booth{id: fmt.Sprintf("b-%02d", n+1), name: sec.name, sector: sec.key, r: r}
			p.booths = append(p.booths, b)
			p.paint(r, tPlaza)
			// Five hotspots per booth, dice pattern, each challenge in turn.
			for k, off := range [][2]int{{3, 3}, {9, 3}, {6, 6}, {3, 9}, {9, 9}} {
				ch := challenges[(n+k)%len(challenges)]
				p.hotspot(ch, b.id, float64(r.x+off[0]), float64(r.y+off[1]), 4)
			}
			n++
		}
	}

	// Landmark hotspots, placed on free ground beside each landmark. The
	// information centre's are on the spawn plaza, a few metres from where
	// visitors appear, around the welcome arch and the map board.
	south := func(b building, dx int) (float64, float64) { return float64(b.r.x + dx), float64(b.r.y + b.r.h + 3) }
	north := func(b building, dx int) (float64, float64) { return float64(b.r.x + dx), float64(b.r.y - 3) }
	west := func(b building, dy int) (float64, float64) { return float64(b.r.x - 3), float64(b.r.y + dy) }
	at := func(challenge string, x, y float64) { p.hotspot(challenge, "", x, y, 8) }
	for i, l := range landmarks("info") {
		x, y := south(sign, [...]int{-6, 2, 14, 22}[i])
		at(l, x, y+1)
	}
	for i, l := range landmarks("agora") {
		x, y := south(stage, -14+i*24)
		at(l, x, y+8)
	}
	for i, l := range landmarks("tidal") {
		x, y := north(tidal, 6+i*13)
		at(l, x, y)
	}
	for i, l := range landmarks("port") {
		if i < len(cranes) {
			x, y := north(cranes[i], 4)
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
		x, y := south(solar, 8+i*22)
		at(l, x, y+1)
	}
	for i, l := range landmarks("wind") {
		x, y := west(turbines[i%len(turbines)], 2)
		at(l, x, y)
	}
	for i, l := range landmarks("silo") {
		x, y := south(silo1, 4+i*20)
		at(l, x, y)
	}
	return p
}
