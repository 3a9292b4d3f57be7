package loadfair

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"

	"github.com/usine-extraordinaire/fairworld/world/zone"
)

// spawnArea is the default map's spawn object (its first line: name and
// rectangle in pixels).
var spawnArea = regexp.MustCompile(`(<object id="\d+" name="[^"]*") x="\d+" y="\d+" width="\d+" height="\d+">(\s*<properties>\s*<property name="id" value="spawn"/>)`)

// writeSpreadZone writes into dir a copy of the default zone whose spawn
// area is the whole map, and returns the .tmx's path: new avatars then
// appear at random walkable points all over the zone, which is how a run
// of idle visitors gets spread over the zone without walking 100,000 of
// them there (what walking costs is measured by the other runs). Checked
// by loading it.
func writeSpreadZone(dir string) (string, error) {
	src := zone.DefaultFS()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	var tmx string
	err := fs.WalkDir(src, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(src, p)
		if err != nil {
			return err
		}
		if filepath.Ext(p) == ".tmx" {
			w, h, err := mapPixels(b)
			if err != nil {
				return err
			}
			out := spawnArea.ReplaceAll(b, fmt.Appendf(nil, `$1 x="0" y="0" width="%d" height="%d">$2`, w, h))
			if string(out) == string(b) {
				return fmt.Errorf("loadfair: no spawn area found in %s", p)
			}
			b = out
			tmx = filepath.Join(dir, filepath.Base(p))
		}
		return os.WriteFile(filepath.Join(dir, filepath.Base(p)), b, 0o644)
	})
	if err != nil {
		return "", err
	}
	if tmx == "" {
		return "", fmt.Errorf("loadfair: the default zone has no .tmx")
	}
	z, err := zone.LoadFile(tmx)
	if err != nil {
		return "", err
	}
	if mw, mh := z.Width, z.Height; z.Spawn.W < mw || z.Spawn.H < mh {
		return "", fmt.Errorf("loadfair: the spread zone's spawn area is %v, not the whole %g x %g m map", z.Spawn, mw, mh)
	}
	return tmx, nil
}

var mapSize = regexp.MustCompile(`<map [^>]*width="(\d+)" height="(\d+)" tilewidth="(\d+)" tileheight="(\d+)"`)

// mapPixels is the map's size in pixels (Tiled's object coordinates).
func mapPixels(tmx []byte) (w, h int, err error) {
	m := mapSize.FindSubmatch(tmx)
	if m == nil {
		return 0, 0, fmt.Errorf("loadfair: no map size in the default zone")
	}
	var tw, th, pw, ph int
	fmt.Sscan(string(m[1]), &tw)
	fmt.Sscan(string(m[2]), &th)
	fmt.Sscan(string(m[3]), &pw)
	fmt.Sscan(string(m[4]), &ph)
	return tw * pw, th * ph, nil
}
