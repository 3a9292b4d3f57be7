package content

import (
	"embed"
	"io/fs"

	"github.com/usine-extraordinaire/fairworld/world/zone"
)

// defaultFiles are the default fair's contents and their media.
//
//go:embed default/contents.json default/media
var defaultFiles embed.FS

// DefaultFileName is the name of the default contents file inside DefaultFS.
const DefaultFileName = "contents.json"

// DefaultFS returns the default contents file and its media folder. It is
// read-only and safe for concurrent use.
func DefaultFS() fs.FS {
	sub, err := fs.Sub(defaultFiles, "default")
	if err != nil {
		panic("content: embedded default contents missing: " + err.Error()) // cannot happen: the path is a constant embedded above
	}
	return sub
}

// Default loads the default fair's contents, checked against z (normally
// zone.Default()).
func Default(z *zone.Zone) (*Set, error) {
	return Load(DefaultFS(), DefaultFileName, z)
}
