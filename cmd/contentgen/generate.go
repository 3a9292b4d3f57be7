package main

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"path"
	"slices"
	"strings"

	"github.com/usine-extraordinaire/fairworld/world/content"
	"github.com/usine-extraordinaire/fairworld/world/zone"
)

// scenesTxt describes every scene picture: "name<TAB>background: props".
//
//go:embed scenes.txt
var scenesTxt string

// generatedDirs are the media folders contentgen owns.
func generatedDirs() []string { return []string{"icons", "portraits", "scenes", "visites"} }

// generate returns the media files of a contents file, by path in the
// media folder.
func generate(data []byte) (map[string][]byte, error) {
	var set content.Set
	if err := json.Unmarshal(data, &set); err != nil {
		return nil, fmt.Errorf("contents file: %w", err)
	}
	known := props()
	specs := map[string]string{}
	for i, line := range strings.Split(strings.TrimSpace(scenesTxt), "\n") {
		name, spec, ok := strings.Cut(line, "\t")
		if !ok {
			return nil, fmt.Errorf("scenes.txt line %d: want name<TAB>scene", i+1)
		}
		if _, dup := specs[name]; dup {
			return nil, fmt.Errorf("scenes.txt line %d: %s described twice", i+1, name)
		}
		specs[name] = spec
	}
	files := map[string][]byte{}
	owned := func(name string) bool { return slices.Contains(generatedDirs(), strings.Split(name, "/")[0]) }
	var errs []string
	picture := func(c *content.Content, im content.Image) {
		name, ok := strings.CutPrefix(im.Src, "/media/")
		if !ok || !owned(name) || files[name] != nil {
			return // an organiser's file, or drawn already
		}
		spec, ok := specs[name]
		if !ok {
			errs = append(errs, fmt.Sprintf("content %s: %s is in a generated folder but scenes.txt does not describe it", c.Hotspot, im.Src))
			return
		}
		sc, err := parseScene(spec, known)
		if err != nil {
			errs = append(errs, err.Error())
			return
		}
		files[name] = drawScene(sc, c.Challenge, im.Alt, known)
	}
	for i := range set.Contents {
		c := &set.Contents[i]
		if c.Image != nil {
			picture(c, *c.Image)
		}
		for _, st := range c.Steps {
			picture(c, st.Image)
		}
		if c.Speaker != nil {
			name, ok := strings.CutPrefix(c.Speaker.Portrait.Src, "/media/")
			if ok && path.Dir(name) == "portraits" {
				files[name] = drawPortrait(c.Speaker, c.Challenge)
			}
		}
	}
	for name := range specs {
		if files[name] == nil {
			errs = append(errs, fmt.Sprintf("scenes.txt describes %s, which no content uses", name))
		}
	}
	for _, ch := range zone.Challenges() {
		files["icons/"+ch+".svg"] = icon(ch)
	}
	if len(errs) > 0 {
		slices.Sort(errs)
		return nil, fmt.Errorf("%d problem(s):\n%s", len(errs), strings.Join(errs, "\n"))
	}
	return files, nil
}
