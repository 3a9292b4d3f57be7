// Package web embeds the visitor's page as built by `make web` (npm run build
// in this folder) into the server binary. When the page has not been built,
// dist holds only a placeholder and the server says so at /.
package web

import (
	"embed"
	"io/fs"
)

//go:embed all:dist
var dist embed.FS

// FS returns the built page: index.html, build.txt and assets/.
func FS() fs.FS {
	sub, err := fs.Sub(dist, "dist")
	if err != nil {
		panic(err) // "dist" is a valid path: cannot happen
	}
	return sub
}
