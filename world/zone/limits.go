package zone

// Limits of a map that Load accepts. They keep a hostile or mistaken file
// from exhausting memory and keep texts to what the page shows.
const (
	MaxFileBytes  = 16 << 20 // the .tmx file
	MaxTiles      = 1 << 20  // columns * rows
	MaxMetres     = 4096     // map width and height
	MaxTitleBytes = 120      // object names: building, booth and area labels
	MaxIDBytes    = 64       // ids, kinds, sectors
	MaxObjects    = 20000    // objects in one object layer
	MinRange      = 1.0      // hotspot range, metres
	MaxRange      = 50.0
	DefaultRange  = 6.0
	// DefaultMetresPerTile is the tile side when the map has no
	// metres_per_tile property.
	DefaultMetresPerTile = 2.0
)

// Layer names the map must have.
const (
	LayerGround    = "ground"
	LayerCollision = "collision"
	LayerBuildings = "buildings"
	LayerBooths    = "booths"
	LayerHotspots  = "hotspots"
	LayerAreas     = "areas"
)

// AreaSpawn is the kind of the one area where new avatars appear.
const AreaSpawn = "spawn"

// TerrainWater is the terrain that is not walkable unless a tile says so.
const TerrainWater = "water"

// Challenges lists the four challenge keys in display order.
func Challenges() []string {
	return []string{ChallengeInnovation, ChallengeInclusion, ChallengeIndustry40, ChallengeSustainable}
}

// baseTerrains are always the first entries of Grid.TerrainKinds, so their
// indexes are stable across maps; other terrains follow in order of first
// use.
func baseTerrains() []string {
	return []string{"ground", "road", "quay", "grass", "plaza", TerrainWater}
}
