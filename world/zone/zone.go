package zone

// Zone is the industrial zone as the server and its clients use it: the one
// derived form of a Tiled map, produced by Load. It is immutable once loaded
// and safe for concurrent use by any number of goroutines.
//
// Coordinates are metres. The origin is the map's top-left corner, X grows to
// the east (right) and Y grows to the south (down), as in Tiled. The 3D page
// maps (x, y) to three.js (x, 0, y) with Y up.
type Zone struct {
	ID     string  `json:"id"`     // stable id: map name + "@" + first 12 hex digits of the map's SHA-256
	Name   string  `json:"name"`   // French display name
	Width  float64 `json:"width"`  // metres (Cols * Tile)
	Height float64 `json:"height"` // metres (Rows * Tile)

	// Grid is the walkability grid every client and the server share.
	Grid Grid `json:"grid"`

	Buildings []Building `json:"buildings"`
	Booths    []Booth    `json:"booths"`
	Hotspots  []Hotspot  `json:"hotspots"`
	Areas     []Area     `json:"areas"`
	// Spawn is where new avatars appear (an area of kind "spawn").
	Spawn Rect `json:"spawn"`

	hotspots map[string]int // hotspot id -> index in Hotspots, built by Load
	warnings []*Error       // what Load ignored (Warnings)
}

// Hotspot returns the hotspot with the given id. The pointer is into the
// zone's own slice: read it, never modify it.
func (z *Zone) Hotspot(id string) (*Hotspot, bool) {
	if z.hotspots == nil { // a Zone built by hand, as in tests
		for i := range z.Hotspots {
			if z.Hotspots[i].ID == id {
				return &z.Hotspots[i], true
			}
		}
		return nil, false
	}
	i, ok := z.hotspots[id]
	if !ok {
		return nil, false
	}
	return &z.Hotspots[i], true
}

// Booth returns the booth with the given id (linear search; there are tens).
func (z *Zone) Booth(id string) (*Booth, bool) {
	for i := range z.Booths {
		if z.Booths[i].ID == id {
			return &z.Booths[i], true
		}
	}
	return nil, false
}

// SpawnPoint returns the centre of the spawn area.
func (z *Zone) SpawnPoint() (x, y float64) {
	return z.Spawn.X + z.Spawn.W/2, z.Spawn.Y + z.Spawn.H/2
}

// Grid is a row-major tile grid. Tile (c, r) covers [c*Tile, (c+1)*Tile) x [r*Tile, (r+1)*Tile).
type Grid struct {
	Cols int     `json:"cols"`
	Rows int     `json:"rows"`
	Tile float64 `json:"tile"` // metres per tile side
	// Terrain holds one index into TerrainKinds per tile (row-major, len Cols*Rows).
	// Serialised as base64 in JSON.
	Terrain      []byte   `json:"terrain"`
	TerrainKinds []string `json:"terrain_kinds"` // e.g. "ground", "road", "quay", "water", "grass", "plaza"
	// Blocked is 1 where a tile is not walkable (building footprint, wall, water), else 0
	// (row-major, len Cols*Rows). Serialised as base64 in JSON.
	Blocked []byte `json:"blocked"`
}

// Rect is an axis-aligned rectangle in metres.
type Rect struct {
	X float64 `json:"x"`
	Y float64 `json:"y"`
	W float64 `json:"w"`
	H float64 `json:"h"`
}

// Building is a volume: not walkable, drawn with its height by the 3D page.
type Building struct {
	ID     string  `json:"id"`
	Name   string  `json:"name"` // French label, may be empty
	Kind   string  `json:"kind"` // one of BuildingKinds; another loads but is drawn generically
	Rect   Rect    `json:"rect"`
	Height float64 `json:"height"` // metres
}

// Booth is a company space. Its rectangle is walkable (visitors stand in it).
// The stand's name and company are in the contents file (world/content),
// keyed by the booth id.
type Booth struct {
	ID     string `json:"id"`     // "b-01"
	Name   string `json:"name"`   // the map's label, may be empty (the stand's name is in the contents)
	Sector string `json:"sector"` // short sector key
	Rect   Rect   `json:"rect"`
}

// Challenge keys, the four challenges of the fair.
const (
	ChallengeInnovation  = "innovation"
	ChallengeInclusion   = "inclusion"
	ChallengeIndustry40  = "industrie-4.0"
	ChallengeSustainable = "developpement-durable"
)

// Hotspot is a clickable content point. What it shows (title, text,
// media) is its content in the contents file (world/content), keyed by its
// id: the map only places it.
type Hotspot struct {
	ID        string  `json:"id"` // "h-001"
	Challenge string  `json:"challenge"`
	Booth     string  `json:"booth,omitempty"` // booth id, when the hotspot belongs to one
	X         float64 `json:"x"`
	Y         float64 `json:"y"`
	Range     float64 `json:"range"` // metres: how close an avatar must be to open it
}

// Area is a named region (port, agora, information centre, spawn, ...). Areas are
// informational; walkability comes from the grid only.
type Area struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	Kind string `json:"kind"` // one of AreaKinds
	Rect Rect   `json:"rect"`
}
