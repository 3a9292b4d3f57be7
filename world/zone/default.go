package zone

import (
	"embed"
	"io/fs"
)

// defaultFiles is the default fair map written by cmd/zonegen.
//
//go:embed default/fair.tmx default/fair.tsx default/tiles.png
var defaultFiles embed.FS

// DefaultMapName is the name of the default map inside DefaultFS.
const DefaultMapName = "fair.tmx"

// DefaultFS returns the files of the default map: fair.tmx, fair.tsx and
// tiles.png. It is read-only and safe for concurrent use.
func DefaultFS() fs.FS {
	sub, err := fs.Sub(defaultFiles, "default")
	if err != nil {
		panic("zone: embedded default map missing: " + err.Error()) // cannot happen: the path is a constant embedded above
	}
	return sub
}

// Default loads the default fair map embedded in the binary.
func Default() (*Zone, error) {
	return Load(DefaultFS(), DefaultMapName)
}
